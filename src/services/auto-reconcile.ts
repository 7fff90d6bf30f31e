import type { ReconciliationStrategy } from '../core/document-kinds.ts';
import { runAccountIdsMax, runBatchAccountsMax, runBatchesConcurrentMax, runSummaryAccountsListedMax, transactionAttemptsMax } from '../core/limits.ts';
import { explainOpen, type OpenReason } from '../core/open-explanation.ts';
import { refuse, type Outcome } from '../core/outcome.ts';
import { removeAllocations } from '../storage/allocation-writer.ts';
import { reconcileBatchSettingsSql, reconcileBatchSql, type ReconcileBatchRow } from '../storage/auto-reconcile-sql.ts';
import { transactionRolledBack, type SqlExecutor } from '../storage/database.ts';
import { violatedInvariant, type DatabaseInvariant } from '../storage/database-invariants.ts';
import { assert } from '../core/assert.ts';
import type { AllocationPass, RunStatus } from '../core/run-vocabulary.ts';
import { insertRunRow, markRunFailed, runAccountsPage, runAllocationsPage, runRecordOfNumber, runRecordsPage, runRowIdOfNumber, type RunRecord } from '../storage/run-sql.ts';
import { accountFilterSql, type AccountFilter } from '../storage/account-list-sql.ts';
import { outcomeOf, type TallyContext } from './context.ts';

export type RunScope =
  | { readonly kind: 'account'; readonly accountId: string }
  | { readonly kind: 'accounts'; readonly accountIds: readonly string[] }
  /** Every account matching a filter of the accounts list, across all its pages ("select all N matching"). */
  | { readonly kind: 'filter'; readonly filter: AccountFilter }
  | { readonly kind: 'all' };

export interface RunOptions {
  readonly strategy: ReconciliationStrategy;
  readonly dryRun: boolean;
  /** Called after each batch with the accounts done so far. */
  readonly onProgress?: (accountsDone: number, accountsTotal: number) => void;
}

export interface AccountLeftOpen {
  readonly accountId: string;
  readonly reason: Exclude<OpenReason, 'in_agreement'>;
  readonly openCreditMinor: bigint;
  readonly openDebitMinor: bigint;
}

export interface RunSummary {
  /** The run's number within the organisation; null for a dry run: nothing was written, so there is no run to undo. */
  readonly runId: bigint | null;
  readonly dryRun: boolean;
  readonly strategy: ReconciliationStrategy;
  readonly accountsTotal: number;
  readonly allocationsCount: number;
  readonly allocatedMinor: bigint;
  readonly allocationsByPass: { readonly referencedDebit: number; readonly referencedInvoice: number; readonly oldestFirst: number };
  readonly accountsLeftOpen: Readonly<Record<Exclude<OpenReason, 'in_agreement'>, number>>;
  /** The first accounts left open, with why (at most runSummaryAccountsListedMax). */
  readonly accountsLeftOpenListed: readonly AccountLeftOpen[];
  /** A dry run's allocations, as they would be written (at most dryRunAllocationsListedMax of them). */
  readonly plannedAllocations?: readonly RunAllocation[];
  /** A dry run's accounts that would get allocations, by owner name (at most dryRunAllocationsListedMax). */
  readonly plannedAccounts?: readonly RunAccount[];
  /** How many accounts a dry run would allocate in (all of them, listed or not). */
  readonly plannedAccountsCount?: number;
}

/** One allocation of a run or preview, with its account and the pass that made it. */
export interface RunAllocation {
  readonly accountId: string;
  readonly ownerName: string;
  readonly creditId: string;
  readonly creditKind: string;
  readonly debitId: string;
  readonly debitKind: string;
  readonly amountMinor: bigint;
  readonly pass: AllocationPass;
  /** Removed since (by the run's undo or by hand). */
  readonly removed: boolean;
}

/** An account a run or preview allocated in, with how much. */
export interface RunAccount {
  readonly accountId: string;
  readonly ownerName: string;
  readonly allocationsCount: number;
  readonly allocatedMinor: bigint;
}

/** Allocations listed by a dry run; a larger preview is summarised by its counts only. */
export const dryRunAllocationsListedMax = 10_000;

