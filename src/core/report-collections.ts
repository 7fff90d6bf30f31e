import { assert } from './assert.ts';
import type { CalendarDate } from './calendar-date.ts';
import type { AmountMinor } from './money.ts';
import type { ReportPeriod } from './report-input.ts';
import { activeAmountsAsOf, compareIds, isDayWithin, moneyInDay, moneyOutDay, type ReportDocument, type ReportLedger } from './report-ledger.ts';

/**
 * Collections by ledger code for a period (domain: Reports). Money in adds its whole amount, split
 * by its active allocations: to an item, that item's ledger code (or no ledger code); to a refund,
 * or not allocated, unallocated. A refund adds its whole amount as money out, split by what covers
 * it: a cancellation, the cancelled item's ledger code (or no ledger code); anything else, or not
 * covered, unallocated.
 */
export const collectionLineKinds = ['ledger_code', 'no_ledger_code', 'unallocated'] as const;
export type CollectionLineKind = (typeof collectionLineKinds)[number];

/** One part of one document: signed (money in positive, refunds negative). */
export interface CollectionPart {
  readonly day: CalendarDate;
  readonly accountId: string;
  readonly documentId: string;
  readonly kind: 'payment' | 'deposit' | 'refund';
  readonly method: string | null;
  /** Money in: the item or refund it is allocated to; a refund: the credit covering it; null for the remainder. */
  readonly counterpartId: string | null;
  readonly invoiceId: string | null;
  readonly ledgerCode: string | null;
  readonly participantId: string | null;
  readonly line: CollectionLineKind;
  readonly amountMinor: AmountMinor;
}

export interface CollectionLine {
  readonly line: CollectionLineKind | 'total';
  readonly ledgerCode: string | null;
  readonly collectedMinor: AmountMinor;
  readonly refundedMinor: AmountMinor;
  readonly netMinor: AmountMinor;
}

/** The line of an item's ledger code: '' is no ledger code. */
export function lineOfLedgerCode(ledgerCode: string): { line: CollectionLineKind; ledgerCode: string | null } {
  return ledgerCode === '' ? { line: 'no_ledger_code', ledgerCode: null } : { line: 'ledger_code', ledgerCode };
}

/** Parts order: by day, then document id, then what each part went to (the remainder last). */
export function compareCollectionParts(a: CollectionPart, b: CollectionPart): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  const byDocument = compareIds(a.documentId, b.documentId);
  if (byDocument !== 0) return byDocument;
  if (a.counterpartId === null || b.counterpartId === null) return a.counterpartId === b.counterpartId ? 0 : a.counterpartId === null ? 1 : -1;
  return compareIds(a.counterpartId, b.counterpartId);
}

/** Every part of the period's money in and refunds, as they stood at the instant, in parts order. */
export function collectionParts(ledger: ReportLedger, period: ReportPeriod, asOf: Date): CollectionPart[] {
  const documents = new Map(ledger.documents.map((document) => [document.id, document]));
  const documentOf = (id: string): ReportDocument => {
    const document = documents.get(id);
    assert(document !== undefined, `allocation names unknown document ${id}`);
    return document;
  };
  const active = activeAmountsAsOf(ledger.allocations, asOf);
  const coveringByRefund = new Map<string, Map<string, AmountMinor>>();
  for (const [creditId, debits] of active) {
    for (const [debitId, amountMinor] of debits) {
      const covering = coveringByRefund.get(debitId) ?? new Map<string, AmountMinor>();
      covering.set(creditId, amountMinor);
      coveringByRefund.set(debitId, covering);
    }
  }
  const parts: CollectionPart[] = [];
  for (const document of ledger.documents) {
    const inDay = moneyInDay(document, asOf);
    const outDay = moneyOutDay(document, asOf);
    if (isDayWithin(inDay, period.from, period.to)) {
      const base = { day: inDay, accountId: document.accountId, documentId: document.id, kind: document.kind as 'payment' | 'deposit', method: document.method };
      let allocatedMinor = 0n;
      for (const [debitId, amountMinor] of active.get(document.id) ?? []) {
        allocatedMinor += amountMinor;
        const debit = documentOf(debitId);
        if (debit.kind === 'item') {
          parts.push({ ...base, counterpartId: debit.id, invoiceId: debit.invoiceId, participantId: debit.participantId, ...lineOfLedgerCode(debit.ledgerCode), amountMinor });
        } else {
          parts.push({ ...base, counterpartId: debit.id, invoiceId: null, participantId: null, line: 'unallocated', ledgerCode: null, amountMinor });
        }
      }
      assert(allocatedMinor <= document.amountMinor, `${document.id} is allocated beyond its amount`);
      if (allocatedMinor < document.amountMinor) {
        parts.push({ ...base, counterpartId: null, invoiceId: null, participantId: null, line: 'unallocated', ledgerCode: null, amountMinor: document.amountMinor - allocatedMinor });
      }
    } else if (isDayWithin(outDay, period.from, period.to)) {
      const base = { day: outDay, accountId: document.accountId, documentId: document.id, kind: 'refund' as const, method: document.method };
      let coveredMinor = 0n;
      for (const [creditId, amountMinor] of coveringByRefund.get(document.id) ?? []) {
        coveredMinor += amountMinor;
        const credit = documentOf(creditId);
        if (credit.kind === 'cancellation' && credit.cancelledItemId !== null) {
          const item = documentOf(credit.cancelledItemId);
          parts.push({ ...base, counterpartId: credit.id, invoiceId: item.invoiceId, participantId: item.participantId, ...lineOfLedgerCode(item.ledgerCode), amountMinor: -amountMinor });
        } else {
          parts.push({ ...base, counterpartId: credit.id, invoiceId: null, participantId: null, line: 'unallocated', ledgerCode: null, amountMinor: -amountMinor });
        }
      }
      assert(coveredMinor <= document.amountMinor, `${document.id} is covered beyond its amount`);
      if (coveredMinor < document.amountMinor) {
        parts.push({ ...base, counterpartId: null, invoiceId: null, participantId: null, line: 'unallocated', ledgerCode: null, amountMinor: -(document.amountMinor - coveredMinor) });
      }
    }
  }
  return parts.sort(compareCollectionParts);
}

