import { describe, expect, it } from 'vitest';
import { amountMinorOf, fractionOf } from '../../src/web/reports/amount-scale.ts';

describe('the collections chart’s scale', () => {
  it('reads the API’s amounts exactly, signed, in the currency’s own digits', () => {
    expect(amountMinorOf('120.50')).toBe(12050n);
    expect(amountMinorOf('-300.00')).toBe(-30000n);
    expect(amountMinorOf('0.00')).toBe(0n);
    expect(amountMinorOf('1500')).toBe(1500n);
    expect(amountMinorOf('12.345')).toBe(12345n);
    // Beyond a float's exact integers, and beyond one document's largest amount (a total can be), still exact.
    expect(amountMinorOf('90071992547409.93')).toBe(9007199254740993n);
    expect(amountMinorOf('-123456789012345678.90')).toBe(-12345678901234567890n);
    expect(amountMinorOf('not an amount')).toBe(0n);
  });

  it('sizes a part against the whole in integers, and nothing against zero', () => {
    expect(fractionOf(25n, 100n)).toBe(0.25);
    expect(fractionOf(1n, 3n)).toBe(0.333333);
    expect(fractionOf(100n, 100n)).toBe(1);
    expect(fractionOf(5n, 0n)).toBe(0);
  });
});
