import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database, SqlExecutor } from '../storage/database.ts';

/**
 * A small job queue in the database, for work that outlives a request (reconciliation runs over
 * many accounts). It works the same on PGlite and PostgreSQL, which the established Postgres job
 * libraries do not (they need a pg pool and LISTEN/NOTIFY):
 * - a worker claims one job by a conditional update of its row in its organisation, so two
 *   processes never claim the same (and the claim works on Citus, where the table is distributed);
 * - the claim is a lease that the worker renews while it works; a job whose lease expired (its
 *   process died) is claimed again by any worker and resumes;
 * - every unit of work commits only while its lease is still held (`holdsLease` in the same
 *   transaction), so a worker that lost its lease can never write a second copy of the work.
 */

/** How long a claim lasts without renewal; a crashed process's job is picked up after this. */
export const jobLeaseMs = 30_000;
/** How often an idle worker looks for a job. */
export const jobPollIntervalMs = 500;
/** Attempts before a job that keeps failing is marked failed (with its run). */
export const jobAttemptsMax = 5;
/** How long a job waits after its first failed attempt; each further failure doubles the wait. */
export const jobRetryDelayFirstMs = 5_000;
/** The longest a failed job waits before its next attempt. */
export const jobRetryDelayMaxMs = 5 * 60_000;

/** The wait before the next attempt of a job whose attempt number `attempts` failed: exponential, bounded. */
export function jobRetryDelayMs(attempts: number, firstDelayMs = jobRetryDelayFirstMs): number {
  return Math.min(firstDelayMs * 2 ** Math.max(attempts - 1, 0), jobRetryDelayMaxMs);
}

export interface ClaimedJob {
  readonly organisationId: bigint;
  readonly jobId: bigint;
  readonly kind: 'reconcile';
  readonly runId: bigint | null;
  readonly attempts: number;
}

export function newWorkerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * What makes a job claimable: queued and not waiting out a back-off after a failed attempt, or
 * running under a lease that expired (its process died).
 */
const claimableJobCondition = `((status = 'queued' and (not_before is null or not_before <= now())) or (status = 'running' and lease_expires_at < now()))`;
/** How many of the oldest claimable jobs a worker tries, one after another, before it waits. */
export const jobClaimCandidatesMax = 8;

/**
 * Claims the oldest job that is queued or whose lease expired, or returns null.
 *
 * Two steps, so that the claim works on a table distributed by organisation (Citus, where
 * FOR UPDATE SKIP LOCKED across organisations cannot run): the oldest claimable jobs are read
 * without locks, then each is claimed by an update of that one row in its organisation, which
 * checks again that it is claimable. Two workers that pick the same job both try the update;
 * the second waits for the first to commit, finds the job no longer claimable (its lease is fresh)
 * and moves on to the next, so a job is never claimed twice.
 */
export async function claimJob(database: Database, worker: string, leaseMs = jobLeaseMs): Promise<ClaimedJob | null> {
  const candidates = await database.query<{ org_id: bigint; id: bigint }>(
    `select org_id, id from job where ${claimableJobCondition} order by created_at, id limit $1`,
    [jobClaimCandidatesMax],
  );
  for (const candidate of candidates) {
    const [row] = await database.query<{ org_id: bigint; id: bigint; kind: 'reconcile'; run_id: bigint | null; attempts: number }>(
      `update job set status = 'running', lease_owner = $3, lease_expires_at = now() + make_interval(secs => $4), attempts = attempts + 1
       where org_id = $1 and id = $2 and ${claimableJobCondition}
       returning org_id, id, kind, run_id, attempts`,
      [candidate.org_id, candidate.id, worker, leaseMs / 1000],
    );
    if (row) return { organisationId: row.org_id, jobId: row.id, kind: row.kind, runId: row.run_id, attempts: Number(row.attempts) };
  }
  return null;
}

/**
 * Inside a unit of work's transaction: locks the job row and renews the lease if this worker still
 * holds it. Returns false when the lease was lost (then the caller must roll back) and reports a
 * requested cancellation.
 */
export async function holdsLease(transaction: SqlExecutor, job: ClaimedJob, worker: string, leaseMs = jobLeaseMs): Promise<{ held: boolean; cancelRequested: boolean }> {
  const [row] = await transaction.query<{ cancel_requested: boolean }>(
    `update job set lease_expires_at = now() + make_interval(secs => $4)
     where org_id = $1 and id = $2 and lease_owner = $3 and status = 'running' returning cancel_requested`,
    [job.organisationId, job.jobId, worker, leaseMs / 1000],
  );
  return { held: row !== undefined, cancelRequested: row?.cancel_requested ?? false };
}

export async function finishJob(executor: SqlExecutor, job: ClaimedJob, worker: string, status: 'completed' | 'failed' | 'cancelled', error?: string): Promise<void> {
  await executor.query(
    `update job set status = $4, finished_at = now(), error = $5, lease_owner = null, lease_expires_at = null, not_before = null
     where org_id = $1 and id = $2 and lease_owner = $3`,
    [job.organisationId, job.jobId, worker, status, error ?? null],
  );
}

/** Gives a job back on shutdown so another worker (or this server after a restart) resumes it at once. */
export async function releaseJob(executor: SqlExecutor, job: ClaimedJob, worker: string): Promise<void> {
  await executor.query(
    `update job set status = 'queued', lease_owner = null, lease_expires_at = null, attempts = greatest(attempts - 1, 0)
     where org_id = $1 and id = $2 and lease_owner = $3`,
    [job.organisationId, job.jobId, worker],
  );
}

/**
 * Gives a job whose attempt failed back to the queue, claimable again only after `delayMs`, so a
 * failing job never spins and the jobs of other organisations are claimed meanwhile. Returns
 * false if this worker no longer held the job.
 */
export async function backOffJob(executor: SqlExecutor, job: ClaimedJob, worker: string, delayMs: number, error: string): Promise<boolean> {
  const rows = await executor.query(
    `update job set status = 'queued', lease_owner = null, lease_expires_at = null, not_before = now() + make_interval(secs => $4), error = $5
     where org_id = $1 and id = $2 and lease_owner = $3 returning id`,
    [job.organisationId, job.jobId, worker, delayMs / 1000, error],
  );
  return rows.length > 0;
}
