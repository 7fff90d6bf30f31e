import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const migrationsDirectory = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The migrations in order: files named NNNN_name.sql, applied once each, each in a transaction. */
export function listMigrations(): { name: string; sql: string }[] {
  return readdirSync(migrationsDirectory)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(migrationsDirectory + file, 'utf8') }));
}

/**
 * Brings the schema up to date. An advisory lock makes concurrent starts on one PostgreSQL wait
 * for each other instead of applying a migration twice. Returns the names applied now.
 */
export async function migrate(database: Database): Promise<string[]> {
  await database.executeScript(`create table if not exists schema_migration (
    name text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  await database.transaction(async (transaction) => {
    await transaction.query(`select pg_advisory_xact_lock(7031970)`);
    const done = new Set((await transaction.query<{ name: string }>('select name from schema_migration')).map((row) => row.name));
    for (const migration of listMigrations()) {
      if (done.has(migration.name)) continue;
      await transaction.executeScript(migration.sql);
      await transaction.query('insert into schema_migration (name) values ($1)', [migration.name]);
      applied.push(migration.name);
    }
  });
  return applied;
}
