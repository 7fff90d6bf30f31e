import type { DocumentKind, PaymentMethod, StatementDocument } from './api.ts';
import type { MessageKey, Translate } from './i18n.tsx';

/** The words for a document's kind, wherever a document is listed. */
export const kindLabels: Record<DocumentKind, MessageKey> = {
  invoice: 'kindInvoice',
  item: 'kindItem',
  refund: 'kindRefund',
  payment: 'kindPayment',
  deposit: 'kindDeposit',
  credit: 'kindCredit',
  cancellation: 'kindCancellation',
};

/** The words for how a payment was made: the API sends a code ("eft"), which is not for reading. */
export const paymentMethodLabels: Record<PaymentMethod, MessageKey> = {
  card: 'methodCard',
  cash: 'methodCash',
  cheque: 'methodCheque',
  eft: 'methodEft',
  online: 'methodOnline',
  other: 'methodOther',
};

/** What a document's Description column says: its own description, or else how it was paid. */
export function descriptionOf(document: Pick<StatementDocument, 'description' | 'method'>, t: Translate): string {
  if (document.description) return document.description;
  return document.method ? t(paymentMethodLabels[document.method]) : '';
}
