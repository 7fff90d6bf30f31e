import { describe, expect, it } from 'vitest';
import { canReconcile, counterpartsOf, formatMinor, linesWithAmount, parseAmount, suggest, validate, type EditorDocument } from '../../src/web/allocation-editor-model.ts';
import { editorLinesRenderedWhole, isLongLineList, renderedLineIndexes, unrenderedTabTarget } from '../../src/web/components/allocation-editor-layout.ts';

const doc = (document_id: string, kind: string, date: string, remaining: string, creation_order: number, extra: Partial<EditorDocument> = {}): EditorDocument => ({ document_id, kind, date, remaining, voided: false, invoice_id: null, position: null, creation_order, ...extra });

// Statement order (newest first), as the API sends it; creation order as the API numbers it.
const documents: EditorDocument[] = [
  doc('P2', 'payment', '2026-02-01', '0.00', 8),
  doc('P1', 'payment', '2026-01-12', '70.00', 7),
  doc('RF', 'refund', '2026-01-11', '20.00', 6),
  doc('INV-1', 'invoice', '2026-01-10', '80.00', 2),
  doc('I1', 'item', '2026-01-10', '50.00', 3, { invoice_id: 'INV-1', position: 1 }),
  doc('I2', 'item', '2026-01-10', '30.00', 4, { invoice_id: 'INV-1', position: 2 }),
  doc('I3', 'item', '2026-01-09', '5.00', 5, { voided: true }),
  doc('D1', 'deposit', '2026-01-05', '40.00', 1),
];
const byId = (id: string) => documents.find((document) => document.document_id === id)!;

