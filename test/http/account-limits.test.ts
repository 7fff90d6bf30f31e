import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountTotalMinorMax, amountMinorMax, invoiceItemsMax } from '../../src/core/limits.ts';
import { formatAmountMinor } from '../../src/core/money.ts';
import { csvInputFileOfText } from '../../src/csv/import-files.ts';
import { importCsvFiles } from '../../src/csv/import-ledger.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { findRun, runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

const largestAmount = formatAmountMinor(amountMinorMax, 2);

/** An invoice of the most items at the largest amount: one such invoice is the most an account may total. */
function largestInvoice(invoiceId: string, accountId: string) {
  return {
    invoice_id: invoiceId, account_id: accountId, date: '2026-09-01',
    items: Array.from({ length: invoiceItemsMax }, (_, index) => ({ item_id: `${invoiceId}-${index + 1}`, amount: largestAmount })),
  };
}

for (const dialect of dialects) {
  describe(`What one account may total, on ${dialect.name}`, () => {
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

    it('refuses the invoice, checkout or import that would take an account past accountTotalMinorMax, and every list keeps answering', async () => {
      expect(amountMinorMax * BigInt(invoiceItemsMax)).toBe(accountTotalMinorMax);
      expect((await http.request('POST', '/accounts', { account_id: 'BIG', owner_name: 'Big Spender' })).statusCode).toBe(201);
      expect((await http.request('POST', '/invoices', largestInvoice('BIG-1', 'BIG'))).statusCode).toBe(201);

      const second = await http.request('POST', '/invoices', largestInvoice('BIG-2', 'BIG'));
      expect(second.statusCode).toBe(422);
      expect(second.json().error).toMatchObject({ code: 'account_total_is_too_large', details: { path: 'items[0].amount' } });

      const checkout = await http.request('POST', '/checkouts', { ...largestInvoice('BIG-3', 'BIG'), payments: [{ receipt_id: 'BIG-P', date: '2026-09-01', amount: largestAmount, method: 'card' }] });
      expect(checkout.statusCode).toBe(422);
      expect(checkout.json().error.code).toBe('account_total_is_too_large');

      // Credits have their own total: the largest payments up to the bound, then one cent more is refused with its file and line.
      const payments = Array.from({ length: invoiceItemsMax }, (_, index) => `BIG-R${index + 1},BIG,2026-09-02,payment,${largestAmount}`);
      const imported = await importCsvFiles({ database: test.database, organisation: http.organisation, actor: 'test' }, [
        csvInputFileOfText('accounts.csv', 'account_id,owner_name\n'),
        csvInputFileOfText('receipts.csv', ['receipt_id,account_id,date,kind,amount', ...payments, 'BIG-R-LAST,BIG,2026-09-02,credit,0.01', ''].join('\n')),
      ]);
      expect(imported).toMatchObject({ ok: false, refusal: { code: 'account_total_is_too_large', path: `receipts.csv:${invoiceItemsMax + 2}:amount` } });

      const account = await http.request('GET', '/accounts/BIG');
      expect(account.statusCode).toBe(200);
      expect(account.json().balance).toBe(formatAmountMinor(accountTotalMinorMax, 2));
      for (const sort of ['balance_desc', 'balance', 'unreconciled_desc', 'owner']) {
        const list = await http.request('GET', `/accounts?sort=${sort}&page_size=10`);
        expect(list.statusCode, sort).toBe(200);
      }
      const preview = await http.request('POST', '/runs', { scope: { all: true }, dry_run: true });
      expect(preview.statusCode).toBe(200);
    });

    it('sums a run over accounts at the bound past 64 bits: ten accounts of 10^18 each reconcile, and the run says 10^19', async () => {
      const organisation = unwrap(await createOrganisation(test.database, { slug: `limits-run-${dialect.name}` }));
      const context = { database: test.database, organisation, actor: 'test' };
      const accounts = Array.from({ length: 10 }, (_, index) => `R${index}`);
      const items = accounts.flatMap((account) => Array.from({ length: invoiceItemsMax }, (_, index) => `INV-${account},${account},2026-09-01,${account}-I${index},${largestAmount}`));
      const receipts = accounts.flatMap((account) => Array.from({ length: invoiceItemsMax }, (_, index) => `${account}-P${index},${account},2026-09-02,payment,${largestAmount}`));
      unwrap(await importCsvFiles(context, [
        csvInputFileOfText('accounts.csv', ['account_id,owner_name', ...accounts.map((account) => `${account},Owner ${account}`), ''].join('\n')),
        csvInputFileOfText('invoices.csv', ['invoice_id,account_id,date,item_id,amount', ...items, ''].join('\n')),
        csvInputFileOfText('receipts.csv', ['receipt_id,account_id,date,kind,amount', ...receipts, ''].join('\n')),
      ]));
      const summary = unwrap(await runAutoReconcile(context, { kind: 'all' }, { strategy: 'fifo', dryRun: false }));
      const expected = accountTotalMinorMax * 10n;
      expect(expected > 9_223_372_036_854_775_807n).toBe(true);
      expect(summary.allocatedMinor).toBe(expected);
      expect(unwrap(await findRun(context, summary.runId!)).allocatedMinor).toBe(expected);
    });
  });
}
