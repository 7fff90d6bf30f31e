import { assert } from './assert.ts';
import type { CalendarDate } from './calendar-date.ts';
import type { AmountMinor } from './money.ts';
import { periodOfYear } from './report-input.ts';
import { activeAmountsAsOf, compareIds, isDayWithin, moneyInDay, moneyOutDay, type ReportLedger } from './report-ledger.ts';

/**
 * RL-24 (Québec childcare expenses slips) for a calendar year (domain: Reports). One slip line per
 * account (the payer, its owner) and participant (the child): paid, the year's money in allocated
 * to the child's RL-24-eligible items; refunded, the cancellations of such items covering the
 * year's refunds; amount = paid − refunded.
 */
export interface Rl24SlipLine {
  readonly accountId: string;
  readonly ownerName: string;
  readonly participantId: string;
  readonly participantName: string;
  readonly birthDate: CalendarDate | null;
  readonly paidMinor: AmountMinor;
  readonly refundedMinor: AmountMinor;
  readonly amountMinor: AmountMinor;
}

export const rl24BlockerReasons = [
  'money_not_fully_allocated',
  'refund_not_fully_covered',
  'eligible_item_without_participant',
  'participant_without_birth_date',
  'participant_over_age',
  'refunds_exceed_payments',
] as const;
export type Rl24BlockerReason = (typeof rl24BlockerReasons)[number];

export interface Rl24Blocker {
  readonly accountId: string;
  /** The document, or the participant for the participant reasons and refunds_exceed_payments. */
  readonly id: string;
  readonly reason: Rl24BlockerReason;
  readonly amountMinor: AmountMinor;
}

/**
 * Eligible children are under 16 at some time in the year: born on or after January 1 of
 * year − 16 (domain). Born before it: over age.
 */
export function isOverAgeInYear(birthDate: CalendarDate, year: number): boolean {
  return birthDate < firstEligibleBirthDate(year);
}

/** January 1 of year − 16: a child born on or after it is under 16 at some time in the year. */
export function firstEligibleBirthDate(year: number): CalendarDate {
  return `${String(year - 16).padStart(4, '0')}-01-01` as CalendarDate;
}

/** Slip lines order: by account id, then participant id. */
export function compareSlipLines(a: Rl24SlipLine, b: Rl24SlipLine): number {
  return compareIds(a.accountId, b.accountId) || compareIds(a.participantId, b.participantId);
}

/** Blockers order: by reason (the order of rl24BlockerReasons), then account id, then id. */
export function compareBlockers(a: Rl24Blocker, b: Rl24Blocker): number {
  return rl24BlockerReasons.indexOf(a.reason) - rl24BlockerReasons.indexOf(b.reason) || compareIds(a.accountId, b.accountId) || compareIds(a.id, b.id);
}

/** The blockers a slip line raises by itself: its child's age cannot be checked or is over, its amount is negative. */
export function slipLineBlockers(line: Rl24SlipLine, year: number): Rl24Blocker[] {
  const blockers: Rl24Blocker[] = [];
  const about = { accountId: line.accountId, id: line.participantId, amountMinor: line.amountMinor };
  if (line.birthDate === null) blockers.push({ ...about, reason: 'participant_without_birth_date' });
  else if (isOverAgeInYear(line.birthDate, year)) blockers.push({ ...about, reason: 'participant_over_age' });
  if (line.amountMinor < 0n) blockers.push({ ...about, reason: 'refunds_exceed_payments' });
  return blockers;
}

