import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import { unwrap, type Outcome } from '../../src/core/outcome.ts';
import type { RefusalCode } from '../../src/core/refusal-codes.ts';
import { accountStatement } from '../../src/services/account-view.ts';
import { runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import { checkout, collectPayment, payBalance, voidPayment, type CheckoutPayment, type InvoiceItemInput } from '../../src/services/ledger.ts';
import { setReconciliationEnabled } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { expectInvariants } from '../support/ledger-database.ts';
import { cents, ledgerFixture } from '../support/ledger-fixture.ts';

const date = (text: string) => text as CalendarDate;
const items = (...list: [itemId: string, amount: string][]): InvoiceItemInput[] =>
  list.map(([itemId, amount]) => ({ itemId, description: itemId, ledgerCode: 'GL-1', amountMinor: cents(amount), participantId: null, rl24Eligible: false }));
const payment = (receiptId: string, on: string, amount: string, scheduled = false): CheckoutPayment => ({ receiptId, date: date(on), amountMinor: cents(amount), method: 'card', scheduled });

function expectRefusal(outcome: Outcome<unknown>, code: RefusalCode, path?: string): void {
  expect(outcome).toMatchObject({ ok: false, refusal: { code } });
  if (!outcome.ok) expect(outcome.refusal.path).toBe(path);
}

for (const dialect of dialects) {
  describe(`money arriving on ${dialect.name}: checkout, installments, balance payment, voids`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    async function sources(fixture: Awaited<ReturnType<typeof ledgerFixture>>, accountId: string): Promise<string[]> {
      const statement = unwrap(await accountStatement(fixture.context, accountId));
      return statement.allocations.map((allocation) => `${allocation.creditId}>${allocation.debitId}:${allocation.amountMinor} ${allocation.source}`);
    }

    it('checkout paid in full: payments, in the order given, cover the items in item order', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      const result = unwrap(await checkout(fixture.context, { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') },
        items(['I1', '40.00'], ['I2', '0.00'], ['I3', '60.00']), [payment('P1', '2026-01-10', '30.00'), payment('P2', '2026-01-10', '70.00')]));
      expect(result).toEqual({ created: true, reconciliation: 'checkout', allocationsCount: 3 });
      expect(await sources(fixture, 'A')).toEqual(['P1>I1:3000 checkout', 'P2>I1:1000 checkout', 'P2>I3:6000 checkout']);
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', I2: 'full', I3: 'full', 'INV-1': 'full', P1: 'full', P2: 'full' });
      const statement = unwrap(await accountStatement(fixture.context, 'A'));
      expect(statement.balanceMinor).toBe(0n);
      expect(statement.openReason).toBe('in_agreement');
      expect(statement.documents.filter((document) => document.kind === 'payment').map((document) => document.reference)).toEqual(['INV-1', 'INV-1']);
      await expectInvariants(test.database, fixture.context.organisation.id);
    });

    it('a retried checkout changes nothing', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      const header = { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') };
      unwrap(await checkout(fixture.context, header, items(['I1', '25.00']), [payment('P1', '2026-01-10', '25.00')]));
      expect(await checkout(fixture.context, header, items(['I1', '25.00']), [payment('P1', '2026-01-10', '25.00')]))
        .toEqual({ ok: true, value: { created: false, reconciliation: 'none', allocationsCount: 0 } });
      expect(await fixture.allocations('A')).toEqual(['P1>I1:2500']);
    });

    it('checkout by installments: items are post-dated until their installments are collected, then full', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      const result = unwrap(await checkout(fixture.context, { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') },
        items(['I1', '40.00'], ['I2', '60.00']),
        [payment('P1', '2026-01-10', '50.00'), payment('P2', '2026-02-10', '25.00', true), payment('P3', '2026-03-10', '25.00', true)]));
      expect(result).toEqual({ created: true, reconciliation: 'installments', allocationsCount: 4 });
      expect(await sources(fixture, 'A')).toEqual(['P1>I1:4000 installments', 'P1>I2:1000 installments', 'P2>I2:2500 installments', 'P3>I2:2500 installments']);
      // An installment not yet collected is post-dated on its own row too; collected, it is full.
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', I2: 'post-dated', 'INV-1': 'post-dated', P2: 'post-dated' });
      unwrap(await collectPayment(fixture.context, 'P2', date('2026-02-10')));
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', I2: 'post-dated', 'INV-1': 'post-dated', P2: 'full', P3: 'post-dated' });
      unwrap(await collectPayment(fixture.context, 'P3', date('2026-03-11')));
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', I2: 'full', 'INV-1': 'full' });
      const [collected] = await test.database.query<{ collected_on: string; scheduled: boolean }>(
        `select collected_on, scheduled from document where org_id = $1 and external_id = 'P3'`, [fixture.context.organisation.id]);
      expect(collected).toEqual({ collected_on: '2026-03-11', scheduled: false });
    });

    it('a failed installment is voided: its allocations are removed (reason void) and the items fall back', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      unwrap(await checkout(fixture.context, { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') },
        items(['I1', '40.00'], ['I2', '60.00']), [payment('P1', '2026-01-10', '50.00'), payment('P2', '2026-02-10', '50.00', true)]));
      expect(await voidPayment({ ...fixture.context, actor: 'processor' }, 'P2')).toEqual({ ok: true, value: { allocationsRemoved: 1 } });
      expect(await fixture.allocations('A')).toEqual(['P1>I1:4000', 'P1>I2:1000']);
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', I2: 'partial', 'INV-1': 'partial', P1: 'full' });
      const removed = await test.database.query<{ removal_reason: string; removed_by: string }>(
        `select a.removal_reason, a.removed_by from allocation a join document c on c.org_id = a.org_id and c.id = a.credit_id
         where a.org_id = $1 and c.external_id = 'P2'`, [fixture.context.organisation.id]);
      expect(removed).toEqual([{ removal_reason: 'void', removed_by: 'processor' }]);
      const statement = unwrap(await accountStatement(fixture.context, 'A'));
      expect(statement.balanceMinor).toBe(cents('50.00'));
      expect(statement.documents.find((document) => document.id === 'P2')).toMatchObject({ voided: true, remainingMinor: 0n, allocatedMinor: 0n });
      expectRefusal(await voidPayment(fixture.context, 'P2'), 'document_is_void', 'receipt');
      expectRefusal(await collectPayment(fixture.context, 'P2', date('2026-02-11')), 'document_is_void', 'receipt');
      // A voided payment is left out of auto-reconcile too.
      unwrap(await runAutoReconcile(fixture.context, { kind: 'all' }, { strategy: 'fifo', dryRun: false }));
      expect(await fixture.allocations('A')).toEqual(['P1>I1:4000', 'P1>I2:1000']);
      await expectInvariants(test.database, fixture.context.organisation.id);
    });

    it('refuses to collect a payment that is not a scheduled installment, or to void what is not a payment', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '10.00']]);
      await fixture.receipt('P1', 'A', '2026-01-10', 'payment', '10.00');
      await fixture.receipt('D1', 'A', '2026-01-10', 'deposit', '10.00');
      await fixture.receipt('P2', 'A', '2026-02-10', 'payment', '10.00', { scheduled: true });
      expectRefusal(await collectPayment(fixture.context, 'P1', date('2026-01-11')), 'payment_is_not_scheduled', 'receipt');
      expectRefusal(await collectPayment(fixture.context, 'D1', date('2026-01-11')), 'payment_is_not_scheduled', 'receipt');
      expectRefusal(await collectPayment(fixture.context, 'I1', date('2026-01-11')), 'document_not_found', 'receipt');
      expectRefusal(await collectPayment(fixture.context, 'NOPE', date('2026-01-11')), 'document_not_found', 'receipt');
      unwrap(await collectPayment(fixture.context, 'P2', date('2026-02-10')));
      expectRefusal(await collectPayment(fixture.context, 'P2', date('2026-02-10')), 'payment_is_not_scheduled', 'receipt');
      expectRefusal(await voidPayment(fixture.context, 'D1'), 'document_cannot_be_voided', 'receipt');
    });

    it('checkout with a partial payment allocates nothing; auto-reconcile later puts it on that invoice first', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.invoice('INV-0', 'A', '2026-01-01', [['I0', '20.00']]);
      const result = unwrap(await checkout(fixture.context, { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') },
        items(['I1', '40.00'], ['I2', '60.00']), [payment('P1', '2026-01-10', '45.00')]));
      expect(result).toEqual({ created: true, reconciliation: 'none', allocationsCount: 0 });
      expect(await fixture.allocations('A')).toEqual([]);
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'none', I2: 'none', 'INV-1': 'none', P1: 'none' });
      unwrap(await runAutoReconcile(fixture.context, { kind: 'account', accountId: 'A' }, { strategy: 'reference', dryRun: false }));
      expect(await fixture.allocations('A')).toEqual(['P1>I1:4000', 'P1>I2:500']);
    });

    it('checkout paying more than the invoice is not in full either, and allocates nothing', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      const result = unwrap(await checkout(fixture.context, { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') },
        items(['I1', '40.00']), [payment('P1', '2026-01-10', '40.01')]));
      expect(result).toEqual({ created: true, reconciliation: 'none', allocationsCount: 0 });
    });

    it('checkout with reconciliation disabled records the payments without allocating them', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      const organisation = await setReconciliationEnabled(test.database, fixture.context.organisation, false);
      const result = unwrap(await checkout({ ...fixture.context, organisation }, { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') },
        items(['I1', '40.00']), [payment('P1', '2026-01-10', '40.00')]));
      expect(result).toEqual({ created: true, reconciliation: 'none', allocationsCount: 0 });
      expect(await fixture.allocations('A')).toEqual([]);
      expect(await fixture.statuses('A')).toMatchObject({ P1: 'none', I1: 'none' });
    });

    /** A: INV-1 (01-10) I1 50; RF refund (01-20) 10; INV-2 (02-01) I2 30, I3 0; CR credit 20 unallocated. Balance 70.00. */
    async function owingAccount() {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.invoice('INV-2', 'A', '2026-02-01', [['I2', '30.00'], ['I3', '0.00']]);
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
      await fixture.refund('RF', 'A', '2026-01-20', '10.00');
      await fixture.receipt('CR', 'A', '2026-02-05', 'credit', '20.00');
      return fixture;
    }

    it('a balance payment must equal the balance', async () => {
      const fixture = await owingAccount();
      const pay = (amount: string) => payBalance(fixture.context, { receiptId: 'BP', accountId: 'A', date: date('2026-03-01'), amountMinor: cents(amount), method: 'online' });
      expectRefusal(await pay('69.99'), 'amount_differs_from_balance', 'amount');
      expectRefusal(await pay('70.01'), 'amount_differs_from_balance', 'amount');
      expectRefusal(await pay('90.00'), 'amount_differs_from_balance', 'amount');
      expect(unwrap(await accountStatement(fixture.context, 'A')).documents.map((document) => document.id)).not.toContain('BP');
      expectRefusal(await payBalance(fixture.context, { receiptId: 'BP', accountId: 'NOPE', date: date('2026-03-01'), amountMinor: cents('70.00'), method: 'online' }), 'account_not_found', 'account_id');
    });

    it('a balance payment covers the open debits oldest first, and only the new payment is allocated', async () => {
      const fixture = await owingAccount();
      const result = await payBalance(fixture.context, { receiptId: 'BP', accountId: 'A', date: date('2026-03-01'), amountMinor: cents('70.00'), method: 'online' });
      expect(result).toEqual({ ok: true, value: { balanceMinor: 7000n, allocationsCount: 3 } });
      expect(await sources(fixture, 'A')).toEqual(['BP>I1:5000 balance-payment', 'BP>RF:1000 balance-payment', 'BP>I2:1000 balance-payment']);
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', RF: 'full', I2: 'partial', I3: 'full', CR: 'none', BP: 'full' });
      expect(unwrap(await accountStatement(fixture.context, 'A')).balanceMinor).toBe(0n);
      expectRefusal(await payBalance(fixture.context, { receiptId: 'BP2', accountId: 'A', date: date('2026-03-02'), amountMinor: cents('1.00'), method: 'online' }), 'balance_is_not_owing', 'amount');
      await expectInvariants(test.database, fixture.context.organisation.id);
    });

    it('refuses a balance payment when the account is in credit', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '10.00']]);
      await fixture.receipt('D1', 'A', '2026-01-10', 'deposit', '15.00');
      expectRefusal(await payBalance(fixture.context, { receiptId: 'BP', accountId: 'A', date: date('2026-03-01'), amountMinor: cents('5.00'), method: 'online' }), 'balance_is_not_owing', 'amount');
    });

    it('a retried balance payment (same receipt id, same content) is not refused and changes nothing', async () => {
      // domain.md: external ids make API retries idempotent. The retry arrives after the first
      // request was recorded, when the balance is already zero.
      const fixture = await owingAccount();
      const request = { receiptId: 'BP', accountId: 'A', date: date('2026-03-01'), amountMinor: cents('70.00'), method: 'online' as const };
      unwrap(await payBalance(fixture.context, request));
      const retry = await payBalance(fixture.context, request);
      expect(retry).toMatchObject({ ok: true, value: { allocationsCount: 0 } });
      expect(await fixture.allocations('A')).toEqual(['BP>I1:5000', 'BP>RF:1000', 'BP>I2:1000']);
    });
  });
}
