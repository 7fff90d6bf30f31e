/**
 * The manual reconciliation editor, without React: which documents can be reconciled, the other
 * side's open documents oldest first, the suggestion, and validation of amounts typed as text.
 * Order and suggestion are the core's (core/allocation-plan.ts, bundled into the page), never
 * restated here: the editor suggests what auto-reconcile would do for this one document. Money is
 * parsed digit by digit into integer minor units (bigint), never through floats.
 */
import { compareCreditsOldestFirst, compareDebitsOldestFirst, planAutoReconcile, type OpenCredit, type OpenDebit } from '../core/allocation-plan.ts';
import type { CalendarDate } from '../core/calendar-date.ts';

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
  /** 1 for the account's first document, and so on (the API's creation order). */
  readonly creation_order: number;
  readonly invoice_id?: string | null;
  readonly position?: number | null;
  /** What a credit or refund names: an invoice, an item or a refund id. */
  readonly reference?: string | null;
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

/**
 * The account's documents as the core's planner sees them: creation order stands for the ids
 * (the planner orders by ids, which are creation order), and references are resolved within the
 * account (a credit can only name a document of its own account).
 */
class PlannerView {
  private readonly byId: Map<string, EditorDocument>;
  constructor(documents: readonly EditorDocument[]) {
    this.byId = new Map(documents.map((document) => [document.document_id, document]));
  }
  private orderOf(documentId: string | null | undefined): bigint | null {
    const document = documentId ? this.byId.get(documentId) : undefined;
    return document ? BigInt(document.creation_order) : null;
  }
  credit(document: EditorDocument): OpenCredit {
    const named = document.reference ? this.byId.get(document.reference) : undefined;
    return {
      id: BigInt(document.creation_order),
      date: document.date as CalendarDate,
      remainingMinor: remainingMinor(document),
      referenceDebitId: named && sideOf(named.kind) === 'debit' ? BigInt(named.creation_order) : null,
      referenceInvoiceId: named && named.kind === 'invoice' ? BigInt(named.creation_order) : null,
    };
  }
  debit(document: EditorDocument): OpenDebit {
    return { id: BigInt(document.creation_order), date: document.date as CalendarDate, invoiceId: this.orderOf(document.invoice_id), position: document.position ?? 0, remainingMinor: remainingMinor(document) };
  }
}

/** The other side's open documents, oldest first by the core's order (date, then creation order and item position). */
export function counterpartsOf<Document extends EditorDocument>(source: EditorDocument, documents: readonly Document[]): Document[] {
  const side = sideOf(source.kind);
  const other: Side = side === 'credit' ? 'debit' : 'credit';
  const planner = new PlannerView(documents);
  const open = documents.filter((document) => sideOf(document.kind) === other && canReconcile(document));
  return other === 'debit'
    ? open.sort((a, b) => compareDebitsOldestFirst(planner.debit(a), planner.debit(b)))
    : open.sort((a, b) => compareCreditsOldestFirst(planner.credit(a), planner.credit(b)));
}

/**
 * How the editor fills its amounts. `reference`: what the credit names first (a payment naming an
 * invoice → that invoice's items; a cancellation → the item it cancels), then oldest first;
 * `fifo`: oldest first only. Both are the core's planner on this one document against the lines.
 */
export type SuggestionStrategy = 'reference' | 'fifo';

/**
 * The amounts to pre-fill, one per line ("" for none): what auto-reconcile would allocate between
 * this document and the lines. A credit is never suggested against a refund unless it names that
 * refund: paying money back is not what a payment is for, and matching a credit with a refund is
 * a choice the operator makes (from the refund's own editor it is what is asked for, and suggested).
 */
export function suggest(source: EditorDocument, lines: readonly EditorDocument[], documents: readonly EditorDocument[], strategy: SuggestionStrategy = 'reference'): string[] {
  const digits = minorDigitsOf(source.remaining);
  const planner = new PlannerView(documents);
  const sourceIsCredit = sideOf(source.kind) === 'credit';
  let planned;
  if (sourceIsCredit) {
    const credit = planner.credit(source);
    const namedRefund = (line: EditorDocument) => line.kind === 'refund' && credit.referenceDebitId === BigInt(line.creation_order);
    const debits = lines.filter((line) => line.kind !== 'refund' || (strategy === 'reference' && namedRefund(line))).map((line) => planner.debit(line));
    planned = planAutoReconcile([credit], debits, strategy);
  } else {
    planned = planAutoReconcile(lines.map((line) => planner.credit(line)), [planner.debit(source)], strategy);
  }
  const amountByLine = new Map<bigint, bigint>();
  for (const allocation of planned) {
    const lineId = sourceIsCredit ? allocation.debitId : allocation.creditId;
    amountByLine.set(lineId, (amountByLine.get(lineId) ?? 0n) + allocation.amountMinor);
  }
  return lines.map((line) => {
    const amount = amountByLine.get(BigInt(line.creation_order)) ?? 0n;
    return amount > 0n ? formatMinor(amount, digits) : '';
  });
}

/** The document a line's document names, for showing on the line: a credit's reference, an item's invoice. */
export function referenceOf(document: EditorDocument): string | null {
  if (document.kind === 'item') return document.invoice_id ?? null;
  return document.reference ? document.reference : null;
}

/** Whether one of the two names the other (or the other's invoice): what the reference passes match. */
export function namesEachOther(source: EditorDocument, line: EditorDocument): boolean {
  const names = (credit: EditorDocument, debit: EditorDocument) => !!credit.reference && (credit.reference === debit.document_id || credit.reference === debit.invoice_id);
  return sideOf(source.kind) === 'credit' ? names(source, line) : names(line, source);
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
