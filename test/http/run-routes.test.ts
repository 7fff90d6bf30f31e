import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobWorker, type JobWorker } from '../../src/jobs/job-worker.ts';
import { reconcileJobHandler } from '../../src/jobs/reconcile-job.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

for (const dialect of dialects) {
  describe(`auto-reconcile runs over HTTP on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    let worker: JobWorker;
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
      for (const account of ['A-1', 'A-2', 'B-1']) {
        await http.request('POST', '/accounts', { account_id: account, owner_name: account.startsWith('A') ? `Alpha ${account}` : 'Beta' });
        await http.request('POST', '/invoices', { invoice_id: `INV-${account}`, account_id: account, date: '2026-09-01', items: [{ item_id: `I-${account}`, amount: '40.00' }] });
        await http.request('POST', '/receipts', { receipt_id: `P-${account}`, account_id: account, date: '2026-09-02', kind: 'payment', amount: '25.00' });
      }
      worker = startJobWorker(test.database, reconcileJobHandler(test.database, { batchAccounts: 1 }), { pollIntervalMs: 20 });
    });
    afterAll(async () => {
      await worker.stop();
      await http.app.close();
      await test.drop();
    });

    const waitForRun = async (runId: string) => {
      for (let attempt = 0; attempt < 500; attempt += 1) {
        const run = (await http.request('GET', `/runs/${runId}`)).json();
        if (!['queued', 'running'].includes(run.status)) return run;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`run ${runId} did not finish`);
    };

    it('previews a run for every matching account without writing, then runs it in the background and undoes it', async () => {
      const preview = await http.request('POST', '/runs', { scope: { filter: { search: 'alpha' } }, dry_run: true });
      expect(preview.statusCode).toBe(200);
      expect(preview.json()).toMatchObject({ run_id: null, dry_run: true, accounts_total: 2, allocations_count: 2, allocated: '50.00' });
      expect(preview.json().planned_allocations).toEqual([
        { receipt_id: 'P-A-1', target_id: 'I-A-1', amount: '25.00' },
        { receipt_id: 'P-A-2', target_id: 'I-A-2', amount: '25.00' },
      ]);
      expect((await http.request('GET', '/accounts/A-1')).json().allocations).toEqual([]);

      const queued = await http.request('POST', '/runs', { scope: { filter: { search: 'alpha' } } });
      expect(queued.statusCode).toBe(202);
      const run = await waitForRun(queued.json().run_id);
      expect(run).toMatchObject({ status: 'completed', accounts_total: 2, accounts_done: 2, allocations_count: 2, allocated: '50.00' });
      expect(run.summary.accounts_left_open).toEqual({ credit_on_account: 0, balance_owing: 2, unreconciled: 0 });
      expect(run.summary.accounts_left_open_listed[0]).toMatchObject({ account_id: 'A-1', reason: 'balance_owing', reason_message: 'Balance owing, no unallocated credits left.', open_debit: '15.00' });
      expect((await http.request('GET', '/accounts/B-1')).json().allocations).toEqual([]);
      const audit = (await http.request('GET', `/audit?run_id=${run.run_id}`)).json();
      expect(audit.events.map((event: { action: string; source: string }) => `${event.action}:${event.source}`)).toEqual(['allocated:auto', 'allocated:auto']);

      const undone = await http.request('POST', `/runs/${run.run_id}/undo`);
      expect(undone.json()).toEqual({ run_id: run.run_id, allocations_removed: 2, amount_removed: '50.00' });
      expect((await http.request('POST', `/runs/${run.run_id}/undo`)).json().error.code).toBe('run_already_undone');
      expect((await http.request('GET', '/accounts/A-1')).json().allocations).toEqual([]);
    });

    it('cancels a queued run at once and refuses to cancel a finished one', async () => {
      await worker.stop();
      const queued = (await http.request('POST', '/runs', { scope: { all: true }, strategy: 'fifo' })).json();
      expect((await http.request('POST', `/runs/${queued.run_id}/cancel`)).json()).toEqual({ status: 'cancelled' });
      expect((await http.request('GET', `/runs/${queued.run_id}`)).json().status).toBe('cancelled');
      expect((await http.request('POST', `/runs/${queued.run_id}/cancel`)).json().error.code).toBe('run_is_finished');
      worker = startJobWorker(test.database, reconcileJobHandler(test.database), { pollIntervalMs: 20 });
      expect((await http.request('GET', '/runs')).json().runs.map((run: { status: string }) => run.status)).toEqual(['cancelled', 'undone']);
    });

    it('refuses unknown accounts in the scope by their position', async () => {
      const response = await http.request('POST', '/runs', { scope: { account_ids: ['A-1', 'NOPE'] } });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'account_not_found', details: { path: 'accounts[1]' } });
    });
  });
}