/** Lines order: ledger codes by code, then no ledger code, then unallocated, then the total. */
export function compareCollectionLines(a: CollectionLine, b: CollectionLine): number {
  const rank = (line: CollectionLine) => ['ledger_code', 'no_ledger_code', 'unallocated', 'total'].indexOf(line.line);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  return compareIds(a.ledgerCode ?? '', b.ledgerCode ?? '');
}

/**
 * The summary from line sums and the period's totals (what the SQL computes separately): a line
 * appears when its collected or refunded is not zero; the total always. Asserts that the lines add
 * up to the total, to the minor unit.
 */
export function collectionSummary(lineSums: readonly Omit<CollectionLine, 'netMinor'>[], total: { collectedMinor: AmountMinor; refundedMinor: AmountMinor }): CollectionLine[] {
  const lines = lineSums
    .filter((line) => line.collectedMinor !== 0n || line.refundedMinor !== 0n)
    .map((line) => ({ ...line, netMinor: line.collectedMinor - line.refundedMinor }))
    .sort(compareCollectionLines);
  const collectedMinor = lines.reduce((sum, line) => sum + line.collectedMinor, 0n);
  const refundedMinor = lines.reduce((sum, line) => sum + line.refundedMinor, 0n);
  assert(collectedMinor === total.collectedMinor && refundedMinor === total.refundedMinor, `collection lines add up to ${collectedMinor}/${refundedMinor}, the total is ${total.collectedMinor}/${total.refundedMinor}`);
  return [...lines, { line: 'total', ledgerCode: null, collectedMinor: total.collectedMinor, refundedMinor: total.refundedMinor, netMinor: total.collectedMinor - total.refundedMinor }];
}

/** The line sums of a list of parts. */
export function sumCollectionParts(parts: readonly CollectionPart[]): Omit<CollectionLine, 'netMinor'>[] {
  const sums = new Map<string, { line: CollectionLineKind; ledgerCode: string | null; collectedMinor: AmountMinor; refundedMinor: AmountMinor }>();
  for (const part of parts) {
    const key = `${part.line}\u0000${part.ledgerCode ?? ''}`;
    const sum = sums.get(key) ?? { line: part.line, ledgerCode: part.ledgerCode, collectedMinor: 0n, refundedMinor: 0n };
    if (part.amountMinor >= 0n) sum.collectedMinor += part.amountMinor;
    else sum.refundedMinor -= part.amountMinor;
    sums.set(key, sum);
  }
  return [...sums.values()];
}

/** The whole summary of a small ledger: its parts summed, checked against the documents' totals. */
export function collectionReport(ledger: ReportLedger, period: ReportPeriod, asOf: Date): { lines: CollectionLine[]; parts: CollectionPart[]; unallocatedDocumentCount: number } {
  const parts = collectionParts(ledger, period, asOf);
  let collectedMinor = 0n;
  let refundedMinor = 0n;
  for (const document of ledger.documents) {
    if (isDayWithin(moneyInDay(document, asOf), period.from, period.to)) collectedMinor += document.amountMinor;
    else if (isDayWithin(moneyOutDay(document, asOf), period.from, period.to)) refundedMinor += document.amountMinor;
  }
  const unallocatedDocumentCount = new Set(parts.filter((part) => part.counterpartId === null).map((part) => part.documentId)).size;
  return { lines: collectionSummary(sumCollectionParts(parts), { collectedMinor, refundedMinor }), parts, unallocatedDocumentCount };
}
