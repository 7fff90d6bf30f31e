import type { SqlExecutor } from './database.ts';

/** The key of one stored Idempotency-Key: per organisation and caller. */
export interface IdempotencyKeyId {
  readonly organisationId: bigint;
  readonly principal: string;
  readonly key: string;
}

export interface StoredIdempotencyKey {
  readonly request_hash: string;
  readonly status: 'in_progress' | 'completed';
  readonly response_status: number | null;
  readonly response_body: string | null;
  readonly response_content_type: string | null;
}

/** A key whose claim lapsed before leases existed (migration 0067): its age, as then. */
const legacyClaimSeconds = 300;

/**
 * Claims the key for a request, in one statement: a new key; or one older than the retention
 * (expired, whether the prune has run yet or not — its age at lookup decides); or one in progress
 * whose lease lapsed (its process died). Returns whether this request holds it now.
 */
export async function claimIdempotencyKey(executor: SqlExecutor, id: IdempotencyKeyId, requestHash: string, retentionHours: number, leaseSeconds: number): Promise<boolean> {
  // The instants are the database's, read first and passed as values: Citus refuses anything but
  // immutable functions and operators in an INSERT's ON CONFLICT branch on a distributed table
  // (timestamptz arithmetic is only stable).
  const [instants] = await executor.query<{ now: Date; expired_before: Date; legacy_lapsed_before: Date; claimed_until: Date }>(
    `select now() as now, now() - make_interval(hours => $1) as expired_before,
            now() - make_interval(secs => ${legacyClaimSeconds}) as legacy_lapsed_before, now() + make_interval(secs => $2) as claimed_until`,
    [retentionHours, leaseSeconds],
  );
  const rows = await executor.query(
    `insert into idempotency_key as k (org_id, principal, key, request_hash, status, created_at, claimed_until)
     values ($1, $2, $3, $4, 'in_progress', $5, $6)
     on conflict (org_id, principal, key) do update
       set request_hash = excluded.request_hash, status = 'in_progress', response_status = null, response_body = null,
           response_content_type = null, created_at = excluded.created_at, claimed_until = excluded.claimed_until
       where k.created_at < $7
          or (k.status = 'in_progress' and (k.claimed_until < $5 or (k.claimed_until is null and k.created_at < $8)))
     returning key`,
    [id.organisationId, id.principal, id.key, requestHash, instants!.now, instants!.claimed_until, instants!.expired_before, instants!.legacy_lapsed_before],
  );
  return rows.length === 1;
}

/** Renews the lease of a key its request still holds. */
export async function renewIdempotencyClaim(executor: SqlExecutor, id: IdempotencyKeyId, leaseSeconds: number): Promise<void> {
  await executor.query(
    `update idempotency_key set claimed_until = now() + make_interval(secs => $4)
     where org_id = $1 and principal = $2 and key = $3 and status = 'in_progress'`,
    [id.organisationId, id.principal, id.key, leaseSeconds],
  );
}

/** The key as stored, if it is within its retention (an older one is as good as gone). */
export async function findIdempotencyKey(executor: SqlExecutor, id: IdempotencyKeyId, retentionHours: number): Promise<StoredIdempotencyKey | undefined> {
  const [stored] = await executor.query<StoredIdempotencyKey>(
    `select request_hash, status, response_status, response_body, response_content_type from idempotency_key
     where org_id = $1 and principal = $2 and key = $3 and created_at >= now() - make_interval(hours => $4)`,
    [id.organisationId, id.principal, id.key, retentionHours],
  );
  return stored;
}

export async function releaseIdempotencyKey(executor: SqlExecutor, id: IdempotencyKeyId): Promise<void> {
  await executor.query('delete from idempotency_key where org_id = $1 and principal = $2 and key = $3', [id.organisationId, id.principal, id.key]);
}

export async function completeIdempotencyKey(executor: SqlExecutor, id: IdempotencyKeyId, response: { status: number; body: string; contentType: string }): Promise<void> {
  await executor.query(
    `update idempotency_key set status = 'completed', response_status = $4, response_body = $5, response_content_type = $6, claimed_until = null
     where org_id = $1 and principal = $2 and key = $3`,
    [id.organisationId, id.principal, id.key, response.status, response.body, response.contentType],
  );
}

/** Deletes keys older than the retention period. */
export async function pruneIdempotencyKeyRows(executor: SqlExecutor, retentionHours: number): Promise<number> {
  const rows = await executor.query(`delete from idempotency_key where created_at < now() - make_interval(hours => $1) returning key`, [retentionHours]);
  return rows.length;
}
