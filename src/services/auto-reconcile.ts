import type { ReconciliationStrategy } from '../core/document-kinds.ts';
import { runAccountIdsMax, runBatchAccountsMax, runSummaryAccountsListedMax } from '../core/limits.ts';
import { explainOpen, type OpenReason } from '../core/open-explanation.ts';
import { refuse, type Outcome } from '../core/outcome.ts';
import { removeAllocations } from '../storage/allocation-writer.ts';
import { reconcileBatchSql, type ReconcileBatchRow } from '../storage/auto-reconcile-sql.ts';
import { transactionRolledBack, type SqlExecutor } from '../storage/database.ts';
import { outcomeOf, type TallyContext } from './context.ts';

export type RunScope =
  | { readonly kind: 'account'; readonly accountId: string }
  | { readonly kind: 'accounts'; readonly accountIds: readonly string[] }
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
  /** Null for a dry run: nothing was written, so there is no run to undo. */
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
  /** A dry run's allocations, as they would be written (credit, debit, amount by external id). */
  readonly plannedAllocations?: readonly { creditId: string; debitId: string; amountMinor: bigint }[];
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
 * Memory for the sorts of one batch statement. The default (4MB) sends a 20,000-account batch's
 * window sorts to disk; set for the batch's transaction only.
 */
export const reconcileWorkMemory = '64MB';

async function reconcileBatch(transaction: SqlExecutor, context: TallyContext, runId: bigint, accountIds: readonly bigint[], strategy: ReconciliationStrategy): Promise<BatchResult> {
  await transaction.query(`select set_config('work_mem', $1, true)`, [reconcileWorkMemory]);
  const [row] = await transaction.query<ReconcileBatchRow>(reconcileBatchSql[strategy], [
    context.organisation.id, accountIds, runId, context.actor, runSummaryAccountsListedMax,
  ]);
  const listed = JSON.parse(row!.accounts_listed) as { accountId: string; openCreditMinor: string; openDebitMinor: string }[];
  return {
    referencedDebit: Number(row!.referenced_debit_count),
    referencedInvoice: Number(row!.referenced_invoice_count),
    oldestFirst: Number(row!.oldest_first_count),
    allocatedMinor: row!.referenced_debit_minor + row!.referenced_invoice_minor + row!.oldest_first_minor,
    accountsLeftOpen: {
      credit_on_account: Number(row!.credit_on_account_count),
      balance_owing: Number(row!.balance_owing_count),
      unreconciled: Number(row!.unreconciled_count),
    },
    leftOpenListed: listed.map((account) => {
      const openCreditMinor = BigInt(account.openCreditMinor);
      const openDebitMinor = BigInt(account.openDebitMinor);
      return { accountId: account.accountId, reason: explainOpen(openCreditMinor, openDebitMinor) as AccountLeftOpen['reason'], openCreditMinor, openDebitMinor };
    }),
  };
}

/** Resolves the scope to internal account ids, refusing unknown ids by their position. */
async function resolveScope(executor: SqlExecutor, context: TallyContext, scope: RunScope): Promise<bigint[] | 'all'> {
  if (scope.kind === 'all') return 'all';
  const externalIds = scope.kind === 'account' ? [scope.accountId] : [...scope.accountIds];
  if (externalIds.length === 0) refuse('field_is_required', 'Name at least one account', { path: 'accounts' });
  if (externalIds.length > runAccountIdsMax) refuse('too_many_items', `At most ${runAccountIdsMax} accounts by id; use all accounts instead`, { path: 'accounts' });
  const rows = await executor.query<{ external_id: string; id: bigint }>(
    'select external_id, id from account where org_id = $1 and external_id = any($2::text[])',
    [context.organisation.id, externalIds],
  );
  const ids = new Map(rows.map((row) => [row.external_id, row.id]));
  for (const [index, externalId] of externalIds.entries()) {
    if (!ids.has(externalId)) refuse('account_not_found', `No account has the id ${externalId}`, { path: scope.kind === 'account' ? 'account' : `accounts[${index}]` });
  }
  return [...new Set(ids.values())];
}

