import { describe, expect, it } from 'vitest';
import { checkAllocationRequest, type AllocationLine, type DocumentSnapshot } from '../../src/core/allocation-request.ts';
import type { DocumentKind } from '../../src/core/document-kinds.ts';
import { allocationLinesMax } from '../../src/core/limits.ts';
import type { RefusalCode } from '../../src/core/refusal-codes.ts';

const snapshot = (id: number, externalId: string, kind: DocumentKind, amountMinor: bigint, extra: { allocatedMinor?: bigint; accountId?: number; voided?: boolean } = {}): DocumentSnapshot => ({
  id: BigInt(id),
  externalId,
  accountId: BigInt(extra.accountId ?? 1),
  kind,
  amountMinor,
  allocatedMinor: extra.allocatedMinor ?? 0n,
  voided: extra.voided ?? false,
});

// Account 1: P1 payment 100.00 (30.00 already allocated), D1 deposit 50.00, X1 cancellation 10.00,
// I1 item 80.00, I2 item 40.00 (15.00 covered), RF refund 20.00, INV invoice; account 2: P2, I9.
const documents = new Map<bigint, DocumentSnapshot>(
  [
    snapshot(1, 'P1', 'payment', 10000n, { allocatedMinor: 3000n }),
    snapshot(2, 'D1', 'deposit', 5000n),
    snapshot(3, 'X1', 'cancellation', 1000n),
    snapshot(10, 'I1', 'item', 8000n),
    snapshot(11, 'I2', 'item', 4000n, { allocatedMinor: 1500n }),
    snapshot(12, 'RF', 'refund', 2000n),
    snapshot(13, 'INV', 'invoice', 0n),
    snapshot(20, 'P2', 'payment', 5000n, { accountId: 2 }),
    snapshot(21, 'I9', 'item', 5000n, { accountId: 2 }),
    snapshot(30, 'PV', 'payment', 5000n, { voided: true }),
    snapshot(31, 'CR', 'credit', 700n),
  ].map((document) => [document.id, document]),
);
const line = (creditId: number, debitId: number, amountMinor: bigint): AllocationLine => ({ creditId: BigInt(creditId), debitId: BigInt(debitId), amountMinor });
const enabled = { reconciliationEnabled: true, minorDigits: 2 };

describe('checkAllocationRequest accepts', () => {
  it('one credit over several debits up to exactly both remainders, cumulatively', () => {
    const lines = [line(1, 10, 5000n), line(1, 11, 2000n), line(2, 11, 500n), line(3, 12, 1000n), line(31, 12, 700n)];
    expect(checkAllocationRequest(lines, documents, enabled)).toEqual({ ok: true, value: lines });
  });
  it('a debit covered from several credits', () => {
    const lines = [line(1, 10, 4000n), line(2, 10, 4000n)];
    expect(checkAllocationRequest(lines, documents, enabled)).toEqual({ ok: true, value: lines });
  });
  it(`${allocationLinesMax} lines`, () => {
    const many = new Map(documents);
    const lines: AllocationLine[] = [];
    for (let index = 0; index < allocationLinesMax; index += 1) {
      many.set(BigInt(1000 + index), snapshot(1000 + index, `R${index}`, 'payment', 1n));
      lines.push(line(1000 + index, 10, 1n));
    }
    expect(checkAllocationRequest(lines, many, enabled).ok).toBe(true);
  });
});

