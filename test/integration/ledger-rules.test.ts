import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import type { CreditKind } from '../../src/core/document-kinds.ts';
import { unwrap, type Outcome } from '../../src/core/outcome.ts';
import type { RefusalCode } from '../../src/core/refusal-codes.ts';
import { accountStatement } from '../../src/services/account-view.ts';
import { runAutoReconcile, undoRun } from '../../src/services/auto-reconcile.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { allocate, createAccount, createInvoice, createReceipt, createRefund, payBalance, voidPayment } from '../../src/services/ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { cents, ledgerFixture } from '../support/ledger-fixture.ts';

const date = (text: string) => text as CalendarDate;

function expectRefusal(outcome: Outcome<unknown>, code: RefusalCode, path?: string): void {
  expect(outcome).toMatchObject({ ok: false, refusal: { code } });
  if (!outcome.ok) expect(outcome.refusal.path).toBe(path);
}

const receipt = (receiptId: string, accountId: string, kind: CreditKind, amount: string, reference = '') => ({
  receiptId, accountId, date: date('2026-01-15'), kind, amountMinor: cents(amount), method: kind === 'payment' ? ('card' as const) : null, reference, scheduled: false,
});
const invoiceItems = (...list: [string, string][]) => list.map(([itemId, amount]) => ({ itemId, description: itemId, ledgerCode: 'GL-1', amountMinor: cents(amount), participantId: null, rl24Eligible: false }));

async function documentCount(context: TallyContext): Promise<bigint> {
  const [row] = await context.database.query<{ count: bigint }>('select count(*) as count from document where org_id = $1', [context.organisation.id]);
  return row!.count;
}

