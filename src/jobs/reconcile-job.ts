import type { Database } from '../storage/database.ts';
import { executeRun } from '../services/auto-reconcile.ts';
import type { Organisation } from '../services/organisations.ts';
import { assert } from '../core/assert.ts';
import type { ClaimedJob } from './job-queue.ts';
import type { JobHandler } from './job-worker.ts';

/**
 * Runs a queued reconciliation run under the job's lease. The run's allocations are recorded as
 * made by whoever started it. A resumed job continues after the run's last finished batch.
 */
export function reconcileJobHandler(database: Database, options: { batchAccounts?: number } = {}): JobHandler {
  return async (job, control) => {
    assert(job.kind === 'reconcile' && job.runId !== null, 'a reconcile job names its run');
    const [row] = await database.query<{ id: bigint; slug: string; name: string; currency: string; minor_digits: number; time_zone: string; reconciliation_enabled: boolean; actor: string }>(
      `select o.id, o.slug, o.name, o.currency, o.minor_digits, o.time_zone, o.reconciliation_enabled, r.actor
       from organisation o join reconciliation_run r on r.org_id = o.id where o.id = $1 and r.id = $2`,
      [job.organisationId, job.runId],
    );
    assert(row, 'the run of a job exists');
    const organisation: Organisation = { id: row.id, slug: row.slug, name: row.name, currency: row.currency, minorDigits: Number(row.minor_digits), timeZone: row.time_zone, reconciliationEnabled: row.reconciliation_enabled };
    const execution = await executeRun({ database, organisation, actor: row.actor }, job.runId, {
      holdsLease: control.holdsLease,
      stopping: control.stopping,
      ...(options.batchAccounts ? { batchAccounts: options.batchAccounts } : {}),
    });
    return execution.result;
  };
}

/** When a job fails for good, its run is marked failed too (what it finished stays, and can be undone). */
export async function markRunOfJobFailed(database: Database, job: ClaimedJob, message: string): Promise<void> {
  if (job.runId === null) return;
  await database.query(
    `update reconciliation_run set status = 'failed', error = $3, finished_at = now() where org_id = $1 and id = $2 and status in ('queued', 'running')`,
    [job.organisationId, job.runId, message],
  );
}
