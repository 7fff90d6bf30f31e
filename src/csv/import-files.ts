import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { accepted, refused, type Outcome } from '../core/outcome.ts';
import { isCsvFileName, ledgerFormats, ledgerTableOfFileName, ledgerTables, requiredLedgerTable, type LedgerTable } from './csv-formats.ts';

/**
 * One CSV file to import, wherever it comes from: a folder on disk (the command line) or an
 * uploaded file (the HTTP API). `open` gives a fresh stream each time, because a transaction
 * that is retried after a deadlock reads its files again.
 */
export interface CsvInputFile {
  /** The file's name without folder, e.g. `receipts.csv`; it decides what the rows are. */
  readonly name: string;
  readonly sizeBytes: number;
  open(): Readable;
}

export interface PlannedFile {
  readonly table: LedgerTable;
  readonly file: CsvInputFile;
}

/** A file held in memory (an upload), as an input file. */
export function csvInputFileOfText(name: string, content: string | Buffer): CsvInputFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, sizeBytes: bytes.length, open: () => Readable.from([bytes]) };
}

/** The `.csv` files of a folder. Other files (a README, expected results) and sub-folders are left alone. */
export async function csvFolderFiles(directory: string): Promise<Outcome<CsvInputFile[]>> {
  let entries;
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return refused('accounts_file_is_missing', `${directory} is not a folder that can be read; an import folder must contain accounts.csv`, { path: directory });
  }
  const files: CsvInputFile[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!isCsvFileName(entry.name) || entry.isDirectory()) continue;
    const path = join(directory, entry.name);
    const { size } = await stat(path);
    files.push({ name: entry.name, sizeBytes: size, open: () => createReadStream(path) });
  }
  return accepted(files);
}

/**
 * Checks the set of files before anything is read: every `.csv` file must be one of the ledger
 * files (a misspelt name would otherwise be skipped in silence), each at most once, and
 * accounts.csv must be there. Returns them in import order, which is their rows' creation order.
 */
export function planImport(files: readonly CsvInputFile[]): Outcome<PlannedFile[]> {
  const byTable = new Map<LedgerTable, CsvInputFile>();
  for (const file of files) {
    const table = ledgerTableOfFileName(file.name);
    if (table === undefined) {
      const known = ledgerTables.map((name) => ledgerFormats[name].fileName).join(', ');
      return refused('csv_file_is_unknown', `Tally does not read ${file.name}; the files it reads are ${known}`, { path: file.name, values: { name: file.name, allowed: known } });
    }
    if (byTable.has(table)) return refused('value_is_not_allowed', `${file.name} is given twice`, { path: file.name, values: { rule: 'file_given_twice', name: file.name } });
    byTable.set(table, file);
  }
  const requiredFileName = ledgerFormats[requiredLedgerTable].fileName;
  if (!byTable.has(requiredLedgerTable)) {
    return refused('accounts_file_is_missing', `The import has no ${requiredFileName}; every import needs it, even when its accounts already exist`, { path: requiredFileName });
  }
  return accepted(ledgerTables.flatMap((table) => {
    const file = byTable.get(table);
    return file ? [{ table, file }] : [];
  }));
}