describe('checkAllocationRequest refuses the whole request, naming the line', () => {
  const cases: [name: string, lines: AllocationLine[], code: RefusalCode, path: string | undefined][] = [
    ['an amount of zero', [line(1, 10, 0n)], 'amount_must_be_positive', 'lines[0].amount'],
    ['a negative amount', [line(1, 10, 1000n), line(2, 11, -1n)], 'amount_must_be_positive', 'lines[1].amount'],
    ["more than the credit's remainder (70.00 left of 100.00)", [line(1, 10, 7001n)], 'exceeds_credit_remaining', 'lines[0].amount'],
    ["more than the debit's remainder (25.00 left of 40.00)", [line(1, 11, 2501n)], 'exceeds_debit_remaining', 'lines[0].amount'],
    ["over the credit's remainder only cumulatively, across lines", [line(1, 10, 5000n), line(1, 11, 2001n)], 'exceeds_credit_remaining', 'lines[1].amount'],
    ["over the debit's remainder only cumulatively, across lines", [line(1, 11, 2000n), line(2, 11, 501n)], 'exceeds_debit_remaining', 'lines[1].amount'],
    ["over the debit's remainder on the third line", [line(2, 12, 1000n), line(1, 10, 100n), line(1, 12, 1001n)], 'exceeds_debit_remaining', 'lines[2].amount'],
    ['across accounts', [line(1, 10, 100n), line(1, 21, 100n)], 'accounts_differ', 'lines[1]'],
    ['across accounts, the other way', [line(20, 10, 100n)], 'accounts_differ', 'lines[0]'],
    ['a voided credit', [line(30, 10, 100n)], 'document_is_void', 'lines[0].credit'],
    ['an item as the credit', [line(10, 11, 100n)], 'document_is_not_a_credit', 'lines[0].credit'],
    ['a payment as the debit', [line(1, 2, 100n)], 'document_is_not_a_debit', 'lines[0].debit'],
    ['an invoice as the debit (it is never allocated itself)', [line(1, 13, 100n)], 'document_is_not_a_debit', 'lines[0].debit'],
    ['an invoice as the credit', [line(13, 10, 100n)], 'document_is_not_a_credit', 'lines[0].credit'],
    ['the same pair twice', [line(1, 10, 100n), line(2, 10, 100n), line(1, 10, 100n)], 'allocation_is_duplicated', 'lines[2]'],
    ['an unknown credit', [line(1, 10, 100n), line(99, 10, 100n)], 'document_not_found', 'lines[1].credit'],
    ['an unknown debit', [line(1, 98, 100n)], 'document_not_found', 'lines[0].debit'],
    ['no lines', [], 'field_is_required', 'lines'],
    [`more than ${allocationLinesMax} lines`, Array.from({ length: allocationLinesMax + 1 }, () => line(1, 10, 1n)), 'too_many_items', 'lines'],
  ];
  it.each(cases)('%s', (_name, lines, code, path) => {
    const outcome = checkAllocationRequest(lines, documents, enabled);
    expect(outcome).toMatchObject({ ok: false, refusal: { code } });
    if (!outcome.ok) expect(outcome.refusal.path).toBe(path);
  });

  it('a voided debit', () => {
    const withVoidedDebit = new Map(documents).set(40n, snapshot(40, 'IV', 'item', 100n, { voided: true }));
    expect(checkAllocationRequest([line(1, 40, 1n)], withVoidedDebit, enabled)).toMatchObject({ ok: false, refusal: { code: 'document_is_void', path: 'lines[0].debit' } });
  });

  it('everything while reconciliation is disabled, even a valid request', () => {
    expect(checkAllocationRequest([line(1, 10, 100n)], documents, { reconciliationEnabled: false, minorDigits: 2 })).toMatchObject({
      ok: false,
      refusal: { code: 'reconciliation_disabled' },
    });
  });

  it('says how much is left, formatted in the currency, with the document and remainder as details', () => {
    const credit = checkAllocationRequest([line(1, 10, 5000n), line(1, 11, 2001n)], documents, enabled);
    expect(credit).toMatchObject({ ok: false, refusal: { details: { documentId: 'P1', remainingMinor: '2000' } } });
    if (!credit.ok) expect(credit.refusal.message).toBe('P1 has only 20.00 left to allocate');
    const debit = checkAllocationRequest([line(1, 11, 2501n)], documents, { reconciliationEnabled: true, minorDigits: 0 });
    expect(debit).toMatchObject({ ok: false, refusal: { details: { documentId: 'I2', remainingMinor: '2500' } } });
    if (!debit.ok) expect(debit.refusal.message).toBe('I2 has only 2500 left to cover');
  });

  it('uses the caller\'s path names (e.g. CSV file and line)', () => {
    const outcome = checkAllocationRequest([line(1, 10, 1n), line(1, 10, 0n)], documents, enabled, (index, field) => `allocations.csv:${index + 2}:${field ?? 'row'}`);
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'allocation_is_duplicated', path: 'allocations.csv:3:row' } });
  });
});
