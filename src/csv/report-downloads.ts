import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportPageRowsMax } from '../core/limits.ts';
import { formatAmountMinor } from '../core/money.ts';
import { periodOfYear, type ReportPeriod } from '../core/report-input.ts';
import { firstEligibleBirthDate, type Rl24BlockerReason } from '../core/report-rl24.ts';
import type { CollectionLineKind } from '../core/report-collections.ts';
import type { TallyContext } from '../services/context.ts';
import { collectionsSummaryIn, inReportTransaction } from '../services/reports.ts';
import type { SqlExecutor } from '../storage/database.ts';
import { csvWriter } from './csv-writer.ts';
import {
  blockerParams, blockersSql, collectionPartParams, collectionPartsSql, slipLinesSql, slipParams,
  type BlockerRecord, type CollectionPartRecord, type SlipLineRecord,
} from '../storage/report-sql.ts';

/** The columns of each report, as the command line and the CSV downloads write them (docs/reports.md). */
export const reportColumns = {
  collections: ['line', 'ledger_code', 'collected', 'refunded', 'net'],
  'collections-detail': ['day', 'account_id', 'document_id', 'kind', 'method', 'counterpart_id', 'invoice_id', 'ledger_code', 'participant_id', 'line', 'amount'],
  rl24: ['account_id', 'owner_name', 'participant_id', 'participant_name', 'birth_date', 'paid', 'refunded', 'amount'],
  'rl24-blockers': ['account_id', 'id', 'reason', 'amount'],
} as const;
export type ReportTable = keyof typeof reportColumns;

export type ReportRequest =
  | { readonly table: 'collections'; readonly period: ReportPeriod; readonly asOf: Date }
  | { readonly table: 'collections-detail'; readonly period: ReportPeriod; readonly asOf: Date; readonly line?: CollectionLineKind | null; readonly ledgerCode?: string | null }
  | { readonly table: 'rl24'; readonly year: number; readonly asOf: Date; readonly search?: string | null }
  | { readonly table: 'rl24-blockers'; readonly year: number; readonly asOf: Date; readonly reason?: Rl24BlockerReason | null };

/** One report row: a cell per column, null where the value is absent (empty in CSV, null in JSON). */
export type ReportRecord = (string | null)[];

/**
 * Rows of a query read through a cursor, a batch at a time: the whole result is never held in
 * memory, and the query runs once (a keyset would re-run the report's sums for every page).
 */
async function* cursorRows<Row>(transaction: SqlExecutor, sql: string, params: readonly unknown[], batchRows: number): AsyncGenerator<Row> {
  await transaction.query(`declare report_rows no scroll cursor for ${sql}`, params);
  for (;;) {
    const rows = await transaction.query<Row>(`fetch forward ${batchRows} from report_rows`);
    yield* rows;
    if (rows.length < batchRows) break;
  }
  await transaction.query('close report_rows');
}

/** The rows of one report, in its order, read in `transaction`. */
export async function* reportRecords(transaction: SqlExecutor, context: TallyContext, request: ReportRequest, batchRows = exportPageRowsMax): AsyncGenerator<ReportRecord> {
  const { id, minorDigits } = context.organisation;
  const money = (amountMinor: bigint) => formatAmountMinor(amountMinor, minorDigits);
  switch (request.table) {
    case 'collections': {
      const summary = await collectionsSummaryIn(transaction, id, request.period, request.asOf);
      for (const line of summary.lines) yield [line.line, line.ledgerCode, money(line.collectedMinor), money(line.refundedMinor), money(line.netMinor)];
      return;
    }
    case 'collections-detail': {
      const { period, asOf } = request;
      const params = collectionPartParams(id, asOf, period.from, period.to, { line: request.line ?? null, ledgerCode: request.ledgerCode ?? null });
      for await (const part of cursorRows<CollectionPartRecord>(transaction, collectionPartsSql(), params, batchRows)) {
        yield [part.day, part.account_id, part.document_id, part.kind, part.method, part.counterpart_id, part.invoice_id, part.ledger_code, part.participant_id, part.line, money(part.amount_minor)];
      }
      return;
    }
    case 'rl24': {
      const { from, to } = periodOfYear(request.year);
      for await (const line of cursorRows<SlipLineRecord>(transaction, slipLinesSql(), slipParams(id, request.asOf, from, to, request.search ?? null), batchRows)) {
        yield [line.account_id, line.owner_name, line.participant_id, line.participant_name, line.birth_date, money(line.paid_minor), money(line.refunded_minor), money(line.amount_minor)];
      }
      return;
    }
    case 'rl24-blockers': {
      const { from, to } = periodOfYear(request.year);
      const params = blockerParams(id, request.asOf, from, to, firstEligibleBirthDate(request.year), request.reason ?? null);
      for await (const blocker of cursorRows<BlockerRecord>(transaction, blockersSql(), params, batchRows)) {
        yield [blocker.account_id, blocker.id, blocker.reason, money(blocker.amount_minor)];
      }
      return;
    }
  }
}

export interface ReportWriteOptions {
  /** Whether to end `output` when done; false for standard output. */
  readonly endOutput?: boolean;
  /** Rows per fetch; tests lower it to cross batch boundaries with few rows. */
  readonly batchRows?: number;
}

/** Writes a report as CSV with its header row to `output`, as `output` takes it. Returns the rows written. */
export async function writeReportCsv(context: TallyContext, request: ReportRequest, output: Writable, options: ReportWriteOptions = {}): Promise<{ rowsWritten: number }> {
  return inReportTransaction(context, async (transaction) => {
    let rowsWritten = 0;
    async function* cells(): AsyncGenerator<string[]> {
      for await (const record of reportRecords(transaction, context, request, options.batchRows)) {
        rowsWritten += 1;
        yield record.map((cell) => cell ?? '');
      }
    }
    await pipeline(Readable.from(cells()), csvWriter(reportColumns[request.table]), output, { end: options.endOutput ?? true });
    return { rowsWritten };
  });
}

/** Writes a report as a JSON array of objects keyed by its columns (amounts as decimal strings), streamed. */
export async function writeReportJson(context: TallyContext, request: ReportRequest, output: Writable, options: ReportWriteOptions = {}): Promise<{ rowsWritten: number }> {
  const columns = reportColumns[request.table];
  return inReportTransaction(context, async (transaction) => {
    let rowsWritten = 0;
    const toJson = new Transform({
      writableObjectMode: true,
      transform(record: ReportRecord, _encoding, done) {
        const row = Object.fromEntries(columns.map((column, index) => [column, record[index] ?? null]));
        done(null, `${rowsWritten === 0 ? '[\n' : ',\n'}  ${JSON.stringify(row)}`);
        rowsWritten += 1;
      },
      flush(done) {
        done(null, rowsWritten === 0 ? '[]\n' : '\n]\n');
      },
    });
    await pipeline(Readable.from(reportRecords(transaction, context, request, options.batchRows)), toJson, output, { end: options.endOutput ?? true });
    return { rowsWritten };
  });
}
