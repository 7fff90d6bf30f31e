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
        { account_id: 'A-1', owner_name: 'Alpha A-1', receipt_id: 'P-A-1', receipt_kind: 'payment', target_id: 'I-A-1', target_kind: 'item', amount: '25.00', pass: 'oldest_first', removed: false },
        { account_id: 'A-2', owner_name: 'Alpha A-2', receipt_id: 'P-A-2', receipt_kind: 'payment', target_id: 'I-A-2', target_kind: 'item', amount: '25.00', pass: 'oldest_first', removed: false },
      ]);
      expect(preview.json()).toMatchObject({ planned_accounts_count: 2, planned_accounts: [{ account_id: 'A-1', allocations_count: 1, allocated: '25.00' }, { account_id: 'A-2' }] });
      expect((await http.request('GET', '/accounts/A-1')).json().allocations).toEqual([]);

      const queued = await http.request('POST', '/runs', { scope: { filter: { search: 'alpha' } } });
      expect(queued.statusCode).toBe(202);
      // Previews are not runs: the first real run of the organisation is run 1.
      expect(queued.json().run_id).toBe('1');
      expect(queued.headers.location).toBe(`/api/v1/orgs/${http.organisation.slug}/runs/1`);
      const run = await waitForRun(queued.json().run_id);
      expect(run).toMatchObject({ status: 'completed', accounts_total: 2, accounts_done: 2, allocations_count: 2, allocated: '50.00' });
      expect(run.summary.accounts_left_open).toEqual({ credit_on_account: 0, balance_owing: 2, unreconciled: 0 });
      expect(run.summary.accounts_left_open_listed[0]).toMatchObject({ account_id: 'A-1', reason: 'balance_owing', reason_message: 'Balance owing, no unallocated credits left.', open_debit: '15.00' });
      expect((await http.request('GET', '/accounts/B-1')).json().allocations).toEqual([]);
      const audit = (await http.request('GET', `/audit?run_id=${run.run_id}`)).json();
      expect(audit.events.map((event: { action: string; source: string }) => `${event.action}:${event.source}`)).toEqual(['allocated:auto', 'allocated:auto']);

      const allocations = (await http.request('GET', `/runs/${run.run_id}/allocations?page_size=10`)).json();
      expect(allocations).toMatchObject({ total: 2, page: 1, page_size: 10 });
      // In the order they were written: on PostgreSQL two batches of one account each run side by side.
      expect(allocations.allocations.map((allocation: { receipt_id: string; removed: boolean }) => `${allocation.receipt_id} ${allocation.removed}`).sort()).toEqual(['P-A-1 false', 'P-A-2 false']);
      expect((await http.request('GET', `/runs/${run.run_id}/accounts`)).json()).toEqual({
        total: 2, page: 1, page_size: 25,
        accounts: [{ account_id: 'A-1', owner_name: 'Alpha A-1', allocations_count: 1, allocated: '25.00' }, { account_id: 'A-2', owner_name: 'Alpha A-2', allocations_count: 1, allocated: '25.00' }],
      });
      expect((await http.request('GET', '/runs')).json().runs[0]).toMatchObject({ run_id: '1', status: 'completed', has_active_allocations: true });

      const undone = await http.request('POST', `/runs/${run.run_id}/undo`);
      expect(undone.json()).toEqual({ run_id: run.run_id, allocations_removed: 2, amount_removed: '50.00' });
      expect((await http.request('POST', `/runs/${run.run_id}/undo`)).json().error.code).toBe('run_already_undone');
      expect((await http.request('GET', '/accounts/A-1')).json().allocations).toEqual([]);
      expect((await http.request('GET', `/runs/${run.run_id}`)).json()).toMatchObject({ status: 'undone', has_active_allocations: false, undone_by: expect.stringMatching(/^token:/) });
      expect((await http.request('GET', `/runs/${run.run_id}/allocations`)).json().allocations.every((allocation: { removed: boolean }) => allocation.removed)).toBe(true);
    });

    it('cancels a queued run at once and refuses to cancel a finished one', async () => {
      await worker.stop();
      const queued = (await http.request('POST', '/runs', { scope: { all: true }, strategy: 'fifo' })).json();
      expect((await http.request('POST', `/runs/${queued.run_id}/cancel`)).json()).toEqual({ status: 'cancelled' });
      expect((await http.request('GET', `/runs/${queued.run_id}`)).json().status).toBe('cancelled');
      expect((await http.request('POST', `/runs/${queued.run_id}/cancel`)).json().error.code).toBe('run_is_finished');
      worker = startJobWorker(test.database, reconcileJobHandler(test.database), { pollIntervalMs: 20 });
      expect((await http.request('GET', '/runs')).json().runs.map((run: { run_id: string; status: string }) => `${run.run_id}:${run.status}`)).toEqual(['2:cancelled', '1:undone']);
      expect((await http.request('GET', '/runs?status=undone')).json()).toMatchObject({ total: 1, runs: [{ run_id: '1' }] });
    });

    it('numbers runs within each organisation and names the pass that made each allocation', async () => {
      const other = await httpFixture(test.database);
      await other.request('POST', '/accounts', { account_id: 'C-1', owner_name: 'Cedar' });
      await other.request('POST', '/invoices', { invoice_id: 'INV-9', account_id: 'C-1', date: '2026-09-01', items: [{ item_id: 'I-9a', amount: '30.00' }, { item_id: 'I-9b', amount: '20.00' }] });
      await other.request('POST', '/invoices', { invoice_id: 'INV-10', account_id: 'C-1', date: '2026-09-01', items: [{ item_id: 'I-10a', amount: '15.00' }] });
      await other.request('POST', '/receipts', { receipt_id: 'C-CANCEL', account_id: 'C-1', date: '2026-09-05', kind: 'cancellation', amount: '5.00', reference: 'I-10a' });
      await other.request('POST', '/receipts', { receipt_id: 'C-PAY-INV', account_id: 'C-1', date: '2026-09-06', kind: 'payment', amount: '35.00', reference: 'INV-9' });
      await other.request('POST', '/receipts', { receipt_id: 'C-PAY', account_id: 'C-1', date: '2026-09-07', kind: 'payment', amount: '25.00' });
      // Previews take no number; the other organisation's runs do not count either.
      expect((await other.request('POST', '/runs', { scope: { all: true }, dry_run: true })).json().run_id).toBeNull();
      const queued = (await other.request('POST', '/runs', { scope: { all: true } })).json();
      expect(queued.run_id).toBe('1');
      const run = await (async () => {
        for (let attempt = 0; attempt < 500; attempt += 1) {
          const found = (await other.request('GET', '/runs/1')).json();
          if (!['queued', 'running'].includes(found.status)) return found;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        throw new Error('the run did not finish');
      })();
      const passes = (await other.request('GET', '/runs/1/allocations')).json().allocations.map((allocation: { receipt_id: string; target_id: string; amount: string; pass: string }) => `${allocation.receipt_id}>${allocation.target_id} ${allocation.amount} ${allocation.pass}`);
      expect(passes.sort()).toEqual([
        'C-CANCEL>I-10a 5.00 referenced_debit',
        'C-PAY-INV>I-9a 30.00 referenced_invoice',
        'C-PAY-INV>I-9b 5.00 referenced_invoice',
        'C-PAY>I-10a 10.00 oldest_first',
        'C-PAY>I-9b 15.00 oldest_first',
      ]);
      expect(run.summary.allocations_by_pass).toEqual({ referenced_debit: 1, referenced_invoice: 2, oldest_first: 2 });
      // Each organisation sees its own run 1 only.
      expect((await other.request('GET', '/runs')).json().runs.map((listed: { run_id: string; allocations_count: number }) => [listed.run_id, listed.allocations_count])).toEqual([['1', 5]]);
      expect((await http.request('GET', '/runs/1/allocations')).json().allocations.some((allocation: { account_id: string }) => allocation.account_id === 'C-1')).toBe(false);
      await other.app.close();
    });

    it('refuses unknown accounts in the scope by their position', async () => {
      const response = await http.request('POST', '/runs', { scope: { account_ids: ['A-1', 'NOPE'] } });
      expect(response.statusCode).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'account_not_found', details: { path: 'accounts[1]' } });
    });
  });
}