/** Yields the scope's accounts in batches, by ascending id so a run's order is deterministic. */
async function* accountBatches(executor: SqlExecutor, organisationId: bigint, scope: bigint[] | 'all'): AsyncGenerator<bigint[]> {
  if (scope !== 'all') {
    const sorted = [...scope].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let start = 0; start < sorted.length; start += runBatchAccountsMax) yield sorted.slice(start, start + runBatchAccountsMax);
    return;
  }
  let after = 0n;
  for (;;) {
    const rows = await executor.query<{ id: bigint }>('select id from account where org_id = $1 and id > $2 order by id limit $3', [organisationId, after, runBatchAccountsMax]);
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

function summarise(runId: bigint | null, options: RunOptions, accountsTotal: number, batches: BatchResult[]): RunSummary {
  const countOf = (reason: AccountLeftOpen['reason']) => batches.reduce((total, batch) => total + batch.accountsLeftOpen[reason], 0);
  const byPass = {
    referencedDebit: batches.reduce((total, batch) => total + batch.referencedDebit, 0),
    referencedInvoice: batches.reduce((total, batch) => total + batch.referencedInvoice, 0),
    oldestFirst: batches.reduce((total, batch) => total + batch.oldestFirst, 0),
  };
  return {
    runId,
    dryRun: options.dryRun,
    strategy: options.strategy,
    accountsTotal,
    allocationsCount: byPass.referencedDebit + byPass.referencedInvoice + byPass.oldestFirst,
    allocatedMinor: batches.reduce((total, batch) => total + batch.allocatedMinor, 0n),
    allocationsByPass: byPass,
    accountsLeftOpen: { credit_on_account: countOf('credit_on_account'), balance_owing: countOf('balance_owing'), unreconciled: countOf('unreconciled') },
    accountsLeftOpenListed: batches.flatMap((batch) => batch.leftOpenListed).slice(0, runSummaryAccountsListedMax),
  };
}

async function insertRun(executor: SqlExecutor, context: TallyContext, scope: RunScope, accountIds: bigint[] | 'all', strategy: ReconciliationStrategy, accountsTotal: number): Promise<bigint> {
  const [run] = await executor.query<{ id: bigint }>(
    `insert into reconciliation_run (org_id, scope, account_ids, strategy, actor, status, accounts_total)
     values ($1, $2, $3, $4, $5, 'running', $6) returning id`,
    [context.organisation.id, scope.kind, accountIds === 'all' ? null : accountIds, strategy, context.actor, accountsTotal],
  );
  return run!.id;
}

/**
 * Auto-reconcile for one account, a list or all accounts. It only adds allocations. A real run
 * commits batch by batch (each batch with its progress), so a large run neither holds one huge
 * transaction nor loses finished batches; a dry run does the same work in one transaction that
 * is rolled back, so its preview is exactly what a run would write at that moment.
 */
export async function runAutoReconcile(context: TallyContext, scope: RunScope, options: RunOptions): Promise<Outcome<RunSummary>> {
  return outcomeOf(async () => {
    if (!context.organisation.reconciliationEnabled) refuse('reconciliation_disabled', 'Reconciliation is turned off for this organisation');
    const { database, organisation } = context;
    const accountIds = await resolveScope(database, context, scope);
    const accountsTotal = await countAccounts(database, organisation.id, accountIds);

    if (options.dryRun) {
      return transactionRolledBack(database, async (transaction) => {
        const runId = await insertRun(transaction, context, scope, accountIds, options.strategy, accountsTotal);
        const batches: BatchResult[] = [];
        let accountsDone = 0;
        for await (const batch of accountBatches(transaction, organisation.id, accountIds)) {
          batches.push(await reconcileBatch(transaction, context, runId, batch, options.strategy));
          accountsDone += batch.length;
          options.onProgress?.(accountsDone, accountsTotal);
        }
        const planned = await transaction.query<{ credit_id: string; debit_id: string; amount_minor: bigint }>(
          `select c.external_id as credit_id, d.external_id as debit_id, a.amount_minor from allocation a
           join document c on c.org_id = a.org_id and c.id = a.credit_id join document d on d.org_id = a.org_id and d.id = a.debit_id
           where a.org_id = $1 and a.run_id = $2 order by a.id limit $3`,
          [organisation.id, runId, dryRunAllocationsListedMax],
        );
        return {
          ...summarise(null, options, accountsTotal, batches),
          plannedAllocations: planned.map((row) => ({ creditId: row.credit_id, debitId: row.debit_id, amountMinor: row.amount_minor })),
        };
      });
    }

    const runId = await insertRun(database, context, scope, accountIds, options.strategy, accountsTotal);
    const batches: BatchResult[] = [];
    let accountsDone = 0;
    try {
      for await (const batch of accountBatches(database, organisation.id, accountIds)) {
        const result = await database.transaction(async (transaction) => {
          const outcome = await reconcileBatch(transaction, context, runId, batch, options.strategy);
          await transaction.query(
            `update reconciliation_run set accounts_done = accounts_done + $3, allocations_count = allocations_count + $4,
               allocated_minor = allocated_minor + $5 where org_id = $1 and id = $2`,
            [organisation.id, runId, batch.length, outcome.referencedDebit + outcome.referencedInvoice + outcome.oldestFirst, outcome.allocatedMinor],
          );
          return outcome;
        });
        batches.push(result);
        accountsDone += batch.length;
        options.onProgress?.(accountsDone, accountsTotal);
      }
    } catch (error) {
      await database.query(`update reconciliation_run set status = 'failed', error = $3, finished_at = now() where org_id = $1 and id = $2`, [
        organisation.id, runId, error instanceof Error ? error.message : String(error),
      ]);
      throw error;
    }
    const summary = summarise(runId, options, accountsTotal, batches);
    await database.query(
      `update reconciliation_run set status = 'completed', finished_at = now(), accounts_credit_on_account = $3, accounts_balance_owing = $4
       where org_id = $1 and id = $2`,
      [organisation.id, runId, summary.accountsLeftOpen.credit_on_account, summary.accountsLeftOpen.balance_owing],
    );
    return summary;
  });
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
      const [run] = await transaction.query<{ status: string }>('select status from reconciliation_run where org_id = $1 and id = $2 for update', [context.organisation.id, runId]);
      if (!run) refuse('run_not_found', `No run has the id ${runId}`, { path: 'run' });
      if (run.status === 'undone') refuse('run_already_undone', `Run ${runId} was already undone`, { path: 'run' });
      if (run.status === 'running') refuse('run_is_not_finished', `Run ${runId} is still running`, { path: 'run' });
      const removed = await removeAllocations(transaction, context.organisation.id, { runId }, context.actor, 'undo');
      await transaction.query(`update reconciliation_run set status = 'undone', undone_at = now(), undone_by = $3 where org_id = $1 and id = $2`, [
        context.organisation.id, runId, context.actor,
      ]);
      return { runId, allocationsRemoved: removed.length, amountRemovedMinor: removed.reduce((total, row) => total + row.amount_minor, 0n) };
    }),
  );
}
