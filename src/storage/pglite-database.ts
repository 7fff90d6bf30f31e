import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import type { Database, SqlExecutor } from './database.ts';

const parsers = {
  [types.INT8]: (value: string) => BigInt(value),
  [types.DATE]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
};

function executorOf(target: PGlite | Transaction): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async executeScript(sql: string) {
      await target.exec(sql);
    },
  };
}

/**
 * The embedded engine: PostgreSQL compiled to WebAssembly, in this process. One connection, so
 * transactions run one at a time; PGlite queues them.
 * `dataDirectory` undefined keeps everything in memory (tests).
 */
export async function openPgliteDatabase(dataDirectory?: string): Promise<Database> {
  if (dataDirectory) mkdirSync(dataDirectory, { recursive: true });
  const pglite = await PGlite.create(dataDirectory, { parsers, serializers: {} });
  const executor = executorOf(pglite);
  return {
    dialect: 'pglite',
    query: executor.query,
    executeScript: executor.executeScript,
    async transaction(work) {
      return pglite.transaction((transaction) => work(executorOf(transaction)));
    },
    async close() {
      await pglite.close();
    },
  };
}
