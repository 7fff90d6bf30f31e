import { codePointName, confusableIdProblem, firstInvisibleCharacter } from './text-rules.ts';
import { parseCalendarDate, type CalendarDate } from './calendar-date.ts';
import { creditKinds, paymentMethods, type CreditKind, type PaymentMethod } from './document-kinds.ts';
import { externalIdLengthMax, textLengthMax } from './limits.ts';
import { parseAmountMinor, type AmountMinor } from './money.ts';
import { refuse, RefusalError, accepted, type Outcome } from './outcome.ts';
import { isEmailAddress } from './email-address.ts';

/**
 * Validated inputs of the ledger, parsed from text fields named as in the CSV formats (the same
 * names are used by the command line and the HTTP API). A refusal's `path` is the field name;
 * adapters prefix it with the file and line, or the JSON path of the row.
 */
export type Fields = Readonly<Record<string, string | undefined>>;

export interface AccountRow {
  readonly accountId: string;
  readonly ownerName: string;
  readonly ownerEmail: string;
}

export interface ParticipantRow {
  readonly participantId: string;
  readonly accountId: string;
  readonly name: string;
  readonly birthDate: CalendarDate | null;
}

export interface InvoiceItemRow {
  readonly invoiceId: string;
  readonly accountId: string;
  readonly date: CalendarDate;
  readonly itemId: string;
  readonly description: string;
  readonly ledgerCode: string;
  readonly amountMinor: AmountMinor;
  readonly participantId: string | null;
  readonly rl24Eligible: boolean;
}

export interface RefundRow {
  readonly refundId: string;
  readonly accountId: string;
  readonly date: CalendarDate;
  readonly amountMinor: AmountMinor;
  readonly method: PaymentMethod;
  readonly reference: string;
}

export interface ReceiptRow {
  readonly receiptId: string;
  readonly accountId: string;
  readonly date: CalendarDate;
  readonly kind: CreditKind;
  readonly amountMinor: AmountMinor;
  readonly method: PaymentMethod | null;
  readonly reference: string;
  readonly scheduled: boolean;
}

export interface AllocationRow {
  readonly receiptId: string;
  readonly targetId: string;
  readonly amountMinor: AmountMinor;
}

/** Runs a parser that throws RefusalError on the first bad field and turns it into an Outcome. */
function parsed<T>(parse: () => T): Outcome<T> {
  try {
    return accepted(parse());
  } catch (error) {
    if (error instanceof RefusalError) return { ok: false, refusal: error.refusal };
    throw error;
  }
}

function text(fields: Fields, name: string, required: boolean, lengthMax = textLengthMax, kind: 'name' | 'id' = 'name'): string {
  // One form for one text (core/text-rules.ts): "é" as one character or two is the same name.
  const value = (fields[name] ?? '').trim().normalize('NFC');
  if (required && value === '') refuse('field_is_required', `${name} is required`, { path: name });
  // PostgreSQL text cannot hold NUL; refusing it here gives a precise error instead of a database one.
  if (value.includes('\u0000')) refuse('value_is_not_allowed', `${name} contains a NUL character`, { path: name, values: { rule: 'no_control_character' } });
  if (value.length > lengthMax) refuse('text_is_too_long', `${name} is longer than ${lengthMax} characters`, { path: name, values: { maximum: String(lengthMax) } });
  const invisible = firstInvisibleCharacter(value, { joinersAllowed: kind === 'name' });
  if (invisible !== null) {
    refuse('text_has_invisible_characters', `${name} contains the invisible or bidirectional control character ${codePointName(invisible.character)} at character ${invisible.index + 1}`, {
      path: name, details: { character: codePointName(invisible.character) },
    });
  }
  return value;
}

function externalId(fields: Fields, name: string): string {
  const value = text(fields, name, true, externalIdLengthMax, 'id');
  // Ids are compared exactly and appear in CSV and URLs, so control characters are never part of one.
  if (/[\u0000-\u001f\u007f]/.test(value)) refuse('value_is_not_allowed', `${name} contains a control character`, { path: name, values: { rule: 'no_control_character' } });
  const confusable = confusableIdProblem(value);
  if (confusable !== null) refuse('id_is_confusable', `${name} "${value}" ${confusable}, so it could pass for another id`, { path: name });
  return value;
}

function optionalExternalId(fields: Fields, name: string): string | null {
  return (fields[name] ?? '').trim() === '' ? null : externalId(fields, name);
}

function date(fields: Fields, name: string): CalendarDate {
  const outcome = parseCalendarDate(text(fields, name, true));
  if (!outcome.ok) refuse(outcome.refusal.code, `${name}: ${outcome.refusal.message}`, { path: name, values: outcome.refusal.values ?? {} });
  return outcome.value;
}

