import { isRole, roles, weakerRole, type Role } from '../../core/permissions.ts';
import { refuse, type Outcome } from '../../core/outcome.ts';
import { textLengthMax } from '../../core/limits.ts';
import type { SqlExecutor } from '../../storage/database.ts';
import { outcomeOf } from '../context.ts';
import { hashSecret, newSecret } from './secrets.ts';

export const apiTokenPrefix = 'tly_';
/** How often a token's last use is written down. */
export const tokenUseRecordedEverySeconds = 60;

export interface ApiTokenView {
  readonly id: bigint;
  readonly name: string;
  readonly role: Role;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface TokenPrincipal {
  readonly organisationId: bigint;
  readonly tokenId: bigint;
  readonly name: string;
  /** The weaker of the token's role and its creator's current role in the organisation. */
  readonly role: Role;
  /** The member who created it; a token it creates has the same creator. */
  readonly creatorUserId: bigint;
}

/** Who creates a token: the audit trail's name for the caller, and the member behind it. */
export interface TokenCreator {
  readonly actor: string;
  readonly userId: bigint;
}

/** Creates a token for one organisation and role. The secret is returned once and never stored. */
export async function createApiToken(executor: SqlExecutor, organisationId: bigint, input: { name: string; role: string }, creator: TokenCreator): Promise<Outcome<{ token: string; view: ApiTokenView }>> {
  return outcomeOf(async () => {
    const name = input.name.trim();
    if (name === '') refuse('field_is_required', 'name is required', { path: 'name' });
    if (name.length > textLengthMax) refuse('text_is_too_long', `name is longer than ${textLengthMax} characters`, { path: 'name', values: { maximum: String(textLengthMax) } });
    if (!isRole(input.role)) refuse('value_is_not_allowed', `role must be owner, admin, accountant or viewer, not "${input.role}"`, { path: 'role', values: { rule: 'one_of', allowed: roles.join(', '), text: input.role } });
    const token = newSecret(apiTokenPrefix);
    const [row] = await executor.query<{ id: bigint; created_at: Date }>(
      'insert into api_token (org_id, name, token_hash, role, created_by, creator_user_id) values ($1, $2, $3, $4, $5, $6) returning id, created_at',
      [organisationId, name, hashSecret(token), input.role, creator.actor, creator.userId],
    );
    return { token, view: { id: row!.id, name, role: input.role, createdBy: creator.actor, createdAt: row!.created_at, lastUsedAt: null, revokedAt: null } };
  });
}

export async function listApiTokens(executor: SqlExecutor, organisationId: bigint): Promise<ApiTokenView[]> {
  const rows = await executor.query<{ id: bigint; name: string; role: Role; created_by: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }>(
    'select id, name, role, created_by, created_at, last_used_at, revoked_at from api_token where org_id = $1 order by id',
    [organisationId],
  );
  return rows.map((row) => ({ id: row.id, name: row.name, role: row.role, createdBy: row.created_by, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at }));
}

export async function revokeApiToken(executor: SqlExecutor, organisationId: bigint, tokenId: bigint): Promise<Outcome<{ revoked: true }>> {
  return outcomeOf(async () => {
    // Revoking a revoked token keeps its first revocation. Two statements, not coalesce(revoked_at,
    // now()): Citus refuses a non-immutable function inside COALESCE.
    const revoked = await executor.query('update api_token set revoked_at = now() where org_id = $1 and id = $2 and revoked_at is null returning id', [organisationId, tokenId]);
    const rows = revoked.length > 0 ? revoked : await executor.query('select id from api_token where org_id = $1 and id = $2', [organisationId, tokenId]);
    if (rows.length === 0) refuse('token_not_found', `No API token has the id ${tokenId}`, { path: 'token', values: { id: String(tokenId) } });
    return { revoked: true as const };
  });
}

/**
 * Finds the live token behind a secret and records its use. A token acts with at most its
 * creator's current role, and not at all once its creator left the organisation: a demoted or
 * removed member cannot keep their old power through a token they made.
 */
export async function findApiToken(executor: SqlExecutor, token: string): Promise<TokenPrincipal | null> {
  if (!token.startsWith(apiTokenPrefix)) return null;
  const [row] = await executor.query<{ org_id: bigint; id: bigint; name: string; role: Role; creator_user_id: bigint | null; stale: boolean }>(
    `select org_id, id, name, role, creator_user_id, last_used_at is null or last_used_at < now() - make_interval(secs => $2) as stale
     from api_token where token_hash = $1 and revoked_at is null`,
    [hashSecret(token), tokenUseRecordedEverySeconds],
  );
  if (!row || row.creator_user_id === null) return null;
  // Two statements, not a join: api_token is a reference table and membership is distributed by
  // organisation (Citus), so the membership is read in the token's organisation alone.
  const [creator] = await executor.query<{ role: Role }>('select role from membership where org_id = $1 and user_id = $2', [row.org_id, row.creator_user_id]);
  if (!creator) return null;
  // Recording every use would turn each read into a write; once a minute is enough to tell idle tokens.
  if (row.stale) await executor.query('update api_token set last_used_at = now() where org_id = $1 and id = $2', [row.org_id, row.id]);
  return { organisationId: row.org_id, tokenId: row.id, name: row.name, role: weakerRole(row.role, creator.role), creatorUserId: row.creator_user_id };
}

/** Revokes the tokens a member created in an organisation, in the transaction that removes the membership. */
export async function revokeTokensOfCreator(executor: SqlExecutor, organisationId: bigint, userId: bigint): Promise<void> {
  await executor.query('update api_token set revoked_at = now() where org_id = $1 and creator_user_id = $2 and revoked_at is null', [organisationId, userId]);
}
