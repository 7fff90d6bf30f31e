import { describe, expect, it } from 'vitest';
import {
  parseAccountRow,
  parseAllocationRow,
  parseInvoiceItemRow,
  parseParticipantRow,
  parseReceiptRow,
  parseRefundRow,
  type Fields,
} from '../../src/core/ledger-rows.ts';
import { externalIdLengthMax, textLengthMax } from '../../src/core/limits.ts';
import type { Outcome } from '../../src/core/outcome.ts';
import type { RefusalCode } from '../../src/core/refusal-codes.ts';

type Problem = [name: string, change: Fields, code: RefusalCode, path: string];

function expectRefused(outcome: Outcome<unknown>, code: RefusalCode, path: string): void {
  expect(outcome).toMatchObject({ ok: false, refusal: { code, path } });
  if (!outcome.ok) expect(outcome.refusal.message).toContain(path);
}

const tooLongId = 'x'.repeat(externalIdLengthMax + 1);
const tooLongText = 'x'.repeat(textLengthMax + 1);

describe('parseAccountRow', () => {
  const base = { account_id: ' A-1 ', owner_name: 'Marie Tremblay', owner_email: 'marie@example.org' };
  it('parses and trims', () => {
    expect(parseAccountRow(base)).toEqual({ ok: true, value: { accountId: 'A-1', ownerName: 'Marie Tremblay', ownerEmail: 'marie@example.org' } });
    expect(parseAccountRow({ ...base, owner_email: '' })).toMatchObject({ ok: true, value: { ownerEmail: '' } });
  });
  it.each([
    ['missing account id', { account_id: undefined }, 'field_is_required', 'account_id'],
    ['blank account id', { account_id: '   ' }, 'field_is_required', 'account_id'],
    ['account id too long', { account_id: tooLongId }, 'text_is_too_long', 'account_id'],
    ['account id with a control character', { account_id: 'A\t1' }, 'value_is_not_allowed', 'account_id'],
    ['missing owner name', { owner_name: '' }, 'field_is_required', 'owner_name'],
    ['owner name too long', { owner_name: tooLongText }, 'text_is_too_long', 'owner_name'],
    ['bad email', { owner_email: 'marie@' }, 'email_is_invalid', 'owner_email'],
  ] as Problem[])('%s', (_name, change, code, path) => {
    expectRefused(parseAccountRow({ ...base, ...change }), code, path);
  });
});

describe('parseParticipantRow', () => {
  const base = { participant_id: 'P-1', account_id: 'A-1', name: 'Léa', birth_date: '2018-02-28' };
  it('parses, with an optional birth date', () => {
    expect(parseParticipantRow(base)).toEqual({ ok: true, value: { participantId: 'P-1', accountId: 'A-1', name: 'Léa', birthDate: '2018-02-28' } });
    expect(parseParticipantRow({ ...base, birth_date: '' })).toMatchObject({ ok: true, value: { birthDate: null } });
  });
  it.each([
    ['missing participant id', { participant_id: '' }, 'field_is_required', 'participant_id'],
    ['missing account id', { account_id: '' }, 'field_is_required', 'account_id'],
    ['missing name', { name: '' }, 'field_is_required', 'name'],
    ['impossible birth date', { birth_date: '2018-02-30' }, 'date_is_invalid', 'birth_date'],
  ] as Problem[])('%s', (_name, change, code, path) => {
    expectRefused(parseParticipantRow({ ...base, ...change }), code, path);
  });
});

