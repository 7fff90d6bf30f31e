import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { claimJob, holdsLease } from '../../src/jobs/job-queue.ts';
import { startJobWorker } from '../../src/jobs/job-worker.ts';
import { reconcileJobHandler } from '../../src/jobs/reconcile-job.ts';
import { executeRun, queueAutoReconcile } from '../../src/services/auto-reconcile.ts';
import { dialects, serverDialects, type TestDatabase } from '../support/dialects.ts';
import { ledgerFixture } from '../support/ledger-fixture.ts';

async function seedAccounts(ledger: Awaited<ReturnType<typeof ledgerFixture>>, count: number) {
  for (let index = 0; index < count; index += 1) {
    await ledger.account(`A${index}`);
    await ledger.invoice(`INV-${index}`, `A${index}`, '2026-01-10', [[`I-${index}`, '10.00']]);
    await ledger.receipt(`P-${index}`, `A${index}`, '2026-01-11', 'payment', '10.00');
  }
}

for (const dialect of dialects) {
  describe(`job queue on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('a worker that lost its lease writes nothing more, and the new holder finishes the run', async () => {
      const ledger = await ledgerFixture(test.database);
      await seedAccounts(ledger, 4);
      const { runRowId: runId } = unwrap(await queueAutoReconcile(ledger.context, { kind: 'all' }, 'reference'));
      const job = (await claimJob(test.database, 'worker-a', 60_000))!;
      expect(job.runId).toBe(runId);
      // worker-a stalls; its lease is taken over by worker-b (as after an expiry).
      await test.database.query(`update job set lease_expires_at = now() - interval '1 second' where org_id = $1 and id = $2`, [job.organisationId, job.jobId]);
      const taken = (await claimJob(test.database, 'worker-b', 60_000))!;
      expect(taken.jobId).toBe(job.jobId);
      const stale = await executeRun(ledger.context, runId, { holdsLease: (transaction) => holdsLease(transaction, job, 'worker-a'), batchAccounts: 1 });
      expect(stale).toEqual({ result: 'stopped' });
      expect(await ledger.allocations('A0')).toEqual([]);
      const fresh = await executeRun(ledger.context, runId, { holdsLease: (transaction) => holdsLease(transaction, taken, 'worker-b'), batchAccounts: 1 });
      expect(fresh.result).toBe('completed');
      expect(await ledger.allocations('A3')).toEqual(['P-3>I-3:1000']);
    });
  });
}

for (const server of serverDialects) describe(`two workers on one ${server.name}`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await server.open(12);
  });
  afterAll(async () => {
    await test.drop();
  });

  it('never run the same job twice', async () => {
    const ledger = await ledgerFixture(test.database);
    await seedAccounts(ledger, 6);
    const runIds: bigint[] = [];
    for (let index = 0; index < 6; index += 1) runIds.push(unwrap(await queueAutoReconcile(ledger.context, { kind: 'account', accountId: `A${index}` }, 'reference')).runId);
    const claims: string[] = [];
    const handler = reconcileJobHandler(test.database, { batchAccounts: 1 });
    const workers = [0, 1].map((number) =>
      startJobWorker(test.database, async (job, control) => {
        claims.push(`${number}:${job.jobId}`);
        return handler(job, control);
      }, { pollIntervalMs: 5 }),
    );
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const [row] = await test.database.query<{ open: bigint }>(`select count(*) as open from job where org_id = $1 and status <> 'completed'`, [ledger.context.organisation.id]);
      if (row!.open === 0n) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(workers.map((worker) => worker.stop()));
    const jobIds = claims.map((claim) => claim.split(':')[1]);
    expect(new Set(jobIds).size).toBe(6);
    expect(jobIds.length).toBe(6);
    const [batches] = await test.database.query<{ count: bigint }>('select count(*) as count from reconciliation_run_batch where org_id = $1', [ledger.context.organisation.id]);
    expect(batches!.count).toBe(6n);
    for (let index = 0; index < 6; index += 1) expect(await ledger.allocations(`A${index}`)).toEqual([`P-${index}>I-${index}:1000`]);
  });
});

if (serverDialects.length === 0) describe.skip('two workers on one database server (needs TEST_DATABASE_URL or TEST_CITUS_URL)', () => it('is skipped: no database server was given', () => {}));