interface BatchResult {
  referencedDebit: number;
  referencedInvoice: number;
  oldestFirst: number;
  allocatedMinor: bigint;
  accountsLeftOpen: Record<AccountLeftOpen['reason'], number>;
  /** The batch's first accounts left open, by account id (at most runSummaryAccountsListedMax). */
  leftOpenListed: AccountLeftOpen[];
}

/**
 * The accounts a batch left open, as the batch statement lists them and as a batch's record keeps
 * them (JSON, amounts as decimal strings), with the reason each is open.
 */
function leftOpenListedOf(accountsListed: string): AccountLeftOpen[] {
  const listed = JSON.parse(accountsListed) as { accountId: string; openCreditMinor: string; openDebitMinor: string }[];
  return listed.map((account) => {
    const openCreditMinor = BigInt(account.openCreditMinor);
    const openDebitMinor = BigInt(account.openDebitMinor);
    return { accountId: account.accountId, reason: explainOpen(openCreditMinor, openDebitMinor) as AccountLeftOpen['reason'], openCreditMinor, openDebitMinor };
  });
}

async function reconcileBatch(transaction: SqlExecutor, context: TallyContext, runId: bigint, accountIds: readonly bigint[], strategy: ReconciliationStrategy): Promise<BatchResult> {
  await transaction.executeScript(reconcileBatchSettingsSql);
  const [row] = await transaction.query<ReconcileBatchRow>(reconcileBatchSql[strategy], [
    context.organisation.id, accountIds, runId, context.actor, runSummaryAccountsListedMax,
  ]);
  return {
    referencedDebit: Number(row!.referenced_debit_count),
    referencedInvoice: Number(row!.referenced_invoice_count),
    oldestFirst: Number(row!.oldest_first_count),
    allocatedMinor: BigInt(row!.referenced_debit_minor) + BigInt(row!.referenced_invoice_minor) + BigInt(row!.oldest_first_minor),
    accountsLeftOpen: {
      credit_on_account: Number(row!.credit_on_account_count),
      balance_owing: Number(row!.balance_owing_count),
      unreconciled: Number(row!.unreconciled_count),
    },
    leftOpenListed: leftOpenListedOf(row!.accounts_listed),
  };
}

/** Resolves the scope to internal account ids, refusing unknown ids by their position. */
async function resolveScope(executor: SqlExecutor, context: TallyContext, scope: RunScope): Promise<bigint[] | 'all'> {
  if (scope.kind === 'all') return 'all';
  if (scope.kind === 'filter') {
    const { condition, params } = accountFilterSql(scope.filter, 2);
    const rows = await executor.query<{ id: bigint }>(`select a.id from account a where a.org_id = $1 and ${condition} order by a.id`, [context.organisation.id, ...params]);
    return rows.map((row) => row.id);
  }
  const externalIds = scope.kind === 'account' ? [scope.accountId] : [...scope.accountIds];
  if (externalIds.length === 0) refuse('field_is_required', 'Name at least one account', { path: 'accounts' });
  if (externalIds.length > runAccountIdsMax) refuse('too_many_items', `At most ${runAccountIdsMax} accounts by id; use all accounts instead`, { path: 'accounts', values: { maximum: String(runAccountIdsMax) } });
  const rows = await executor.query<{ external_id: string; id: bigint }>(
    'select external_id, id from account where org_id = $1 and external_id = any($2::text[])',
    [context.organisation.id, externalIds],
  );
  const ids = new Map(rows.map((row) => [row.external_id, row.id]));
  for (const [index, externalId] of externalIds.entries()) {
    if (!ids.has(externalId)) refuse('account_not_found', `No account has the id ${externalId}`, { path: scope.kind === 'account' ? 'account' : `accounts[${index}]`, values: { id: externalId } });
  }
  return [...new Set(ids.values())];
}

/** A finished batch's account range: a resumed run skips accounts inside one. */
interface AccountRange {
  readonly first: bigint;
  readonly last: bigint;
}

/**
 * Yields the scope's accounts in batches by ascending id, so a run's order is deterministic,
 * leaving out accounts inside ranges a previous attempt of the run already finished.
 */