function amount(fields: Fields, name: string, minorDigits: number, positive: boolean): AmountMinor {
  const outcome = parseAmountMinor(text(fields, name, true), minorDigits);
  if (!outcome.ok) refuse(outcome.refusal.code, `${name}: ${outcome.refusal.message}`, { path: name, values: outcome.refusal.values ?? {} });
  if (positive && outcome.value === 0n) refuse('amount_must_be_positive', `${name} must be greater than zero`, { path: name });
  return outcome.value;
}

function boolean(fields: Fields, name: string): boolean {
  const value = text(fields, name, false);
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return refuse('boolean_is_invalid', `${name} must be true, false or empty, not "${value}"`, { path: name, values: { text: value } });
}

function oneOf<T extends string>(fields: Fields, name: string, allowed: readonly T[], fallback: T | null): T | null {
  const value = text(fields, name, false);
  if (value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    refuse('value_is_not_allowed', `${name} must be one of ${allowed.join(', ')}, not "${value}"`, { path: name, values: { rule: 'one_of', allowed: allowed.join(', '), text: value } });
  }
  return value as T;
}

export function parseAccountRow(fields: Fields): Outcome<AccountRow> {
  return parsed(() => {
    const ownerEmail = text(fields, 'owner_email', false);
    if (ownerEmail !== '' && !isEmailAddress(ownerEmail)) refuse('email_is_invalid', `owner_email "${ownerEmail}" is not an email address`, { path: 'owner_email', values: { text: ownerEmail } });
    return { accountId: externalId(fields, 'account_id'), ownerName: text(fields, 'owner_name', true), ownerEmail };
  });
}

export function parseParticipantRow(fields: Fields): Outcome<ParticipantRow> {
  return parsed(() => ({
    participantId: externalId(fields, 'participant_id'),
    accountId: externalId(fields, 'account_id'),
    name: text(fields, 'name', true),
    birthDate: text(fields, 'birth_date', false) === '' ? null : date(fields, 'birth_date'),
  }));
}

export function parseInvoiceItemRow(fields: Fields, minorDigits: number): Outcome<InvoiceItemRow> {
  return parsed(() => ({
    invoiceId: externalId(fields, 'invoice_id'),
    accountId: externalId(fields, 'account_id'),
    date: date(fields, 'date'),
    itemId: externalId(fields, 'item_id'),
    description: text(fields, 'description', false),
    ledgerCode: text(fields, 'ledger_code', false, externalIdLengthMax),
    amountMinor: amount(fields, 'amount', minorDigits, false),
    participantId: optionalExternalId(fields, 'participant_id'),
    rl24Eligible: boolean(fields, 'rl24_eligible'),
  }));
}

export function parseRefundRow(fields: Fields, minorDigits: number): Outcome<RefundRow> {
  return parsed(() => ({
    refundId: externalId(fields, 'refund_id'),
    accountId: externalId(fields, 'account_id'),
    date: date(fields, 'date'),
    amountMinor: amount(fields, 'amount', minorDigits, true),
    method: oneOf(fields, 'method', paymentMethods, 'other')!,
    reference: text(fields, 'reference', false),
  }));
}

export function parseReceiptRow(fields: Fields, minorDigits: number): Outcome<ReceiptRow> {
  return parsed(() => {
    const kind = oneOf(fields, 'kind', creditKinds, null);
    if (kind === null) return refuse('field_is_required', 'kind is required', { path: 'kind' });
    const reference = text(fields, 'reference', false, externalIdLengthMax);
    if (kind === 'cancellation' && reference === '') {
      refuse('cancellation_requires_item_reference', 'A cancellation must name the item it cancels in reference', { path: 'reference' });
    }
    const scheduled = boolean(fields, 'scheduled');
    if (scheduled && kind !== 'payment') refuse('value_is_not_allowed', 'Only a payment can be a scheduled installment', { path: 'scheduled', values: { rule: 'scheduled_payment_only' } });
    return {
      receiptId: externalId(fields, 'receipt_id'),
      accountId: externalId(fields, 'account_id'),
      date: date(fields, 'date'),
      kind,
      amountMinor: amount(fields, 'amount', minorDigits, true),
      method: oneOf(fields, 'method', paymentMethods, kind === 'payment' ? 'other' : null),
      reference,
      scheduled,
    };
  });
}

export function parseAllocationRow(fields: Fields, minorDigits: number): Outcome<AllocationRow> {
  return parsed(() => ({
    receiptId: externalId(fields, 'receipt_id'),
    targetId: externalId(fields, 'target_id'),
    amountMinor: amount(fields, 'amount', minorDigits, true),
  }));
}
