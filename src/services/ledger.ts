import { allocateInOrder, compareDebitsOldestFirst, type OpenDebit, type PlannedAllocation } from '../core/allocation-plan.ts';
import type { CalendarDate } from '../core/calendar-date.ts';
import type { AllocationSource } from '../core/document-kinds.ts';
import type { AccountRow, InvoiceItemRow, ParticipantRow, ReceiptRow, RefundRow } from '../core/ledger-rows.ts';
import { invoiceItemsMax } from '../core/limits.ts';
import { formatAmountMinor, sumAmounts, type AmountMinor } from '../core/money.ts';
import { refuse, type Outcome } from '../core/outcome.ts';
import { removeAllocations, writeAllocations, type AllocationByExternalId } from '../storage/allocation-writer.ts';
import type { SqlExecutor } from '../storage/database.ts';
import { writeAccounts, writeInvoiceItems, writeParticipants, writeReceipts, writeRefunds, type RowPath } from '../storage/ledger-writer.ts';
import { outcomeOf, type TallyContext } from './context.ts';

/** JSON-style paths for single requests: `field`, or `items[2].amount` for a row of a list. */
const fieldPath: RowPath = (_index, field) => field ?? '';
const listPath = (list: string): RowPath => (index, field) => `${list}[${index}]${field ? `.${field}` : ''}`;

export interface Created {
  /** False when the same id already existed with the same content (a retry): nothing changed. */
  readonly created: boolean;
}

export async function createAccount(context: TallyContext, row: AccountRow): Promise<Outcome<Created>> {
  return outcomeOf(() => context.database.transaction(async (transaction) => ({ created: (await writeAccounts(transaction, context.organisation.id, [row], fieldPath)).created === 1 })));
}

export async function createParticipant(context: TallyContext, row: ParticipantRow): Promise<Outcome<Created>> {
  return outcomeOf(() => context.database.transaction(async (transaction) => ({ created: (await writeParticipants(transaction, context.organisation.id, [row], fieldPath)).created === 1 })));
}

export async function createRefund(context: TallyContext, row: RefundRow): Promise<Outcome<Created>> {
  return outcomeOf(() => context.database.transaction(async (transaction) => ({ created: (await writeRefunds(transaction, context.organisation.id, [row], fieldPath)).created === 1 })));
}

export async function createReceipt(context: TallyContext, row: ReceiptRow): Promise<Outcome<Created>> {
  return outcomeOf(() => context.database.transaction(async (transaction) => ({ created: (await writeReceipts(transaction, context.organisation.id, [row], fieldPath)).created === 1 })));
}

export interface InvoiceHeader {
  readonly invoiceId: string;
  readonly accountId: string;
  readonly date: CalendarDate;
}

export type InvoiceItemInput = Omit<InvoiceItemRow, 'invoiceId' | 'accountId' | 'date'>;

/**
 * Writes an invoice with all its items. An invoice is created whole: repeating the request is a
 * no-op, but the same invoice id with another set of items is refused.
 */
async function writeInvoice(transaction: SqlExecutor, context: TallyContext, header: InvoiceHeader, items: readonly InvoiceItemInput[]): Promise<Created> {
  if (items.length === 0) refuse('invoice_has_no_items', 'An invoice needs at least one item', { path: 'items' });
  if (items.length > invoiceItemsMax) refuse('too_many_items', `At most ${invoiceItemsMax} items per invoice`, { path: 'items' });
  const stored = await transaction.query<{ external_id: string }>(
    `select item.external_id from document invoice join document item on item.org_id = invoice.org_id and item.invoice_id = invoice.id
     where invoice.org_id = $1 and invoice.external_id = $2 and invoice.kind = 'invoice' order by item.position`,
    [context.organisation.id, header.invoiceId],
  );
  if (stored.length > 0 && stored.map((row) => row.external_id).join('\n') !== items.map((item) => item.itemId).join('\n')) {
    refuse('id_exists_with_different_content', `Invoice ${header.invoiceId} exists with other items`, { path: 'invoice_id' });
  }
  await writeInvoiceItems(transaction, context.organisation.id, items.map((item) => ({ ...item, ...header })), listPath('items'));
  return { created: stored.length === 0 };
}

export async function createInvoice(context: TallyContext, header: InvoiceHeader, items: readonly InvoiceItemInput[]): Promise<Outcome<Created>> {
  return outcomeOf(() => context.database.transaction((transaction) => writeInvoice(transaction, context, header, items)));
}

interface LockedPayment {
  id: bigint;
  kind: string;
  scheduled: boolean;
  voided: boolean;
}

async function lockReceipt(transaction: SqlExecutor, context: TallyContext, receiptId: string): Promise<LockedPayment> {
  const [payment] = await transaction.query<LockedPayment>(
    // The balance row is locked too: allocations move it, so a void waits for (and then sees) any
    // allocation being written to the receipt, and every allocation after it waits for the void.
    `select d.id, d.kind, d.scheduled, d.voided_at is not null as voided
     from document d join document_balance balance on balance.org_id = d.org_id and balance.document_id = d.id
     where d.org_id = $1 and d.external_id = $2 and d.side = 'credit' for update of d, balance`,
    [context.organisation.id, receiptId],
  );
  if (!payment) refuse('document_not_found', `No receipt has the id ${receiptId}`, { path: 'receipt' });
  if (payment.voided) refuse('document_is_void', `${receiptId} is voided`, { path: 'receipt' });
  return payment;
}

