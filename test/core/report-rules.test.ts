import { describe, expect, it } from 'vitest';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import { collectionReport, collectionSummary } from '../../src/core/report-collections.ts';
import { parseInstant, parseReportPeriod, parseReportYear } from '../../src/core/report-input.ts';
import { moneyInDay, type ReportDocument, type ReportLedger } from '../../src/core/report-ledger.ts';
import { firstEligibleBirthDate, isOverAgeInYear, rl24Report } from '../../src/core/report-rl24.ts';

const day = (text: string) => text as CalendarDate;
const at = (text: string) => new Date(text);

function document(fields: Partial<ReportDocument> & Pick<ReportDocument, 'id' | 'kind' | 'amountMinor'>): ReportDocument {
  return {
    accountId: 'A', date: day('2026-03-01'), method: null, ledgerCode: '', invoiceId: null, participantId: null, rl24Eligible: false, cancelledItemId: null,
    scheduled: false, collectedOn: null, collectedAt: null, voidedAt: null, createdAt: at('2026-03-01T10:00:00Z'), ...fields,
  };
}

describe('report input', () => {
  it('reads instants with a zone, to the millisecond, and refuses the rest naming the field', () => {
    expect(parseInstant('2026-11-30T12:00:00Z')).toEqual({ ok: true, value: at('2026-11-30T12:00:00.000Z') });
    expect(parseInstant('2026-11-30T07:00-05:00')).toEqual({ ok: true, value: at('2026-11-30T12:00:00.000Z') });
    expect(parseInstant('2026-11-30T12:00:00.123456+00:00')).toEqual({ ok: true, value: at('2026-11-30T12:00:00.123Z') });
    for (const text of ['2026-11-30T12:00:00', '2026-11-30', '2026-02-30T12:00:00Z', '2026-11-30T24:00:00Z', 'yesterday', '2026-11-30 12:00:00Z']) {
      expect(parseInstant(text, '--as-of'), text).toMatchObject({ ok: false, refusal: { code: 'instant_is_invalid', path: '--as-of' } });
    }
  });

  it('takes a period of real days, first not after last, and a four-digit year', () => {
    expect(parseReportPeriod('2026-01-01', '2026-01-01')).toEqual({ ok: true, value: { from: '2026-01-01', to: '2026-01-01' } });
    expect(parseReportPeriod('2026-01-02', '2026-01-01')).toMatchObject({ ok: false, refusal: { code: 'report_period_is_reversed', path: 'from' } });
    expect(parseReportPeriod('2026-01-01', '2026-02-29')).toMatchObject({ ok: false, refusal: { code: 'date_is_invalid', path: 'to' } });
    expect(parseReportYear('2026')).toEqual({ ok: true, value: 2026 });
    for (const text of ['26', '02026', '20x6', '1899']) expect(parseReportYear(text), text).toMatchObject({ ok: false, refusal: { code: 'year_is_invalid' } });
  });
});

