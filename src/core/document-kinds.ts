/**
 * The kinds of document on an account. Debits are what the client owes, credits what is in the
 * client's favour. An invoice groups items and is neither: it is never allocated itself.
 */
export const debitKinds = ['item', 'refund'] as const;
export const creditKinds = ['payment', 'deposit', 'credit', 'cancellation'] as const;
export const documentKinds = ['invoice', ...debitKinds, ...creditKinds] as const;

export type DebitKind = (typeof debitKinds)[number];
export type CreditKind = (typeof creditKinds)[number];
export type DocumentKind = (typeof documentKinds)[number];
export type DocumentSide = 'debit' | 'credit' | 'none';

export function sideOfKind(kind: DocumentKind): DocumentSide {
  if ((debitKinds as readonly string[]).includes(kind)) return 'debit';
  if ((creditKinds as readonly string[]).includes(kind)) return 'credit';
  return 'none';
}

export const paymentMethods = ['cash', 'cheque', 'card', 'eft', 'online', 'other'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/** Where an allocation came from; shown in the audit trail. */
export const allocationSources = ['checkout', 'installments', 'balance-payment', 'auto', 'manual', 'import'] as const;
export type AllocationSource = (typeof allocationSources)[number];

export const reconciliationStrategies = ['reference', 'fifo'] as const;
export type ReconciliationStrategy = (typeof reconciliationStrategies)[number];
