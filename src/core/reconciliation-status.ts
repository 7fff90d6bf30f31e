import type { AmountMinor } from './money.ts';

export const debitStatuses = ['none', 'partial', 'full', 'post-dated'] as const;
export type DebitStatus = (typeof debitStatuses)[number];
export type CreditStatus = 'none' | 'partial' | 'full';
export type InvoiceStatus = DebitStatus;

export interface DebitCoverage {
  readonly amountMinor: AmountMinor;
  readonly allocatedMinor: AmountMinor;
  /** True when at least one active allocation to it comes from a scheduled installment not yet collected. */
  readonly coveredByScheduledInstallment: boolean;
}

/** A debit is full only when covered entirely by collected money; covered by a pending installment it is post-dated. */
export function debitStatus(debit: DebitCoverage): DebitStatus {
  if (debit.allocatedMinor >= debit.amountMinor) return debit.coveredByScheduledInstallment ? 'post-dated' : 'full';
  return debit.allocatedMinor === 0n ? 'none' : 'partial';
}

export function creditStatus(credit: { readonly amountMinor: AmountMinor; readonly allocatedMinor: AmountMinor }): CreditStatus {
  if (credit.allocatedMinor === 0n && credit.amountMinor > 0n) return 'none';
  return credit.allocatedMinor >= credit.amountMinor ? 'full' : 'partial';
}

/**
 * A scheduled installment not yet collected is not money in hand: however much of it is
 * allocated, its own row says post-dated (like the items it covers), never full.
 */
export function scheduledCreditStatus(credit: { readonly amountMinor: AmountMinor; readonly allocatedMinor: AmountMinor; readonly scheduled: boolean }): CreditStatus | 'post-dated' {
  const status = creditStatus(credit);
  return credit.scheduled && status !== 'none' ? 'post-dated' : status;
}

/**
 * An invoice's status derives from its items: full if all are full; post-dated if all are full or
 * post-dated and one is post-dated; none if no item has anything allocated; partial otherwise.
 */
export function invoiceStatus(items: readonly DebitCoverage[]): InvoiceStatus {
  const statuses = items.map(debitStatus);
  if (statuses.every((status) => status === 'full')) return 'full';
  if (statuses.every((status) => status === 'full' || status === 'post-dated')) return 'post-dated';
  if (items.every((item) => item.allocatedMinor === 0n)) return 'none';
  return 'partial';
}
