import type { CollectionsLine, Rl24BlockerReason } from '../api.ts';
import { kindLabels, paymentMethodLabels } from '../document-labels.ts';
import { useI18n, type MessageKey, type Translate } from '../i18n.tsx';

/** A line of the collections report in words: its ledger code, or what the line is. */
export function lineLabelOf(line: Pick<CollectionsLine, 'line' | 'ledger_code'>, t: Translate): string {
  switch (line.line) {
    case 'ledger_code':
      return line.ledger_code ?? '';
    case 'no_ledger_code':
      return t('lineNoLedgerCode');
    case 'unallocated':
      return t('lineUnallocated');
    case 'total':
      return t('lineTotal');
  }
}

export function useLineLabel(): (line: Pick<CollectionsLine, 'line' | 'ledger_code'>) => string {
  const { t } = useI18n();
  return (line) => lineLabelOf(line, t);
}

/** Each RL-24 blocker's reason in words: a title, and what the administrator does about it. */
export const blockerReasonLabels: Record<Rl24BlockerReason, { readonly title: MessageKey; readonly action: MessageKey }> = {
  money_not_fully_allocated: { title: 'blockerMoneyNotFullyAllocated', action: 'blockerMoneyNotFullyAllocatedAction' },
  refund_not_fully_covered: { title: 'blockerRefundNotFullyCovered', action: 'blockerRefundNotFullyCoveredAction' },
  eligible_item_without_participant: { title: 'blockerEligibleItemWithoutParticipant', action: 'blockerEligibleItemWithoutParticipantAction' },
  participant_without_birth_date: { title: 'blockerParticipantWithoutBirthDate', action: 'blockerParticipantWithoutBirthDateAction' },
  participant_over_age: { title: 'blockerParticipantOverAge', action: 'blockerParticipantOverAgeAction' },
  refunds_exceed_payments: { title: 'blockerRefundsExceedPayments', action: 'blockerRefundsExceedPaymentsAction' },
};

/** The reasons whose id is a document (the others name a participant). */
export const documentBlockerReasons: ReadonlySet<Rl24BlockerReason> = new Set(['money_not_fully_allocated', 'refund_not_fully_covered', 'eligible_item_without_participant']);

/** A part's document kind and payment method in words; an unknown code is shown as it came. */
export function kindWords(kind: string, t: Translate): string {
  return kind in kindLabels ? t(kindLabels[kind as keyof typeof kindLabels]) : kind;
}

export function methodWords(method: string | null, t: Translate): string {
  if (!method) return '';
  return method in paymentMethodLabels ? t(paymentMethodLabels[method as keyof typeof paymentMethodLabels]) : method;
}
