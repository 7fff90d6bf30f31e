import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { lockDataDirectory, type DataDirectoryLock } from './data-directory-lock.ts';
import { WorkAbortedError, type Database, type SqlExecutor, type WorkLimits } from './database.ts';

const parsers = {
  [types.INT8]: (value: string) => BigInt(value),
  [types.DATE]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
};

function executorOf(target: PGlite | Transaction, signal?: AbortSignal): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      if (signal?.aborted) throw new WorkAbortedError();
      const result = await target.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async executeScript(sql: string) {
      if (signal?.aborted) throw new WorkAbortedError();
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
  let lock: DataDirectoryLock | null = null;
  if (dataDirectory) {
    mkdirSync(dataDirectory, { recursive: true });
    lock = lockDataDirectory(dataDirectory);
  }
  try {
    const pglite = await PGlite.create(dataDirectory, { parsers, serializers: {} });
    return pgliteDatabaseWith(pglite, {}, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/**
 * PGlite runs each statement to its end on this thread: the event loop, and so a client's
 * disconnection, is not seen until it returns, and `statement_timeout` has no timer to fire in
 * WebAssembly. A signal is therefore checked before each statement (an abandoned request stops at
 * the next one and rolls back); the statement bound does not apply (docs/security.md).
 */
function pgliteDatabaseWith(pglite: PGlite, limits: WorkLimits, lock: DataDirectoryLock | null = null): Database {
  const { signal } = limits;
  const executor = executorOf(pglite, signal);
  return {
    dialect: 'pglite',
    query: executor.query,
    executeScript: executor.executeScript,
    async transaction(work) {
      if (signal?.aborted) throw new WorkAbortedError();
      return pglite.transaction((transaction) => work(executorOf(transaction, signal)));
    },
    forHeavyWork() {
      return this;
    },
    withLimits(more) {
      return pgliteDatabaseWith(pglite, { ...limits, ...more }, lock);
    },
    async close() {
      await pglite.close();
      lock?.release();
    },
  };
}
