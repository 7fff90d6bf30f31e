import { assert } from './assert.ts';
import { amountMinorMax, minorDigitsMax } from './limits.ts';
import { accepted, refused, type Outcome } from './outcome.ts';

/**
 * Money is an integer count of the currency's minor unit (cents for CAD), held as bigint so no
 * floating point ever touches it. Decimals are parsed and formatted as text, digit by digit.
 */
export type AmountMinor = bigint;

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parses "60", "60.5" or "60.50" into minor units; refuses anything that is not exact. */
export function parseAmountMinor(text: string, minorDigits: number): Outcome<AmountMinor> {
  assert(Number.isInteger(minorDigits) && minorDigits >= 0 && minorDigits <= minorDigitsMax, 'minor digits out of range');
  const match = decimalPattern.exec(text);
  if (!match) return refused('amount_is_not_a_decimal', `"${text}" is not a decimal amount like 60 or 60.00`, { values: { text } });
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > minorDigits) {
    return refused('amount_has_too_many_decimals', `"${text}" has ${fraction.length} decimals; the currency has ${minorDigits}`, { values: { text } });
  }
  const minor = BigInt(whole + fraction.padEnd(minorDigits, '0'));
  if (sign === '-' && minor !== 0n) return refused('amount_is_negative', `"${text}" is negative`, { values: { text } });
  if (minor > amountMinorMax) return refused('amount_is_too_large', `"${text}" is larger than ${formatAmountMinor(amountMinorMax, minorDigits)}`, {
      values: { text, maximum: formatAmountMinor(amountMinorMax, minorDigits) },
    });
  return accepted(minor);
}

/** Formats minor units with exactly the currency's minor digits: 6000n, 2 -> "60.00". */
export function formatAmountMinor(amountMinor: AmountMinor, minorDigits: number): string {
  assert(Number.isInteger(minorDigits) && minorDigits >= 0 && minorDigits <= minorDigitsMax, 'minor digits out of range');
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString().padStart(minorDigits + 1, '0');
  const whole = digits.slice(0, digits.length - minorDigits);
  const fraction = digits.slice(digits.length - minorDigits);
  return `${negative ? '-' : ''}${whole}${minorDigits > 0 ? `.${fraction}` : ''}`;
}

export function minAmount(a: AmountMinor, b: AmountMinor): AmountMinor {
  return a < b ? a : b;
}

export function sumAmounts(amounts: Iterable<AmountMinor>): AmountMinor {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}
