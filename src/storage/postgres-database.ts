import pg from 'pg';
import { heavyWorkConnectionsMax, transactionAttemptsMax } from '../core/limits.ts';
import type { Database, SqlExecutor, WorkLimits } from './database.ts';
import { DatabaseUnavailableError, isConnectionLoss, isSqlError, retryableSqlStates, WorkAbortedError } from './database.ts';

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => BigInt(value);
    // int8[]: pg's own parser gives strings; money and ids are bigint everywhere else too.
    if (oid === 1016) {
      const getParser = pg.types.getTypeParser as (typeId: number, format: 'text') => (value: string) => (string | null)[];
      const parseTextArray = getParser(oid, 'text');
      return (value: string) => parseTextArray(value).map((item) => (item === null ? null : BigInt(item)));
    }
    if (oid === 1082 || oid === 1700) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Connections per process: enough for concurrent requests, small enough for many processes. */
export const postgresPoolSizeMax = 10;

/** A lost connection becomes DatabaseUnavailableError; any other error is the statement's own. */
function asDatabaseError(error: unknown): unknown {
  return isConnectionLoss(error) ? new DatabaseUnavailableError(error) : error;
}

/**
 * Runs one statement on a checked-out client. When the signal aborts while it runs, PostgreSQL is
 * asked to cancel it (a cancel request on a connection of its own, as psql's Ctrl-C), so the
 * statement stops in the database too, not only in this process.
 */
async function queryOn(client: pg.PoolClient, config: pg.ClientConfig, text: string, values: unknown[] | undefined, signal: AbortSignal | undefined) {
  if (signal?.aborted) throw new WorkAbortedError();
  const cancel = () => {
    const running = (client as unknown as { activeQuery: unknown }).activeQuery;
    if (running) (new pg.Client(config) as unknown as { cancel(target: pg.PoolClient, query: unknown): void }).cancel(client, running);
  };
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    return await client.query({ text, ...(values ? { values } : {}), types: typeParsers });
  } catch (error) {
    if (signal?.aborted) throw new WorkAbortedError();
    throw asDatabaseError(error);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

function executorOn(client: pg.PoolClient, config: pg.ClientConfig, signal: AbortSignal | undefined): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return (await queryOn(client, config, sql, params as unknown[], signal)).rows as Row[];
    },
    async executeScript(sql: string) {
      await queryOn(client, config, sql, undefined, signal);
    },
  };
}

/**
 * Lends a client of the pool to `use`. A checked-out client has no listener of its own: a
 * connection dropped between two statements (or right after a FATAL error) emits 'error', which
 * would end the process. The loss is remembered, the next statement fails, and the client is
 * destroyed rather than handed to the next request; the pool's own listener, attached again on
 * release, absorbs what the dying socket still emits.
 */
async function withClient<T>(pool: pg.Pool, use: (client: pg.PoolClient, isLost: () => boolean) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch((error: unknown) => {
    throw asDatabaseError(error);
  });
  let lost: unknown = null;
  const onLost = (error: unknown) => {
    lost ??= error;
  };
  client.on('error', onLost);
  let broken = false;
  try {
    return await use(client, () => lost !== null);
  } catch (error) {
    // An aborted work's cancel request travels on its own connection and may land after the
    // statement it aimed at: the connection is closed rather than lent to another request whose
    // statement that late cancel would stop.
    broken = lost !== null || isConnectionLoss(error) || error instanceof WorkAbortedError;
    throw error;
  } finally {
    client.removeListener('error', onLost);
    client.release(broken ? new Error('the connection was lost or its work aborted') : undefined);
  }
}

/**
 * The database on one of the two pools, with the limits of the work at hand. Without limits (the
 * command line, migrations) statements are bounded by the server's own settings.
 */
function databaseOnPools(pools: { interactive: pg.Pool; heavy: pg.Pool }, use: 'interactive' | 'heavy', config: pg.ClientConfig, limits: WorkLimits): Database {
  const pool = pools[use];
  const { signal, statementTimeoutMs } = limits;
  // A transaction states its own bound in the same round trip as BEGIN.
  const begin = statementTimeoutMs === undefined ? 'begin' : `begin; set local statement_timeout = ${Math.trunc(statementTimeoutMs)}`;
  return {
    dialect: 'postgres',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      if (!signal && statementTimeoutMs === undefined) {
        try {
          return (await pool.query({ text: sql, values: params as unknown[], types: typeParsers })).rows as Row[];
        } catch (error) {
          throw asDatabaseError(error);
        }
      }
      // Bounded: a transaction of its own carries the bound (SET LOCAL) and can be cancelled.
      return this.transaction((transaction) => transaction.query<Row>(sql, params));
    },
    async executeScript(sql: string) {
      try {
        await pool.query(sql);
      } catch (error) {
        throw asDatabaseError(error);
      }
    },
    async transaction(work) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await withClient(pool, async (client, isLost) => {
            try {
              await queryOn(client, config, begin, undefined, signal);
              const result = await work(executorOn(client, config, signal));
              await queryOn(client, config, 'commit', undefined, signal);
              return result;
            } catch (error) {
              if (!isLost() && !isConnectionLoss(error)) await client.query('rollback').catch(() => {});
              throw error;
            }
          });
        } catch (error) {
          if (isSqlError(error) && retryableSqlStates.has(error.code ?? '') && attempt < transactionAttemptsMax) continue;
          throw asDatabaseError(error);
        }
      }
    },
    forHeavyWork() {
      return databaseOnPools(pools, 'heavy', config, limits);
    },
    withLimits(more) {
      return databaseOnPools(pools, use, config, { ...limits, ...more });
    },
    async close() {
      await Promise.all([pools.interactive.end(), pools.heavy.end()]);
    },
  };
}

export async function openPostgresDatabase(connectionString: string, poolSize = postgresPoolSizeMax): Promise<Database> {
  const config: pg.ClientConfig = { connectionString };
  const pools = {
    interactive: new pg.Pool({ ...config, max: poolSize }),
    // Heavy work's own pool: it waits for one of these, never for an interactive request's.
    heavy: new pg.Pool({ ...config, max: Math.min(poolSize, heavyWorkConnectionsMax) }),
  };
  // A failed idle connection must not crash the process; the pool drops it and the next query
  // gets a fresh one.
  for (const pool of Object.values(pools)) pool.on('error', () => {});
  await pools.interactive.query('select 1').catch(async (error: unknown) => {
    await Promise.all(Object.values(pools).map((pool) => pool.end()));
    throw asDatabaseError(error);
  });
  return databaseOnPools(pools, 'interactive', config, {});
}
