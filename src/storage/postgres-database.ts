import pg from 'pg';
import { transactionAttemptsMax } from '../core/limits.ts';
import type { Database, SqlExecutor } from './database.ts';
import { DatabaseUnavailableError, isConnectionLoss, isSqlError, retryableSqlStates } from './database.ts';

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

function executorOf(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      try {
        const result = await client.query({ text: sql, values: params as unknown[], types: typeParsers });
        return result.rows as Row[];
      } catch (error) {
        throw asDatabaseError(error);
      }
    },
    async executeScript(sql: string) {
      try {
        await client.query(sql);
      } catch (error) {
        throw asDatabaseError(error);
      }
    },
  };
}

export async function openPostgresDatabase(connectionString: string, poolSize = postgresPoolSizeMax): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // A failed idle connection must not crash the process; the pool drops it and the next query
  // gets a fresh one.
  pool.on('error', () => {});
  await pool.query('select 1').catch((error: unknown) => {
    throw asDatabaseError(error);
  });
  const executor = executorOf(pool);
  return {
    dialect: 'postgres',
    query: executor.query,
    executeScript: executor.executeScript,
    async transaction(work) {
      for (let attempt = 1; ; attempt += 1) {
        const client = await pool.connect().catch((error: unknown) => {
          throw asDatabaseError(error);
        });
        // A checked-out client has no listener of its own: a connection dropped between two
        // statements (or right after a FATAL error) emits 'error', which would end the process.
        // The loss is remembered, the work's next statement fails, and the client is destroyed.
        let lost: unknown = null;
        const onLost = (error: unknown) => {
          lost ??= error;
        };
        client.on('error', onLost);
        let broken = false;
        try {
          await client.query('begin');
          const result = await work(executorOf(client));
          await client.query('commit');
          return result;
        } catch (error) {
          broken = lost !== null || isConnectionLoss(error);
          if (!broken) await client.query('rollback').catch(() => {});
          if (isSqlError(error) && retryableSqlStates.has(error.code ?? '') && attempt < transactionAttemptsMax) continue;
          throw asDatabaseError(error);
        } finally {
          client.removeListener('error', onLost);
          // A broken connection is destroyed rather than handed to the next request; the pool's
          // own listener, attached again on release, absorbs what the dying socket still emits.
          client.release(broken ? new Error('the connection was lost') : undefined);
        }
      }
    },
    async close() {
      await pool.end();
    },
  };
}
