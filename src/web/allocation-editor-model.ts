/**
 * The manual reconciliation editor, without React: which documents can be reconciled, the other
 * side's open documents oldest first, an oldest-first suggestion, and validation of amounts typed
 * as text. Money is parsed digit by digit into integer minor units (bigint), never through floats.
 */

export type Side = 'credit' | 'debit';
const creditKinds = new Set(['payment', 'deposit', 'credit', 'cancellation']);
const debitKinds = new Set(['item', 'refund']);

/** The fields of a statement document the editor needs (a subset of the API's StatementDocument). */
export interface EditorDocument {
  readonly document_id: string;
  readonly kind: string;
  readonly date: string;
  readonly remaining: string;
  readonly voided: boolean;
  readonly invoice_id?: string | null;
  readonly position?: number | null;
}

/** Message keys (present in both i18n tables) for a line's amount or for the total. */
export type AmountError = 'amountInvalid' | 'amountTooManyDecimals' | 'amountNegative' | 'amountNotPositive' | 'amountOverLine';
export type TotalError = 'totalOverRemainder' | 'totalNothing';

export interface AllocationRequestLine {
  readonly receipt_id: string;
  readonly target_id: string;
  readonly amount: string;
}

export function sideOf(kind: string): Side | null {
  if (creditKinds.has(kind)) return 'credit';
  if (debitKinds.has(kind)) return 'debit';
  return null;
}

/** The currency's minor digits as the API writes them: every amount has exactly that many ("60.00" → 2). */
export function minorDigitsOf(amount: string): number {
  const dot = amount.indexOf('.');
  return dot < 0 ? 0 : amount.length - dot - 1;
}

type Parsed = { readonly ok: true; readonly minor: bigint } | { readonly ok: false; readonly error: Exclude<AmountError, 'amountOverLine' | 'amountNotPositive'> };

/** Parses "12", "12.5", "12.50" or "12,50" exactly into minor units; anything else is an error. */
export function parseAmount(text: string, minorDigits: number): Parsed {
  const match = /^(-?)(\d*)(?:[.,](\d*))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return { ok: false, error: 'amountInvalid' };
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > minorDigits) return { ok: false, error: 'amountTooManyDecimals' };
  const minor = BigInt((whole || '0') + fraction.padEnd(minorDigits, '0'));
  if (sign === '-' && minor !== 0n) return { ok: false, error: 'amountNegative' };
  return { ok: true, minor };
}

/** Formats minor units as the API does: 3000n, 2 → "30.00". */
export function formatMinor(minor: bigint, minorDigits: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(minorDigits + 1, '0');
  const whole = digits.slice(0, digits.length - minorDigits);
  return `${negative ? '-' : ''}${whole}${minorDigits > 0 ? `.${digits.slice(digits.length - minorDigits)}` : ''}`;
}

function remainingMinor(document: EditorDocument): bigint {
  const parsed = parseAmount(document.remaining, minorDigitsOf(document.remaining));
  return parsed.ok ? parsed.minor : 0n;
}

/** A payment, deposit, credit, cancellation, invoice item or refund, not voided, with something left. */
export function canReconcile(document: EditorDocument): boolean {
  return sideOf(document.kind) !== null && !document.voided && remainingMinor(document) > 0n;
}

/** The other side's open documents, oldest first: by date, then invoice and item position, then id. */
export function counterpartsOf<Document extends EditorDocument>(source: EditorDocument, documents: readonly Document[]): Document[] {
  const side = sideOf(source.kind);
  const other: Side = side === 'credit' ? 'debit' : 'credit';
  const key = (document: EditorDocument) => document.invoice_id ?? document.document_id;
  return documents
    .filter((document) => sideOf(document.kind) === other && canReconcile(document))
    .sort((a, b) =>
      a.date < b.date ? -1 : a.date > b.date ? 1
        : key(a) < key(b) ? -1 : key(a) > key(b) ? 1
          : (a.position ?? 0) - (b.position ?? 0) || (a.document_id < b.document_id ? -1 : a.document_id > b.document_id ? 1 : 0));
}

/** Oldest first: each line up to min(what the source has left, the line's remainder); "" once nothing is left. */
export function suggest(source: EditorDocument, counterparts: readonly EditorDocument[]): string[] {
  const digits = minorDigitsOf(source.remaining);
  let left = remainingMinor(source);
  return counterparts.map((line) => {
    const amount = left < remainingMinor(line) ? left : remainingMinor(line);
    left -= amount;
    return amount > 0n ? formatMinor(amount, digits) : '';
  });
}

export interface LineCheck {
  readonly error: AmountError | null;
  /** For amountOverLine: the line's remainder, to show in the message. */
  readonly max?: string;
  readonly minor: bigint | null;
}

export interface Validation {
  readonly lines: readonly LineCheck[];
  readonly totalMinor: bigint;
  readonly total: string;
  readonly remaining: string;
  readonly totalError: TotalError | null;
  /** How many lines have an amount that cannot be saved: in a long list most are out of view. */
  readonly invalidLinesCount: number;
  readonly valid: boolean;
  /** The body lines of POST /orgs/{org}/allocations (the receipt is always the credit). */
  readonly request: readonly AllocationRequestLine[];
}

/** Checks every typed amount (empty = not allocated) and the total against the source's remainder. */
export function validate(source: EditorDocument, counterparts: readonly EditorDocument[], texts: readonly string[]): Validation {
  const digits = minorDigitsOf(source.remaining);
  const sourceLeft = remainingMinor(source);
  const sourceIsCredit = sideOf(source.kind) === 'credit';
  const request: AllocationRequestLine[] = [];
  let totalMinor = 0n;
  const lines = counterparts.map((line, index): LineCheck => {
    const text = (texts[index] ?? '').trim();
    if (text === '') return { error: null, minor: null };
    const parsed = parseAmount(text, digits);
    if (!parsed.ok) return { error: parsed.error, minor: null };
    if (parsed.minor <= 0n) return { error: 'amountNotPositive', minor: null };
    if (parsed.minor > remainingMinor(line)) return { error: 'amountOverLine', max: line.remaining, minor: parsed.minor };
    totalMinor += parsed.minor;
    const amount = formatMinor(parsed.minor, digits);
    request.push(sourceIsCredit ? { receipt_id: source.document_id, target_id: line.document_id, amount } : { receipt_id: line.document_id, target_id: source.document_id, amount });
    return { error: null, minor: parsed.minor };
  });
  const invalidLinesCount = lines.filter((line) => line.error !== null).length;
  const totalError: TotalError | null = totalMinor > sourceLeft ? 'totalOverRemainder' : invalidLinesCount === 0 && request.length === 0 ? 'totalNothing' : null;
  return {
    lines,
    totalMinor,
    total: formatMinor(totalMinor, digits),
    remaining: formatMinor(sourceLeft, digits),
    totalError,
    invalidLinesCount,
    valid: invalidLinesCount === 0 && totalError === null,
    request,
  };
}

/**
 * The lines that have an amount (suggested or typed, valid or not), in list order: what "show only
 * lines with an amount" lists, so a long list can be reviewed before it is saved.
 */
export function linesWithAmount(texts: readonly string[]): number[] {
  const indexes: number[] = [];
  texts.forEach((text, index) => {
    if (text.trim() !== '') indexes.push(index);
  });
  return indexes;
}
