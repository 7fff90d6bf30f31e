import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

for (const dialect of dialects) {
  describe(`account, document, allocation and settings routes on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
      await http.request('POST', '/accounts', { account_id: 'A-1', owner_name: 'Marie Tremblay', owner_email: 'marie@example.org' });
      await http.request('POST', '/accounts', { account_id: 'A-2', owner_name: 'Jean Roy' });
    });
    afterAll(async () => {
      await http.app.close();
      await test.drop();
    });

    const documents = async (accountId: string) =>
      Object.fromEntries((await http.request('GET', `/accounts/${accountId}`)).json().documents.map((document: { document_id: string; status: string; remaining: string }) => [document.document_id, `${document.status} ${document.remaining}`]));

    it('adds a participant, installments that turn post-dated items full when collected, and voids a failed one', async () => {
      expect((await http.request('POST', '/accounts/A-1/participants', { participant_id: 'K-1', name: 'Léa', birth_date: '2019-04-02' })).statusCode).toBe(201);
      const checkout = await http.request('POST', '/checkouts', {
        invoice_id: 'INV-1', account_id: 'A-1', date: '2026-09-01',
        items: [{ item_id: 'I-1', amount: '100.00', participant_id: 'K-1', rl24_eligible: true, ledger_code: 'CAMP' }],
        payments: [{ receipt_id: 'P-1', date: '2026-09-01', amount: '50.00' }, { receipt_id: 'P-2', date: '2026-10-01', amount: '50.00', scheduled: true }],
      });
      expect(checkout.json()).toEqual({ created: true, reconciliation: 'installments', allocations_count: 2 });
      // The installment not yet collected is post-dated on its own row too, never full.
      expect(await documents('A-1')).toMatchObject({ 'I-1': 'post-dated 0.00', 'INV-1': 'post-dated 0.00', 'P-2': 'post-dated 0.00' });
      expect((await http.request('POST', '/receipts/P-2/collect', { collected_on: '2026-10-01' })).json()).toEqual({ collected: true });
      expect(await documents('A-1')).toMatchObject({ 'I-1': 'full 0.00', 'P-2': 'full 0.00' });
      expect((await http.request('POST', '/receipts/P-2/collect', { collected_on: '2026-10-01' })).json().error.code).toBe('payment_is_not_scheduled');
      expect((await http.request('POST', '/receipts/P-2/void')).json()).toEqual({ allocations_removed: 1 });
      expect(await documents('A-1')).toMatchObject({ 'I-1': 'partial 50.00', 'P-2': 'void 0.00' });
    });

    it('records a refund and a cancellation, and takes a balance payment equal to the balance', async () => {
      await http.request('POST', '/invoices', { invoice_id: 'INV-2', account_id: 'A-2', date: '2026-09-01', items: [{ item_id: 'I-2', amount: '80.00' }, { item_id: 'I-3', amount: '20.00' }] });
      expect((await http.request('POST', '/receipts', { receipt_id: 'C-1', account_id: 'A-2', date: '2026-09-05', kind: 'cancellation', amount: '20.00', reference: 'I-3' })).statusCode).toBe(201);
      expect((await http.request('POST', '/refunds', { refund_id: 'RF-1', account_id: 'A-2', date: '2026-09-06', amount: '5.00', method: 'cheque', reference: 'cheque 1042' })).statusCode).toBe(201);
      const wrong = await http.request('POST', '/accounts/A-2/balance-payments', { receipt_id: 'BP-1', date: '2026-09-07', amount: '10.00' });
      expect(wrong.json().error).toMatchObject({ code: 'amount_differs_from_balance', details: { path: 'amount' } });
      // Balance: items 100.00 + refund 5.00 - cancellation 20.00. The payment covers the oldest open
      // debits up to its amount; the cancellation stays for auto-reconcile (docs/DECISIONS.md).
      const paid = await http.request('POST', '/accounts/A-2/balance-payments', { receipt_id: 'BP-1', date: '2026-09-07', amount: '85.00' });
      expect(paid.json()).toEqual({ balance: '85.00', allocations_count: 2 });
      expect((await http.request('GET', '/accounts/A-2')).json()).toMatchObject({ balance: '0.00', open_credit: '20.00', open_debit: '20.00', open_reason: 'unreconciled' });
      expect(await documents('A-2')).toMatchObject({ 'I-2': 'full 0.00', 'I-3': 'partial 15.00', 'RF-1': 'none 5.00', 'BP-1': 'full 0.00', 'C-1': 'none 20.00' });
    });

    it('allocates by hand, lists what is unreconciled, removes the allocation, and shows both in the audit trail', async () => {
      await http.request('POST', '/accounts', { account_id: 'A-3', owner_name: 'Luc Gagnon' });
      await http.request('POST', '/invoices', { invoice_id: 'INV-3', account_id: 'A-3', date: '2026-10-01', items: [{ item_id: 'I-4', amount: '30.00' }, { item_id: 'I-5', amount: '30.00' }] });
      await http.request('POST', '/receipts', { receipt_id: 'D-1', account_id: 'A-3', date: '2026-10-02', kind: 'deposit', amount: '50.00' });
      const unreconciled = (await http.request('GET', '/unreconciled?search=gagnon')).json();
      expect(unreconciled.accounts).toEqual([{ account_id: 'A-3', owner_name: 'Luc Gagnon', remaining: '50.00', credit_remaining: '50.00', refund_remaining: '0.00', documents: [{ document_id: 'D-1', kind: 'deposit', date: '2026-10-02', amount: '50.00', remaining: '50.00' }] }]);
      // Paged after the totals: a page past the end is empty but still says how many match.
      const all = (await http.request('GET', '/unreconciled?sort=remaining&page_size=10')).json();
      expect(all.total).toBeGreaterThanOrEqual(1);
      const remainders = all.accounts.map((account: { remaining: string }) => Number(account.remaining));
      expect(remainders).toEqual([...remainders].sort((a, b) => b - a));
      expect((await http.request('GET', `/unreconciled?page=${Math.ceil(all.total / 10) + 1}&page_size=10`)).json()).toMatchObject({ total: all.total, accounts: [] });
      const over = await http.request('POST', '/allocations', { lines: [{ receipt_id: 'D-1', target_id: 'I-4', amount: '30.00' }, { receipt_id: 'D-1', target_id: 'I-5', amount: '30.00' }] });
      expect(over.json().error).toMatchObject({ code: 'exceeds_credit_remaining', details: { path: 'lines[1].amount' } });
      const made = await http.request('POST', '/allocations', { lines: [{ receipt_id: 'D-1', target_id: 'I-4', amount: '30.00' }, { receipt_id: 'D-1', target_id: 'I-5', amount: '20.00' }] });
      expect(made.statusCode).toBe(201);
      const [first] = made.json().allocation_ids as string[];
      expect((await http.request('GET', '/unreconciled?search=gagnon')).json().total).toBe(0);
      expect((await http.request('DELETE', `/allocations/${first}`)).json()).toEqual({ removed: true, amount: '30.00' });
      expect((await http.request('DELETE', `/allocations/${first}`)).json().error.code).toBe('allocation_already_removed');
      const audit = (await http.request('GET', '/audit?account_id=A-3&page_size=10')).json();
      expect(audit.events.slice(0, 2).map((event: { action: string; target_id: string; actor: string; removal_reason: string | null }) => `${event.action} ${event.target_id} ${event.removal_reason ?? ''}`.trim())).toEqual(['removed I-4 manual', 'allocated I-5']);
    });

    it('turns reconciliation off and on, manages members, and revokes tokens', async () => {
      expect((await http.request('PATCH', '/settings', { reconciliation_enabled: false })).json()).toMatchObject({ reconciliation_enabled: false, currency: 'CAD', minor_digits: 2 });
      expect((await http.request('POST', '/allocations', { lines: [{ receipt_id: 'D-1', target_id: 'I-4', amount: '1.00' }] })).json().error.code).toBe('reconciliation_disabled');
      await http.request('PATCH', '/settings', { reconciliation_enabled: true });
      const invited = await http.request('POST', '/invitations', { email: 'Accountant@Example.org', role: 'accountant' });
      expect(invited.json()).toMatchObject({ email: 'accountant@example.org', role: 'accountant' });
      const accepted = await http.app.inject({ method: 'POST', url: '/api/v1/invitations/accept', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ token: invited.json().token, name: 'Accountant', password: 'another long password' }) });
      expect(accepted.statusCode).toBe(201);
      const userId = (await http.request('GET', '/users')).json().users.find((user: { email: string }) => user.email === 'accountant@example.org').user_id as string;
      expect((await http.request('PATCH', `/users/${userId}`, { role: 'viewer' })).json()).toEqual({ role: 'viewer' });
      const owner = (await http.request('GET', '/users')).json().users.find((user: { role: string }) => user.role === 'owner');
      expect((await http.request('DELETE', `/users/${owner.user_id}`)).json().error.code).toBe('last_owner_cannot_leave');
      expect((await http.request('DELETE', `/users/${userId}`)).statusCode).toBe(204);
      const created = await http.request('POST', '/tokens', { name: 'store front', role: 'admin' });
      const token = created.json().token as string;
      expect(token).toMatch(/^tly_/);
      const viaToken = () => http.app.inject({ method: 'GET', url: `/api/v1/orgs/${http.organisation.slug}/settings`, headers: { authorization: `Bearer ${token}` } });
      expect((await viaToken()).statusCode).toBe(200);
      expect((await http.request('GET', '/tokens')).json().tokens.some((listed: { token?: string }) => 'token' in listed)).toBe(false);
      expect((await http.request('POST', '/tokens', { name: 'escalation', role: 'owner' }, { role: 'admin' })).statusCode).toBe(403);
      expect((await http.request('DELETE', `/tokens/${created.json().token_id}`)).statusCode).toBe(204);
      expect((await viaToken()).statusCode).toBe(401);
    });
  });
}
