import type { AmountMinor } from '../../core/money.ts';

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * An amount the API wrote ("-120.50", always with exactly the currency's minor digits) in minor
 * units, digit by digit, for the chart to compare amounts as integers, never as floats. Not the
 * core's `parseAmountMinor`: that one checks what a user may enter (positive, at most one
 * document's `amountMinorMax`), and a report's net is signed and its total sums many documents.
 * Text that is not a decimal (never sent by the API) counts as zero, so a chart never breaks the page.
 */
export function amountMinorOf(amount: string): AmountMinor {
  const match = decimalPattern.exec(amount);
  if (!match) return 0n;
  const [, sign, whole = '', fraction = ''] = match;
  const minor = BigInt(whole + fraction);
  return sign === '-' ? -minor : minor;
}

/** Scales to draw with: 1,000,000 steps of the largest amount are fine enough for any screen. */
const scaleSteps = 1_000_000n;

/** `part` as a fraction of `whole` (0…1 for parts within it), worked out in integers. */
export function fractionOf(part: AmountMinor, whole: AmountMinor): number {
  if (whole === 0n) return 0;
  return Number((part * scaleSteps) / whole) / Number(scaleSteps);
}
