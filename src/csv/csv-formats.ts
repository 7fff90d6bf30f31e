/**
 * The CSV formats of import and export, named once: the files, their columns in the order export
 * writes them, and which columns an import file must have. docs/csv-formats.md describes each
 * column; the column names are the field names core/ledger-rows.ts parses.
 */

/** The ledger files in import order: rows are created file by file, and that is their creation order. */
export const ledgerTables = ['accounts', 'participants', 'invoices', 'refunds', 'receipts', 'allocations'] as const;
export type LedgerTable = (typeof ledgerTables)[number];

/** What `tally export` can write: every ledger file, plus the statuses of every document. */
export const exportTables = [...ledgerTables, 'statuses'] as const;
export type ExportTable = (typeof exportTables)[number];

export const accountColumns = ['account_id', 'owner_name', 'owner_email'] as const;
export const participantColumns = ['participant_id', 'account_id', 'name', 'birth_date'] as const;
export const invoiceColumns = ['invoice_id', 'account_id', 'date', 'item_id', 'description', 'ledger_code', 'amount', 'participant_id', 'rl24_eligible'] as const;
export const refundColumns = ['refund_id', 'account_id', 'date', 'amount', 'method', 'reference'] as const;
export const receiptColumns = ['receipt_id', 'account_id', 'date', 'kind', 'amount', 'method', 'reference', 'scheduled'] as const;
/** `source` is written by export and ignored by import, so an exported folder imports as it is. */
export const allocationColumns = ['receipt_id', 'target_id', 'amount', 'source'] as const;
export const statusColumns = ['document_id', 'kind', 'amount', 'allocated', 'status'] as const;

export interface CsvFormat {
  readonly fileName: string;
  /** Every column the file may have, in the order export writes them. */
  readonly columns: readonly string[];
  /** The columns an import file must have in its header; the others may be left out. */
  readonly requiredColumns: readonly string[];
}

export const ledgerFormats: Readonly<Record<LedgerTable, CsvFormat>> = {
  accounts: { fileName: 'accounts.csv', columns: accountColumns, requiredColumns: ['account_id', 'owner_name'] },
  participants: { fileName: 'participants.csv', columns: participantColumns, requiredColumns: ['participant_id', 'account_id', 'name'] },
  invoices: { fileName: 'invoices.csv', columns: invoiceColumns, requiredColumns: ['invoice_id', 'account_id', 'date', 'item_id', 'amount'] },
  refunds: { fileName: 'refunds.csv', columns: refundColumns, requiredColumns: ['refund_id', 'account_id', 'date', 'amount'] },
  receipts: { fileName: 'receipts.csv', columns: receiptColumns, requiredColumns: ['receipt_id', 'account_id', 'date', 'kind', 'amount'] },
  allocations: { fileName: 'allocations.csv', columns: allocationColumns, requiredColumns: ['receipt_id', 'target_id', 'amount'] },
};

export const exportFormats: Readonly<Record<ExportTable, CsvFormat>> = {
  ...ledgerFormats,
  statuses: { fileName: 'statuses.csv', columns: statusColumns, requiredColumns: statusColumns },
};

/** The import folder's only mandatory file. */
export const requiredLedgerTable: LedgerTable = 'accounts';

export function ledgerTableOfFileName(fileName: string): LedgerTable | undefined {
  return ledgerTables.find((table) => ledgerFormats[table].fileName === fileName);
}

/** Files that take part in an import are the `.csv` files; anything else in the folder (a README) is left alone. */
export function isCsvFileName(fileName: string): boolean {
  return fileName.toLowerCase().endsWith('.csv');
}
