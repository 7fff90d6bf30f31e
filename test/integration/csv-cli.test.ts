import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { findOrganisation } from '../../src/services/organisations.ts';
import { listMigrations } from '../../src/storage/migrate.ts';
import { openPgliteDatabase } from '../../src/storage/pglite-database.ts';
import { csvFixtures } from '../fixtures/csv/csv-fixtures.ts';

/** Each run starts Node, tsx and the embedded database; on a busy machine that takes seconds. */
const cliTestTimeoutMs = 180_000;

const tallyBin = fileURLToPath(new URL('../../bin/tally.js', import.meta.url));

interface Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `tally` in a child process on an embedded database in `dataDirectory`. */
function tally(dataDirectory: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const environment = { ...process.env, TALLY_DATA: dataDirectory, DATABASE_URL: '', TALLY_ACTOR: 'cli-test' };
    execFile(process.execPath, [tallyBin, ...args], { env: environment }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ exitCode, stdout, stderr });
    });
  });
}

describe('tally import and export, end to end', () => {
  let dataDirectory: string;
  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'tally-csv-cli-'));
  });
  afterAll(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('imports a folder, exports its statuses, and refuses a bad folder on standard error with nothing written', async () => {
    const imported = await tally(dataDirectory, ['import', csvFixtures.happyLedger, '--org', 'swim-club', '--currency', 'CAD']);
    expect(imported.stderr).toBe('');
    expect(imported.exitCode).toBe(exitCodes.ok);
    expect(imported.stdout).toBe(
      [
        'Imported into swim-club (CAD, new organisation):',
        '  accounts.csv              3 created          0 existing',
        '  participants.csv          3 created          0 existing',
        '  invoices.csv              7 created          0 existing',
        '  refunds.csv               1 created          0 existing',
        '  receipts.csv              7 created          0 existing',
        '  allocations.csv           7 created          0 existing',
        '',
      ].join('\n'),
    );

    const folder = join(csvFixtures.errors, 'allocation-exceeds-remaining');
    const refused = await tally(dataDirectory, ['import', folder, '--org', 'day-camp']);
    expect(refused.exitCode).toBe(exitCodes.conflict);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(await readFile(join(folder, 'expected-error.txt'), 'utf8'));

    const exported = await tally(dataDirectory, ['export', 'statuses', '--org', 'swim-club']);
    expect(exported.exitCode).toBe(exitCodes.ok);
    expect(exported.stdout).toBe(await readFile(csvFixtures.happyExpectedStatuses, 'utf8'));

    const unknownTable = await tally(dataDirectory, ['export', 'payments', '--org', 'swim-club']);
    expect(unknownTable.exitCode).toBe(exitCodes.usage);
    expect(unknownTable.stderr).toContain("'payments' is invalid for argument 'table'");

    // The refused import left nothing behind, not even the organisation it would have created.
    const database = await openPgliteDatabase(dataDirectory);
    try {
      expect((await findOrganisation(database, 'day-camp')).ok).toBe(false);
    } finally {
      await database.close();
    }
  }, cliTestTimeoutMs);

  it('tally migrate lists the migrations it applied, then says the schema is up to date', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'tally-migrate-'));
    try {
      const first = await tally(fresh, ['migrate']);
      expect(first.stderr).toBe('');
      expect(first.exitCode).toBe(exitCodes.ok);
      expect(first.stdout).toBe(`applied ${listMigrations().map((migration) => migration.name).join(', ')}\n`);
      const second = await tally(fresh, ['migrate']);
      expect(second.stdout).toBe('schema is up to date\n');
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }, cliTestTimeoutMs);
});