/** Marks a scheduled installment collected; items it covers turn from post-dated to full. */
export async function collectPayment(context: TallyContext, receiptId: string, collectedOn: CalendarDate): Promise<Outcome<Created>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      const payment = await lockReceipt(transaction, context, receiptId);
      if (payment.kind !== 'payment' || !payment.scheduled) refuse('payment_is_not_scheduled', `${receiptId} is not a scheduled installment`, { path: 'receipt' });
      await transaction.query('update document set scheduled = false, collected_on = $3, collected_at = now() where org_id = $1 and id = $2', [context.organisation.id, payment.id, collectedOn]);
      return { created: true };
    }),
  );
}

/** Voids a payment (a failed installment, a bounced cheque): its allocations are removed, kept as history. */
export async function voidPayment(context: TallyContext, receiptId: string): Promise<Outcome<{ allocationsRemoved: number }>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      const payment = await lockReceipt(transaction, context, receiptId);
      if (payment.kind !== 'payment') refuse('document_cannot_be_voided', `${receiptId} is a ${payment.kind}; only payments can be voided`, { path: 'receipt' });
      const active = await transaction.query<{ id: bigint }>('select id from allocation where org_id = $1 and credit_id = $2 and removed_at is null', [context.organisation.id, payment.id]);
      const removed = await removeAllocations(transaction, context.organisation.id, { allocationIds: active.map((row) => row.id) }, context.actor, 'void');
      await transaction.query('update document set voided_at = now(), voided_by = $3 where org_id = $1 and id = $2', [context.organisation.id, payment.id, context.actor]);
      return { allocationsRemoved: removed.length };
    }),
  );
}

async function insertPlannedAllocations(transaction: SqlExecutor, context: TallyContext, planned: readonly PlannedAllocation[], source: AllocationSource): Promise<number> {
  if (planned.length === 0) return 0;
  const rows = await transaction.query(
    `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
     select $1, d.account_id, p.credit_id, p.debit_id, p.amount_minor, $5, $6
     from unnest($2::bigint[], $3::bigint[], $4::bigint[]) with ordinality as p(credit_id, debit_id, amount_minor, ordinal)
     join document d on d.org_id = $1 and d.id = p.debit_id order by p.ordinal returning id`,
    [context.organisation.id, planned.map((p) => p.creditId), planned.map((p) => p.debitId), planned.map((p) => p.amountMinor), source, context.actor],
  );
  return rows.length;
}

export type CheckoutPayment = Omit<ReceiptRow, 'accountId' | 'kind' | 'reference'>;

export interface CheckoutResult extends Created {
  /** How the payments were allocated: in full at checkout, by installments, or not at all (partial payment). */
  readonly reconciliation: 'checkout' | 'installments' | 'none';
  readonly allocationsCount: number;
}

/**
 * An invoice created together with its payments. When the payments (collected now, or a schedule
 * of installments) add up to the invoice total, they cover the items in item order, payments in
 * the order given. Otherwise nothing is allocated: a partial payment cannot be guessed. Each
 * payment names the invoice, so a later auto-reconcile finds it in its reference pass.
 */
export async function checkout(context: TallyContext, header: InvoiceHeader, items: readonly InvoiceItemInput[], payments: readonly CheckoutPayment[]): Promise<Outcome<CheckoutResult>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      const invoice = await writeInvoice(transaction, context, header, items);
      const receipts = await writeReceipts(
        transaction,
        context.organisation.id,
        payments.map((payment) => ({ ...payment, accountId: header.accountId, kind: 'payment' as const, reference: header.invoiceId })),
        listPath('payments'),
      );
      const paidInFull = sumAmounts(payments.map((payment) => payment.amountMinor)) === sumAmounts(items.map((item) => item.amountMinor));
      if (!invoice.created || !paidInFull || !context.organisation.reconciliationEnabled) {
        return { created: invoice.created, reconciliation: 'none' as const, allocationsCount: 0 };
      }
      const itemIds = await transaction.query<{ id: bigint; amount_minor: bigint }>(
        `select item.id, item.amount_minor from document item join document invoice on invoice.org_id = item.org_id and invoice.id = item.invoice_id
         where invoice.org_id = $1 and invoice.external_id = $2 order by item.position`,
        [context.organisation.id, header.invoiceId],
      );
      const remaining = new Map<bigint, AmountMinor>([
        ...itemIds.map((item) => [item.id, item.amount_minor] as const),
        ...receipts.documentIds.map((id, index) => [id, payments[index]!.amountMinor] as const),
      ]);
      const planned = allocateInOrder(receipts.documentIds, itemIds.map((item) => item.id), remaining);
      const source = payments.some((payment) => payment.scheduled) ? 'installments' : 'checkout';
      return { created: true, reconciliation: source, allocationsCount: await insertPlannedAllocations(transaction, context, planned, source) };
    }),
  );
}

