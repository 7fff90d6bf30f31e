/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): a spreadsheet opening a CSV file runs a
 * cell that starts with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(…)`, `+cmd|…`), and a
 * leading tab or carriage return can hide such a start. Every CSV file Tally writes passes its
 * cells through `neutraliseFormula`, and import passes them back through `restoreNeutralisedFormula`,
 * so an exported folder imports as what was stored.
 *
 * The rule (docs/csv-formats.md): a cell whose text starts with one of those characters, after
 * any number of single quotes, is written with one more single quote in front — the spreadsheet's
 * own "this is text" prefix. Quotes are counted so the mapping can be undone exactly: a stored
 * value that itself starts with `'=` is written `''=` and read back as `'=`. A plain decimal
 * number (`-10.00`, `60.5`) is left alone: a spreadsheet reads it as a number, never as a formula,
 * and an accountant's amount column must stay numbers.
 */

const formulaStart = /^'*[=+\-@\t\r]/;
const neutralisedStart = /^'+[=+\-@\t\r]/;
const plainDecimalNumber = /^-?\d+(?:\.\d+)?$/;

/** The cell as written to a CSV file: one single quote added in front of a would-be formula. */
export function neutraliseFormula(value: string): string {
  if (!formulaStart.test(value) || plainDecimalNumber.test(value)) return value;
  return `'${value}`;
}

/** The value a CSV cell written by `neutraliseFormula` stands for. */
export function restoreNeutralisedFormula(cell: string): string {
  return neutralisedStart.test(cell) ? cell.slice(1) : cell;
}