describe('parseInvoiceItemRow', () => {
  const base = {
    invoice_id: 'INV-1', account_id: 'A-1', date: '2026-01-10', item_id: 'I-1', description: 'Swim lessons', ledger_code: 'GL-400',
    amount: '60.50', participant_id: '', rl24_eligible: 'true',
  };
  it('parses, amounts exactly in minor units, zero allowed', () => {
    expect(parseInvoiceItemRow(base, 2)).toEqual({
      ok: true,
      value: { invoiceId: 'INV-1', accountId: 'A-1', date: '2026-01-10', itemId: 'I-1', description: 'Swim lessons', ledgerCode: 'GL-400', amountMinor: 6050n, participantId: null, rl24Eligible: true },
    });
    expect(parseInvoiceItemRow({ ...base, amount: '0', rl24_eligible: '', participant_id: 'P-1' }, 2)).toMatchObject({ ok: true, value: { amountMinor: 0n, rl24Eligible: false, participantId: 'P-1' } });
    expect(parseInvoiceItemRow({ ...base, amount: '6050' }, 0)).toMatchObject({ ok: true, value: { amountMinor: 6050n } });
  });
  it.each([
    ['missing invoice id', { invoice_id: '' }, 'field_is_required', 'invoice_id'],
    ['missing account id', { account_id: undefined }, 'field_is_required', 'account_id'],
    ['missing date', { date: '' }, 'field_is_required', 'date'],
    ['impossible date', { date: '2026-02-30' }, 'date_is_invalid', 'date'],
    ['missing item id', { item_id: '' }, 'field_is_required', 'item_id'],
    ['description too long', { description: tooLongText }, 'text_is_too_long', 'description'],
    ['ledger code too long', { ledger_code: tooLongId }, 'text_is_too_long', 'ledger_code'],
    ['missing amount', { amount: '' }, 'field_is_required', 'amount'],
    ['negative amount', { amount: '-1.00' }, 'amount_is_negative', 'amount'],
    ['three decimals', { amount: '60.001' }, 'amount_has_too_many_decimals', 'amount'],
    ['not a decimal', { amount: '60,50' }, 'amount_is_not_a_decimal', 'amount'],
    ['participant id with a control character', { participant_id: 'P\u00011' }, 'value_is_not_allowed', 'participant_id'],
    ['RL-24 flag not a boolean', { rl24_eligible: 'yes' }, 'boolean_is_invalid', 'rl24_eligible'],
  ] as Problem[])('%s', (_name, change, code, path) => {
    expectRefused(parseInvoiceItemRow({ ...base, ...change }, 2), code, path);
  });
});

describe('parseRefundRow', () => {
  const base = { refund_id: 'RF-1', account_id: 'A-1', date: '2026-01-10', amount: '20', method: 'cheque', reference: 'cheque 123' };
  it('parses; the method defaults to other', () => {
    expect(parseRefundRow(base, 2)).toEqual({ ok: true, value: { refundId: 'RF-1', accountId: 'A-1', date: '2026-01-10', amountMinor: 2000n, method: 'cheque', reference: 'cheque 123' } });
    expect(parseRefundRow({ ...base, method: '' }, 2)).toMatchObject({ ok: true, value: { method: 'other' } });
  });
  it.each([
    ['missing refund id', { refund_id: '' }, 'field_is_required', 'refund_id'],
    ['missing account id', { account_id: '' }, 'field_is_required', 'account_id'],
    ['impossible date', { date: '2026-13-01' }, 'date_is_invalid', 'date'],
    ['zero amount', { amount: '0.00' }, 'amount_must_be_positive', 'amount'],
    ['negative amount', { amount: '-20' }, 'amount_is_negative', 'amount'],
    ['unknown method', { method: 'bitcoin' }, 'value_is_not_allowed', 'method'],
    ['reference too long', { reference: tooLongText }, 'text_is_too_long', 'reference'],
  ] as Problem[])('%s', (_name, change, code, path) => {
    expectRefused(parseRefundRow({ ...base, ...change }, 2), code, path);
  });
});

describe('parseReceiptRow', () => {
  const base = { receipt_id: 'R-1', account_id: 'A-1', date: '2026-01-10', kind: 'payment', amount: '30.00', method: 'card', reference: 'INV-1', scheduled: 'true' };
  it('parses; a payment\'s method defaults to other, other credits have none', () => {
    expect(parseReceiptRow(base, 2)).toEqual({
      ok: true,
      value: { receiptId: 'R-1', accountId: 'A-1', date: '2026-01-10', kind: 'payment', amountMinor: 3000n, method: 'card', reference: 'INV-1', scheduled: true },
    });
    expect(parseReceiptRow({ ...base, method: '', scheduled: '' }, 2)).toMatchObject({ ok: true, value: { method: 'other', scheduled: false } });
    expect(parseReceiptRow({ ...base, kind: 'deposit', method: '', scheduled: 'false' }, 2)).toMatchObject({ ok: true, value: { kind: 'deposit', method: null, scheduled: false } });
    expect(parseReceiptRow({ ...base, kind: 'cancellation', reference: 'I-1', method: '', scheduled: '' }, 2)).toMatchObject({ ok: true, value: { kind: 'cancellation', reference: 'I-1' } });
  });
  it.each([
    ['missing receipt id', { receipt_id: '' }, 'field_is_required', 'receipt_id'],
    ['missing account id', { account_id: '' }, 'field_is_required', 'account_id'],
    ['impossible date', { date: '2025-02-29' }, 'date_is_invalid', 'date'],
    ['missing kind', { kind: '' }, 'field_is_required', 'kind'],
    ['a debit kind', { kind: 'item' }, 'value_is_not_allowed', 'kind'],
    ['zero amount', { amount: '0' }, 'amount_must_be_positive', 'amount'],
    ['too many decimals', { amount: '30.005' }, 'amount_has_too_many_decimals', 'amount'],
    ['unknown method', { method: 'barter' }, 'value_is_not_allowed', 'method'],
    ['reference too long', { reference: tooLongId }, 'text_is_too_long', 'reference'],
    ['a cancellation without reference', { kind: 'cancellation', reference: '', scheduled: '' }, 'cancellation_requires_item_reference', 'reference'],
    ['a scheduled deposit', { kind: 'deposit', scheduled: 'true' }, 'value_is_not_allowed', 'scheduled'],
    ['scheduled not a boolean', { scheduled: 'TRUE' }, 'boolean_is_invalid', 'scheduled'],
  ] as Problem[])('%s', (_name, change, code, path) => {
    expectRefused(parseReceiptRow({ ...base, ...change }, 2), code, path);
  });
});

