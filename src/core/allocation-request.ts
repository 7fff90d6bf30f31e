import type { DocumentKind } from './document-kinds.ts';
import { sideOfKind } from './document-kinds.ts';
import { allocationLinesMax } from './limits.ts';
import { formatAmountMinor, type AmountMinor } from './money.ts';
import { accepted, refused, type Outcome } from './outcome.ts';
import type { PlannedAllocation } from './allocation-plan.ts';

/** What the check needs to know of a document, read inside the transaction that will write. */
export interface DocumentSnapshot {
  readonly id: bigint;
  readonly externalId: string;
  readonly accountId: bigint;
  readonly kind: DocumentKind;
  readonly amountMinor: AmountMinor;
  readonly allocatedMinor: AmountMinor;
  readonly voided: boolean;
}

export interface AllocationLine {
  readonly creditId: bigint;
  readonly debitId: bigint;
  readonly amountMinor: AmountMinor;
}

/**
 * Checks a manual allocation request as a whole: every line must fit what is left of its credit
 * and its debit after the lines before it, on live documents of one account. The first problem
 * found refuses the whole request, naming the line (`lines[i]`), so nothing is half-written.
 * The database checks the same invariants again when the rows are written.
 */
export function checkAllocationRequest(
  lines: readonly AllocationLine[],
  documents: ReadonlyMap<bigint, DocumentSnapshot>,
  settings: { readonly reconciliationEnabled: boolean; readonly minorDigits: number },
  pathOf: (index: number, field?: string) => string = (index, field) => `lines[${index}]${field ? `.${field}` : ''}`,
): Outcome<PlannedAllocation[]> {
  const { reconciliationEnabled, minorDigits } = settings;
  if (!reconciliationEnabled) return refused('reconciliation_disabled', 'Reconciliation is turned off for this organisation');
  if (lines.length === 0) return refused('field_is_required', 'At least one allocation line is needed', { path: 'lines' });
  if (lines.length > allocationLinesMax) {
    return refused('too_many_items', `At most ${allocationLinesMax} allocation lines per request`, { path: 'lines', values: { maximum: String(allocationLinesMax) } });
  }
  const used = new Map<bigint, AmountMinor>();
  const pairs = new Set<string>();
  for (const [index, line] of lines.entries()) {
    const path = pathOf(index);
    const credit = documents.get(line.creditId);
    const debit = documents.get(line.debitId);
    if (!credit) return refused('document_not_found', 'The credit does not exist', { path: pathOf(index, 'credit') });
    if (!debit) return refused('document_not_found', 'The debit does not exist', { path: pathOf(index, 'debit') });
    if (sideOfKind(credit.kind) !== 'credit') {
      return refused('document_is_not_a_credit', `${credit.externalId} is a ${credit.kind}, not a payment, deposit, credit or cancellation`, {
        path: pathOf(index, 'credit'),
        values: { id: credit.externalId, kind: credit.kind },
      });
    }
    if (sideOfKind(debit.kind) !== 'debit') {
      return refused('document_is_not_a_debit', `${debit.externalId} is a ${debit.kind}, not an invoice item or refund`, { path: pathOf(index, 'debit'), values: { id: debit.externalId, kind: debit.kind } });
    }
    if (credit.voided) return refused('document_is_void', `${credit.externalId} is voided`, { path: pathOf(index, 'credit'), values: { id: credit.externalId } });
    if (debit.voided) return refused('document_is_void', `${debit.externalId} is voided`, { path: pathOf(index, 'debit'), values: { id: debit.externalId } });
    if (credit.accountId !== debit.accountId) {
      return refused('accounts_differ', `${credit.externalId} and ${debit.externalId} belong to different accounts`, { path, values: { credit: credit.externalId, debit: debit.externalId } });
    }
    const pair = `${line.creditId}:${line.debitId}`;
    if (pairs.has(pair)) return refused('allocation_is_duplicated', `${credit.externalId} to ${debit.externalId} appears twice`, { path, values: { credit: credit.externalId, debit: debit.externalId } });
    pairs.add(pair);
    if (line.amountMinor <= 0n) return refused('amount_must_be_positive', 'An allocated amount must be greater than zero', { path: pathOf(index, 'amount') });
    const creditRemaining = credit.amountMinor - credit.allocatedMinor - (used.get(credit.id) ?? 0n);
    if (line.amountMinor > creditRemaining) {
      return refused('exceeds_credit_remaining', `${credit.externalId} has only ${formatAmountMinor(creditRemaining, minorDigits)} left to allocate`, {
        path: pathOf(index, 'amount'),
        details: { documentId: credit.externalId, remainingMinor: creditRemaining.toString() },
        values: { id: credit.externalId, remaining: formatAmountMinor(creditRemaining, minorDigits) },
      });
    }
    const debitRemaining = debit.amountMinor - debit.allocatedMinor - (used.get(debit.id) ?? 0n);
    if (line.amountMinor > debitRemaining) {
      return refused('exceeds_debit_remaining', `${debit.externalId} has only ${formatAmountMinor(debitRemaining, minorDigits)} left to cover`, {
        path: pathOf(index, 'amount'),
        details: { documentId: debit.externalId, remainingMinor: debitRemaining.toString() },
        values: { id: debit.externalId, remaining: formatAmountMinor(debitRemaining, minorDigits) },
      });
    }
    used.set(credit.id, (used.get(credit.id) ?? 0n) + line.amountMinor);
    used.set(debit.id, (used.get(debit.id) ?? 0n) + line.amountMinor);
  }
  return accepted(lines.map((line) => ({ ...line })));
}
