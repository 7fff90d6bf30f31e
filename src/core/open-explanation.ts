import type { AmountMinor } from './money.ts';

/**
 * Why an account is not fully reconciled. After a FIFO pass at most one side can stay open, and
 * the two reasons are the ones administrators know from the help centre.
 */
export const openReasons = ['in_agreement', 'credit_on_account', 'balance_owing', 'unreconciled'] as const;
export type OpenReason = (typeof openReasons)[number];

export const openReasonMessages: Record<OpenReason, string> = {
  in_agreement: 'Every credit and every charge is reconciled.',
  credit_on_account: 'Credit on account, no open charges left.',
  balance_owing: 'Balance owing, no unallocated credits left.',
  unreconciled: 'Unallocated credits and open charges remain; reconcile the account.',
};

export function explainOpen(openCreditMinor: AmountMinor, openDebitMinor: AmountMinor): OpenReason {
  if (openCreditMinor === 0n && openDebitMinor === 0n) return 'in_agreement';
  if (openDebitMinor === 0n) return 'credit_on_account';
  if (openCreditMinor === 0n) return 'balance_owing';
  return 'unreconciled';
}
