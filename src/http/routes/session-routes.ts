import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Database } from '../../storage/database.ts';
import { authenticate, membershipsOf } from '../../services/access/users.ts';
import { closeSession, openSession, sessionLifetimeHours } from '../../services/access/sessions.ts';
import { csrfHeaderName, sessionCookieName, sessionHintCookieName } from '../authentication.ts';
import { sendRefusal } from '../error-handler.ts';
import { signInAttemptsMax, signInAttemptsPerAddressMax, signInFailureKeysMax, signInWindowMs } from '../http-limits.ts';
import { failedAttempts } from '../failed-attempts.ts';
import { normaliseEmail } from '../../core/email-address.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteOptions } from './index.ts';

export const SessionView = Type.Object({
  email: Type.String(),
  csrf_token: Type.String({ description: 'Send as X-CSRF-Token on every POST, PATCH and DELETE made with the session cookie' }),
  organisations: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), role: Type.String() })),
});

/** The signed-in user, their CSRF token and their organisations. */
export async function describeSession(database: Database, userId: bigint, email: string, csrfToken: string) {
  return {
    email,
    csrf_token: csrfToken,
    organisations: (await membershipsOf(database, userId)).map((membership) => ({ slug: membership.slug, name: membership.name, role: membership.role })),
  };
}

/** Opens a session for a user and sets its cookies on the reply; returns the CSRF token. */
export async function startSession(database: Database, reply: FastifyReply, userId: bigint, secureCookies: boolean): Promise<{ csrfToken: string }> {
  const { sessionSecret, csrfToken } = await openSession(database, userId);
  reply.setCookie(sessionCookieName, sessionSecret, { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/', maxAge: sessionLifetimeHours * 3600 });
  // Readable by the page, and secret-free: it only tells the page that asking for the session
  // is worth a request, so a fresh visit makes no request that is bound to fail.
  reply.setCookie(sessionHintCookieName, '1', { httpOnly: false, sameSite: 'strict', secure: secureCookies, path: '/', maxAge: sessionLifetimeHours * 3600 });
  return { csrfToken };
}

/** Sign in, who am I, sign out. The session lives in an HttpOnly, SameSite=Strict cookie. */
export async function sessionRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const { database } = options;
  const describe = (userId: bigint, email: string, csrfToken: string) => describeSession(database, userId, email, csrfToken);

  // Failed sign-ins only: one account however it is spelled and from wherever it is tried, and one
  // client address across all the emails it tries (password spraying).
  const failuresPerEmail = failedAttempts({ max: options.signInAttemptsMax ?? signInAttemptsMax, windowMs: signInWindowMs, keysMax: signInFailureKeysMax });
  const failuresPerAddress = failedAttempts({ max: options.signInAttemptsPerAddressMax ?? signInAttemptsPerAddressMax, windowMs: signInWindowMs, keysMax: signInFailureKeysMax });

  app.post(
    '/session',
    {
      // After parsing, so the email can be read: one account is limited however it is spelled and
      // from wherever it is tried, and one client address across all the emails it tries.
      preHandler: async (request, reply) => {
        const email = normaliseEmail((request.body as { email: string }).email);
        const now = Date.now();
        for (const [limit, key, where] of [[failuresPerEmail, email, ` at ${email}`], [failuresPerAddress, request.ip, ' from this address']] as const) {
          const waitSeconds = limit.waitSeconds(key, now);
          if (waitSeconds > 0) {
            void reply.header('retry-after', String(waitSeconds));
            return sendRefusal(reply, { code: 'too_many_requests', message: `Too many failed sign-in attempts${where}; try again in ${Math.ceil(waitSeconds / 60)} minute(s)` });
          }
        }
      },
      schema: {
        tags: ['session'],
        summary: 'Sign in with email and password',
        security: [],
        body: Type.Object({ email: Type.String({ maxLength: 320 }), password: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: SessionView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body as { email: string; password: string };
      const user = await authenticate(database, email, password);
      if (!user) {
        const now = Date.now();
        failuresPerEmail.recordFailure(normaliseEmail(email), now);
        failuresPerAddress.recordFailure(request.ip, now);
        return sendRefusal(reply, { code: 'sign_in_failed', message: 'The email or password is wrong' });
      }
      const { csrfToken } = await startSession(database, reply, user.id, options.secureCookies);
      return describe(user.id, user.email, csrfToken);
    },
  );

  app.get('/session', { schema: { tags: ['session'], summary: 'The signed-in user and their organisations', response: { 200: SessionView, ...errorResponses } } }, async (request, reply) => {
    const principal = request.principal;
    if (principal?.kind !== 'session') return sendRefusal(reply, { code: 'not_signed_in', message: 'Sign in first' });
    return describe(principal.userId, principal.email, principal.csrfToken);
  });

  app.delete('/session', { schema: { tags: ['session'], summary: 'Sign out', response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    const principal = request.principal;
    // Like every other write made with the session cookie: another site must not sign the user out.
    if (principal?.kind === 'session' && request.headers[csrfHeaderName] !== principal.csrfToken) {
      return sendRefusal(reply, { code: 'csrf_token_invalid', message: 'Send the X-CSRF-Token header given at sign-in' });
    }
    if (principal?.kind === 'session') await closeSession(database, principal.sessionSecret);
    reply.clearCookie(sessionCookieName, { path: '/' });
    reply.clearCookie(sessionHintCookieName, { path: '/' });
    return reply.status(204).send();
  });
}
