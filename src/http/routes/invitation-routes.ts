import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { acceptInvitationAsUser, acceptInvitationWithNewAccount, findInvitation } from '../../services/access/invitations.ts';
import { csrfHeaderName } from '../authentication.ts';
import { valueOrThrow } from '../body-parsing.ts';
import { sendRefusal } from '../error-handler.ts';
import { invitationAttemptsPerAddressMax, signInWindowMs } from '../http-limits.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteOptions } from './index.ts';
import { describeSession, SessionView, startSession } from './session-routes.ts';

/** The link's secret travels in the body, never in a URL, so no log or Referer ever holds it. */
const InvitationToken = Type.String({ minLength: 1, maxLength: 200 });
const Lookup = Type.Object({ token: InvitationToken }, { additionalProperties: false });
const Accept = Type.Object(
  {
    token: InvitationToken,
    name: Type.Optional(Type.String({ maxLength: 200, description: 'with password: creates the account of the invited email (when no account has it)' })),
    password: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const InvitationDetailsView = Type.Object({ organisation_name: Type.String(), organisation_slug: Type.String(), email: Type.String(), role: Type.String(), expires_at: Type.String({ format: 'date-time' }) });

/**
 * Accepting an invitation to join an organisation: by the signed-in user whose email was invited,
 * or, by whoever holds the link, with a name and password that create the invited email's account
 * when none has it. Limited per client address.
 */
export async function invitationRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const { database } = options;
  const attemptsPerAddress = app.createRateLimit({ max: invitationAttemptsPerAddressMax, timeWindow: signInWindowMs, keyGenerator: (request) => `invitation-address:${request.ip}` });
  const limited = async (request: Parameters<typeof attemptsPerAddress>[0], reply: import('fastify').FastifyReply) => {
    const checked = await attemptsPerAddress(request);
    if (!checked.isAllowed && checked.isExceeded) {
      void reply.header('retry-after', String(checked.ttlInSeconds));
      return sendRefusal(reply, { code: 'too_many_requests', message: 'Too many invitation attempts from this address; wait before trying again' });
    }
  };

  app.post(
    '/invitations/lookup',
    { preHandler: limited, schema: { tags: ['session'], summary: 'What an invitation link offers: the organisation, the invited email and the role', security: [], body: Lookup, response: { 200: InvitationDetailsView, ...errorResponses } } },
    async (request) => {
      const details = valueOrThrow(await findInvitation(database, (request.body as Static<typeof Lookup>).token));
      return { organisation_name: details.organisationName, organisation_slug: details.organisationSlug, email: details.email, role: details.role, expires_at: details.expiresAt.toISOString() };
    },
  );

  app.post(
    '/invitations/accept',
    {
      preHandler: limited,
      schema: {
        tags: ['session'],
        summary: 'Accept an invitation: signed in as the invited email (send X-CSRF-Token), or with a name and password that create its account; answers the session',
        body: Accept,
        response: { 200: SessionView, 201: SessionView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof Accept>;
      const principal = request.principal;
      if (principal?.kind === 'session') {
        if (request.headers[csrfHeaderName] !== principal.csrfToken) return sendRefusal(reply, { code: 'csrf_token_invalid', message: 'Send the X-CSRF-Token header given at sign-in' });
        valueOrThrow(await acceptInvitationAsUser(database, body.token, { id: principal.userId, email: principal.email }));
        return describeSession(database, principal.userId, principal.email, principal.csrfToken);
      }
      if (body.name === undefined || body.password === undefined) {
        return sendRefusal(reply, { code: 'field_is_required', message: 'Sign in as the invited email, or give a name and a password to create its account', path: body.name === undefined ? 'name' : 'password' });
      }
      const accepted = valueOrThrow(await acceptInvitationWithNewAccount(database, body.token, { name: body.name, password: body.password }));
      const { csrfToken } = await startSession(database, reply, accepted.user.id, options.secureCookies);
      return reply.status(201).send(await describeSession(database, accepted.user.id, accepted.user.email, csrfToken));
    },
  );
}
