import { isEmailAddress, normaliseEmail } from '../../core/email-address.ts';
import { invitationLifetimeDays, textLengthMax } from '../../core/limits.ts';
import { refuse, type Outcome } from '../../core/outcome.ts';
import { checkNewPassword } from '../../core/password-policy.ts';
import { isRole, type Role } from '../../core/permissions.ts';
import type { Database, SqlExecutor } from '../../storage/database.ts';
import { outcomeOf } from '../context.ts';
import { hashPassword } from './password.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { lockOwners, type User } from './users.ts';

/**
 * Members join an organisation by invitation (docs/DECISIONS.md, 2026-11-30). Inviting answers the
 * same whether or not the email has an account anywhere, and never reads or changes another
 * organisation's user: the person behind the email accepts, signed in as that email, or — when no
 * account has it — by choosing a name and a password then. The link's secret is kept hashed, used
 * once and expires after invitationLifetimeDays.
 */
export const invitationTokenPrefix = 'tly_invite_';

export interface InvitationView {
  readonly id: bigint;
  readonly email: string;
  readonly role: Role;
  readonly invitedBy: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** What the link's holder sees before accepting: where, as whom, with which role. Nothing about accounts. */
export interface InvitationDetails {
  readonly organisationName: string;
  readonly organisationSlug: string;
  readonly email: string;
  readonly role: Role;
  readonly expiresAt: Date;
}

type InvitationRow = { org_id: bigint; id: bigint; email: string; role: Role; expires_at: Date; organisation_name: string; organisation_slug: string };

function emailOf(text: string): string {
  const email = normaliseEmail(text);
  if (!isEmailAddress(email)) refuse('email_is_invalid', `"${text}" is not an email address`, { path: 'email' });
  return email;
}

/** Invites an email with a role; returns the link's secret (shown once, never stored). */
export async function inviteMember(executor: SqlExecutor, organisationId: bigint, input: { email: string; role: string }, invitedBy: string): Promise<Outcome<{ token: string; view: InvitationView }>> {
  return outcomeOf(async () => {
    const email = emailOf(input.email);
    if (!isRole(input.role)) refuse('value_is_not_allowed', `role must be owner, admin, accountant or viewer, not "${input.role}"`, { path: 'role' });
    const token = newSecret(invitationTokenPrefix);
    const [row] = await executor.query<{ id: bigint; created_at: Date; expires_at: Date }>(
      `insert into invitation (org_id, email, role, token_hash, invited_by, expires_at) values ($1, $2, $3, $4, $5, now() + make_interval(days => $6))
       returning id, created_at, expires_at`,
      [organisationId, email, input.role, hashSecret(token), invitedBy, invitationLifetimeDays],
    );
    return { token, view: { id: row!.id, email, role: input.role, invitedBy, createdAt: row!.created_at, expiresAt: row!.expires_at } };
  });
}

/** The organisation's invitations still waiting: neither accepted, revoked nor expired. */
export async function listInvitations(executor: SqlExecutor, organisationId: bigint): Promise<InvitationView[]> {
  const rows = await executor.query<{ id: bigint; email: string; role: Role; invited_by: string; created_at: Date; expires_at: Date }>(
    `select id, email, role, invited_by, created_at, expires_at from invitation
     where org_id = $1 and accepted_at is null and revoked_at is null and expires_at > now() order by created_at, id`,
    [organisationId],
  );
  return rows.map((row) => ({ id: row.id, email: row.email, role: row.role, invitedBy: row.invited_by, createdAt: row.created_at, expiresAt: row.expires_at }));
}

export async function revokeInvitation(executor: SqlExecutor, organisationId: bigint, invitationId: bigint): Promise<Outcome<{ revoked: true }>> {
  return outcomeOf(async () => {
    const rows = await executor.query('update invitation set revoked_at = now() where org_id = $1 and id = $2 and accepted_at is null and revoked_at is null returning id', [organisationId, invitationId]);
    if (rows.length === 0) refuse('invitation_not_found', `No invitation waiting has the id ${invitationId}`, { path: 'invitation' });
    return { revoked: true as const };
  });
}

/** The waiting invitation behind a link's secret (locked when `forUpdate`), or a refusal. */
async function waitingInvitation(executor: SqlExecutor, token: string, forUpdate: boolean): Promise<InvitationRow> {
  const [row] = token.startsWith(invitationTokenPrefix)
    ? await executor.query<InvitationRow>(
        `select i.org_id, i.id, i.email, i.role, i.expires_at, o.name as organisation_name, o.slug as organisation_slug
         from invitation i join organisation o on o.id = i.org_id
         where i.token_hash = $1 and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()${forUpdate ? ' for update of i' : ''}`,
        [hashSecret(token)],
      )
    : [];
  if (!row) refuse('invitation_not_found', 'This invitation link is unknown, was used or revoked, or has expired', { path: 'token' });
  return row;
}

export async function findInvitation(executor: SqlExecutor, token: string): Promise<Outcome<InvitationDetails>> {
  return outcomeOf(async () => {
    const row = await waitingInvitation(executor, token, false);
    return { organisationName: row.organisation_name, organisationSlug: row.organisation_slug, email: row.email, role: row.role, expiresAt: row.expires_at };
  });
}

/** Adds the membership an invitation offers and marks it used, in the caller's transaction. A member keeps the role they have. */
async function join(transaction: SqlExecutor, invitation: InvitationRow, userId: bigint): Promise<void> {
  await lockOwners(transaction, invitation.org_id);
  await transaction.query('insert into membership (org_id, user_id, role) values ($1, $2, $3) on conflict (org_id, user_id) do nothing', [invitation.org_id, userId, invitation.role]);
  await transaction.query('update invitation set accepted_at = now(), accepted_by = $3 where org_id = $1 and id = $2', [invitation.org_id, invitation.id, userId]);
}

/** Accepts an invitation as the signed-in user, whose email must be the one invited. */
export async function acceptInvitationAsUser(database: Database, token: string, user: User): Promise<Outcome<InvitationDetails>> {
  return outcomeOf(() =>
    database.transaction(async (transaction) => {
      const invitation = await waitingInvitation(transaction, token, true);
      if (invitation.email !== user.email) refuse('invitation_is_for_another_email', `This invitation is for ${invitation.email}; sign in with that email to accept it`, { path: 'token' });
      await join(transaction, invitation, user.id);
      return { organisationName: invitation.organisation_name, organisationSlug: invitation.organisation_slug, email: invitation.email, role: invitation.role, expiresAt: invitation.expires_at };
    }),
  );
}

/**
 * Accepts an invitation by creating the account of its email, with the name and password chosen
 * now. When an account already has the email nothing is created or changed: its owner signs in
 * and accepts (an existing user's password is never checked nor set here).
 */
export async function acceptInvitationWithNewAccount(database: Database, token: string, input: { name: string; password: string }): Promise<Outcome<{ user: User; details: InvitationDetails }>> {
  return outcomeOf(async () => {
    const name = input.name.trim();
    if (name === '') refuse('field_is_required', 'name is required', { path: 'name' });
    if (name.length > textLengthMax) refuse('text_is_too_long', `name is longer than ${textLengthMax} characters`, { path: 'name' });
    const preview = await waitingInvitation(database, token, false);
    checkNewPassword(input.password, preview.email);
    const passwordHash = await hashPassword(input.password);
    return database.transaction(async (transaction) => {
      const invitation = await waitingInvitation(transaction, token, true);
      const inserted = await transaction.query<{ id: bigint }>('insert into app_user (email, password_hash, name) values ($1, $2, $3) on conflict (email) do nothing returning id', [invitation.email, passwordHash, name]);
      if (inserted.length === 0) refuse('invitation_needs_sign_in', `An account already uses ${invitation.email}: sign in with it to accept the invitation`, { path: 'token' });
      await join(transaction, invitation, inserted[0]!.id);
      return {
        user: { id: inserted[0]!.id, email: invitation.email },
        details: { organisationName: invitation.organisation_name, organisationSlug: invitation.organisation_slug, email: invitation.email, role: invitation.role, expiresAt: invitation.expires_at },
      };
    });
  });
}
