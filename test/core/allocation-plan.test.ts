import { describe, expect, it } from 'vitest';
import {
  allocateInOrder,
  compareCreditsOldestFirst,
  compareDebitsOldestFirst,
  planAutoReconcile,
  type OpenCredit,
  type OpenDebit,
  type PlannedAllocation,
} from '../../src/core/allocation-plan.ts';
import type { CalendarDate } from '../../src/core/calendar-date.ts';

/**
 * Ids follow creation order, as the database's identity column does. Names in the cases:
 * invoices 1xx, their items 1xx+position, refunds 2xx, credits 3xx — chosen so creation order is
 * stated by the numbers.
 */
const credit = (id: number, date: string, remaining: bigint, reference: { debit?: number; invoice?: number } = {}): OpenCredit => ({
  id: BigInt(id),
  date: date as CalendarDate,
  remainingMinor: remaining,
  referenceDebitId: reference.debit === undefined ? null : BigInt(reference.debit),
  referenceInvoiceId: reference.invoice === undefined ? null : BigInt(reference.invoice),
});
const item = (id: number, invoiceId: number, position: number, date: string, remaining: bigint): OpenDebit => ({
  id: BigInt(id),
  date: date as CalendarDate,
  invoiceId: BigInt(invoiceId),
  position,
  remainingMinor: remaining,
});
const refund = (id: number, date: string, remaining: bigint): OpenDebit => ({ id: BigInt(id), date: date as CalendarDate, invoiceId: null, position: 0, remainingMinor: remaining });
/** Allocations in the order planned: the reference passes' before the oldest-first pass's. */
const text = (allocations: readonly PlannedAllocation[]) => allocations.map((a) => `${a.creditId}>${a.debitId}:${a.amountMinor}`);

interface Case {
  readonly name: string;
  readonly credits: OpenCredit[];
  readonly debits: OpenDebit[];
  readonly reference: string[];
  /** Defaults to `reference` when the ledger names nothing. */
  readonly fifo?: string[];
}

const cases: Case[] = [
  {
    name: 'a payment the same day as a new invoice goes to the older unpaid item first',
    credits: [credit(301, '2026-02-01', 3000n)],
    debits: [item(101, 100, 1, '2026-01-10', 5000n), item(111, 110, 1, '2026-02-01', 3000n)],
    reference: ['301>101:3000'],
  },
  {
    name: 'the oldest credit covers the oldest debit, spilling over',
    credits: [credit(302, '2026-01-02', 7000n), credit(301, '2026-01-01', 2000n)],
    debits: [item(111, 110, 1, '2026-01-05', 5000n), item(101, 100, 1, '2026-01-03', 3000n)],
    reference: ['301>101:2000', '302>101:1000', '302>111:5000'],
  },
  {
    name: 'same date: credits by creation order',
    credits: [credit(305, '2026-01-01', 100n), credit(303, '2026-01-01', 100n)],
    debits: [refund(201, '2026-01-01', 150n)],
    reference: ['303>201:100', '305>201:50'],
  },
  {
    name: 'same date: items by invoice creation order then position, not by item id',
    credits: [credit(301, '2026-01-01', 600n)],
    // Invoice 110 was created after invoice 100; item 104 (position 1 of invoice 100) was created
    // after item 103 (position 2) only in the id numbering used here, to show position wins.
    debits: [item(112, 110, 1, '2026-01-01', 100n), item(103, 100, 2, '2026-01-01', 200n), item(104, 100, 1, '2026-01-01', 250n)],
    reference: ['301>104:250', '301>103:200', '301>112:100'],
  },
  {
    name: 'same date: a refund created between two invoices sits between their items',
    credits: [credit(301, '2026-01-01', 1000n)],
    debits: [item(121, 120, 1, '2026-01-01', 300n), refund(115, '2026-01-01', 200n), item(101, 100, 1, '2026-01-01', 100n)],
    reference: ['301>101:100', '301>115:200', '301>121:300'],
  },
  {
    name: 'the date decides before creation order',
    credits: [credit(301, '2026-01-05', 100n), credit(399, '2026-01-04', 100n)],
    debits: [item(101, 100, 1, '2026-01-09', 100n), refund(299, '2026-01-08', 100n)],
    reference: ['399>299:100', '301>101:100'],
  },
  {
    name: 'refunds are debits covered like items',
    credits: [credit(301, '2026-01-10', 2500n)],
    debits: [refund(201, '2026-01-02', 1000n), item(101, 100, 1, '2026-01-03', 2000n)],
    reference: ['301>201:1000', '301>101:1500'],
  },
  {
    name: 'a cancellation goes to the item it cancels, not to the oldest item',
    credits: [credit(301, '2026-01-01', 1000n), credit(302, '2026-02-01', 500n, { debit: 112 })],
    debits: [item(101, 100, 1, '2026-01-01', 1000n), item(111, 110, 1, '2026-01-05', 800n), item(112, 110, 2, '2026-01-05', 500n)],
    reference: ['302>112:500', '301>101:1000'],
    fifo: ['301>101:1000', '302>111:500'],
  },
  {
    name: 'a payment naming an invoice covers its items in item order, before older debits',
    credits: [credit(301, '2026-03-01', 700n, { invoice: 110 })],
    debits: [item(101, 100, 1, '2026-01-01', 1000n), item(112, 110, 2, '2026-02-01', 400n), item(111, 110, 1, '2026-02-01', 200n)],
    reference: ['301>111:200', '301>112:400', '301>101:100'],
    fifo: ['301>101:700'],
  },
  {
    name: 'the leftover of a referenced credit goes to the oldest open debit (FIFO)',
    credits: [credit(301, '2026-03-01', 900n, { debit: 201 })],
    debits: [item(101, 100, 1, '2026-01-01', 500n), refund(201, '2026-02-01', 300n), item(111, 110, 1, '2026-01-15', 500n)],
    reference: ['301>201:300', '301>101:500', '301>111:100'],
    fifo: ['301>101:500', '301>111:400'],
  },
  {
    name: 'a payment naming a refund covers the refund',
    credits: [credit(301, '2026-01-01', 300n), credit(302, '2026-01-02', 300n, { debit: 201 })],
    debits: [item(101, 100, 1, '2026-01-01', 300n), refund(201, '2026-01-02', 300n)],
    reference: ['302>201:300', '301>101:300'],
    fifo: ['301>101:300', '302>201:300'],
  },
  {
    name: 'several credits naming one item: oldest first, the rest spills to FIFO',
    credits: [credit(303, '2026-01-03', 400n, { debit: 112 }), credit(302, '2026-01-02', 400n, { debit: 112 })],
    debits: [item(111, 110, 1, '2026-01-01', 1000n), item(112, 110, 2, '2026-01-01', 500n)],
    reference: ['302>112:400', '303>112:100', '303>111:300'],
    fifo: ['302>111:400', '303>111:400'],
  },
  {
    name: 'the item reference pass runs before the invoice reference pass',
    credits: [credit(301, '2026-01-01', 500n, { invoice: 110 }), credit(302, '2026-01-02', 300n, { debit: 111 })],
    debits: [item(111, 110, 1, '2026-01-01', 400n), item(112, 110, 2, '2026-01-01', 400n)],
    reference: ['302>111:300', '301>111:100', '301>112:400'],
    fifo: ['301>111:400', '301>112:100', '302>112:300'],
  },
  {
    name: 'a reference to a debit that is no longer open is ignored; the credit goes to FIFO',
    credits: [credit(301, '2026-01-05', 200n, { debit: 150 }), credit(302, '2026-01-05', 200n, { invoice: 160 })],
    debits: [item(101, 100, 1, '2026-01-01', 300n)],
    reference: ['301>101:200', '302>101:100'],
  },
  {
    name: 'more credit than debit leaves credit on account',
    credits: [credit(301, '2026-01-01', 5000n)],
    debits: [item(101, 100, 1, '2026-01-01', 1234n)],
    reference: ['301>101:1234'],
  },
  {
    name: 'nothing to do without credits or without debits',
    credits: [credit(301, '2026-01-01', 5000n, { debit: 101 })],
    debits: [],
    reference: [],
  },
];

