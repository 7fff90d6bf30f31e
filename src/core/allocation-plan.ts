import { assert } from './assert.ts';
import type { CalendarDate } from './calendar-date.ts';
import type { ReconciliationStrategy } from './document-kinds.ts';
import { minAmount, type AmountMinor } from './money.ts';

/** A credit with something left to allocate, as the planner sees it. */
export interface OpenCredit {
  readonly id: bigint;
  readonly date: CalendarDate;
  readonly remainingMinor: AmountMinor;
  /** The item or refund the credit names (a cancellation always names its item). */
  readonly referenceDebitId: bigint | null;
  /** The invoice the credit names. */
  readonly referenceInvoiceId: bigint | null;
}

/** A debit with something left to cover. */
export interface OpenDebit {
  readonly id: bigint;
  readonly date: CalendarDate;
  /** The invoice of an item; null for a refund. */
  readonly invoiceId: bigint | null;
  /** Position of an item on its invoice; 0 for a refund. */
  readonly position: number;
  readonly remainingMinor: AmountMinor;
}

export interface PlannedAllocation {
  readonly creditId: bigint;
  readonly debitId: bigint;
  readonly amountMinor: AmountMinor;
}

/** Oldest first: by date, then creation order (ids come from one sequence, so they are creation order). */
export function compareCreditsOldestFirst(a: OpenCredit, b: OpenCredit): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : compareIds(a.id, b.id);
}

/** Oldest first: by date, then invoice creation order and position for items, creation order for refunds. */
export function compareDebitsOldestFirst(a: OpenDebit, b: OpenDebit): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  const sequenceOrder = compareIds(a.invoiceId ?? a.id, b.invoiceId ?? b.id);
  if (sequenceOrder !== 0) return sequenceOrder;
  return a.position - b.position || compareIds(a.id, b.id);
}

function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Allocates credits to debits in the order given: the first credit covers the first debit,
 * spilling over to the next as amounts allow. `remaining` is updated in place so passes compose.
 */
export function allocateInOrder(
  creditIds: readonly bigint[],
  debitIds: readonly bigint[],
  remaining: Map<bigint, AmountMinor>,
): PlannedAllocation[] {
  const allocations: PlannedAllocation[] = [];
  let debitIndex = 0;
  for (const creditId of creditIds) {
    while (debitIndex < debitIds.length && (remaining.get(creditId) ?? 0n) > 0n) {
      const debitId = debitIds[debitIndex]!;
      const amountMinor = minAmount(remaining.get(creditId) ?? 0n, remaining.get(debitId) ?? 0n);
      if (amountMinor > 0n) {
        allocations.push({ creditId, debitId, amountMinor });
        remaining.set(creditId, remaining.get(creditId)! - amountMinor);
        remaining.set(debitId, remaining.get(debitId)! - amountMinor);
      }
      if ((remaining.get(debitId) ?? 0n) === 0n) debitIndex += 1;
    }
  }
  return allocations;
}

/**
 * The auto-reconcile rules for one account (domain.md, "Auto-reconcile"):
 * 1. reference pass, credits naming an item or refund (cancellations name their item);
 * 2. reference pass, credits naming an invoice, over its open items in item order;
 * 3. FIFO pass, remaining open credits over remaining open debits, oldest to newest.
 * With the strategy `fifo` only the last pass runs. Within a pass credits go oldest first.
 * The set-based SQL in storage/ implements exactly these passes; property tests compare the two.
 */
export function planAutoReconcile(
  credits: readonly OpenCredit[],
  debits: readonly OpenDebit[],
  strategy: ReconciliationStrategy,
): PlannedAllocation[] {
  const remaining = new Map<bigint, AmountMinor>();
  for (const document of [...credits, ...debits]) {
    assert(document.remainingMinor > 0n, 'open documents have a positive remainder');
    assert(!remaining.has(document.id), 'document ids are unique');
    remaining.set(document.id, document.remainingMinor);
  }
  const creditsInOrder = [...credits].sort(compareCreditsOldestFirst);
  const debitsInOrder = [...debits].sort(compareDebitsOldestFirst);
  const allocations: PlannedAllocation[] = [];

  if (strategy === 'reference') {
    const debitIds = new Set(debits.map((debit) => debit.id));
    for (const [debitId, creditIds] of groupBy(creditsInOrder, (credit) => credit.referenceDebitId)) {
      if (debitIds.has(debitId)) allocations.push(...allocateInOrder(creditIds, [debitId], remaining));
    }
    for (const [invoiceId, creditIds] of groupBy(creditsInOrder, (credit) => credit.referenceInvoiceId)) {
      const itemIds = debitsInOrder.filter((debit) => debit.invoiceId === invoiceId).map((debit) => debit.id);
      allocations.push(...allocateInOrder(creditIds, itemIds, remaining));
    }
  }
  const openCreditIds = creditsInOrder.map((credit) => credit.id).filter((id) => remaining.get(id)! > 0n);
  const openDebitIds = debitsInOrder.map((debit) => debit.id).filter((id) => remaining.get(id)! > 0n);
  allocations.push(...allocateInOrder(openCreditIds, openDebitIds, remaining));
  return allocations;
}

function groupBy(credits: readonly OpenCredit[], key: (credit: OpenCredit) => bigint | null): Map<bigint, bigint[]> {
  const groups = new Map<bigint, bigint[]>();
  for (const credit of credits) {
    const value = key(credit);
    if (value === null) continue;
    const group = groups.get(value);
    if (group) group.push(credit.id);
    else groups.set(value, [credit.id]);
  }
  return groups;
}
