/**
 * The storage port. Everything above storage/ talks to a Database; one adapter per engine
 * (PGlite embedded, PostgreSQL over the network) implements it. SQL is written once, in the
 * PostgreSQL dialect both engines speak.
 *
 * Type mapping is the same on both: int8 -> bigint, date -> 'YYYY-MM-DD' text, numeric -> text,
 * timestamptz -> Date.
 */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  executeScript(sql: string): Promise<void>;
}

export type DatabaseDialect = 'pglite' | 'postgres';

export interface Database extends SqlExecutor {
  readonly dialect: DatabaseDialect;
  /**
   * Runs `work` in one transaction; commits if it returns, rolls back if it throws. Deadlocks and
   * serialization failures are retried a bounded number of times, so `work` must be repeatable.
   */
  transaction<T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * The same database for heavy work (runs, previews, imports, exports, downloads): on PostgreSQL
   * its own small pool (`heavyWorkConnectionsMax`), so heavy work never takes the connections
   * interactive requests need; on PGlite, with its one connection, the same database.
   */
  forHeavyWork(): Database;
  /**
   * The same database with the bounds of one piece of work: each statement's time
   * (`SET LOCAL statement_timeout` in each transaction on PostgreSQL) and a signal that, when it
   * aborts (the client went away), cancels the statement running and refuses the next, so the
   * transaction rolls back.
   */
  withLimits(limits: WorkLimits): Database;
  close(): Promise<void>;
}

export interface WorkLimits {
  readonly statementTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The work was stopped because its client went away (the request's socket closed). */
export class WorkAbortedError extends Error {
  override readonly name = 'WorkAbortedError';
  constructor() {
    super('the work was stopped: its client went away');
  }
}

/** A statement ran past its statement_timeout (SQLSTATE 57014, "due to statement timeout"). */
export function isStatementTimeout(error: unknown): boolean {
  return isSqlError(error) && error.code === '57014' && /statement timeout/.test(error.message);
}

/** Rolls a transaction back on purpose (a dry run) while returning what it computed. */
export class RollbackWithResult<T> extends Error {
  override readonly name = 'RollbackWithResult';
  constructor(readonly result: T) {
    super('rolled back on purpose');
  }
}

/** PostgreSQL error codes the adapters retry: the whole transaction may succeed if run again. */
export const retryableSqlStates = new Set(['40001', '40P01']);

export interface SqlError {
  readonly code?: string;
  readonly constraint?: string;
  readonly message: string;
}

export function isSqlError(error: unknown): error is SqlError {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** Runs `work` in a transaction that is always rolled back, returning what it computed (dry runs). */
export async function transactionRolledBack<T>(database: Database, work: (transaction: SqlExecutor) => Promise<T>): Promise<T> {
  try {
    await database.transaction(async (transaction) => {
      throw new RollbackWithResult(await work(transaction));
    });
  } catch (error) {
    if (error instanceof RollbackWithResult) return error.result as T;
    throw error;
  }
  throw new Error('unreachable: the dry-run transaction always throws');
}

/**
 * The database cannot be reached or dropped the connection (a restart, a failover, an
 * administrator's pg_terminate_backend). The work may or may not have committed if the loss came
 * during COMMIT; the caller is told to retry later (HTTP 503 database_unavailable), and the
 * process lives on: the pool replaces the broken connection.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(override readonly cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * SQLSTATEs and socket errors that mean the connection, not the statement, failed: class 08
 * (connection exception), 57P01-57P03 (the server shut down, crashed, or is starting), 53300 (no
 * connection slot), and the network errors Node reports.
 */
const connectionLossSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);
const connectionLossSocketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** node-postgres reports a closed socket by message only. */
const connectionLossMessages = [/^Connection terminated/, /not queryable/, /timeout exceeded when trying to connect/, /^Connection ended/];

export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || connectionLossSqlStates.has(code) || connectionLossSocketCodes.has(code))) return true;
  return connectionLossMessages.some((pattern) => pattern.test(error.message));
}
