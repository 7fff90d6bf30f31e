import { assert } from './assert.ts';
import { minorDigitsMax } from './limits.ts';
import { accepted, refused, type Outcome } from './outcome.ts';

const isoCurrencyCodes = new Set(Intl.supportedValuesOf('currency'));

/**
 * The number of minor digits of an ISO 4217 currency (CAD 2, JPY 0, BHD 3). Node's Intl data is
 * the ISO table, so we ask it instead of keeping a copy.
 */
export function currencyMinorDigits(currency: string): Outcome<number> {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !isoCurrencyCodes.has(code)) {
    return refused('currency_is_unknown', `"${currency}" is not an ISO 4217 currency code`);
  }
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits;
  assert(digits !== undefined && digits >= 0 && digits <= minorDigitsMax, `unexpected minor digits for ${code}`);
  return accepted(digits);
}
