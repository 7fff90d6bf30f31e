import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { roles } from '../../core/permissions.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../services/access/api-tokens.ts';
import { changeRole, listMembers } from '../../services/access/users.ts';
import { inviteMember, listInvitations, revokeInvitation, type InvitationView as InvitationViewModel } from '../../services/access/invitations.ts';
import { invitationLifetimeDays } from '../../core/limits.ts';
import { setReconciliationEnabled } from '../../services/organisations.ts';
import { valueOrThrow } from '../body-parsing.ts';
import { sendRefusal } from '../error-handler.ts';
import { scopeOf } from '../organisation-scope.ts';
import { memberOf } from '../request-context.ts';
import { errorResponses, NumericId, OrganisationParams } from '../schemas.ts';

const RoleSchema = Type.Union(roles.map((role) => Type.Literal(role)));
const SettingsView = Type.Object({ slug: Type.String(), name: Type.String(), currency: Type.String(), minor_digits: Type.Integer(), time_zone: Type.String(), reconciliation_enabled: Type.Boolean() });
const UserParams = Type.Object({ ...OrganisationParams.properties, user: NumericId });
const TokenParams = Type.Object({ ...OrganisationParams.properties, token: NumericId });
const InvitationParams = Type.Object({ ...OrganisationParams.properties, invitation: NumericId });
const NewInvitation = Type.Object({ email: Type.String({ maxLength: 320 }), role: RoleSchema }, { additionalProperties: false });
const NewToken = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), role: RoleSchema }, { additionalProperties: false });

