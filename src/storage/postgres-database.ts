import pg from 'pg';
import { transactionAttemptsMax } from '../core/limits.ts';
import type { Database, SqlExecutor } from './database.ts';
import { isSqlError, retryableSqlStates } from './database.ts';

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

function executorOf(client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query({ text: sql, values: params as unknown[], types: typeParsers });
      return result.rows as Row[];
    },
    async executeScript(sql: string) {
      await client.query(sql);
    },
  };
}

export async function openPostgresDatabase(connectionString: string, poolSize = postgresPoolSizeMax): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // A failed idle connection must not crash the process; the next query gets a fresh one.
  pool.on('error', () => {});
  await pool.query('select 1');
  const executor = executorOf(pool);
  return {
    dialect: 'postgres',
    query: executor.query,
    executeScript: executor.executeScript,
    async transaction(work) {
      for (let attempt = 1; ; attempt += 1) {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const result = await work(executorOf(client));
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback').catch(() => {});
          if (isSqlError(error) && retryableSqlStates.has(error.code ?? '') && attempt < transactionAttemptsMax) continue;
          throw error;
        } finally {
          client.release();
        }
      }
    },
    async close() {
      await pool.end();
    },
  };
}
