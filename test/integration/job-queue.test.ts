import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { claimJob, holdsLease } from '../../src/jobs/job-queue.ts';
import { startJobWorker } from '../../src/jobs/job-worker.ts';
import { reconcileJobHandler } from '../../src/jobs/reconcile-job.ts';
import { cancelRun, executeRun, findRun, queueAutoReconcile } from '../../src/services/auto-reconcile.ts';
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
      startJobWorker(test.database, {
        ...handler,
        run: async (job, control) => {
          claims.push(`${number}:${job.jobId}`);
          return handler.run(job, control);
        },
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

/** Wait (for at most a generous bound, so a hung worker fails the test) until `done` holds. */
async function waitFor(done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const dialect of dialects) {
  describe(`a failing job on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    /** Makes every allocation of one organisation fail in the database, as a cancelled or timed-out statement would. */
    async function failAllocationsOf(organisationId: bigint, name: string) {
      await test.database.query(`alter table allocation add constraint ${name} check (org_id <> ${organisationId}) not valid`);
    }

    async function jobOfRun(organisationId: bigint, runRowId: bigint) {
      const [job] = await test.database.query<{ status: string; attempts: number; error: string | null }>('select status, attempts, error from job where org_id = $1 and run_id = $2', [organisationId, runRowId]);
      return job!;
    }

    it("backs off while another organisation's run finishes, then gives up after a bounded number of attempts with the reason on its run", async () => {
      const failing = await ledgerFixture(test.database);
      await seedAccounts(failing, 2);
      const healthy = await ledgerFixture(test.database);
      await seedAccounts(healthy, 2);
      const failingRun = unwrap(await queueAutoReconcile(failing.context, { kind: 'all' }, 'reference'));
      const healthyRun = unwrap(await queueAutoReconcile(healthy.context, { kind: 'all' }, 'reference'));
      await failAllocationsOf(failing.context.organisation.id, 'test_failing_organisation');
      const handler = reconcileJobHandler(test.database, { batchAccounts: 1 });
      const attemptsOfFailing: number[] = [];
      const worker = startJobWorker(test.database, {
        ...handler,
        run: async (job, control) => {
          if (job.organisationId === failing.context.organisation.id) attemptsOfFailing.push(job.attempts);
          return handler.run(job, control);
        },
      }, { pollIntervalMs: 5, retryDelayFirstMs: 1_000, attemptsMax: 3 });
      try {
        await waitFor(async () => unwrap(await findRun(healthy.context, healthyRun.runId)).status === 'completed', "the other organisation's run");
        // The failing job was claimed first (it is older) and failed; the other run finished while it waited.
        const meanwhile = unwrap(await findRun(failing.context, failingRun.runId));
        expect(meanwhile.error).toContain('test_failing_organisation');
        expect(['queued', 'running']).toContain(meanwhile.status);
        expect(await healthy.allocations('A1')).toEqual(['P-1>I-1:1000']);
        await waitFor(async () => (await jobOfRun(failing.context.organisation.id, failingRun.runRowId)).status === 'failed', 'the failing job to give up');
      } finally {
        await worker.stop();
      }
      expect(attemptsOfFailing).toEqual([1, 2, 3]);
      const job = await jobOfRun(failing.context.organisation.id, failingRun.runRowId);
      expect(job.attempts).toBe(3);
      const run = unwrap(await findRun(failing.context, failingRun.runId));
      expect(run.status).toBe('failed');
      expect(run.error).toContain('test_failing_organisation');
      expect(run.retryAt).toBeNull();
      expect(run.finishedAt).not.toBeNull();
    });

    it('a job backing off after a failed attempt can be cancelled, and is not tried again', async () => {
      const failing = await ledgerFixture(test.database);
      await seedAccounts(failing, 1);
      const queued = unwrap(await queueAutoReconcile(failing.context, { kind: 'all' }, 'reference'));
      await failAllocationsOf(failing.context.organisation.id, 'test_cancelled_organisation');
      const handler = reconcileJobHandler(test.database);
      let claims = 0;
      const worker = startJobWorker(test.database, { ...handler, run: async (job, control) => ((claims += 1), handler.run(job, control)) }, { pollIntervalMs: 5, retryDelayFirstMs: 600_000 });
      try {
        await waitFor(async () => unwrap(await findRun(failing.context, queued.runId)).retryAt !== null, 'the failed attempt to back off');
        const waiting = unwrap(await findRun(failing.context, queued.runId));
        expect(waiting.status).toBe('queued');
        expect(waiting.error).toContain('test_cancelled_organisation');
        expect(unwrap(await cancelRun(failing.context, queued.runId))).toEqual({ status: 'cancelled' });
      } finally {
        await worker.stop();
      }
      expect(claims).toBe(1);
      expect((await jobOfRun(failing.context.organisation.id, queued.runRowId)).status).toBe('cancelled');
      const cancelled = unwrap(await findRun(failing.context, queued.runId));
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.retryAt).toBeNull();
    });

    it('a job claimed again after its run ended ends with it instead of being given back', async () => {
      const ledger = await ledgerFixture(test.database);
      await seedAccounts(ledger, 1);
      const queued = unwrap(await queueAutoReconcile(ledger.context, { kind: 'all' }, 'reference'));
      await test.database.query(`update reconciliation_run set status = 'failed', error = 'ended elsewhere', finished_at = now() where org_id = $1 and id = $2`, [ledger.context.organisation.id, queued.runRowId]);
      const job = (await claimJob(test.database, 'worker-a'))!;
      const result = await reconcileJobHandler(test.database).run(job, { worker: 'worker-a', stopping: () => false, holdsLease: (transaction) => holdsLease(transaction, job, 'worker-a') });
      expect(result).toBe('failed');
    });
  });
}
