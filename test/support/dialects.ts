import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { openPgliteDatabase } from '../../src/storage/pglite-database.ts';
import { openPostgresDatabase } from '../../src/storage/postgres-database.ts';

/** A database under test, with the way to remove it afterwards. */
export interface TestDatabase {
  readonly database: Database;
  drop(): Promise<void>;
}

export interface Dialect {
  readonly name: 'pglite' | 'postgres';
  /** A new database with the whole schema, or with no schema at all (`{ schema: false }`). */
  open(options?: { schema: boolean }): Promise<TestDatabase>;
}

/** Creates a PostgreSQL database with a random name on the server of TEST_DATABASE_URL. */
export async function createPostgresTestDatabase(serverUrl: string, poolSize?: number, options = { schema: true }): Promise<TestDatabase & { url: string }> {
  const name = `tally_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openPostgresDatabase(url.toString(), poolSize);
  if (options.schema) await migrate(database);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const cleaner = new pg.Client({ connectionString: serverUrl });
      await cleaner.connect();
      await cleaner.query(`drop database if exists ${name} with (force)`);
      await cleaner.end();
    },
  };
}

const serverUrl = process.env.TEST_DATABASE_URL;

/**
 * The engines every integration test runs against: PGlite always, PostgreSQL when
 * TEST_DATABASE_URL names a server (CI sets it). Tests loop over this list, Kysely-style.
 */
export const dialects: readonly Dialect[] = [
  {
    name: 'pglite',
    async open(options = { schema: true }) {
      const database = await openPgliteDatabase();
      if (options.schema) await migrate(database);
      return { database, drop: () => database.close() };
    },
  },
  ...(serverUrl ? [{ name: 'postgres' as const, open: (options?: { schema: boolean }) => createPostgresTestDatabase(serverUrl, undefined, options) }] : []),
];

export const postgresServerUrl = serverUrl;
