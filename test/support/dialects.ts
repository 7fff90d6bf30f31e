import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/storage/database.ts';
import { distributeTables } from '../../src/storage/distribute.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { openPgliteDatabase } from '../../src/storage/pglite-database.ts';
import { openPostgresDatabase } from '../../src/storage/postgres-database.ts';

/** A database under test, with the way to remove it afterwards. */
export interface TestDatabase {
  readonly database: Database;
  drop(): Promise<void>;
}

export type DialectName = 'pglite' | 'postgres' | 'citus';

export interface Dialect {
  readonly name: DialectName;
  /** A new database with the whole schema, or with no schema at all (`{ schema: false }`). */
  open(options?: { schema: boolean }): Promise<TestDatabase>;
}

/** A database on a server (PostgreSQL or a Citus cluster), reachable by URL from other processes too. */
export interface ServerDialect {
  readonly name: 'postgres' | 'citus';
  readonly serverUrl: string;
  open(poolSize?: number, options?: { schema: boolean }): Promise<TestDatabase & { url: string }>;
}

function withDatabaseName(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a PostgreSQL database with a random name on the server of TEST_DATABASE_URL. */
export async function createPostgresTestDatabase(serverUrl: string, poolSize?: number, options = { schema: true }): Promise<TestDatabase & { url: string }> {
  const name = `tally_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, (admin) => admin.query(`create database ${name}`));
  const url = withDatabaseName(serverUrl, name);
  const database = await openPostgresDatabase(url, poolSize);
  if (options.schema) await migrate(database);
  return {
    database,
    url,
    async drop() {
      await database.close();
      await onServer(serverUrl, (cleaner) => cleaner.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** The workers of the Citus cluster whose coordinator's maintenance database is `serverUrl` (its pg_dist_node). */
async function citusWorkerUrls(serverUrl: string): Promise<string[]> {
  const workers = await onServer(serverUrl, async (admin) => (await admin.query<{ nodename: string; nodeport: number }>(
    `select nodename, nodeport from pg_dist_node where groupid <> 0 and noderole = 'primary' and isactive order by nodeid`)).rows);
  if (workers.length === 0) throw new Error(`TEST_CITUS_URL names ${new URL(serverUrl).host}, whose pg_dist_node lists no worker`);
  return workers.map((worker) => {
    const url = new URL(serverUrl);
    url.hostname = worker.nodename;
    url.port = String(worker.nodeport);
    return url.toString();
  });
}

/** The advisory lock (on the coordinator's maintenance database) under which test processes add a database's workers. */
const citusAddNodeLockKey = 2026113011;

/**
 * Makes database `name` of the coordinator a Citus coordinator, as an operator does (docs/scale-out.md):
 * the same database with the citus extension on every worker, then the extension in it and its
 * workers added. Returns how to drop the workers' copies.
 */
export async function addCitusWorkers(serverUrl: string, name: string): Promise<{ dropWorkerDatabases(): Promise<void> }> {
  const workerUrls = await citusWorkerUrls(serverUrl);
  for (const workerUrl of workerUrls) {
    await onServer(workerUrl, (admin) => admin.query(`create database ${name}`));
    await onServer(withDatabaseName(workerUrl, name), (client) => client.query('create extension citus'));
  }
  const coordinator = new URL(serverUrl);
  // Adding a node copies the cluster-wide roles to it (ALTER ROLE on the worker): two test files
  // adding nodes at the same moment collide there ("tuple concurrently updated"), so they take turns
  // by a lock held on the coordinator's maintenance database, which every test process shares.
  await onServer(serverUrl, async (turn) => {
    await turn.query('select pg_advisory_lock($1)', [citusAddNodeLockKey]);
    try {
      await onServer(withDatabaseName(serverUrl, name), async (client) => {
        await client.query('create extension citus');
        await client.query('select citus_set_coordinator_host($1, $2)', [coordinator.hostname, Number(coordinator.port || 5432)]);
        for (const workerUrl of workerUrls) {
          const worker = new URL(workerUrl);
          await client.query('select citus_add_node($1, $2)', [worker.hostname, Number(worker.port || 5432)]);
        }
      });
    } finally {
      await turn.query('select pg_advisory_unlock($1)', [citusAddNodeLockKey]);
    }
  });
  return {
    async dropWorkerDatabases() {
      for (const workerUrl of workerUrls) await onServer(workerUrl, (cleaner) => cleaner.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/**
 * Creates a database with a random name on the Citus cluster of TEST_CITUS_URL (its coordinator's
 * maintenance database, whose pg_dist_node lists the workers): the database and the citus
 * extension on every node, the workers added to its metadata, then the schema migrated and
 * distributed exactly as `tally migrate --distribute` does.
 */
export async function createCitusTestDatabase(serverUrl: string, poolSize?: number, options = { schema: true }): Promise<TestDatabase & { url: string }> {
  const test = await createPostgresTestDatabase(serverUrl, poolSize, { schema: false });
  const workers = await addCitusWorkers(serverUrl, new URL(test.url).pathname.slice(1));
  if (options.schema) {
    await migrate(test.database);
    await distributeTables(test.database);
  }
  return {
    ...test,
    async drop() {
      await test.drop();
      await workers.dropWorkerDatabases();
    },
  };
}

const postgresUrl = process.env.TEST_DATABASE_URL;
const citusUrl = process.env.TEST_CITUS_URL;
/** TEST_DIALECTS=citus (a comma-separated list) runs only those of the engines available. */
const chosen = process.env.TEST_DIALECTS ? new Set(process.env.TEST_DIALECTS.split(',').map((name) => name.trim())) : null;
const isChosen = (name: DialectName) => chosen === null || chosen.has(name);

/**
 * The servers of this run: PostgreSQL when TEST_DATABASE_URL names one (CI sets it), a Citus
 * cluster when TEST_CITUS_URL names its coordinator (docs/scale-out.md; CI has none).
 */
export const serverDialects: readonly ServerDialect[] = [
  ...(postgresUrl && isChosen('postgres') ? [{ name: 'postgres' as const, serverUrl: postgresUrl, open: (poolSize?: number, options?: { schema: boolean }) => createPostgresTestDatabase(postgresUrl, poolSize, options) }] : []),
  ...(citusUrl && isChosen('citus') ? [{ name: 'citus' as const, serverUrl: citusUrl, open: (poolSize?: number, options?: { schema: boolean }) => createCitusTestDatabase(citusUrl, poolSize, options) }] : []),
];

if (!citusUrl) console.log('Citus: no TEST_CITUS_URL, so the tests on a Citus cluster are skipped (docs/scale-out.md says how to run them)');

/**
 * The engines every integration test runs against: PGlite always, then each server of
 * `serverDialects`. Tests loop over this list, Kysely-style.
 */
export const dialects: readonly Dialect[] = [
  ...(isChosen('pglite')
    ? [{
        name: 'pglite' as const,
        async open(options = { schema: true }) {
          const database = await openPgliteDatabase();
          if (options.schema) await migrate(database);
          return { database, drop: () => database.close() };
        },
      }]
    : []),
  ...serverDialects.map((server) => ({ name: server.name, open: (options?: { schema: boolean }) => server.open(undefined, options) })),
];

export const postgresServerUrl = postgresUrl;
