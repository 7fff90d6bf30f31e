import { assert } from '../core/assert.ts';
import { importBatchRowsMax } from '../core/limits.ts';
import { RefusalError, unwrap, type Outcome } from '../core/outcome.ts';
import { outcomeOf, type TallyContext } from '../services/context.ts';
import { findOrCreateOrganisation, findOrganisation, type Organisation } from '../services/organisations.ts';
import { isSqlError, type Database, type SqlExecutor } from '../storage/database.ts';
import { ledgerFormats, type LedgerTable } from './csv-formats.ts';
import { csvPath, readCsvRecords } from './csv-record-reader.ts';
import { csvFolderFiles, planImport, type CsvInputFile } from './import-files.ts';
import { tableImports, type ImportSettings } from './import-tables.ts';

export interface ImportedFileCounts {
  readonly table: LedgerTable;
  readonly fileName: string;
  /** Rows that created a record. */
  readonly created: number;
  /** Rows whose record already existed with the same content (an earlier import): nothing changed. */
  readonly existing: number;
}

export interface ImportSummary {
  /** The files imported, in import order; files absent from the import are not listed. */
  readonly files: readonly ImportedFileCounts[];
}

export interface ImportOptions {
  /** Called as the files are read, with bytes read so far and the total of all files. */
  readonly onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** Rows per write; at most importBatchRowsMax. Tests lower it to cross batch boundaries with few rows. */
  readonly batchRowsMax?: number;
}

/**
 * Imports ledger CSV files into an organisation, all or nothing: the whole import is one
 * transaction, so the first bad row (or header, or file) refuses the import and nothing is
 * written. Files are streamed record by record and written in batches, so their size does not
 * matter. Importing the same files again changes nothing: the writers skip records that exist with
 * the same content, and refuse an id that exists with different content.
 */
export async function importCsvFiles(context: TallyContext, files: readonly CsvInputFile[], options: ImportOptions = {}): Promise<Outcome<ImportSummary>> {
  const batchRowsMax = options.batchRowsMax ?? importBatchRowsMax;
  assert(Number.isInteger(batchRowsMax) && batchRowsMax >= 1 && batchRowsMax <= importBatchRowsMax, 'batchRowsMax is 1 to importBatchRowsMax');
  return outcomeOf(async () => {
    const plan = unwrap(planImport(files));
    const bytesTotal = plan.reduce((total, { file }) => total + file.sizeBytes, 0);
    const settings: ImportSettings = {
      organisationId: context.organisation.id,
      minorDigits: context.organisation.minorDigits,
      reconciliationEnabled: context.organisation.reconciliationEnabled,
      actor: context.actor,
    };
    return context.database.transaction(async (transaction) => {
      let bytesRead = 0;
      const onBytes = (count: number) => {
        bytesRead += count;
        options.onProgress?.(Math.min(bytesRead, bytesTotal), bytesTotal);
      };
      const counts: ImportedFileCounts[] = [];
      for (const { table, file } of plan) counts.push(await importFile(transaction, settings, table, file, batchRowsMax, onBytes));
      return { files: counts };
    });
  });
}

/**
 * Rows of a file written before the planner's statistics are refreshed, when the file has more.
 *
 * A bulk import grows an organisation from nothing to many rows in one transaction. Statistics
 * gathered before (by autovacuum, or for another organisation) say it has almost no rows, and
 * with that estimate the planner checks each row of a batch against the organisation's documents
 * by scanning them all, so batch after batch gets slower. ANALYZE inside the transaction counts
 * the transaction's own new rows; run once per large file, after a first small batch, it makes
 * every later batch plan with index lookups. Its lock only excludes other ANALYZE and VACUUM runs
 * on these tables until the import commits (two large imports at once take turns there).
 */
export const statisticsRefreshAfterRows = 1_000;

async function refreshStatistics(transaction: SqlExecutor): Promise<void> {
  await transaction.query('analyze account, participant, document, document_balance, allocation');
}