export interface BalancePaymentResult {
  readonly balanceMinor: AmountMinor;
  readonly allocationsCount: number;
}

/**
 * A client pays their account balance from their own account. The amount must equal the balance
 * (Σ debits − Σ credits, voids excluded); the payment then covers the open debits oldest first.
 * The account row is locked so two balance payments cannot both pay the same balance.
 */
export async function payBalance(context: TallyContext, payment: Omit<ReceiptRow, 'kind' | 'reference' | 'scheduled'>): Promise<Outcome<BalancePaymentResult>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      const { id: organisationId, minorDigits } = context.organisation;
      const [account] = await transaction.query<{ id: bigint }>('select id from account where org_id = $1 and external_id = $2 for update', [organisationId, payment.accountId]);
      if (!account) refuse('account_not_found', `No account has the id ${payment.accountId}`, { path: 'account_id' });
      const [balance] = await transaction.query<{ balance_minor: bigint }>(
        `select coalesce(sum(case side when 'debit' then amount_minor when 'credit' then -amount_minor else 0 end), 0)::bigint as balance_minor
         from document where org_id = $1 and account_id = $2 and voided_at is null`,
        [organisationId, account.id],
      );
      const balanceMinor = balance!.balance_minor;
      const [stored] = await transaction.query('select id from document where org_id = $1 and external_id = $2', [organisationId, payment.receiptId]);
      if (stored) {
        // A retry of a recorded balance payment: the writer skips the same content and refuses other content.
        await writeReceipts(transaction, organisationId, [{ ...payment, kind: 'payment', reference: '', scheduled: false }], fieldPath);
        return { balanceMinor, allocationsCount: 0 };
      }
      if (balanceMinor <= 0n) refuse('balance_is_not_owing', `The account has no balance owing (balance ${formatAmountMinor(balanceMinor, minorDigits)})`, { path: 'amount' });
      if (payment.amountMinor !== balanceMinor) {
        refuse('amount_differs_from_balance', `The balance is ${formatAmountMinor(balanceMinor, minorDigits)}, not ${formatAmountMinor(payment.amountMinor, minorDigits)}`, { path: 'amount' });
      }
      const receipts = await writeReceipts(transaction, organisationId, [{ ...payment, kind: 'payment', reference: '', scheduled: false }], fieldPath);
      if (receipts.created === 0 || !context.organisation.reconciliationEnabled) return { balanceMinor, allocationsCount: 0 };
      const debits = await transaction.query<{ id: bigint; date: CalendarDate; invoice_id: bigint | null; position: number; remaining_minor: bigint }>(
        `select document_id as id, date, invoice_id, position, amount_minor - allocated_minor as remaining_minor from document_balance
         where org_id = $1 and account_id = $2 and side = 'debit' and allocated_minor < amount_minor`,
        [organisationId, account.id],
      );
      const open: OpenDebit[] = debits.map((debit) => ({ id: debit.id, date: debit.date, invoiceId: debit.invoice_id, position: Number(debit.position), remainingMinor: debit.remaining_minor }));
      open.sort(compareDebitsOldestFirst);
      const paymentId = receipts.documentIds[0]!;
      const remaining = new Map<bigint, AmountMinor>([[paymentId, payment.amountMinor], ...open.map((debit) => [debit.id, debit.remainingMinor] as const)]);
      const planned = allocateInOrder([paymentId], open.map((debit) => debit.id), remaining);
      return { balanceMinor, allocationsCount: await insertPlannedAllocations(transaction, context, planned, 'balance-payment') };
    }),
  );
}

/** Manual reconciliation: all lines or none. */
export async function allocate(context: TallyContext, lines: readonly AllocationByExternalId[]): Promise<Outcome<{ allocationIds: bigint[] }>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      const settings = { organisationId: context.organisation.id, reconciliationEnabled: context.organisation.reconciliationEnabled, minorDigits: context.organisation.minorDigits };
      const result = await writeAllocations(transaction, settings, lines, { source: 'manual', actor: context.actor, idempotentByPair: false }, listPath('lines'));
      return { allocationIds: result.allocationIds };
    }),
  );
}

/** Removes one reconciliation; the row stays as history and both remainders are restored. */
export async function removeAllocation(context: TallyContext, allocationId: bigint): Promise<Outcome<{ amountMinor: AmountMinor }>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      // Removal stays possible with reconciliation turned off: it only takes back, never allocates.
      const removed = await removeAllocations(transaction, context.organisation.id, { allocationIds: [allocationId] }, context.actor, 'manual');
      if (removed[0]) return { amountMinor: removed[0].amount_minor };
      const [stored] = await transaction.query('select id from allocation where org_id = $1 and id = $2', [context.organisation.id, allocationId]);
      return refuse(stored ? 'allocation_already_removed' : 'allocation_not_found', stored ? `Allocation ${allocationId} was already removed` : `No allocation has the id ${allocationId}`, { path: 'allocation' });
    }),
  );
}