for (const dialect of dialects) {
  describe(`ledger rules on ${dialect.name}: idempotency, cancellations, references, organisations`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('answers a retry with the same content "created: false", and refuses the same id with other content', async () => {
      const { context } = await ledgerFixture(test.database);
      const account = { accountId: 'A', ownerName: 'Marie', ownerEmail: 'marie@example.org' };
      expect(await createAccount(context, account)).toEqual({ ok: true, value: { created: true } });
      expect(await createAccount(context, account)).toEqual({ ok: true, value: { created: false } });
      expectRefusal(await createAccount(context, { ...account, ownerName: 'Marie T.' }), 'id_exists_with_different_content', 'account_id');

      const header = { invoiceId: 'INV-1', accountId: 'A', date: date('2026-01-10') };
      expect(await createInvoice(context, header, invoiceItems(['I1', '50.00'], ['I2', '0.00']))).toEqual({ ok: true, value: { created: true } });
      expect(await createInvoice(context, header, invoiceItems(['I1', '50.00'], ['I2', '0.00']))).toEqual({ ok: true, value: { created: false } });
      expectRefusal(await createInvoice(context, header, invoiceItems(['I1', '50.00'])), 'id_exists_with_different_content', 'invoice_id');
      expectRefusal(await createInvoice(context, header, invoiceItems(['I1', '50.01'], ['I2', '0.00'])), 'id_exists_with_different_content', 'items[0].item_id');
      expectRefusal(await createInvoice(context, { ...header, date: date('2026-01-11') }, invoiceItems(['I1', '50.00'], ['I2', '0.00'])), 'id_exists_with_different_content', 'items[0].invoice_id');

      expect(await createReceipt(context, receipt('P1', 'A', 'payment', '30.00'))).toEqual({ ok: true, value: { created: true } });
      expect(await createReceipt(context, receipt('P1', 'A', 'payment', '30.00'))).toEqual({ ok: true, value: { created: false } });
      expectRefusal(await createReceipt(context, receipt('P1', 'A', 'payment', '30.01')), 'id_exists_with_different_content', 'receipt_id');
      expectRefusal(await createReceipt(context, receipt('P1', 'A', 'deposit', '30.00')), 'id_exists_with_different_content', 'receipt_id');
      expectRefusal(await createReceipt(context, receipt('I1', 'A', 'payment', '50.00')), 'id_exists_with_different_content', 'receipt_id');

      const refund = { refundId: 'RF', accountId: 'A', date: date('2026-01-20'), amountMinor: cents('5.00'), method: 'cheque' as const, reference: 'cheque 7' };
      expect(await createRefund(context, refund)).toEqual({ ok: true, value: { created: true } });
      expect(await createRefund(context, refund)).toEqual({ ok: true, value: { created: false } });
      expectRefusal(await createRefund(context, { ...refund, reference: 'cheque 8' }), 'id_exists_with_different_content', 'refund_id');
      expectRefusal(await createRefund(context, { ...refund, refundId: 'P1' }), 'id_exists_with_different_content', 'refund_id');

      expect(await documentCount(context)).toBe(5n);
      const statement = unwrap(await accountStatement(context, 'A'));
      expect(statement.balanceMinor).toBe(cents('25.00'));
    });

    it('refuses a document for an account that does not exist', async () => {
      const { context } = await ledgerFixture(test.database);
      expectRefusal(await createReceipt(context, receipt('P1', 'NOPE', 'payment', '1.00')), 'account_not_found', 'account_id');
      expectRefusal(await createInvoice(context, { invoiceId: 'INV-1', accountId: 'NOPE', date: date('2026-01-10') }, invoiceItems(['I1', '1.00'])), 'account_not_found', 'items[0].account_id');
      expectRefusal(await createRefund(context, { refundId: 'RF', accountId: 'NOPE', date: date('2026-01-10'), amountMinor: 100n, method: 'cash', reference: '' }), 'account_not_found', 'account_id');
      expect(await documentCount(context)).toBe(0n);
    });

    it('lets cancellations of an item add up to its amount and no more', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00', 'GL-SWIM'], ['I2', '0.00']]);
      expect(await createReceipt(fixture.context, receipt('C1', 'A', 'cancellation', '30.00', 'I1'))).toEqual({ ok: true, value: { created: true } });
      expectRefusal(await createReceipt(fixture.context, receipt('C2', 'A', 'cancellation', '20.01', 'I1')), 'cancellation_exceeds_item_amount', 'amount');
      expect(await createReceipt(fixture.context, receipt('C2', 'A', 'cancellation', '20.00', 'I1'))).toEqual({ ok: true, value: { created: true } });
      expectRefusal(await createReceipt(fixture.context, receipt('C3', 'A', 'cancellation', '0.01', 'I1')), 'cancellation_exceeds_item_amount', 'amount');
      expectRefusal(await createReceipt(fixture.context, receipt('C4', 'A', 'cancellation', '0.01', 'I2')), 'cancellation_exceeds_item_amount', 'amount');
      const statement = unwrap(await accountStatement(fixture.context, 'A'));
      expect(statement.documents.filter((document) => document.kind === 'cancellation').map((document) => [document.id, document.ledgerCode, document.reference]).sort())
        .toEqual([['C1', 'GL-SWIM', 'I1'], ['C2', 'GL-SWIM', 'I1']]);
      // Auto-reconcile puts each cancellation on the item it cancels.
      unwrap(await runAutoReconcile(fixture.context, { kind: 'account', accountId: 'A' }, { strategy: 'reference', dryRun: false }));
      expect(await fixture.allocations('A')).toEqual(['C1>I1:3000', 'C2>I1:2000']);
    });

    it('checks what a receipt names: an item for a cancellation; an invoice, item or refund of the same account for others', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.account('B');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
      await fixture.invoice('INV-9', 'B', '2026-01-10', [['I9', '50.00']]);
      await fixture.refund('RF', 'A', '2026-01-10', '5.00');
      await fixture.receipt('P1', 'A', '2026-01-10', 'payment', '5.00');
      const before = await documentCount(fixture.context);
      expectRefusal(await createReceipt(fixture.context, receipt('X', 'A', 'cancellation', '1.00', 'INV-1')), 'cancellation_requires_item_reference', 'reference');
      expectRefusal(await createReceipt(fixture.context, receipt('X', 'A', 'cancellation', '1.00', 'RF')), 'cancellation_requires_item_reference', 'reference');
      expectRefusal(await createReceipt(fixture.context, receipt('X', 'A', 'cancellation', '1.00', 'I9')), 'reference_in_another_account', 'reference');
      expectRefusal(await createReceipt(fixture.context, receipt('X', 'A', 'payment', '1.00', 'INV-9')), 'reference_in_another_account', 'reference');
      expectRefusal(await createReceipt(fixture.context, receipt('X', 'A', 'payment', '1.00', 'I9')), 'reference_in_another_account', 'reference');
      expectRefusal(await createReceipt(fixture.context, receipt('X', 'A', 'payment', '1.00', 'NOPE')), 'reference_not_found', 'reference');
      expectRefusal(await createReceipt(fixture.context, receipt('X', 'A', 'payment', '1.00', 'P1')), 'reference_is_not_allowed', 'reference');
      expect(await documentCount(fixture.context)).toBe(before);
      for (const [receiptId, reference] of [['Y1', 'INV-1'], ['Y2', 'I1'], ['Y3', 'RF']] as const) {
        expect(await createReceipt(fixture.context, receipt(receiptId, 'A', 'deposit', '1.00', reference))).toEqual({ ok: true, value: { created: true } });
      }
    });

    it('checks a run\'s scope and refuses to undo a run twice', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
      await fixture.receipt('P1', 'A', '2026-01-10', 'payment', '20.00');
      const options = { strategy: 'reference', dryRun: false } as const;
      expectRefusal(await runAutoReconcile(fixture.context, { kind: 'accounts', accountIds: ['A', 'NOPE'] }, options), 'account_not_found', 'accounts[1]');
      expectRefusal(await runAutoReconcile(fixture.context, { kind: 'accounts', accountIds: [] }, options), 'field_is_required', 'accounts');
      expectRefusal(await runAutoReconcile(fixture.context, { kind: 'account', accountId: 'NOPE' }, options), 'account_not_found', 'account');
      expect(await fixture.allocations('A')).toEqual([]);
      const run = unwrap(await runAutoReconcile(fixture.context, { kind: 'accounts', accountIds: ['A', 'A'] }, options));
      expect(run.accountsTotal).toBe(1);
      expect(await fixture.allocations('A')).toEqual(['P1>I1:2000']);
      expect(await undoRun(fixture.context, run.runId!)).toEqual({ ok: true, value: { runId: run.runId, allocationsRemoved: 1, amountRemovedMinor: 2000n } });
      expectRefusal(await undoRun(fixture.context, run.runId!), 'run_already_undone', 'run');
      expectRefusal(await undoRun(fixture.context, 987_654_321n), 'run_not_found', 'run');
      expect(await fixture.allocations('A')).toEqual([]);
      const [stored] = await test.database.query<{ status: string; undone_by: string }>('select status, undone_by from reconciliation_run where org_id = $1 and number = $2', [fixture.context.organisation.id, run.runId]);
      expect(stored).toEqual({ status: 'undone', undone_by: 'test' });
    });

    it('keeps organisations apart: ids of one are not found from another, and may be reused there', async () => {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
      await fixture.receipt('P1', 'A', '2026-01-10', 'payment', '20.00');
      await fixture.receipt('P2', 'A', '2026-01-10', 'payment', '30.00');
      const { allocationIds } = unwrap(await allocate(fixture.context, [{ creditExternalId: 'P1', debitExternalId: 'I1', amountMinor: cents('20.00') }]));
      const run = unwrap(await runAutoReconcile(fixture.context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
      expect(await fixture.allocations('A')).toEqual(['P1>I1:2000', 'P2>I1:3000']);

      const organisation = unwrap(await createOrganisation(test.database, { slug: `b-${fixture.context.organisation.slug}` }));
      const other: TallyContext = { database: test.database, organisation, actor: 'intruder' };
      expectRefusal(await accountStatement(other, 'A'), 'account_not_found', 'account');
      expectRefusal(await createReceipt(other, receipt('P3', 'A', 'payment', '1.00')), 'account_not_found', 'account_id');
      expectRefusal(await allocate(other, [{ creditExternalId: 'P2', debitExternalId: 'I1', amountMinor: 1n }]), 'document_not_found', 'lines[0].credit');
      expectRefusal(await voidPayment(other, 'P2'), 'document_not_found', 'receipt');
      expectRefusal(await payBalance(other, { receiptId: 'P9', accountId: 'A', date: date('2026-01-10'), amountMinor: 1n, method: 'cash' }), 'account_not_found', 'account_id');
      expectRefusal(await runAutoReconcile(other, { kind: 'account', accountId: 'A' }, { strategy: 'reference', dryRun: false }), 'account_not_found', 'account');
      expectRefusal(await undoRun(other, run.runId!), 'run_not_found', 'run');
      const allRun = unwrap(await runAutoReconcile(other, { kind: 'all' }, { strategy: 'fifo', dryRun: false }));
      expect(allRun.accountsTotal).toBe(0);
      expect(allRun.allocationsCount).toBe(0);

      // The same external ids are free in the other organisation; a reference resolves within it only.
      unwrap(await createAccount(other, { accountId: 'A', ownerName: 'Someone else', ownerEmail: '' }));
      expectRefusal(await createReceipt(other, receipt('P1', 'A', 'payment', '1.00', 'INV-1')), 'reference_not_found', 'reference');
      expect(await createReceipt(other, receipt('P1', 'A', 'payment', '1.00'))).toEqual({ ok: true, value: { created: true } });
      expect(allocationIds).toHaveLength(1);
      expect(await fixture.allocations('A')).toEqual(['P1>I1:2000', 'P2>I1:3000']);
      expect(unwrap(await accountStatement(fixture.context, 'A')).ownerName).toBe('Owner of A');
    });
  });
}
