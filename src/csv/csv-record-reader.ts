import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { Fields } from '../core/ledger-rows.ts';
import { refuse, RefusalError, type Refusal } from '../core/outcome.ts';
import type { CsvFormat } from './csv-formats.ts';
import { restoreNeutralisedFormula } from './spreadsheet-formula.ts';
import { utf8CheckedStream } from './utf8-stream.ts';

/**
 * The longest record accepted, in characters. A record is at most a few fields of
 * textLengthMax characters; the bound stops an unclosed quote from reading the rest of a large
 * file into one field.
 */
export const csvRecordCharactersMax = 100_000;

export interface CsvRecord {
  /** The physical line of the file where the record starts; the header is line 1. */
  readonly line: number;
  /** Values by column name; a column absent from the header is undefined. */
  readonly fields: Fields;
}

/** `file:line` or `file:line:column`, the place every import error names. */
export function csvPath(fileName: string, line: number, column?: string): string {
  return column ? `${fileName}:${line}:${column}` : `${fileName}:${line}`;
}

/**
 * Physical line numbers. csv-parse reports the line where a record ends, counting line breaks
 * inside quoted fields too, but it counts a CRLF inside a quoted field as two lines. This keeps
 * the count it over-reports, and subtracts the record's own inner line breaks to find where the
 * record starts, which is the line an editor shows for it.
 */
class PhysicalLines {
  private overCounted = 0;
  /** The physical line where the last record parsed ends; the header's is 1. */
  lastRecordEnd = 1;

  recordStart(values: readonly string[], endLineAsCounted: number): number {
    let innerBreaks = 0;
    for (const value of values) {
      if (!/[\r\n]/.test(value)) continue;
      innerBreaks += value.match(/\r\n|\r|\n/g)?.length ?? 0;
      this.overCounted += value.match(/\r\n/g)?.length ?? 0;
    }
    this.lastRecordEnd = this.physical(endLineAsCounted);
    return this.lastRecordEnd - innerBreaks;
  }

  physical(lineAsCounted: number): number {
    return lineAsCounted - this.overCounted;
  }
}

/** The first problem of a header: a column named twice, an unknown column, or a required column missing. */
function headerProblem(format: CsvFormat, header: readonly string[]): Refusal | null {
  const seen = new Set<string>();
  for (const column of header) {
    const path = csvPath(format.fileName, 1, column);
    if (seen.has(column)) return { code: 'csv_row_is_malformed', message: `The header names the column ${column} twice`, path };
    seen.add(column);
    if (!format.columns.includes(column)) {
      return { code: 'csv_column_is_unknown', message: `${format.fileName} has no column "${column}"; its columns are ${format.columns.join(', ')}`, path };
    }
  }
  const missing = format.requiredColumns.find((column) => !seen.has(column));
  if (missing !== undefined) return { code: 'csv_column_is_missing', message: `The header lacks the required column ${missing}`, path: csvPath(format.fileName, 1, missing) };
  return null;
}

/**
 * Turns csv-parse's error into a refusal at the line (and, for a misplaced quote, the column) where
 * it was found. An unclosed quote is only noticed at the end of the file, so it is placed on the
 * line after the last good record, where the broken record starts.
 */
function malformed(error: CsvError, format: CsvFormat, header: readonly string[], lines: PhysicalLines): never {
  const line = lines.physical(typeof error.lines === 'number' ? error.lines : 1);
  const fieldIndex = typeof error.index === 'number' ? error.index : -1;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const count = Array.isArray(error.record) ? error.record.length : fieldIndex;
      return refuse('csv_row_is_malformed', `The row has ${count} field(s); the header has ${header.length}`, {
        path: csvPath(format.fileName, line),
        values: { count: String(count), expected: String(header.length) },
      });
    }
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return refuse('csv_row_is_malformed', 'A quote is misplaced: a quoted value must be wholly inside quotes, and a quote inside it written twice ("")', {
        path: csvPath(format.fileName, line, header[fieldIndex]),
      });
    case 'CSV_QUOTE_NOT_CLOSED':
      return refuse('csv_row_is_malformed', 'A quoted value opened on this line is never closed; the file ends inside it', {
        path: csvPath(format.fileName, lines.lastRecordEnd + 1),
      });
    case 'CSV_MAX_RECORD_SIZE':
      return refuse('csv_row_is_malformed', `The row is longer than ${csvRecordCharactersMax} characters (an unclosed quote?)`, {
        path: csvPath(format.fileName, lines.lastRecordEnd + 1),
      });
    default:
      return refuse('csv_row_is_malformed', error.message, { path: csvPath(format.fileName, line) });
  }
}

/**
 * Reads one CSV file of the given format as a stream of records, one at a time, so a file of any
 * size is never held in memory. `onBytes` is told how many bytes each chunk read has. The header
 * is checked before any record is returned: an unknown column, a column named twice or a
 * required column missing refuses the file. Any refusal names the file, the line and, when there
 * is one, the column.
 */
export async function* readCsvRecords(input: Readable, format: CsvFormat, onBytes?: (count: number) => void): AsyncGenerator<CsvRecord> {
  // Counted as the source is read, for a progress bar; attached with the pipe so no chunk is missed.
  if (onBytes) input.on('data', (chunk: Buffer | string) => onBytes(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length));
  const lines = new PhysicalLines();
  let header: string[] | null = null;
  let problem: Refusal | null = null;
  // Both callbacks run as the parser reads, in file order. A parse error discards records parsed
  // but not yet taken, so the header and the line count are kept here, not where records are taken.
  const checked = input.pipe(utf8CheckedStream(format.fileName));
  const parser = checked.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      max_record_size: csvRecordCharactersMax,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim());
        problem = headerProblem(format, header);
        return header;
      },
      on_record: (fields: Record<string, string>, context: { lines: number }): CsvRecord => ({
        line: lines.recordStart(Object.values(fields), context.lines),
        // Undoes the quote export puts in front of a would-be formula, so export and import agree.
        fields: Object.fromEntries(Object.entries(fields).map(([column, value]) => [column, restoreNeutralisedFormula(value)])),
      }),
    }),
  );
  // A failing source (a file that cannot be read) must end the parse rather than leave it waiting.
  input.once('error', (error) => parser.destroy(error));
  checked.once('error', (error) => parser.destroy(error));
  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) {
      if (problem) throw new RefusalError(problem);
      yield record;
    }
  } catch (error) {
    if (problem) throw new RefusalError(problem);
    if (error instanceof CsvError) malformed(error, format, header ?? [], lines);
    throw error;
  } finally {
    // Also on an early stop (a bad row found by the caller), so no file stays open.
    parser.destroy();
    checked.destroy();
    input.destroy();
  }
  if (problem) throw new RefusalError(problem);
  if (header === null) refuse('csv_header_is_missing', 'The file is empty; it needs a header row naming its columns', { path: csvPath(format.fileName, 1) });
}
