import { describe, expect, it } from 'vitest';
import { creditStatus, debitStatus, invoiceStatus, type DebitCoverage, type DebitStatus } from '../../src/core/reconciliation-status.ts';
import { scheduledCreditStatus } from '../../src/core/reconciliation-status.ts';

const coverage = (amountMinor: bigint, allocatedMinor: bigint, coveredByScheduledInstallment = false): DebitCoverage => ({ amountMinor, allocatedMinor, coveredByScheduledInstallment });

describe('debitStatus (domain.md, Status)', () => {
  it.each([
    ['nothing allocated', coverage(5000n, 0n), 'none'],
    ['nothing allocated, not even by an installment', coverage(5000n, 0n, false), 'none'],
    ['one cent allocated', coverage(5000n, 1n), 'partial'],
    ['all but one cent allocated', coverage(5000n, 4999n), 'partial'],
    ['partly covered by a scheduled installment is still partial', coverage(5000n, 2500n, true), 'partial'],
    ['allocated = amount, all collected', coverage(5000n, 5000n), 'full'],
    ['allocated = amount, one covering credit is a scheduled installment', coverage(5000n, 5000n, true), 'post-dated'],
    ['a zero-amount item is full', coverage(0n, 0n), 'full'],
  ] as [string, DebitCoverage, DebitStatus][])('%s: %s', (_name, debit, status) => {
    expect(debitStatus(debit)).toBe(status);
  });
});

describe('creditStatus', () => {
  it.each([
    [3000n, 0n, 'none'],
    [3000n, 1n, 'partial'],
    [3000n, 2999n, 'partial'],
    [3000n, 3000n, 'full'],
  ] as const)('amount %s, allocated %s: %s', (amountMinor, allocatedMinor, status) => {
    expect(creditStatus({ amountMinor, allocatedMinor })).toBe(status);
  });
});

describe('invoiceStatus derives from its items', () => {
  const full = coverage(4000n, 4000n);
  const postDated = coverage(6000n, 6000n, true);
  const partial = coverage(6000n, 100n);
  const none = coverage(6000n, 0n);
  const zero = coverage(0n, 0n);
  it.each([
    ['all items full', [full, full], 'full'],
    ['one item, full', [full], 'full'],
    ['full and a zero-amount item', [full, zero], 'full'],
    ['only zero-amount items', [zero, zero], 'full'],
    ['full and post-dated', [full, postDated], 'post-dated'],
    ['all post-dated', [postDated, postDated], 'post-dated'],
    ['post-dated and a zero-amount item', [postDated, zero], 'post-dated'],
    ['nothing allocated to any item', [none, none], 'none'],
    ['nothing allocated, and a zero-amount item (which has nothing allocated either)', [none, zero], 'none'],
    ['full and none', [full, none], 'partial'],
    ['post-dated and none', [postDated, none], 'partial'],
    ['one partial item', [partial], 'partial'],
    ['partial and full', [partial, full], 'partial'],
    ['partial, post-dated and none', [partial, postDated, none], 'partial'],
  ] as [string, DebitCoverage[], DebitStatus][])('%s: %s', (_name, items, status) => {
    expect(invoiceStatus(items)).toBe(status);
  });
});

describe('a scheduled installment on its own row', () => {
  it('is post-dated once allocated, never full, until it is collected', () => {
    expect(scheduledCreditStatus({ amountMinor: 5000n, allocatedMinor: 5000n, scheduled: true })).toBe('post-dated');
    expect(scheduledCreditStatus({ amountMinor: 5000n, allocatedMinor: 2000n, scheduled: true })).toBe('post-dated');
    expect(scheduledCreditStatus({ amountMinor: 5000n, allocatedMinor: 0n, scheduled: true })).toBe('none');
    expect(scheduledCreditStatus({ amountMinor: 5000n, allocatedMinor: 5000n, scheduled: false })).toBe('full');
  });
});
