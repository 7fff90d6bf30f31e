import '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { findApiToken } from '../services/access/api-tokens.ts';
import { findSession } from '../services/access/sessions.ts';
import type { Database } from '../storage/database.ts';
import type { Principal } from './request-context.ts';

export const sessionCookieName = 'tally_session';
/** A cookie without a secret that the page can read: a session may exist (see session-routes.ts). */
export const sessionHintCookieName = 'tally_signed_in';
export const csrfHeaderName = 'x-csrf-token';

/**
 * Resolves the caller of every request: an API token in `Authorization: Bearer tly_…`, or a
 * session cookie set at sign-in. Nothing is refused here; routes decide what they need.
 */
export function installAuthentication(app: FastifyInstance, database: Database): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('scope', null);
  app.decorateRequest('idempotency', null);
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      const token = await findApiToken(database, authorization.slice('Bearer '.length).trim());
      request.principal = token ? { kind: 'token', ...token } : null;
      return;
    }
    const sessionSecret = request.cookies[sessionCookieName];
    if (sessionSecret) {
      const session = await findSession(database, sessionSecret);
      request.principal = session ? ({ kind: 'session', ...session, sessionSecret } satisfies Principal) : null;
    }
  });
}
