import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

for (const dialect of dialects) {
  describe(`billing routes on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
    });
    afterAll(async () => {
      await http.app.close();
      await test.drop();
    });

    it('creates an account, checks out an invoice paid in full, and shows it reconciled', async () => {
      expect((await http.request('POST', '/accounts', { account_id: 'A1', owner_name: 'Marie Tremblay', owner_email: 'marie@example.org' })).statusCode).toBe(201);
      expect((await http.request('POST', '/accounts', { account_id: 'A1', owner_name: 'Marie Tremblay', owner_email: 'marie@example.org' })).json()).toEqual({ created: false });
      const checkout = await http.request('POST', '/checkouts', {
        invoice_id: 'INV-1', account_id: 'A1', date: '2026-09-01',
        items: [{ item_id: 'I1', amount: '120.00', ledger_code: 'SWIM' }, { item_id: 'I2', amount: '30.50', ledger_code: 'MEMB' }],
        payments: [{ receipt_id: 'P1', date: '2026-09-01', amount: '150.50', method: 'card' }],
      });
      expect(checkout.statusCode).toBe(201);
      expect(checkout.json()).toEqual({ created: true, reconciliation: 'checkout', allocations_count: 2 });
      const account = (await http.request('GET', '/accounts/A1')).json();
      expect(account.balance).toBe('0.00');
      expect(account.open_reason).toBe('in_agreement');
      expect(account.documents.map((document: { document_id: string; status: string }) => `${document.document_id}:${document.status}`).sort()).toEqual(['I1:full', 'I2:full', 'INV-1:full', 'P1:full']);
      const list = (await http.request('GET', '/accounts?search=tremblay&page_size=10')).json();
      expect(list).toMatchObject({ total: 1, accounts: [{ account_id: 'A1', balance: '0.00', unreconciled_count: 0 }] });
    });

    it('refuses over-precise amounts and unknown fields with a precise path, changing nothing', async () => {
      const overPrecise = await http.request('POST', '/receipts', { receipt_id: 'X1', account_id: 'A1', date: '2026-09-02', kind: 'payment', amount: '10.001' });
      expect(overPrecise.statusCode).toBe(400);
      expect(overPrecise.json().error).toMatchObject({ code: 'amount_has_too_many_decimals', details: { path: 'amount' } });
      const badItem = await http.request('POST', '/invoices', { invoice_id: 'INV-9', account_id: 'A1', date: '2026-09-02', items: [{ item_id: 'I9', amount: '1.00' }, { item_id: 'I10', amount: '1.005' }] });
      expect(badItem.json().error).toMatchObject({ code: 'amount_has_too_many_decimals', details: { path: 'items[1].amount' } });
      expect((await http.request('GET', '/accounts/A1')).json().documents.some((document: { document_id: string }) => document.document_id === 'I9')).toBe(false);
    });

    it('guards routes: 401 without credentials, 404 for another organisation, 403 without the permission', async () => {
      const anonymous = await http.app.inject({ method: 'GET', url: `/api/v1/orgs/${http.organisation.slug}/accounts` });
      expect(anonymous.statusCode).toBe(401);
      expect((await http.request('GET', '/api/v1/orgs/someone-else/accounts')).statusCode).toBe(404);
      const viewer = await http.request('POST', '/allocations', { lines: [{ receipt_id: 'P1', target_id: 'I1', amount: '1.00' }] }, { role: 'viewer' });
      expect(viewer.statusCode).toBe(403);
      expect(viewer.json().error.code).toBe('permission_denied');
    });
  });
}