/** Organisation settings, its members and their roles, invitations to join, and API tokens. */
export async function settingsRoutes(app: FastifyInstance): Promise<void> {
  const settingsView = (organisation: { slug: string; name: string; currency: string; minorDigits: number; timeZone: string; reconciliationEnabled: boolean }) => ({
    slug: organisation.slug,
    name: organisation.name,
    currency: organisation.currency,
    minor_digits: organisation.minorDigits,
    time_zone: organisation.timeZone,
    reconciliation_enabled: organisation.reconciliationEnabled,
  });

  app.get('/settings', { config: { permission: 'read_billing' }, schema: { tags: ['settings'], summary: 'Organisation settings', params: OrganisationParams, response: { 200: SettingsView, ...errorResponses } } }, async (request) =>
    settingsView(scopeOf(request).context.organisation),
  );

  app.patch(
    '/settings',
    {
      config: { permission: 'manage_settings' },
      schema: { tags: ['settings'], summary: 'Turn reconciliation on or off', params: OrganisationParams, body: Type.Object({ reconciliation_enabled: Type.Boolean() }, { additionalProperties: false }), response: { 200: SettingsView, ...errorResponses } },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { reconciliation_enabled: enabled } = request.body as { reconciliation_enabled: boolean };
      return settingsView(await setReconciliationEnabled(context.database, context.organisation, enabled));
    },
  );

  const MemberView = Type.Object({ user_id: Type.String(), email: Type.String(), role: Type.String() });
  app.get('/users', { config: { permission: 'manage_users' }, schema: { tags: ['users'], summary: 'Members and their roles', params: OrganisationParams, response: { 200: Type.Object({ users: Type.Array(MemberView) }), ...errorResponses } } }, async (request) => {
    const { context } = scopeOf(request);
    return { users: (await listMembers(context.database, context.organisation.id)).map((member) => ({ user_id: member.userId.toString(), email: member.email, role: member.role })) };
  });

  const InvitationView = Type.Object({
    invitation_id: Type.String(),
    email: Type.String(),
    role: RoleSchema,
    invited_by: Type.String(),
    created_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time' }),
  });
  const invitationView = (view: InvitationViewModel) => ({
    invitation_id: view.id.toString(),
    email: view.email,
    role: view.role,
    invited_by: view.invitedBy,
    created_at: view.createdAt.toISOString(),
    expires_at: view.expiresAt.toISOString(),
  });

  app.get('/invitations', { config: { permission: 'manage_users' }, schema: { tags: ['users'], summary: 'Invitations waiting to be accepted', params: OrganisationParams, response: { 200: Type.Object({ invitations: Type.Array(InvitationView) }), ...errorResponses } } }, async (request) => {
    const { context } = scopeOf(request);
    return { invitations: (await listInvitations(context.database, context.organisation.id)).map(invitationView) };
  });

  app.post(
    '/invitations',
    {
      config: { permission: 'manage_users', returnsSecret: true },
      schema: {
        tags: ['users'],
        summary: `Invite an email to join with a role: the answer is the same whether or not the email has an account; the token (shown once) makes the link to pass on, valid ${invitationLifetimeDays} days`,
        params: OrganisationParams,
        body: NewInvitation,
        response: { 201: Type.Object({ token: Type.String(), ...InvitationView.properties }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context, role } = scopeOf(request);
      const body = request.body as Static<typeof NewInvitation>;
      // A caller cannot invite someone stronger than themselves.
      if (roles.indexOf(body.role) < roles.indexOf(role)) {
        return sendRefusal(reply, { code: 'permission_denied', message: `A ${role} cannot invite someone with the role ${body.role}`, path: 'role' });
      }
      const created = valueOrThrow(await inviteMember(context.database, context.organisation.id, body, context.actor));
      return reply.status(201).send({ token: created.token, ...invitationView(created.view) });
    },
  );

  app.delete('/invitations/:invitation', { config: { permission: 'manage_users' }, schema: { tags: ['users'], summary: 'Revoke an invitation', params: InvitationParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    const { context } = scopeOf(request);
    const { invitation } = request.params as Static<typeof InvitationParams>;
    valueOrThrow(await revokeInvitation(context.database, context.organisation.id, BigInt(invitation)));
    return reply.status(204).send();
  });

  app.patch(
    '/users/:user',
    { config: { permission: 'manage_users' }, schema: { tags: ['users'], summary: "Change a member's role", params: UserParams, body: Type.Object({ role: RoleSchema }, { additionalProperties: false }), response: { 200: Type.Object({ role: Type.String() }), ...errorResponses } } },
    async (request) => {
      const { context } = scopeOf(request);
      const { user } = request.params as Static<typeof UserParams>;
      const { role } = request.body as { role: string };
      valueOrThrow(await changeRole(context.database, context.organisation.id, BigInt(user), role));
      return { role };
    },
  );

  app.delete('/users/:user', { config: { permission: 'manage_users' }, schema: { tags: ['users'], summary: 'Remove a member from the organisation', params: UserParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    const { context } = scopeOf(request);
    const { user } = request.params as Static<typeof UserParams>;
    valueOrThrow(await changeRole(context.database, context.organisation.id, BigInt(user), null));
    return reply.status(204).send();
  });

  const TokenView = Type.Object({ token_id: Type.String(), name: Type.String(), role: Type.String(), created_by: Type.String(), created_at: Type.String(), last_used_at: Type.Union([Type.String(), Type.Null()]), revoked_at: Type.Union([Type.String(), Type.Null()]) });
  const tokenView = (view: Awaited<ReturnType<typeof listApiTokens>>[number]) => ({
    token_id: view.id.toString(),
    name: view.name,
    role: view.role,
    created_by: view.createdBy,
    created_at: view.createdAt.toISOString(),
    last_used_at: view.lastUsedAt?.toISOString() ?? null,
    revoked_at: view.revokedAt?.toISOString() ?? null,
  });

  app.get('/tokens', { config: { permission: 'manage_settings' }, schema: { tags: ['tokens'], summary: 'API tokens (their secrets are never shown again)', params: OrganisationParams, response: { 200: Type.Object({ tokens: Type.Array(TokenView) }), ...errorResponses } } }, async (request) => {
    const { context } = scopeOf(request);
    return { tokens: (await listApiTokens(context.database, context.organisation.id)).map(tokenView) };
  });

  app.post(
    '/tokens',
    {
      config: { permission: 'manage_settings', returnsSecret: true },
      schema: { tags: ['tokens'], summary: 'Create an API token for this organisation and a role; the token is shown once', params: OrganisationParams, body: NewToken, response: { 201: Type.Object({ token: Type.String(), ...TokenView.properties }), ...errorResponses } },
    },
    async (request, reply) => {
      const { context, role } = scopeOf(request);
      const body = request.body as Static<typeof NewToken>;
      // A caller cannot mint a token stronger than their own role.
      if (roles.indexOf(body.role) < roles.indexOf(role)) {
        return sendRefusal(reply, { code: 'permission_denied', message: `A ${role} cannot create a token with the role ${body.role}`, path: 'role' });
      }
      const created = valueOrThrow(await createApiToken(context.database, context.organisation.id, body, { actor: context.actor, userId: memberOf(request.principal!) }));
      return reply.status(201).send({ token: created.token, ...tokenView(created.view) });
    },
  );

  app.delete('/tokens/:token', { config: { permission: 'manage_settings' }, schema: { tags: ['tokens'], summary: 'Revoke an API token', params: TokenParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    const { context } = scopeOf(request);
    const { token } = request.params as Static<typeof TokenParams>;
    valueOrThrow(await revokeApiToken(context.database, context.organisation.id, BigInt(token)));
    return reply.status(204).send();
  });
}
