import type { AuditEvent } from './api.ts';
import type { MessageKey } from './i18n.tsx';

/** Where an allocation came from, in words (the API sends a code). */
export const sourceLabels: Record<AuditEvent['source'], MessageKey> = {
  checkout: 'sourceCheckout',
  installments: 'sourceInstallments',
  'balance-payment': 'sourceBalancePayment',
  auto: 'sourceAuto',
  manual: 'sourceManual',
  import: 'sourceImport',
};

/** Why an allocation was removed, in words. */
export const removalReasonLabels: Record<NonNullable<AuditEvent['removal_reason']>, MessageKey> = {
  manual: 'removalManual',
  undo: 'removalUndo',
  void: 'removalVoid',
};