describe('parseAllocationRow', () => {
  const base = { receipt_id: 'R-1', target_id: 'I-1', amount: '12.34' };
  it('parses', () => {
    expect(parseAllocationRow(base, 2)).toEqual({ ok: true, value: { receiptId: 'R-1', targetId: 'I-1', amountMinor: 1234n } });
  });
  it.each([
    ['missing receipt id', { receipt_id: '' }, 'field_is_required', 'receipt_id'],
    ['missing target id', { target_id: '  ' }, 'field_is_required', 'target_id'],
    ['zero amount', { amount: '0.00' }, 'amount_must_be_positive', 'amount'],
    ['negative amount', { amount: '-1' }, 'amount_is_negative', 'amount'],
    ['too many decimals', { amount: '1.234' }, 'amount_has_too_many_decimals', 'amount'],
  ] as Problem[])('%s', (_name, change, code, path) => {
    expectRefused(parseAllocationRow({ ...base, ...change }, 2), code, path);
  });
});

describe('ids and names: one form, nothing invisible, no look-alike ids (core/text-rules.ts)', () => {
  const account = (accountId: string, ownerName = 'Marie Tremblay') => parseAccountRow({ account_id: accountId, owner_name: ownerName });

  it('stores text in NFC, so an accent typed as two characters is the same id and name', () => {
    expect(account('RENE\u0301E-1', 'Rene\u0301e Tremblay')).toMatchObject({ ok: true, value: { accountId: 'RENÉE-1', ownerName: 'Renée Tremblay' } });
  });

  it.each([
    ['a zero-width space', 'D1\u200b', 'U+200B'],
    ['a word joiner', 'D\u20601', 'U+2060'],
    ['a byte-order mark', 'D\ufeff1', 'U+FEFF'],
    ['a right-to-left override', 'D1\u202e', 'U+202E'],
    ['a left-to-right isolate', '\u2066D1', 'U+2066'],
    ['a zero-width joiner (in an id)', 'D\u200d1', 'U+200D'],
  ])('refuses an id with %s', (_name, accountId, character) => {
    expect(account(accountId)).toMatchObject({ ok: false, refusal: { code: 'text_has_invisible_characters', path: 'account_id', details: { character } } });
  });

  it('refuses bidirectional controls in names, and keeps the joiners scripts need', () => {
    expect(account('A-1', 'Marie \u202eTremblay')).toMatchObject({ ok: false, refusal: { code: 'text_has_invisible_characters', path: 'owner_name' } });
    expect(account('A-1', 'می\u200cخواهم')).toMatchObject({ ok: true, value: { ownerName: 'می\u200cخواهم' } });
  });

  it.each([
    ['Latin with a Cyrillic А', 'PАY-1'],
    ['Latin with a Greek Ο', 'INV-Ο1'],
    ['Cyrillic letters that all look Latin', 'РО-1'],
    ['Greek letters that all look Latin', 'ΑΒ-1'],
  ])('refuses an id that could pass for another: %s', (_name, accountId) => {
    expect(account(accountId)).toMatchObject({ ok: false, refusal: { code: 'id_is_confusable', path: 'account_id' } });
  });

  it('accepts ids wholly in a script that does not look Latin, and accented Latin', () => {
    for (const accountId of ['Д1', 'Счёт-1', 'Λ-7', 'ÉTÉ-2026', '会員-12']) expect(account(accountId).ok, accountId).toBe(true);
  });
});