/** The slips and blockers of a small ledger, as they stood at the instant. */
export function rl24Report(ledger: ReportLedger, year: number, asOf: Date): { slips: Rl24SlipLine[]; blockers: Rl24Blocker[] } {
  const { from, to } = periodOfYear(year);
  const documents = new Map(ledger.documents.map((document) => [document.id, document]));
  const accounts = new Map(ledger.accounts.map((account) => [account.id, account]));
  const participants = new Map(ledger.participants.map((participant) => [participant.id, participant]));
  const active = activeAmountsAsOf(ledger.allocations, asOf);
  const sums = new Map<string, { accountId: string; participantId: string; paidMinor: AmountMinor; refundedMinor: AmountMinor }>();
  const add = (accountId: string, participantId: string, paidMinor: AmountMinor, refundedMinor: AmountMinor) => {
    const key = `${accountId}\u0000${participantId}`;
    const sum = sums.get(key) ?? { accountId, participantId, paidMinor: 0n, refundedMinor: 0n };
    sum.paidMinor += paidMinor;
    sum.refundedMinor += refundedMinor;
    sums.set(key, sum);
  };
  const blockers: Rl24Blocker[] = [];
  const withoutParticipant = new Map<string, { accountId: string; amountMinor: AmountMinor }>();
  const accountsWithEligibleItems = new Set(ledger.documents.filter((document) => document.kind === 'item' && document.rl24Eligible && document.createdAt.getTime() <= asOf.getTime()).map((item) => item.accountId));

  for (const document of ledger.documents) {
    const inDay = moneyInDay(document, asOf);
    const outDay = moneyOutDay(document, asOf);
    if (isDayWithin(inDay, from, to)) {
      let allocatedMinor = 0n;
      for (const [debitId, amountMinor] of active.get(document.id) ?? []) {
        allocatedMinor += amountMinor;
        const item = documents.get(debitId);
        if (item?.kind !== 'item' || !item.rl24Eligible) continue;
        if (item.participantId !== null) add(item.accountId, item.participantId, amountMinor, 0n);
        else {
          const sum = withoutParticipant.get(item.id) ?? { accountId: item.accountId, amountMinor: 0n };
          sum.amountMinor += amountMinor;
          withoutParticipant.set(item.id, sum);
        }
      }
      if (allocatedMinor < document.amountMinor && accountsWithEligibleItems.has(document.accountId)) {
        blockers.push({ accountId: document.accountId, id: document.id, reason: 'money_not_fully_allocated', amountMinor: document.amountMinor - allocatedMinor });
      }
    } else if (isDayWithin(outDay, from, to)) {
      let coveredMinor = 0n;
      for (const [creditId, debits] of active) {
        const amountMinor = debits.get(document.id);
        if (amountMinor === undefined) continue;
        coveredMinor += amountMinor;
        const credit = documents.get(creditId);
        const item = credit?.kind === 'cancellation' && credit.cancelledItemId !== null ? documents.get(credit.cancelledItemId) : undefined;
        if (item?.rl24Eligible && item.participantId !== null) add(item.accountId, item.participantId, 0n, amountMinor);
      }
      if (coveredMinor < document.amountMinor && accountsWithEligibleItems.has(document.accountId)) {
        blockers.push({ accountId: document.accountId, id: document.id, reason: 'refund_not_fully_covered', amountMinor: document.amountMinor - coveredMinor });
      }
    }
  }
  for (const [itemId, { accountId, amountMinor }] of withoutParticipant) blockers.push({ accountId, id: itemId, reason: 'eligible_item_without_participant', amountMinor });

  const slips: Rl24SlipLine[] = [];
  for (const sum of sums.values()) {
    if (sum.paidMinor === 0n && sum.refundedMinor === 0n) continue;
    const account = accounts.get(sum.accountId);
    const participant = participants.get(sum.participantId);
    assert(account !== undefined && participant !== undefined, `slip line names unknown account ${sum.accountId} or participant ${sum.participantId}`);
    const line = { accountId: sum.accountId, ownerName: account.ownerName, participantId: sum.participantId, participantName: participant.name, birthDate: participant.birthDate, paidMinor: sum.paidMinor, refundedMinor: sum.refundedMinor, amountMinor: sum.paidMinor - sum.refundedMinor };
    slips.push(line);
    blockers.push(...slipLineBlockers(line, year));
  }
  return { slips: slips.sort(compareSlipLines), blockers: blockers.sort(compareBlockers) };
}

/** The slips' totals: how many slip lines, and their amounts summed. */
export function rl24Totals(slips: readonly Rl24SlipLine[]): { slipCount: number; amountMinor: AmountMinor } {
  return { slipCount: slips.length, amountMinor: slips.reduce((sum, line) => sum + line.amountMinor, 0n) };
}
