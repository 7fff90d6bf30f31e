import type { CalendarDate } from './calendar-date.ts';
import type { DocumentKind } from './document-kinds.ts';
import type { AmountMinor } from './money.ts';

/**
 * What the reports read of a ledger, by the ids people see (external ids), with the instants that
 * let a report stand "as of" any moment (domain: Reports). The rules below decide, for a handful of
 * rows, what the report SQL (src/storage/report-sql.ts) decides for a whole organisation; the
 * property test holds the two to the same answers.
 */
export interface ReportAccount {
  readonly id: string;
  readonly ownerName: string;
}

export interface ReportParticipant {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly birthDate: CalendarDate | null;
}

export interface ReportDocument {
  readonly id: string;
  readonly accountId: string;
  readonly kind: DocumentKind;
  readonly date: CalendarDate;
  readonly amountMinor: AmountMinor;
  readonly method: string | null;
  /** Items: their own; '' when none. Cancellations carry their item's. */
  readonly ledgerCode: string;
  readonly invoiceId: string | null;
  readonly participantId: string | null;
  readonly rl24Eligible: boolean;
  /** A cancellation's item. */
  readonly cancelledItemId: string | null;
  /** Still a scheduled installment now. */
  readonly scheduled: boolean;
  readonly collectedOn: CalendarDate | null;
  /** When its collection was recorded; null if it was never scheduled (or recorded so). */
  readonly collectedAt: Date | null;
  readonly voidedAt: Date | null;
  readonly createdAt: Date;
}

export interface ReportAllocation {
  readonly creditId: string;
  readonly debitId: string;
  readonly amountMinor: AmountMinor;
  readonly createdAt: Date;
  readonly removedAt: Date | null;
}

export interface ReportLedger {
  readonly accounts: readonly ReportAccount[];
  readonly participants: readonly ReportParticipant[];
  readonly documents: readonly ReportDocument[];
  readonly allocations: readonly ReportAllocation[];
}

/** Recorded at or before the instant. */
export function isRecordedAsOf(document: ReportDocument, asOf: Date): boolean {
  return document.createdAt.getTime() <= asOf.getTime();
}

/** Voided at or before the instant (a void after it does not count yet). */
export function isVoidedAsOf(document: ReportDocument, asOf: Date): boolean {
  return document.voidedAt !== null && document.voidedAt.getTime() <= asOf.getTime();
}

/** Made at or before the instant and not removed by then (a removal after it still counts). */
export function isActiveAsOf(allocation: ReportAllocation, asOf: Date): boolean {
  return allocation.createdAt.getTime() <= asOf.getTime() && (allocation.removedAt === null || allocation.removedAt.getTime() > asOf.getTime());
}

/** A scheduled installment still waiting at the instant: not collected yet, or collected after it. */
export function isScheduledAsOf(document: ReportDocument, asOf: Date): boolean {
  return document.scheduled || (document.collectedAt !== null && document.collectedAt.getTime() > asOf.getTime());
}

/**
 * Money in, and its day: a collected, not voided payment (its collection day if it was an
 * installment, else its date) or a deposit (its date). Null for anything else, or for a document
 * not recorded, still scheduled, or voided at the instant.
 */
export function moneyInDay(document: ReportDocument, asOf: Date): CalendarDate | null {
  if (!isRecordedAsOf(document, asOf) || isVoidedAsOf(document, asOf)) return null;
  if (document.kind === 'deposit') return document.date;
  if (document.kind !== 'payment' || isScheduledAsOf(document, asOf)) return null;
  return document.collectedOn ?? document.date;
}

/** Money out: a refund recorded (and not voided) at the instant, on its date. */
export function moneyOutDay(document: ReportDocument, asOf: Date): CalendarDate | null {
  if (document.kind !== 'refund' || !isRecordedAsOf(document, asOf) || isVoidedAsOf(document, asOf)) return null;
  return document.date;
}

/** Day within the period, both ends included (YYYY-MM-DD compares as text). */
export function isDayWithin(day: CalendarDate | null, from: CalendarDate, to: CalendarDate): day is CalendarDate {
  return day !== null && day >= from && day <= to;
}

/** The active allocations at the instant, summed per (credit, debit) pair. */
export function activeAmountsAsOf(allocations: readonly ReportAllocation[], asOf: Date): Map<string, Map<string, AmountMinor>> {
  const byCredit = new Map<string, Map<string, AmountMinor>>();
  for (const allocation of allocations) {
    if (!isActiveAsOf(allocation, asOf)) continue;
    const debits = byCredit.get(allocation.creditId) ?? new Map<string, AmountMinor>();
    debits.set(allocation.debitId, (debits.get(allocation.debitId) ?? 0n) + allocation.amountMinor);
    byCredit.set(allocation.creditId, debits);
  }
  return byCredit;
}

/** Byte order of ids (what SQL's collate "C" gives for the ASCII ids Tally's exports use). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
