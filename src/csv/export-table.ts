import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assert } from '../core/assert.ts';
import { csvWriter } from './csv-writer.ts';
import { exportPageRowsMax } from '../core/limits.ts';
import type { TallyContext } from '../services/context.ts';
import type { SqlExecutor } from '../storage/database.ts';
import { exportFormats, type ExportTable } from './csv-formats.ts';
import { exportQueries } from './export-queries.ts';

export interface ExportOptions {
  /** Rows per query; at most exportPageRowsMax. Tests lower it to cross page boundaries with few rows. */
  readonly pageRowsMax?: number;
  /** Whether to end `output` when done; false for standard output, which others may still write to. */
  readonly endOutput?: boolean;
}

async function* exportRecords(transaction: SqlExecutor, context: TallyContext, table: ExportTable, pageRowsMax: number): AsyncGenerator<string[]> {
  const query = exportQueries[table];
  const { id: organisationId, minorDigits } = context.organisation;
  let cursor = query.firstCursor;
  for (;;) {
    const rows = await transaction.query<object>(query.sql, [organisationId, pageRowsMax, ...cursor]);
    for (const row of rows) yield query.recordOf(row, minorDigits);
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageRowsMax) return;
    cursor = query.cursorOf(last);
  }
}

/**
 * Writes one table of the organisation as CSV (header first) to `output`: standard output for the
 * command line, a response for the HTTP API, a file. Rows are read a page at a time and written as
 * `output` takes them, so the export's size does not matter. All pages are read in one
 * repeatable-read transaction, so the file is one consistent picture even while others write.
 * Returns the number of rows written, header excluded.
 */
export async function exportCsvTable(context: TallyContext, table: ExportTable, output: Writable, options: ExportOptions = {}): Promise<{ rowsWritten: number }> {
  const pageRowsMax = options.pageRowsMax ?? exportPageRowsMax;
  assert(Number.isInteger(pageRowsMax) && pageRowsMax >= 1 && pageRowsMax <= exportPageRowsMax, 'pageRowsMax is 1 to exportPageRowsMax');
  return context.database.transaction(async (transaction) => {
    await transaction.query('set transaction isolation level repeatable read, read only');
    let rowsWritten = 0;
    async function* counted(): AsyncGenerator<string[]> {
      for await (const record of exportRecords(transaction, context, table, pageRowsMax)) {
        rowsWritten += 1;
        yield record;
      }
    }
    await pipeline(Readable.from(counted()), csvWriter(exportFormats[table].columns), output, { end: options.endOutput ?? true });
    return { rowsWritten };
  });
}
