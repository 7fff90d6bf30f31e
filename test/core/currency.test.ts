import { describe, expect, it } from 'vitest';
import { currencyMinorDigits } from '../../src/core/currency.ts';

describe('currencyMinorDigits', () => {
  it.each([
    ['CAD', 2],
    ['USD', 2],
    ['EUR', 2],
    ['cad', 2],
    [' CAD ', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['CLP', 0],
    ['ISK', 0],
    ['BHD', 3],
    ['KWD', 3],
    ['TND', 3],
  ] as const)('%j has %i minor digits', (currency, digits) => {
    expect(currencyMinorDigits(currency)).toEqual({ ok: true, value: digits });
  });

  // domain.md: "a currency (ISO 4217; amounts are integers of its minor unit)". Node's Intl gives
  // CLDR's *display* digits, which differ from the ISO 4217 minor unit for these currencies
  // (and Node does not know the ISO fund codes CLF and UYW at all), so amounts would be stored in
  // the wrong unit: 1500.50 HUF or 12.345 IQD could not even be entered.
  it.each([
    ['HUF', 2],
    ['IDR', 2],
    ['COP', 2],
    ['PKR', 2],
    ['IQD', 3],
    ['CLF', 4],
  ] as const)('%s has its ISO 4217 minor unit, %i digits', (currency, digits) => {
    expect(currencyMinorDigits(currency)).toEqual({ ok: true, value: digits });
  });

  it.each(['', 'CA', 'CADX', 'ZZZ', 'C1D', '€', 'dollars'])('refuses %j with currency_is_unknown, quoting it', (currency) => {
    const outcome = currencyMinorDigits(currency);
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'currency_is_unknown' } });
    if (!outcome.ok) expect(outcome.refusal.message).toContain(`"${currency}"`);
  });
});
