import type { Database } from '../storage/database.ts';
import { markRunFailed, markRunRetrying } from '../storage/run-sql.ts';
import { executeRun } from '../services/auto-reconcile.ts';
import type { Organisation } from '../services/organisations.ts';
import { assert } from '../core/assert.ts';
import type { JobHandler } from './job-worker.ts';

/**
 * Runs a queued reconciliation run under the job's lease. The run's allocations are recorded as
 * made by whoever started it. A resumed job continues after the run's last finished batch.
 */
export function reconcileJobHandler(database: Database, options: { batchAccounts?: number } = {}): JobHandler {
  const run: JobHandler['run'] = async (job, control) => {
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
  return {
    run,
    // While the job waits to be tried again the run is queued again (so it can be cancelled), with the reason and the time of the next attempt.
    retrying: (transaction, job, message, delayMs) => (job.runId === null ? Promise.resolve() : markRunRetrying(transaction, job.organisationId, job.runId, message, delayMs)),
    // When the job gives up its run is marked failed (what it finished stays, and can be undone).
    failed: (transaction, job, message) => (job.runId === null ? Promise.resolve() : markRunFailed(transaction, job.organisationId, job.runId, message)),
  };
}