async function* accountBatches(executor: SqlExecutor, organisationId: bigint, runId: bigint, scope: bigint[] | 'all', finished: readonly AccountRange[], batchAccounts = runBatchAccountsMax): AsyncGenerator<bigint[]> {
  assert(Number.isInteger(batchAccounts) && batchAccounts >= 1 && batchAccounts <= runBatchAccountsMax, 'batch size is 1 to runBatchAccountsMax');
  if (scope !== 'all') {
    const sorted = [...scope].filter((id) => !finished.some((range) => id >= range.first && id <= range.last)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let start = 0; start < sorted.length; start += batchAccounts) yield sorted.slice(start, start + batchAccounts);
    return;
  }
  let after = 0n;
  for (;;) {
    const rows = await executor.query<{ id: bigint }>(
      `select a.id from account a where a.org_id = $1 and a.id > $2
         and not exists (select 1 from reconciliation_run_batch b where b.org_id = a.org_id and b.run_id = $4 and a.id between b.first_account_id and b.last_account_id)
       order by a.id limit $3`,
      [organisationId, after, batchAccounts, runId],
    );
    if (rows.length === 0) return;
    yield rows.map((row) => row.id);
    after = rows[rows.length - 1]!.id;
  }
}

async function countAccounts(executor: SqlExecutor, organisationId: bigint, scope: bigint[] | 'all'): Promise<number> {
  if (scope !== 'all') return scope.length;
  const [row] = await executor.query<{ count: bigint }>('select count(*) as count from account where org_id = $1', [organisationId]);
  return Number(row!.count);
}

function summarise(runId: bigint | null, dryRun: boolean, strategy: ReconciliationStrategy, accountsTotal: number, batches: readonly BatchResult[]): RunSummary {
  const countOf = (reason: AccountLeftOpen['reason']) => batches.reduce((total, batch) => total + batch.accountsLeftOpen[reason], 0);
  const byPass = {
    referencedDebit: batches.reduce((total, batch) => total + batch.referencedDebit, 0),
    referencedInvoice: batches.reduce((total, batch) => total + batch.referencedInvoice, 0),
    oldestFirst: batches.reduce((total, batch) => total + batch.oldestFirst, 0),
  };
  return {
    runId,
    dryRun,
    strategy,
    accountsTotal,
    allocationsCount: byPass.referencedDebit + byPass.referencedInvoice + byPass.oldestFirst,
    allocatedMinor: batches.reduce((total, batch) => total + batch.allocatedMinor, 0n),
    allocationsByPass: byPass,
    accountsLeftOpen: { credit_on_account: countOf('credit_on_account'), balance_owing: countOf('balance_owing'), unreconciled: countOf('unreconciled') },
    accountsLeftOpenListed: batches.flatMap((batch) => batch.leftOpenListed).slice(0, runSummaryAccountsListedMax),
  };
}

/** A real run takes the organisation's next number; a preview's run row takes none (it is rolled back). */
async function insertRun(executor: SqlExecutor, context: TallyContext, scope: RunScope, accountIds: bigint[] | 'all', strategy: ReconciliationStrategy, accountsTotal: number, status: 'queued' | 'running', numbered: boolean): Promise<{ id: bigint; number: bigint | null }> {
  return insertRunRow(executor, {
    organisationId: context.organisation.id, scope: scope.kind, accountIds: accountIds === 'all' ? null : accountIds, strategy, actor: context.actor, status, accountsTotal, numbered,
  });
}

function runAllocationOf(record: Awaited<ReturnType<typeof runAllocationsPage>>['allocations'][number]): RunAllocation {
  return {
    accountId: record.account_id, ownerName: record.owner_name, creditId: record.receipt_id, creditKind: record.receipt_kind, debitId: record.target_id,
    debitKind: record.target_kind, amountMinor: record.amount_minor, pass: record.pass, removed: record.removed,
  };
}

function runAccountOf(record: Awaited<ReturnType<typeof runAccountsPage>>['accounts'][number]): RunAccount {
  return { accountId: record.account_id, ownerName: record.owner_name, allocationsCount: Number(record.allocations_count), allocatedMinor: record.allocated_minor };
}

