import {
  parseAccountRow,
  parseAllocationRow,
  parseInvoiceItemRow,
  parseParticipantRow,
  parseReceiptRow,
  parseRefundRow,
  type Fields,
} from '../core/ledger-rows.ts';
import { allocationLinesMax } from '../core/limits.ts';
import type { Outcome } from '../core/outcome.ts';
import { writeAllocations } from '../storage/allocation-writer.ts';
import type { SqlExecutor } from '../storage/database.ts';
import { writeAccounts, writeInvoiceItems, writeParticipants, writeReceipts, writeRefunds, type RowPath, type WriteCounts } from '../storage/ledger-writer.ts';
import type { LedgerTable } from './csv-formats.ts';

/** What every table's import needs to know of the organisation and the operator. */
export interface ImportSettings {
  readonly organisationId: bigint;
  readonly minorDigits: number;
  readonly reconciliationEnabled: boolean;
  readonly actor: string;
}

/**
 * How the rows of one file are parsed (core/ledger-rows.ts, whose refusal paths are the CSV
 * column names) and written (the set-based writers of storage/, one batch a call).
 */
export interface TableImport<Row> {
  /** Rows per write, when the writer takes fewer than importBatchRowsMax at a time. */
  readonly batchRowsMax?: number;
  parse(fields: Fields, minorDigits: number): Outcome<Row>;
  write(transaction: SqlExecutor, settings: ImportSettings, rows: readonly Row[], pathOf: RowPath): Promise<WriteCounts>;
}

/** The allocation writer names its fields after the allocation (credit, debit); the file names them after its columns. */
const allocationColumnOfField: Readonly<Record<string, string>> = { credit: 'receipt_id', debit: 'target_id', amount: 'amount' };

export const tableImports: { readonly [Table in LedgerTable]: TableImport<unknown> } = {
  accounts: tableImport({
    parse: (fields) => parseAccountRow(fields),
    write: (transaction, settings, rows, pathOf) => writeAccounts(transaction, settings.organisationId, rows, pathOf),
  }),
  participants: tableImport({
    parse: (fields) => parseParticipantRow(fields),
    write: (transaction, settings, rows, pathOf) => writeParticipants(transaction, settings.organisationId, rows, pathOf),
  }),
  invoices: tableImport({
    parse: parseInvoiceItemRow,
    write: (transaction, settings, rows, pathOf) => writeInvoiceItems(transaction, settings.organisationId, rows, pathOf),
  }),
  refunds: tableImport({
    parse: parseRefundRow,
    write: (transaction, settings, rows, pathOf) => writeRefunds(transaction, settings.organisationId, rows, pathOf),
  }),
  receipts: tableImport({
    parse: parseReceiptRow,
    write: (transaction, settings, rows, pathOf) => writeReceipts(transaction, settings.organisationId, rows, pathOf),
  }),
  allocations: tableImport({
    // The allocation writer checks its lines as one request, and a request has at most allocationLinesMax.
    batchRowsMax: allocationLinesMax,
    parse: parseAllocationRow,
    write: (transaction, settings, rows, pathOf) =>
      writeAllocations(
        transaction,
        settings,
        rows.map((row) => ({ creditExternalId: row.receiptId, debitExternalId: row.targetId, amountMinor: row.amountMinor })),
        // Import allocates only what the file says, and an allocation imported before is this row again.
        { source: 'import', actor: settings.actor, idempotentByPair: true },
        (rowIndex, field) => pathOf(rowIndex, field === undefined ? undefined : (allocationColumnOfField[field] ?? field)),
      ),
  }),
};

/** Keeps each table's row type checked between its parser and its writer, then forgets it for the table map. */
function tableImport<Row>(table: TableImport<Row>): TableImport<unknown> {
  return table as TableImport<unknown>;
}
