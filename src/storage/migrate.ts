import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database, SqlExecutor } from './database.ts';

const migrationsDirectory = fileURLToPath(new URL('./migrations/', import.meta.url));
const functionsDirectory = fileURLToPath(new URL('./functions/', import.meta.url));

interface SqlFile {
  readonly name: string;
  readonly sql: string;
}

function readSqlFiles(directory: string, pattern: RegExp): SqlFile[] {
  return readdirSync(directory)
    .filter((file) => pattern.test(file))
    .sort()
    .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(directory + file, 'utf8') }));
}

/** The migrations in order: files named NNNN_name.sql, applied once each, each in a transaction. */
export function listMigrations(): SqlFile[] {
  return readSqlFiles(migrationsDirectory, /^\d{4}_[a-z0-9_]+\.sql$/);
}

/**
 * The functions that triggers call, one file each (`name.sql`, a `create or replace function`):
 * their current bodies. Migrations create tables and triggers; these files say what the triggers
 * do, so the schema reads as a whole and a change of body is a change of one file.
 */
export function listFunctions(): SqlFile[] {
  return readSqlFiles(functionsDirectory, /^[a-z0-9_]+\.sql$/);
}

async function applyFunctions(transaction: SqlExecutor, options: { checkBodies: boolean }): Promise<void> {
  // Before pending migrations a body may name a table or type a later migration creates; the
  // bodies are checked when applied again after them (as pg_dump restores functions).
  await transaction.query(`select set_config('check_function_bodies', $1, true)`, [options.checkBodies ? 'on' : 'off']);
  for (const file of listFunctions()) await transaction.executeScript(file.sql);
  await transaction.query(`select set_config('check_function_bodies', 'on', true)`);
}

/** Whether this database has the Citus extension (its schema changes then follow Citus's rules). */
export async function hasCitus(executor: SqlExecutor): Promise<boolean> {
  const rows = await executor.query(`select 1 from pg_extension where extname = 'citus'`);
  return rows.length === 1;
}

/** The advisory lock that makes concurrent `migrate` (and `--distribute`) runs take turns. */
export const migrationLockKey = 7031970;

/**
 * Brings the schema up to date. An advisory lock makes concurrent starts on one PostgreSQL wait
 * for each other instead of applying a migration twice. Returns the names applied now.
 *
 * The trigger functions (src/storage/functions) are applied before the pending migrations, so
 * that a migration may create a trigger on a function only its file defines, and again after
 * them, with their bodies checked: every migrate leaves the current bodies in place, whatever an
 * earlier migration said (their bodies are history: what the schema was at that version).
 */
export async function migrate(database: Database): Promise<string[]> {
  await database.executeScript(`create table if not exists schema_migration (
    name text primary key, applied_at timestamptz not null default now())`);
  const applied: string[] = [];
  await database.transaction(async (transaction) => {
    await transaction.query('select pg_advisory_xact_lock($1)', [migrationLockKey]);
    // On a distributed database (docs/scale-out.md) triggers on distributed tables are allowed
    // only with this setting: Tally's triggers each touch one organisation, whose rows are
    // colocated on one node.
    if (await hasCitus(transaction)) await transaction.query(`select set_config('citus.enable_unsafe_triggers', 'on', true)`);
    const done = new Set((await transaction.query<{ name: string }>('select name from schema_migration')).map((row) => row.name));
    const pending = listMigrations().filter((migration) => !done.has(migration.name));
    if (pending.length > 0) await applyFunctions(transaction, { checkBodies: false });
    for (const migration of pending) {
      await transaction.executeScript(migration.sql);
      await transaction.query('insert into schema_migration (name) values ($1)', [migration.name]);
      applied.push(migration.name);
    }
    await applyFunctions(transaction, { checkBodies: true });
  });
  return applied;
}