/** Checks that reconciliation is on and resolves the scope; shared by immediate and queued runs. */
async function prepareRun(context: TallyContext, scope: RunScope): Promise<{ accountIds: bigint[] | 'all'; accountsTotal: number }> {
  if (!context.organisation.reconciliationEnabled) refuse('reconciliation_disabled', 'Reconciliation is turned off for this organisation');
  const accountIds = await resolveScope(context.database, context, scope);
  return { accountIds, accountsTotal: await countAccounts(context.database, context.organisation.id, accountIds) };
}

/** A dry run: the identical batches inside one transaction that is rolled back. */
async function previewRun(context: TallyContext, scope: RunScope, options: RunOptions): Promise<RunSummary> {
  const { database, organisation } = context;
  const { accountIds, accountsTotal } = await prepareRun(context, scope);
  return transactionRolledBack(database, async (transaction) => {
    const { id: runRowId } = await insertRun(transaction, context, scope, accountIds, options.strategy, accountsTotal, 'running', false);
    const batches: BatchResult[] = [];
    let accountsDone = 0;
    for await (const batch of accountBatches(transaction, organisation.id, runRowId, accountIds, [])) {
      batches.push(await reconcileBatch(transaction, context, runRowId, batch, options.strategy));
      accountsDone += batch.length;
      options.onProgress?.(accountsDone, accountsTotal);
    }
    const listed = { page: 1, pageSize: dryRunAllocationsListedMax };
    const planned = await runAllocationsPage(transaction, organisation.id, runRowId, listed);
    const accounts = await runAccountsPage(transaction, organisation.id, runRowId, listed);
    return {
      ...summarise(null, true, options.strategy, accountsTotal, batches),
      plannedAllocations: planned.allocations.map(runAllocationOf),
      plannedAccounts: accounts.accounts.map(runAccountOf),
      plannedAccountsCount: accounts.total,
    };
  });
}

/** What executing a run may ask of whoever runs it: a background job's lease, shutdown, progress. */
export interface RunControl {
  /** Inside each batch's transaction; a lost lease rolls the batch back and stops the run. */
  holdsLease?(transaction: SqlExecutor): Promise<{ held: boolean; cancelRequested: boolean }>;
  /** True when the process is shutting down: stop after the current batch. */
  stopping?(): boolean;
  /** Accounts per batch (1 to runBatchAccountsMax); smaller batches report progress more often. */
  batchAccounts?: number;
  onProgress?(accountsDone: number, accountsTotal: number): void;
}

/**
 * How executing a run ended: 'stopped' means it may go on later (shutdown, lost lease); the others
 * are the run's end, also when it had already ended before (a job claimed again after its run ended).
 */
export type RunExecution = { readonly result: 'completed'; readonly summary: RunSummary } | { readonly result: 'cancelled' | 'failed' | 'stopped' };

/** What a job does when it finds its run already ended: it ends the same way. */
const endedRunResults: Readonly<Record<string, 'completed' | 'cancelled' | 'failed'>> = { completed: 'completed', cancelled: 'cancelled', failed: 'failed', undone: 'completed' };

class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

/** Thrown inside a batch's transaction to roll it back when the run was cancelled. */
class CancelRequested extends Error {
  override readonly name = 'CancelRequested';
}

/** Database refusals that mean a concurrent change won the race; the batch is run again on fresh data. */
const concurrentChangeInvariants: ReadonlySet<DatabaseInvariant | null> = new Set(['allocatedWithinAmount', 'voidHasNoAllocation']);

function batchResultOf(row: { accounts_count: number; referenced_debit_count: bigint; referenced_invoice_count: bigint; oldest_first_count: bigint; allocated_minor: string; credit_on_account_count: number; balance_owing_count: number; unreconciled_count: number; accounts_listed: string }): BatchResult {
  return {
    referencedDebit: Number(row.referenced_debit_count),
    referencedInvoice: Number(row.referenced_invoice_count),
    oldestFirst: Number(row.oldest_first_count),
    allocatedMinor: BigInt(row.allocated_minor),
    accountsLeftOpen: { credit_on_account: Number(row.credit_on_account_count), balance_owing: Number(row.balance_owing_count), unreconciled: Number(row.unreconciled_count) },
    leftOpenListed: leftOpenListedOf(row.accounts_listed),
  };
}