describe('planAutoReconcile', () => {
  for (const testCase of cases) {
    it(`strategy reference: ${testCase.name}`, () => {
      expect(text(planAutoReconcile(testCase.credits, testCase.debits, 'reference'))).toEqual(testCase.reference);
    });
    it(`strategy fifo: ${testCase.name}`, () => {
      expect(text(planAutoReconcile(testCase.credits, testCase.debits, 'fifo'))).toEqual(testCase.fifo ?? testCase.reference);
    });
  }

  it('does not change its input', () => {
    const credits = [credit(302, '2026-01-02', 700n), credit(301, '2026-01-01', 200n)];
    const debits = [item(101, 100, 1, '2026-01-03', 500n)];
    const before = JSON.stringify([credits, debits], (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
    planAutoReconcile(credits, debits, 'reference');
    expect(JSON.stringify([credits, debits], (_key, value) => (typeof value === 'bigint' ? value.toString() : value))).toBe(before);
  });

  it('asserts that open documents have a positive remainder and unique ids (programmer errors)', () => {
    expect(() => planAutoReconcile([credit(301, '2026-01-01', 0n)], [], 'fifo')).toThrow(/positive remainder/);
    expect(() => planAutoReconcile([credit(301, '2026-01-01', 5n)], [refund(301, '2026-01-01', 5n)], 'fifo')).toThrow(/unique/);
  });
});

describe('allocateInOrder', () => {
  it('spills each credit over the debits in the order given and updates the remainders in place', () => {
    const remaining = new Map<bigint, bigint>([[1n, 50n], [2n, 70n], [10n, 40n], [11n, 0n], [12n, 60n]]);
    expect(text(allocateInOrder([1n, 2n], [10n, 11n, 12n], remaining))).toEqual(['1>10:40', '1>12:10', '2>12:50']);
    expect([...remaining]).toEqual([[1n, 0n], [2n, 20n], [10n, 0n], [11n, 0n], [12n, 0n]]);
  });
});

describe('orders', () => {
  it('credits: date, then creation order', () => {
    const sorted = [credit(3, '2026-01-02', 1n), credit(2, '2026-01-01', 1n), credit(1, '2026-01-02', 1n)].sort(compareCreditsOldestFirst);
    expect(sorted.map((c) => c.id)).toEqual([2n, 1n, 3n]);
  });
  it('debits: date, then invoice creation order (or the refund\'s own), then position', () => {
    const sorted = [item(22, 20, 2, '2026-01-01', 1n), refund(15, '2026-01-01', 1n), item(21, 20, 1, '2026-01-01', 1n), item(11, 10, 1, '2026-01-02', 1n), refund(30, '2025-12-31', 1n)].sort(compareDebitsOldestFirst);
    expect(sorted.map((d) => d.id)).toEqual([30n, 15n, 21n, 22n, 11n]);
  });
});
