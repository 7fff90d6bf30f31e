import { isEmailAddress, normaliseEmail } from '../../core/email-address.ts';
import { isRole, roles, type Role } from '../../core/permissions.ts';
import { refuse, type Outcome } from '../../core/outcome.ts';
import type { Database, SqlExecutor } from '../../storage/database.ts';
import { outcomeOf } from '../context.ts';
import { revokeTokensOfCreator } from './api-tokens.ts';
import { checkNewPassword } from '../../core/password-policy.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.ts';

export interface User {
  readonly id: bigint;
  readonly email: string;
}

export interface Membership {
  readonly organisationId: bigint;
  readonly slug: string;
  readonly name: string;
  readonly role: Role;
}

/**
 * Adds a user to an organisation with a role, from the command line (an operator of the server):
 * an email without an account gets one with this password; an existing user is added as they are,
 * their password neither checked nor changed. Members of the web page and the API join by
 * invitation instead (invitations.ts), which reveals nothing about other organisations' users.
 */
export async function addUser(database: Database, organisationId: bigint, input: { email: string; password: string; role: string }): Promise<Outcome<{ user: User; created: boolean }>> {
  return outcomeOf(async () => {
    const email = normaliseEmail(input.email);
    if (!isEmailAddress(email)) refuse('email_is_invalid', `"${input.email}" is not an email address`, { path: 'email', values: { text: input.email } });
    if (!isRole(input.role)) refuse('value_is_not_allowed', `role must be owner, admin, accountant or viewer, not "${input.role}"`, { path: 'role', values: { rule: 'one_of', allowed: roles.join(', '), text: input.role } });
    const [existing] = await database.query<{ id: bigint }>('select id from app_user where email = $1', [email]);
    let passwordHash: string | null = null;
    if (!existing) {
      checkNewPassword(input.password, email);
      passwordHash = await hashPassword(input.password);
    }
    return database.transaction(async (transaction) => {
      const inserted = passwordHash === null ? [] : await transaction.query<{ id: bigint }>('insert into app_user (email, password_hash) values ($1, $2) on conflict (email) do nothing returning id', [email, passwordHash]);
      const userId = inserted[0]?.id ?? (await transaction.query<{ id: bigint }>('select id from app_user where email = $1', [email]))[0]!.id;
      await lockOwners(transaction, organisationId);
      await transaction.query(
        'insert into membership (org_id, user_id, role) values ($1, $2, $3) on conflict (org_id, user_id) do update set role = excluded.role',
        [organisationId, userId, input.role],
      );
      return { user: { id: userId, email }, created: inserted.length === 1 };
    });
  });
}

/** Checks an email and password; unknown emails cost the same time as wrong passwords. */
export async function authenticate(executor: SqlExecutor, email: string, password: string): Promise<User | null> {
  const normalised = normaliseEmail(email);
  const [user] = await executor.query<{ id: bigint; password_hash: string }>('select id, password_hash from app_user where email = $1', [normalised]);
  const matches = await verifyPassword(password, user?.password_hash ?? decoyPasswordHash);
  return user && matches ? { id: user.id, email: normalised } : null;
}

export async function membershipsOf(executor: SqlExecutor, userId: bigint): Promise<Membership[]> {
  const rows = await executor.query<{ org_id: bigint; slug: string; name: string; role: Role }>(
    'select m.org_id, o.slug, o.name, m.role from membership m join organisation o on o.id = m.org_id where m.user_id = $1 order by o.slug',
    [userId],
  );
  return rows.map((row) => ({ organisationId: row.org_id, slug: row.slug, name: row.name, role: row.role }));
}

export interface MemberView {
  readonly userId: bigint;
  readonly email: string;
  readonly role: Role;
}

export async function listMembers(executor: SqlExecutor, organisationId: bigint): Promise<MemberView[]> {
  const rows = await executor.query<{ user_id: bigint; email: string; role: Role }>(
    'select m.user_id, u.email, m.role from membership m join app_user u on u.id = m.user_id where m.org_id = $1 order by u.email',
    [organisationId],
  );
  return rows.map((row) => ({ userId: row.user_id, email: row.email, role: row.role }));
}

/**
 * Locks the organisation's owners' memberships before a change of members, so two changes at once
 * are made one after the other and the second sees the first: two owners demoting each other at the
 * same moment cannot leave none. The database refuses any statement that leaves no owner
 * (membership_keeps_an_owner); this lock makes that check see every committed change.
 */
export async function lockOwners(transaction: SqlExecutor, organisationId: bigint): Promise<{ user_id: bigint }[]> {
  return transaction.query<{ user_id: bigint }>("select user_id from membership where org_id = $1 and role = 'owner' order by user_id for update", [organisationId]);
}

/** Changes a member's role; an organisation always keeps at least one owner. */
export async function changeRole(database: Database, organisationId: bigint, userId: bigint, role: string | null): Promise<Outcome<{ removed: boolean }>> {
  return outcomeOf(() =>
    database.transaction(async (transaction) => {
      if (role !== null && !isRole(role)) refuse('value_is_not_allowed', `role must be owner, admin, accountant or viewer, not "${role}"`, { path: 'role', values: { rule: 'one_of', allowed: roles.join(', '), text: role } });
      const owners = await lockOwners(transaction, organisationId);
      const [member] = await transaction.query<{ role: Role }>('select role from membership where org_id = $1 and user_id = $2', [organisationId, userId]);
      if (!member) refuse('user_not_found', `No member has the id ${userId}`, { path: 'user', values: { id: String(userId) } });
      if (member.role === 'owner' && role !== 'owner' && owners.length === 1) refuse('last_owner_cannot_leave', 'An organisation keeps at least one owner', { path: 'role' });
      if (role === null) {
        await transaction.query('delete from membership where org_id = $1 and user_id = $2', [organisationId, userId]);
        // Tokens die with their creator's membership.
        await revokeTokensOfCreator(transaction, organisationId, userId);
      }
      else await transaction.query('update membership set role = $3 where org_id = $1 and user_id = $2', [organisationId, userId, role]);
      return { removed: role === null };
    }),
  );
}
