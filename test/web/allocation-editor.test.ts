import { describe, expect, it } from 'vitest';
import { canReconcile, counterpartsOf, formatMinor, linesWithAmount, parseAmount, suggest, validate, type EditorDocument } from '../../src/web/allocation-editor-model.ts';
import { editorLinesRenderedWhole, isLongLineList, renderedLineIndexes, unrenderedTabTarget } from '../../src/web/components/allocation-editor-layout.ts';

const doc = (document_id: string, kind: string, date: string, remaining: string, extra: Partial<EditorDocument> = {}): EditorDocument => ({ document_id, kind, date, remaining, voided: false, invoice_id: null, position: null, ...extra });

// Statement order (newest first), as the API sends it.
const documents: EditorDocument[] = [
  doc('P2', 'payment', '2026-02-01', '0.00'),
  doc('P1', 'payment', '2026-01-12', '70.00'),
  doc('RF', 'refund', '2026-01-11', '20.00'),
  doc('INV-1', 'invoice', '2026-01-10', '80.00'),
  doc('I1', 'item', '2026-01-10', '50.00', { invoice_id: 'INV-1', position: 1 }),
  doc('I2', 'item', '2026-01-10', '30.00', { invoice_id: 'INV-1', position: 2 }),
  doc('I3', 'item', '2026-01-09', '5.00', { voided: true }),
  doc('D1', 'deposit', '2026-01-05', '40.00'),
];
const byId = (id: string) => documents.find((document) => document.document_id === id)!;

describe('allocation editor model', () => {
  it('knows which documents can be reconciled', () => {
    expect(documents.filter(canReconcile).map((document) => document.document_id)).toEqual(['P1', 'RF', 'I1', 'I2', 'D1']);
  });

  it('lists the other side oldest first (date, then invoice item order) and suggests oldest first', () => {
    const lines = counterpartsOf(byId('P1'), documents);
    expect(lines.map((line) => line.document_id)).toEqual(['I1', 'I2', 'RF']);
    expect(suggest(byId('P1'), lines)).toEqual(['50.00', '20.00', '']);
    const credits = counterpartsOf(byId('I1'), documents);
    expect(credits.map((line) => line.document_id)).toEqual(['D1', 'P1']);
    expect(suggest(byId('I1'), credits)).toEqual(['40.00', '10.00']);
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
