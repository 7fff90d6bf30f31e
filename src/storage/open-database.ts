import { resolve } from 'node:path';
import type { Database } from './database.ts';
import { distributeTables } from './distribute.ts';
import { migrate } from './migrate.ts';
import { openPgliteDatabase } from './pglite-database.ts';
import { openPostgresDatabase } from './postgres-database.ts';

export interface DatabaseSettings {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  readonly databaseUrl?: string | undefined;
  /** PGlite's data folder; `memory` keeps it in memory. */
  readonly dataDirectory?: string | undefined;
  /** TALLY_CITUS=1: the database is a Citus coordinator; distribute the tables after migrating. */
  readonly distribute?: boolean | undefined;
}

/** Reads DATABASE_URL, TALLY_DATA and TALLY_CITUS the same way for every entry point. */
export function databaseSettingsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  return {
    databaseUrl: environment.DATABASE_URL || undefined,
    dataDirectory: environment.TALLY_DATA || './data',
    distribute: environment.TALLY_CITUS === '1' || environment.TALLY_CITUS === 'true',
  };
}

/**
 * Opens the configured engine and brings its schema up to date (migrations run on first use), and
 * with TALLY_CITUS=1 distributes any table not yet distributed (docs/scale-out.md; refused with
 * citus_is_not_installed where there is no Citus). `migrate: false` leaves the schema as it is,
 * for `tally migrate`, which applies and reports.
 */
export async function openDatabase(settings: DatabaseSettings, options: { migrate: boolean } = { migrate: true }): Promise<Database> {
  const database = settings.databaseUrl
    ? await openPostgresDatabase(settings.databaseUrl)
    : await openPgliteDatabase(settings.dataDirectory === 'memory' ? undefined : resolve(settings.dataDirectory ?? './data'));
  if (!options.migrate) return database;
  try {
    await migrate(database);
    if (settings.distribute) await distributeTables(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