/**
 * Executes (or resumes) a run, batch by batch. Each batch is one transaction holding its
 * allocations, a record of the batch (its account range and counts) and the run's progress, so a
 * batch either happened whole or not at all; a resumed run skips finished ranges. Under a job the
 * batch also renews the job's lease and commits only while the lease is held.
 */
export async function executeRun(context: TallyContext, runId: bigint, control: RunControl = {}): Promise<RunExecution> {
  // `runId` here is the run row's key (the job's run), not the number people see.
  const { database, organisation } = context;
  const [run] = await database.query<{ status: string; strategy: ReconciliationStrategy; account_ids: bigint[] | null; accounts_total: number; accounts_done: number }>(
    'select status, strategy, account_ids, accounts_total, accounts_done from reconciliation_run where org_id = $1 and id = $2',
    [organisation.id, runId],
  );
  assert(run, 'a run is executed after it was created');
  if (run.status !== 'queued' && run.status !== 'running') {
    const ended = endedRunResults[run.status] ?? 'failed';
    return ended === 'completed' ? { result: 'completed', summary: await runSummary(context, runId) } : { result: ended };
  }
  await database.query(`update reconciliation_run set status = 'running', retry_at = null where org_id = $1 and id = $2 and status = 'queued'`, [organisation.id, runId]);
  const finished = await database.query<{ first_account_id: bigint; last_account_id: bigint }>(
    'select first_account_id, last_account_id from reconciliation_run_batch where org_id = $1 and run_id = $2',
    [organisation.id, runId],
  );
  // Both adapters give int8[] as bigint[]; the mapping keeps a run resumable even from text.
  const scope = run.account_ids?.map((id) => BigInt(id)) ?? 'all';
  const accountsTotal = Number(run.accounts_total);
  let accountsDone = Number(run.accounts_done);
  control.onProgress?.(accountsDone, accountsTotal);
  const finishedRanges = finished.map((range) => ({ first: range.first_account_id, last: range.last_account_id }));
  const batches = accountBatches(database, organisation.id, runId, scope, finishedRanges, control.batchAccounts)[Symbol.asyncIterator]();

  /** One batch in one transaction: its allocations, its record and the run's progress, or nothing. */
  async function reconcileBatchOnce(batch: bigint[]): Promise<'done' | 'cancelled'> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await database.transaction(async (transaction) => {
          const outcome = await reconcileBatch(transaction, context, runId, batch, run!.strategy);
          // The lease is checked (and renewed) last, so the job row is locked only for the end of
          // the transaction and batches running side by side do not wait on each other; the batch
          // still commits only while the lease is held, and a cancel rolls back the batch in hand.
          if (control.holdsLease) {
            const lease = await control.holdsLease(transaction);
            if (!lease.held) throw new LeaseLost('the job lease was lost; another worker resumes the run');
            if (lease.cancelRequested) throw new CancelRequested();
          }
          const allocationsCount = outcome.referencedDebit + outcome.referencedInvoice + outcome.oldestFirst;
          await transaction.query(
            `insert into reconciliation_run_batch (org_id, run_id, first_account_id, last_account_id, accounts_count, referenced_debit_count,
               referenced_invoice_count, oldest_first_count, allocated_minor, credit_on_account_count, balance_owing_count, unreconciled_count, accounts_listed)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
            [
              organisation.id, runId, batch[0], batch[batch.length - 1], batch.length, outcome.referencedDebit, outcome.referencedInvoice, outcome.oldestFirst,
              outcome.allocatedMinor, outcome.accountsLeftOpen.credit_on_account, outcome.accountsLeftOpen.balance_owing, outcome.accountsLeftOpen.unreconciled,
              JSON.stringify(outcome.leftOpenListed.map((account) => ({ accountId: account.accountId, openCreditMinor: account.openCreditMinor.toString(), openDebitMinor: account.openDebitMinor.toString() }))),
            ],
          );
          await transaction.query(
            `update reconciliation_run set accounts_done = accounts_done + $3, allocations_count = allocations_count + $4,
               allocated_minor = allocated_minor + $5 where org_id = $1 and id = $2`,
            [organisation.id, runId, batch.length, allocationsCount, outcome.allocatedMinor],
          );
          return 'done' as const;
        });
      } catch (error) {
        if (error instanceof CancelRequested) return 'cancelled';
        const raced = concurrentChangeInvariants.has(violatedInvariant(error));
        if (!raced || attempt >= transactionAttemptsMax) throw error;
      }
    }
  }

  // Batches hold disjoint accounts, so they touch disjoint documents and can run side by side on
  // separate connections (PostgreSQL); the embedded engine has one connection and runs them in turn.
  let ending: 'cancelled' | 'stopped' | 'failed' | null = null;
  async function batchWorker(): Promise<void> {
    while (ending === null) {
      if (control.stopping?.()) {
        ending = 'stopped';
        return;
      }
      let batchAccountsCount: number;
      try {
        const next = await batches.next();
        if (next.done || ending !== null) return;
        if ((await reconcileBatchOnce(next.value)) === 'cancelled') {
          ending = 'cancelled';
          return;
        }
        batchAccountsCount = next.value.length;
      } catch (error) {
        ending = error instanceof LeaseLost ? 'stopped' : 'failed';
        throw error;
      }
      accountsDone += batchAccountsCount;
      control.onProgress?.(accountsDone, accountsTotal);
    }
  }
  const concurrentBatches = database.dialect === 'postgres' ? runBatchesConcurrentMax : 1;
  const settled = await Promise.allSettled(Array.from({ length: concurrentBatches }, () => batchWorker()));
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected' && !(result.reason instanceof LeaseLost));
  if (failure) {
    // Under a job the worker decides: back off and try again, or give up and mark the run failed.
    if (!control.holdsLease) await markRunFailed(database, organisation.id, runId, failure.reason instanceof Error ? failure.reason.message : String(failure.reason));
    throw failure.reason;
  }
  if (ending === 'stopped') return { result: 'stopped' };
  if (ending === 'cancelled') {
    await database.query(`update reconciliation_run set status = 'cancelled', finished_at = now() where org_id = $1 and id = $2`, [organisation.id, runId]);
    return { result: 'cancelled' };
  }
  const summary = await runSummary(context, runId);
  await database.query(
    `update reconciliation_run set status = 'completed', finished_at = now(), error = null, retry_at = null, accounts_credit_on_account = $3, accounts_balance_owing = $4, accounts_unreconciled = $5
     where org_id = $1 and id = $2`,
    [organisation.id, runId, summary.accountsLeftOpen.credit_on_account, summary.accountsLeftOpen.balance_owing, summary.accountsLeftOpen.unreconciled],
  );
  return { result: 'completed', summary };
}

/** A run's summary so far, from its recorded batches (in account order), by the run row's key. */
async function runSummary(context: TallyContext, runRowId: bigint): Promise<RunSummary> {
  const [run] = await context.database.query<{ number: bigint; strategy: ReconciliationStrategy; accounts_total: number }>('select number, strategy, accounts_total from reconciliation_run where org_id = $1 and id = $2', [context.organisation.id, runRowId]);
  assert(run, 'the run exists');
  const rows = await context.database.query<Parameters<typeof batchResultOf>[0]>(
    'select * from reconciliation_run_batch where org_id = $1 and run_id = $2 order by first_account_id',
    [context.organisation.id, runRowId],
  );
  return summarise(run.number, false, run.strategy, Number(run.accounts_total), rows.map(batchResultOf));
}

/**
 * Auto-reconcile for one account, a list or all accounts, now. It only adds allocations. A real run
 * commits batch by batch (each batch with its progress), so a large run neither holds one huge
 * transaction nor loses finished batches; a dry run does the same work in one transaction that is
 * rolled back, so its preview is exactly what a run would write at that moment.
 */
export async function runAutoReconcile(context: TallyContext, scope: RunScope, options: RunOptions): Promise<Outcome<RunSummary>> {
  return outcomeOf(async () => {
    if (options.dryRun) return previewRun(context, scope, options);
    const { accountIds, accountsTotal } = await prepareRun(context, scope);
    const run = await insertRun(context.database, context, scope, accountIds, options.strategy, accountsTotal, 'running', true);
    const execution = await executeRun(context, run.id, { ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    assert(execution.result === 'completed', 'a run without a job can only complete or fail');
    return execution.summary;
  });
}

/**
 * Creates a run and queues it for the background worker, in one transaction; returns its number
 * (`runId`, what people see) and its row's key (`runRowId`, what the job and executeRun use).
 */
export async function queueAutoReconcile(context: TallyContext, scope: RunScope, strategy: ReconciliationStrategy): Promise<Outcome<{ runId: bigint; runRowId: bigint; accountsTotal: number }>> {
  return outcomeOf(async () => {
    const { accountIds, accountsTotal } = await prepareRun(context, scope);
    return context.database.transaction(async (transaction) => {
      const run = await insertRun(transaction, context, scope, accountIds, strategy, accountsTotal, 'queued', true);
      await transaction.query(`insert into job (org_id, kind, run_id, status) values ($1, 'reconcile', $2, 'queued')`, [context.organisation.id, run.id]);
      return { runId: run.number!, runRowId: run.id, accountsTotal };
    });
  });
}

export interface RunView {
  /** The run's number within the organisation. */
  readonly runId: bigint;
  readonly status: RunStatus;
  readonly scope: string;
  readonly strategy: ReconciliationStrategy;
  readonly actor: string;
  readonly accountsTotal: number;
  readonly accountsDone: number;
  readonly allocationsCount: number;
  readonly allocatedMinor: bigint;
  /** Whether some of its allocations are still in force (Undo has something to remove). */
  readonly hasActiveAllocations: boolean;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly undoneAt: Date | null;
  readonly undoneBy: string | null;
  /** Why it failed, or why its last attempt failed while it waits to be tried again. */
  readonly error: string | null;
  /** While a failed attempt waits to be tried again: when the next attempt is due. */
  readonly retryAt: Date | null;
  readonly summary: RunSummary;
}

function runViewOf(run: RunRecord): Omit<RunView, 'summary'> {
  return {
    runId: run.number!, status: run.status as RunStatus, scope: run.scope, strategy: run.strategy, actor: run.actor, accountsTotal: Number(run.accounts_total),
    accountsDone: Number(run.accounts_done), allocationsCount: Number(run.allocations_count), allocatedMinor: BigInt(run.allocated_minor),
    hasActiveAllocations: Number(run.active_allocations_count) > 0, startedAt: run.started_at, finishedAt: run.finished_at, undoneAt: run.undone_at, undoneBy: run.undone_by, error: run.error, retryAt: run.retry_at,
  };
}

async function runOfNumber(context: TallyContext, runId: bigint): Promise<RunRecord> {
  const run = await runRecordOfNumber(context.database, context.organisation.id, runId);
  if (!run) refuse('run_not_found', `No run has the id ${runId}`, { path: 'run', values: { run: runId.toString() } });
  return run;
}

/** One run by its number: status, progress, and its summary so far (what was allocated, what is left open and why). */
export async function findRun(context: TallyContext, runId: bigint): Promise<Outcome<RunView>> {
  return outcomeOf(async () => {
    const run = await runOfNumber(context, runId);
    return { ...runViewOf(run), summary: await runSummary(context, run.id) };
  });
}

/** The organisation's runs, newest first, paged (previews are not runs: they are never listed). */
export async function listRuns(context: TallyContext, filter: { status?: RunStatus | undefined }, page: { page: number; pageSize: number }): Promise<{ total: number; runs: Omit<RunView, 'summary'>[] }> {
  const list = await runRecordsPage(context.database, context.organisation.id, filter, page);
  return { total: list.total, runs: list.runs.map(runViewOf) };
}

/** One page of a run's allocations, in the order they were written, with their accounts and passes. */
export async function listRunAllocations(context: TallyContext, runId: bigint, page: { page: number; pageSize: number }): Promise<Outcome<{ total: number; allocations: RunAllocation[] }>> {
  return outcomeOf(async () => {
    const run = await runOfNumber(context, runId);
    const list = await runAllocationsPage(context.database, context.organisation.id, run.id, page);
    return { total: list.total, allocations: list.allocations.map(runAllocationOf) };
  });
}

/** One page of the accounts a run allocated in, by owner name. */
export async function listRunAccounts(context: TallyContext, runId: bigint, page: { page: number; pageSize: number }): Promise<Outcome<{ total: number; accounts: RunAccount[] }>> {
  return outcomeOf(async () => {
    const run = await runOfNumber(context, runId);
    const list = await runAccountsPage(context.database, context.organisation.id, run.id, page);
    return { total: list.total, accounts: list.accounts.map(runAccountOf) };
  });
}

/** Cancels a queued run at once, a running one after its current batch; finished runs are refused. */
export async function cancelRun(context: TallyContext, runId: bigint): Promise<Outcome<{ status: 'cancelled' | 'cancelling' }>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      const runRowId = await runRowIdOfNumber(transaction, context.organisation.id, runId, { forUpdate: true });
      if (runRowId === null) refuse('run_not_found', `No run has the id ${runId}`, { path: 'run', values: { run: runId.toString() } });
      const [run] = await transaction.query<{ status: string }>('select status from reconciliation_run where org_id = $1 and id = $2', [context.organisation.id, runRowId]);
      if (run!.status !== 'queued' && run!.status !== 'running') refuse('run_is_finished', `Run ${runId} is ${run!.status}`, { path: 'run', values: { run: runId.toString() } });
      // Two updates, not one with CASE … now(): Citus refuses a non-immutable function inside CASE.
      const [job] = await transaction.query<{ status: string }>(
        'update job set cancel_requested = true where org_id = $1 and run_id = $2 returning status',
        [context.organisation.id, runRowId],
      );
      if (job?.status === 'queued') {
        await transaction.query(`update job set status = 'cancelled', finished_at = now() where org_id = $1 and run_id = $2 and status = 'queued'`, [context.organisation.id, runRowId]);
      }
      if (run!.status === 'queued' || job?.status === 'queued') {
        await transaction.query(`update reconciliation_run set status = 'cancelled', retry_at = null, finished_at = now() where org_id = $1 and id = $2`, [context.organisation.id, runRowId]);
        return { status: 'cancelled' as const };
      }
      return { status: 'cancelling' as const };
    }),
  );
}

export interface UndoSummary {
  readonly runId: bigint;
  readonly allocationsRemoved: number;
  readonly amountRemovedMinor: bigint;
}

/** Removes the run's allocations that are still active (kept as history) and marks it undone. */
export async function undoRun(context: TallyContext, runId: bigint): Promise<Outcome<UndoSummary>> {
  return outcomeOf(() =>
    context.database.transaction(async (transaction) => {
      const runRowId = await runRowIdOfNumber(transaction, context.organisation.id, runId, { forUpdate: true });
      if (runRowId === null) refuse('run_not_found', `No run has the id ${runId}`, { path: 'run', values: { run: runId.toString() } });
      const [run] = await transaction.query<{ status: string }>('select status from reconciliation_run where org_id = $1 and id = $2', [context.organisation.id, runRowId]);
      if (run!.status === 'undone') refuse('run_already_undone', `Run ${runId} was already undone`, { path: 'run', values: { run: runId.toString() } });
      if (run!.status === 'running' || run!.status === 'queued') refuse('run_is_not_finished', `Run ${runId} is still ${run!.status}`, { path: 'run', values: { run: runId.toString() } });
      const removed = await removeAllocations(transaction, context.organisation.id, { runId: runRowId }, context.actor, 'undo');
      await transaction.query(`update reconciliation_run set status = 'undone', undone_at = now(), undone_by = $3 where org_id = $1 and id = $2`, [
        context.organisation.id, runRowId, context.actor,
      ]);
      return { runId, allocationsRemoved: removed.length, amountRemovedMinor: removed.reduce((total, row) => total + row.amount_minor, 0n) };
    }),
  );
}
