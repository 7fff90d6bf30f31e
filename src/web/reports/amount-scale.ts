import { parseAmountMinor, type AmountMinor } from '../../core/money.ts';
import { unwrap } from '../../core/outcome.ts';

/**
 * An amount the API wrote ("-120.50", with exactly the currency's minor digits) in minor units,
 * read by the core's exact parser: the chart compares amounts as integers, never as floats.
 */
export function amountMinorOf(amount: string): AmountMinor {
  const negative = amount.startsWith('-');
  const magnitude = negative ? amount.slice(1) : amount;
  const minorDigits = magnitude.includes('.') ? magnitude.length - magnitude.indexOf('.') - 1 : 0;
  const minor = unwrap(parseAmountMinor(magnitude, minorDigits));
  return negative ? -minor : minor;
}

/** Scales to draw with: 1,000,000 steps of the largest amount are fine enough for any screen. */
const scaleSteps = 1_000_000n;

/** `part` as a fraction of `whole` (0…1 for parts within it), worked out in integers. */
export function fractionOf(part: AmountMinor, whole: AmountMinor): number {
  if (whole === 0n) return 0;
  return Number((part * scaleSteps) / whole) / Number(scaleSteps);
}