describe('allocation editor model', () => {
  it('knows which documents can be reconciled', () => {
    expect(documents.filter(canReconcile).map((document) => document.document_id)).toEqual(['P1', 'RF', 'I1', 'I2', 'D1']);
  });

  it('lists the other side oldest first (date, then invoice item order) and suggests oldest first', () => {
    const lines = counterpartsOf(byId('P1'), documents);
    expect(lines.map((line) => line.document_id)).toEqual(['I1', 'I2', 'RF']);
    // The refund is listed but not suggested: a payment is not matched with a refund unless it names it.
    expect(suggest(byId('P1'), lines, documents)).toEqual(['50.00', '20.00', '']);
    const credits = counterpartsOf(byId('I1'), documents);
    expect(credits.map((line) => line.document_id)).toEqual(['D1', 'P1']);
    expect(suggest(byId('I1'), credits, documents)).toEqual(['40.00', '10.00']);
    // From the refund's own editor, credits are matched with it: that is what is asked.
    expect(suggest(byId('RF'), counterpartsOf(byId('RF'), documents), documents)).toEqual(['20.00', '']);
  });

  it("orders and suggests by the core's creation order, not by the ids' text (INV-9 before INV-10)", () => {
    const account: EditorDocument[] = [
      doc('PAY', 'payment', '2026-03-02', '25.00', 5),
      doc('INV-10', 'invoice', '2026-03-01', '20.00', 3),
      doc('I-10', 'item', '2026-03-01', '20.00', 4, { invoice_id: 'INV-10', position: 1 }),
      doc('INV-9', 'invoice', '2026-03-01', '20.00', 1),
      doc('I-9', 'item', '2026-03-01', '20.00', 2, { invoice_id: 'INV-9', position: 1 }),
    ];
    const source = account[0]!;
    const lines = counterpartsOf(source, account);
    expect(lines.map((line) => line.document_id)).toEqual(['I-9', 'I-10']);
    expect(suggest(source, lines, account)).toEqual(['20.00', '5.00']);
  });

  it("takes the credit's reference first, then oldest first; Fill oldest first ignores it", () => {
    const account: EditorDocument[] = [
      doc('PAY', 'payment', '2026-03-05', '30.00', 6, { reference: 'INV-B' }),
      doc('CANCEL', 'cancellation', '2026-03-04', '5.00', 5, { reference: 'B2' }),
      doc('INV-B', 'invoice', '2026-03-02', '40.00', 3),
      doc('B1', 'item', '2026-03-02', '15.00', 4, { invoice_id: 'INV-B', position: 1 }),
      doc('B2', 'item', '2026-03-02', '25.00', 7, { invoice_id: 'INV-B', position: 2 }),
      doc('INV-A', 'invoice', '2026-03-01', '20.00', 1),
      doc('A1', 'item', '2026-03-01', '20.00', 2, { invoice_id: 'INV-A', position: 1 }),
    ];
    const payment = account[0]!;
    const lines = counterpartsOf(payment, account);
    expect(lines.map((line) => line.document_id)).toEqual(['A1', 'B1', 'B2']);
    expect(suggest(payment, lines, account)).toEqual(['', '15.00', '15.00']);
    expect(suggest(payment, lines, account, 'fifo')).toEqual(['20.00', '10.00', '']);
    const cancellation = account[1]!;
    expect(suggest(cancellation, counterpartsOf(cancellation, account), account)).toEqual(['', '', '5.00']);
  });

  const cases: [name: string, texts: string[], lineErrors: (string | null)[], totalError: string | null, total: string][] = [
    ['the suggestion', ['50.00', '20.00', ''], [null, null, null], null, '70.00'],
    ['over a line remainder', ['50.01', '', ''], ['amountOverLine', null, null], null, '0.00'],
    ['over the total remainder', ['50.00', '20.00', '0.01'], [null, null, null], 'totalOverRemainder', '70.01'],
    ['too many decimals', ['1.234', '', ''], ['amountTooManyDecimals', null, null], null, '0.00'],
    ['negative', ['-1.00', '', ''], ['amountNegative', null, null], null, '0.00'],
    ['zero', ['0', '', ''], ['amountNotPositive', null, null], null, '0.00'],
    ['not a number', ['abc', '1e3', ''], ['amountInvalid', 'amountInvalid', null], null, '0.00'],
    ['0.10 + 0.20 is exactly 0.30', ['0.10', '0.20', ''], [null, null, null], null, '0.30'],
    ['a French decimal comma and short decimals', ['12,5', '3', ''], [null, null, null], null, '15.50'],
    ['all empty', ['', ' ', ''], [null, null, null], 'totalNothing', '0.00'],
  ];
  it.each(cases)('validates %s', (_name, texts, lineErrors, totalError, total) => {
    const lines = counterpartsOf(byId('P1'), documents);
    const result = validate(byId('P1'), lines, texts);
    expect(result.lines.map((line) => line.error)).toEqual(lineErrors);
    expect(result.totalError).toBe(totalError);
    expect(result.total).toBe(total);
    expect(result.valid).toBe(lineErrors.every((error) => error === null) && totalError === null);
  });

  it('counts the lines whose amount cannot be saved, wherever they are in the list', () => {
    const lines = counterpartsOf(byId('P1'), documents);
    expect(validate(byId('P1'), lines, ['50.01', 'abc', '1']).invalidLinesCount).toBe(2);
    expect(validate(byId('P1'), lines, ['50.00', '20.00', '0.01']).invalidLinesCount).toBe(0);
  });

  it('lists the lines with an amount, suggested or typed, valid or not, in list order', () => {
    expect(linesWithAmount(['50.00', '', ' ', 'abc', '0'])).toEqual([0, 3, 4]);
    expect(linesWithAmount(['', ''])).toEqual([]);
  });

  it('says how much is left on an over-remainder line', () => {
    const result = validate(byId('P1'), counterpartsOf(byId('P1'), documents), ['', '30.01', '']);
    expect(result.lines[1]).toMatchObject({ error: 'amountOverLine', max: '30.00' });
  });

  it('builds request lines with the credit as the receipt, from either side', () => {
    const fromCredit = validate(byId('P1'), counterpartsOf(byId('P1'), documents), ['50', '', '0.5']);
    expect(fromCredit.request).toEqual([{ receipt_id: 'P1', target_id: 'I1', amount: '50.00' }, { receipt_id: 'P1', target_id: 'RF', amount: '0.50' }]);
    const fromDebit = validate(byId('I1'), counterpartsOf(byId('I1'), documents), ['', '7.25']);
    expect(fromDebit.request).toEqual([{ receipt_id: 'P1', target_id: 'I1', amount: '7.25' }]);
  });

  it('parses and formats exactly, whatever the minor digits', () => {
    expect(parseAmount('0.1', 2)).toEqual({ ok: true, minor: 10n });
    expect(parseAmount('12', 0)).toEqual({ ok: true, minor: 12n });
    expect(parseAmount('12.5', 0)).toEqual({ ok: false, error: 'amountTooManyDecimals' });
    expect(parseAmount('1.234', 3)).toEqual({ ok: true, minor: 1234n });
    expect(parseAmount('99999999999999999999.99', 2)).toEqual({ ok: true, minor: 9999999999999999999999n });
    expect(formatMinor(5n, 2)).toBe('0.05');
    expect(formatMinor(1234n, 3)).toBe('1.234');
    expect(formatMinor(7n, 0)).toBe('7');
  });
});

describe('allocation editor layout', () => {
  it('renders a short list whole and a long one as its window plus the pinned lines', () => {
    expect(isLongLineList(editorLinesRenderedWhole)).toBe(false);
    expect(isLongLineList(editorLinesRenderedWhole + 1)).toBe(true);
    expect(renderedLineIndexes([0, 1], [null, null], 4)).toEqual([0, 1, 2, 3]);
    expect(renderedLineIndexes([10, 11, 12], [2, 60], 2_499)).toEqual([2, 10, 11, 12, 60]);
    expect(renderedLineIndexes([10, 11], [null, 2_499], 2_499)).toEqual([10, 11]);
  });

  it('takes Tab to the neighbouring line only when the browser cannot: it exists and is not rendered', () => {
    const rendered = new Set([5, 20, 21, 22]);
    expect(unrenderedTabTarget(5, false, 100, rendered)).toBe(6);
    expect(unrenderedTabTarget(20, true, 100, rendered)).toBe(19);
    expect(unrenderedTabTarget(20, false, 100, rendered)).toBe(null);
    expect(unrenderedTabTarget(99, false, 100, new Set([99]))).toBe(null);
    expect(unrenderedTabTarget(0, true, 100, new Set([0]))).toBe(null);
  });
});
