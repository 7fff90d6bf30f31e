import { parseAmountMinor } from '../../src/core/money.ts';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import type { CreditKind } from '../../src/core/document-kinds.ts';
import { unwrap } from '../../src/core/outcome.ts';
import type { Database } from '../../src/storage/database.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { createAccount, createInvoice, createReceipt, createRefund } from '../../src/services/ledger.ts';
import { accountStatement } from '../../src/services/account-view.ts';
import { createOrganisation } from '../../src/services/organisations.ts';

/** Amounts in tests are written as decimals ("12.50") and converted exactly, never via floats. */
export function cents(text: string): bigint {
  return unwrap(parseAmountMinor(text, 2));
}

let organisationSequence = 0;

/** A small language for building a ledger in tests; every call goes through the real services. */
export async function ledgerFixture(database: Database, options: { slug?: string } = {}) {
  organisationSequence += 1;
  const organisation = unwrap(await createOrganisation(database, { slug: options.slug ?? `org-${organisationSequence}-${process.pid}` }));
  const context: TallyContext = { database, organisation, actor: 'test' };
  return {
    context,
    async account(accountId: string) {
      unwrap(await createAccount(context, { accountId, ownerName: `Owner of ${accountId}`, ownerEmail: '' }));
    },
    async invoice(invoiceId: string, accountId: string, date: string, items: [itemId: string, amount: string, ledgerCode?: string][]) {
      unwrap(await createInvoice(context, { invoiceId, accountId, date: date as CalendarDate }, items.map(([itemId, amount, ledgerCode]) => ({
        itemId, description: itemId, ledgerCode: ledgerCode ?? 'GL-1', amountMinor: cents(amount), participantId: null, rl24Eligible: false,
      }))));
    },
    async receipt(receiptId: string, accountId: string, date: string, kind: CreditKind, amount: string, extra: { reference?: string; scheduled?: boolean } = {}) {
      unwrap(await createReceipt(context, {
        receiptId, accountId, date: date as CalendarDate, kind, amountMinor: cents(amount), method: kind === 'payment' ? 'cash' : null,
        reference: extra.reference ?? '', scheduled: extra.scheduled ?? false,
      }));
    },
    async refund(refundId: string, accountId: string, date: string, amount: string) {
      unwrap(await createRefund(context, { refundId, accountId, date: date as CalendarDate, amountMinor: cents(amount), method: 'cheque', reference: '' }));
    },
    /** The account's active allocations as "credit>debit:amount" strings, in the order written. */
    async allocations(accountId: string): Promise<string[]> {
      const statement = unwrap(await accountStatement(context, accountId));
      return statement.allocations.map((allocation) => `${allocation.creditId}>${allocation.debitId}:${allocation.amountMinor}`);
    },
    async statuses(accountId: string): Promise<Record<string, string>> {
      const statement = unwrap(await accountStatement(context, accountId));
      return Object.fromEntries(statement.documents.map((document) => [document.id, document.status]));
    },
  };
}