async function importFile(
  transaction: SqlExecutor,
  settings: ImportSettings,
  table: LedgerTable,
  file: CsvInputFile,
  batchRowsMax: number,
  onBytes: (count: number) => void,
): Promise<ImportedFileCounts> {
  const { fileName } = ledgerFormats[table];
  const tableImport = tableImports[table];
  const rowsPerWrite = Math.min(batchRowsMax, tableImport.batchRowsMax ?? batchRowsMax);
  let statisticsRefreshed = false;
  let created = 0;
  let existing = 0;
  let rows: unknown[] = [];
  let lines: number[] = [];

  const writeBatch = async () => {
    if (rows.length === 0) return;
    const batchLines = lines;
    const pathOf = (rowIndex: number, column?: string) => {
      const line = batchLines[rowIndex];
      assert(line !== undefined, 'a writer names a row of its batch');
      return csvPath(fileName, line, column);
    };
    try {
      const written = await tableImport.write(transaction, settings, rows, pathOf);
      created += written.created;
      existing += written.existing;
    } catch (error) {
      // A refusal about the whole file (reconciliation turned off) has no row; it still names the file.
      if (error instanceof RefusalError && error.refusal.path === undefined) throw new RefusalError({ ...error.refusal, path: fileName });
      throw error;
    }
    rows = [];
    lines = [];
  };

  for await (const record of readCsvRecords(file.open(), ledgerFormats[table], onBytes)) {
    const parsed = tableImport.parse(record.fields, settings.minorDigits);
    // The parsers name the field, which is the column; the file and line are known here.
    if (!parsed.ok) throw new RefusalError({ ...parsed.refusal, path: csvPath(fileName, record.line, parsed.refusal.path) });
    rows.push(parsed.value);
    lines.push(record.line);
    // A file's first write is small; a file longer than that is a bulk load (see statisticsRefreshAfterRows).
    const rowsThisWrite = statisticsRefreshed ? rowsPerWrite : Math.min(rowsPerWrite, statisticsRefreshAfterRows);
    if (rows.length >= rowsThisWrite) {
      await writeBatch();
      if (!statisticsRefreshed) {
        await refreshStatistics(transaction);
        statisticsRefreshed = true;
      }
    }
  }
  await writeBatch();
  return { table, fileName, created, existing };
}

export interface FolderImportTarget {
  readonly slug: string;
  /** The currency of a new organisation; an existing one must already use it. */
  readonly currency?: string | undefined;
  readonly actor: string;
}

export interface FolderImportSummary extends ImportSummary {
  readonly organisation: Organisation;
  readonly organisationCreated: boolean;
}

/**
 * Imports a folder into the organisation of `slug`, creating it when new. The folder's files are
 * checked before the organisation is created, and a new organisation is removed again when its
 * import is refused, so a refused import leaves nothing behind.
 */
export async function importCsvFolder(database: Database, target: FolderImportTarget, directory: string, options: ImportOptions = {}): Promise<Outcome<FolderImportSummary>> {
  const files = await csvFolderFiles(directory);
  if (!files.ok) return files;
  const plan = planImport(files.value);
  if (!plan.ok) return plan;
  const found = await findOrganisation(database, target.slug);
  if (found.ok && target.currency && target.currency.toUpperCase() !== found.value.currency) {
    // An empty organisation in another currency is what an import killed before its commit leaves
    // (it created the organisation, then nothing): take it back so the retry creates it as asked.
    // One that holds anything (accounts, members) stays, and the import is refused below.
    await removeEmptyOrganisation(database, found.value.id);
  }
  const existed = (await findOrganisation(database, target.slug)).ok;
  const organisation = await findOrCreateOrganisation(database, { slug: target.slug, currency: target.currency });
  if (!organisation.ok) return organisation;
  const summary = await importCsvFiles({ database, organisation: organisation.value, actor: target.actor }, files.value, options);
  if (!summary.ok) {
    if (!existed) await removeEmptyOrganisation(database, organisation.value.id);
    return summary;
  }
  return { ok: true, value: { ...summary.value, organisation: organisation.value, organisationCreated: !existed } };
}

/**
 * Takes back an organisation created for an import that was refused. Its import rolled back, so
 * it holds nothing; should anything have been added meanwhile, a foreign key keeps it in place.
 * Two statements: on Citus the organisation is a reference table and its accounts are distributed,
 * and a delete from the one cannot read the other.
 */
async function removeEmptyOrganisation(database: Database, organisationId: bigint): Promise<void> {
  try {
    const [held] = await database.query<{ accounts: boolean }>('select exists (select 1 from account where org_id = $1) as accounts', [organisationId]);
    if (!held!.accounts) await database.query('delete from organisation where id = $1', [organisationId]);
  } catch (error) {
    if (isSqlError(error) && error.code === '23503') return;
    throw error;
  }
}
