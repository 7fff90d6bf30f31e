import { assert } from './assert.ts';
import { minorDigitsMax } from './limits.ts';
import { accepted, refused, type Outcome } from './outcome.ts';

const isoCurrencyCodes = new Set(Intl.supportedValuesOf('currency'));

/**
 * ISO 4217 minor units where Node's Intl data differs: Intl gives CLDR's display digits (0 for
 * HUF, IDR, IQD...), not the ISO minor unit, and does not know the ISO fund codes CLF and UYW.
 */
const isoMinorDigitsWhereIntlDiffers: ReadonlyMap<string, number> = new Map([
  ['AFN', 2], ['ALL', 2], ['COP', 2], ['HUF', 2], ['IDR', 2], ['IQD', 3], ['IRR', 2], ['KPW', 2], ['LAK', 2],
  ['LBP', 2], ['MGA', 2], ['MMK', 2], ['PKR', 2], ['SLL', 2], ['SOS', 2], ['SYP', 2], ['YER', 2], ['CLF', 4], ['UYW', 4],
]);

/**
 * The number of minor digits of an ISO 4217 currency (CAD 2, JPY 0, BHD 3). Node's Intl data
 * lists the codes and, for most of them, the same digits as ISO; the few exceptions are above.
 */
export function currencyMinorDigits(currency: string): Outcome<number> {
  const code = currency.trim().toUpperCase();
  const isoDigits = isoMinorDigitsWhereIntlDiffers.get(code);
  if (isoDigits !== undefined) return accepted(isoDigits);
  if (!/^[A-Z]{3}$/.test(code) || !isoCurrencyCodes.has(code)) {
    return refused('currency_is_unknown', `"${currency}" is not an ISO 4217 currency code`, { values: { text: currency } });
  }
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
  assert(digits !== undefined && digits >= 0 && digits <= minorDigitsMax, `unexpected minor digits for ${code}`);
  return accepted(digits);
}
