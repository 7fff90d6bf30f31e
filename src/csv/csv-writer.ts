import { stringify, type Stringifier } from 'csv-stringify';
import { neutraliseFormula } from './spreadsheet-formula.ts';

/**
 * The one CSV writer of Tally (exports, list downloads): a header row of `columns`, RFC 4180
 * quoting, and every text cell passed through `neutraliseFormula`, so no file Tally writes can
 * run a formula in the spreadsheet that opens it.
 */
export function csvWriter(columns: readonly string[]): Stringifier {
  return stringify({ header: true, columns: [...columns], cast: { string: (value) => neutraliseFormula(value) } });
}
