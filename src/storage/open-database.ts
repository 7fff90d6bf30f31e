import { resolve } from 'node:path';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPgliteDatabase } from './pglite-database.ts';
import { openPostgresDatabase } from './postgres-database.ts';

export interface DatabaseSettings {
  /** PostgreSQL connection string; when absent the embedded PGlite is used. */
  readonly databaseUrl?: string | undefined;
  /** PGlite's data folder; `memory` keeps it in memory. */
  readonly dataDirectory?: string | undefined;
}

/** Reads DATABASE_URL and TALLY_DATA the same way for every entry point. */
export function databaseSettingsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  return { databaseUrl: environment.DATABASE_URL || undefined, dataDirectory: environment.TALLY_DATA || './data' };
}

/**
 * Opens the configured engine and brings its schema up to date (migrations run on first use).
 * `migrate: false` leaves the schema as it is, for `tally migrate`, which applies and reports.
 */
export async function openDatabase(settings: DatabaseSettings, options: { migrate: boolean } = { migrate: true }): Promise<Database> {
  const database = settings.databaseUrl
    ? await openPostgresDatabase(settings.databaseUrl)
    : await openPgliteDatabase(settings.dataDirectory === 'memory' ? undefined : resolve(settings.dataDirectory ?? './data'));
  if (!options.migrate) return database;
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
