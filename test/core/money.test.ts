import { describe, expect, it } from 'vitest';
import { amountMinorMax } from '../../src/core/limits.ts';
import { formatAmountMinor, minAmount, parseAmountMinor, sumAmounts } from '../../src/core/money.ts';
import type { RefusalCode } from '../../src/core/refusal-codes.ts';

describe('parseAmountMinor', () => {
  const accepted: [text: string, minorDigits: number, expected: bigint][] = [
    ['60', 2, 6000n],
    ['60.5', 2, 6050n],
    ['60.50', 2, 6050n],
    ['0.05', 2, 5n],
    ['0', 2, 0n],
    ['0.00', 2, 0n],
    ['007.10', 2, 710n],
    ['1500', 0, 1500n],
    ['1.234', 3, 1234n],
    ['1.2', 3, 1200n],
    ['0.0001', 4, 1n],
    ['10000000000000.00', 2, amountMinorMax],
    ['1000000000000000', 0, amountMinorMax],
  ];
  it.each(accepted)('parses %j with %i digits as %s minor units', (text, minorDigits, expected) => {
    expect(parseAmountMinor(text, minorDigits)).toEqual({ ok: true, value: expected });
  });

  const refused: [text: string, minorDigits: number, code: RefusalCode][] = [
    ['60.001', 2, 'amount_has_too_many_decimals'],
    ['60.5', 0, 'amount_has_too_many_decimals'],
    ['1.2345', 3, 'amount_has_too_many_decimals'],
    ['-5', 2, 'amount_is_negative'],
    ['-0.01', 2, 'amount_is_negative'],
    ['1e3', 2, 'amount_is_not_a_decimal'],
    ['', 2, 'amount_is_not_a_decimal'],
    [' 5', 2, 'amount_is_not_a_decimal'],
    ['5 ', 2, 'amount_is_not_a_decimal'],
    ['5.', 2, 'amount_is_not_a_decimal'],
    ['.5', 2, 'amount_is_not_a_decimal'],
    ['1,000', 2, 'amount_is_not_a_decimal'],
    ['1,5', 2, 'amount_is_not_a_decimal'],
    ['+5', 2, 'amount_is_not_a_decimal'],
    ['0x10', 2, 'amount_is_not_a_decimal'],
    ['NaN', 2, 'amount_is_not_a_decimal'],
    ['Infinity', 2, 'amount_is_not_a_decimal'],
    ['5$', 2, 'amount_is_not_a_decimal'],
    ['٥', 2, 'amount_is_not_a_decimal'],
    ['10000000000000.01', 2, 'amount_is_too_large'],
    ['1000000000000001', 0, 'amount_is_too_large'],
    ['99999999999999999999999999', 2, 'amount_is_too_large'],
  ];
  it.each(refused)('refuses %j with %i digits as %s', (text, minorDigits, code) => {
    const outcome = parseAmountMinor(text, minorDigits);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.refusal.code).toBe(code);
      expect(outcome.refusal.message).toContain(`"${text}"`);
    }
  });

  it('adds 0.10 and 0.20 to exactly 0.30 (30 minor units), with no float anywhere', () => {
    const a = parseAmountMinor('0.10', 2);
    const b = parseAmountMinor('0.20', 2);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(typeof a.value).toBe('bigint');
      expect(a.value + b.value).toBe(30n);
      expect(sumAmounts([a.value, b.value])).toBe(30n);
      expect(formatAmountMinor(a.value + b.value, 2)).toBe('0.30');
    }
  });

  it('parses digit by digit: amounts a float cannot hold exactly stay exact', () => {
    // 9999999999999.99 as a double is 9999999999999.990234375; as text it is exact.
    expect(parseAmountMinor('9999999999999.99', 2)).toEqual({ ok: true, value: 999_999_999_999_999n });
    expect(parseAmountMinor('0.29', 2)).toEqual({ ok: true, value: 29n });
  });

  it('asserts the number of minor digits is a known one (a programmer error, not a refusal)', () => {
    expect(() => parseAmountMinor('1', 5)).toThrow(/minor digits/);
    expect(() => parseAmountMinor('1', -1)).toThrow(/minor digits/);
    expect(() => parseAmountMinor('1', 1.5)).toThrow(/minor digits/);
  });
});

describe('formatAmountMinor', () => {
  const cases: [amountMinor: bigint, minorDigits: number, expected: string][] = [
    [6000n, 2, '60.00'],
    [6050n, 2, '60.50'],
    [5n, 2, '0.05'],
    [0n, 2, '0.00'],
    [100n, 2, '1.00'],
    [-5n, 2, '-0.05'],
    [-12345n, 2, '-123.45'],
    [1500n, 0, '1500'],
    [0n, 0, '0'],
    [1234n, 3, '1.234'],
    [7n, 3, '0.007'],
    [1n, 4, '0.0001'],
    [amountMinorMax, 2, '10000000000000.00'],
  ];
  it.each(cases)('formats %s with %i digits as %j', (amountMinor, minorDigits, expected) => {
    expect(formatAmountMinor(amountMinor, minorDigits)).toBe(expected);
  });

  it('round-trips every formatted non-negative amount through the parser', () => {
    for (const minorDigits of [0, 2, 3]) {
      for (const amountMinor of [0n, 1n, 9n, 10n, 99n, 100n, 101n, 123456789n]) {
        expect(parseAmountMinor(formatAmountMinor(amountMinor, minorDigits), minorDigits)).toEqual({ ok: true, value: amountMinor });
      }
    }
  });
});

describe('minAmount and sumAmounts', () => {
  it('pick the smaller amount and add exactly', () => {
    expect(minAmount(3n, 5n)).toBe(3n);
    expect(minAmount(5n, 3n)).toBe(3n);
    expect(minAmount(4n, 4n)).toBe(4n);
    expect(sumAmounts([])).toBe(0n);
    expect(sumAmounts([amountMinorMax, amountMinorMax, 1n])).toBe(2_000_000_000_000_001n);
  });
});