describe('report rules on a handful of rows', () => {
  it('dates money in by the day it came, and leaves out what was scheduled, voided or not yet recorded at the instant', () => {
    const installment = document({ id: 'P', kind: 'payment', amountMinor: 100n, date: day('2026-03-01'), collectedOn: day('2026-04-15'), collectedAt: at('2026-04-15T09:00:00Z') });
    expect(moneyInDay(installment, at('2026-04-15T08:59:59Z'))).toBeNull();
    expect(moneyInDay(installment, at('2026-04-15T09:00:00Z'))).toBe('2026-04-15');
    const voided = document({ id: 'V', kind: 'payment', amountMinor: 100n, voidedAt: at('2026-05-01T00:00:00Z') });
    expect(moneyInDay(voided, at('2026-04-30T23:59:59Z'))).toBe('2026-03-01');
    expect(moneyInDay(voided, at('2026-05-01T00:00:00Z'))).toBeNull();
    expect(moneyInDay(document({ id: 'S', kind: 'payment', amountMinor: 1n, scheduled: true }), at('2030-01-01T00:00:00Z'))).toBeNull();
    expect(moneyInDay(document({ id: 'C', kind: 'credit', amountMinor: 1n }), at('2030-01-01T00:00:00Z'))).toBeNull();
    expect(moneyInDay(document({ id: 'D', kind: 'deposit', amountMinor: 1n }), at('2026-03-01T09:59:59Z'))).toBeNull();
  });

  it('splits collections by ledger code, the lines adding up to the total', () => {
    const ledger: ReportLedger = {
      accounts: [{ id: 'A', ownerName: 'Owner' }],
      participants: [{ id: 'K', accountId: 'A', name: 'Child', birthDate: day('2010-01-01') }],
      documents: [
        document({ id: 'I', kind: 'item', amountMinor: 80n, ledgerCode: 'CARE', invoiceId: 'INV', participantId: 'K', rl24Eligible: true }),
        document({ id: 'P', kind: 'payment', amountMinor: 100n, method: 'card' }),
        document({ id: 'R', kind: 'refund', amountMinor: 30n }),
        document({ id: 'X', kind: 'cancellation', amountMinor: 20n, ledgerCode: 'CARE', cancelledItemId: 'I' }),
      ],
      allocations: [
        { creditId: 'P', debitId: 'I', amountMinor: 80n, createdAt: at('2026-03-02T00:00:00Z'), removedAt: null },
        { creditId: 'X', debitId: 'R', amountMinor: 20n, createdAt: at('2026-03-02T00:00:00Z'), removedAt: null },
        { creditId: 'P', debitId: 'R', amountMinor: 10n, createdAt: at('2026-03-02T00:00:00Z'), removedAt: at('2026-03-03T00:00:00Z') },
      ],
    };
    const period = { from: day('2026-03-01'), to: day('2026-03-31') };
    const later = collectionReport(ledger, period, at('2026-04-01T00:00:00Z'));
    expect(later.lines.map((line) => [line.line, line.ledgerCode, line.collectedMinor, line.refundedMinor, line.netMinor])).toEqual([
      ['ledger_code', 'CARE', 80n, 20n, 60n],
      ['unallocated', null, 20n, 10n, 10n],
      ['total', null, 100n, 30n, 70n],
    ]);
    // While P's allocation to the refund was active, that part of P and of R was unallocated too, by the counterpart.
    const before = collectionReport(ledger, period, at('2026-03-02T12:00:00Z'));
    expect(before.parts.map((part) => `${part.documentId}>${part.counterpartId ?? ''}:${part.amountMinor}`)).toEqual(['P>I:80', 'P>R:10', 'P>:10', 'R>P:-10', 'R>X:-20']);
    expect(() => collectionSummary([{ line: 'unallocated', ledgerCode: null, collectedMinor: 5n, refundedMinor: 0n }], { collectedMinor: 6n, refundedMinor: 0n })).toThrow(/add up/);

    const rl24 = rl24Report(ledger, 2026, at('2026-04-01T00:00:00Z'));
    expect(rl24.slips.map((line) => [line.participantId, line.paidMinor, line.refundedMinor, line.amountMinor])).toEqual([['K', 80n, 20n, 60n]]);
    expect(rl24.blockers.map((blocker) => `${blocker.reason} ${blocker.id} ${blocker.amountMinor}`)).toEqual(['money_not_fully_allocated P 20', 'refund_not_fully_covered R 10']);
  });

  it('counts a child as under 16 in the year when born on or after January 1 of year − 16', () => {
    expect(firstEligibleBirthDate(2026)).toBe('2010-01-01');
    expect(isOverAgeInYear(day('2010-01-01'), 2026)).toBe(false);
    expect(isOverAgeInYear(day('2009-12-31'), 2026)).toBe(true);
  });
});
