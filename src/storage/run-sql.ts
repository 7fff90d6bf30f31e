import type { ReconciliationStrategy } from '../core/document-kinds.ts';
import type { AllocationPass, RunStatus } from '../core/run-vocabulary.ts';
import type { SqlExecutor } from './database.ts';

/**
 * The SQL of reconciliation runs as people see them: a run is called by its number within the
 * organisation (1, 2, 3 …), and its row's identity is the key the other tables use. A preview's
 * row is inserted without a number inside a transaction that is rolled back.
 */

export interface NewRunRow {
  readonly organisationId: bigint;
  readonly scope: string;
  readonly accountIds: readonly bigint[] | null;
  readonly strategy: ReconciliationStrategy;
  readonly actor: string;
  readonly status: 'queued' | 'running';
  readonly accountsTotal: number;
  /** A real run takes the organisation's next number; a preview takes none. */
  readonly numbered: boolean;
}

/** Inserts a run in one statement (with its number, when numbered) and returns its key and number. */
export async function insertRunRow(executor: SqlExecutor, run: NewRunRow): Promise<{ id: bigint; number: bigint | null }> {
  const values = [run.organisationId, run.scope, run.accountIds, run.strategy, run.actor, run.status, run.accountsTotal];
  const [row] = run.numbered
    ? await executor.query<{ id: bigint; number: bigint }>(
        `with numbered as (
           insert into reconciliation_run_number (org_id, last_number) values ($1, 1)
           on conflict (org_id) do update set last_number = reconciliation_run_number.last_number + 1
           returning last_number)
         insert into reconciliation_run (org_id, scope, account_ids, strategy, actor, status, accounts_total, number)
         select $1, $2, $3, $4, $5, $6, $7, last_number from numbered
         returning id, number`,
        values,
      )
    : await executor.query<{ id: bigint; number: null }>(
        `insert into reconciliation_run (org_id, scope, account_ids, strategy, actor, status, accounts_total)
         values ($1, $2, $3, $4, $5, $6, $7) returning id, number`,
        values,
      );
  return row!;
}

/** The key of the organisation's run with this number, or null. */
export async function runRowIdOfNumber(executor: SqlExecutor, organisationId: bigint, number: bigint, options: { forUpdate?: boolean } = {}): Promise<bigint | null> {
  const [row] = await executor.query<{ id: bigint }>(
    `select id from reconciliation_run where org_id = $1 and number = $2${options.forUpdate ? ' for update' : ''}`,
    [organisationId, number],
  );
  return row?.id ?? null;
}

export interface RunRecord {
  readonly id: bigint;
  readonly number: bigint | null;
  readonly status: string;
  readonly scope: string;
  readonly strategy: ReconciliationStrategy;
  readonly actor: string;
  readonly accounts_total: number;
  readonly accounts_done: number;
  readonly allocations_count: bigint;
  /** numeric, as text: a run's total over many accounts can pass a bigint (migration 0066). */
  readonly allocated_minor: string;
  readonly active_allocations_count: bigint;
  readonly started_at: Date;
  readonly finished_at: Date | null;
  readonly undone_at: Date | null;
  readonly undone_by: string | null;
  readonly error: string | null;
  /** While a failed attempt waits to be tried again: when the next attempt is due. */
  readonly retry_at: Date | null;
}

const runColumns = `r.id, r.number, r.status, r.scope, r.strategy, r.actor, r.accounts_total, r.accounts_done, r.allocations_count, r.allocated_minor,
  r.started_at, r.finished_at, r.undone_at, r.undone_by, r.error, r.retry_at`;

/**
 * Whether a run still has allocations in force: undone runs have none, runs that allocated
 * nothing have none; otherwise one probe of the run's block-range index finds the first.
 */
const activeAllocationsCount = `case when r.status = 'undone' or r.allocations_count = 0 then 0
  else (select count(*) from (select 1 from allocation a where a.org_id = r.org_id and a.run_id = r.id and a.removed_at is null limit 1) one) end`;

export async function runRecordOfNumber(executor: SqlExecutor, organisationId: bigint, number: bigint): Promise<RunRecord | null> {
  const [row] = await executor.query<RunRecord>(
    `select ${runColumns}, ${activeAllocationsCount} as active_allocations_count from reconciliation_run r where r.org_id = $1 and r.number = $2`,
    [organisationId, number],
  );
  return row ?? null;
}

/** One page of the organisation's runs, newest first, with their total (optionally of one status). */
export async function runRecordsPage(executor: SqlExecutor, organisationId: bigint, filter: { status?: RunStatus | undefined }, page: { page: number; pageSize: number }): Promise<{ total: number; runs: RunRecord[] }> {
  const status = filter.status ?? null;
  const [count] = await executor.query<{ total: bigint }>(
    'select count(*) as total from reconciliation_run where org_id = $1 and number is not null and ($2::text is null or status = $2)',
    [organisationId, status],
  );
  const runs = await executor.query<RunRecord>(
    `select ${runColumns}, ${activeAllocationsCount} as active_allocations_count
     from reconciliation_run r where r.org_id = $1 and r.number is not null and ($2::text is null or r.status = $2)
     order by r.number desc limit $3 offset $4`,
    [organisationId, status, page.pageSize, (page.page - 1) * page.pageSize],
  );
  return { total: Number(count!.total), runs };
}

/**
 * Which pass made a run's allocation, from the documents alone: a run's allocations are not
 * labelled as they are written (every label is paid by every row of a bulk run). It is exact. With
 * the reference strategy, a credit naming a document is first allocated to it (or to its invoice's
 * items) and is allocated oldest first only once what it names is fully covered, so a pair of a
 * credit and the document (or an item of the invoice) it names can only come from the reference
 * passes; with the fifo strategy every allocation is oldest first.
 */
function allocationPassSql(strategy: string, credit: string, debit: string): string {
  return `case when ${strategy} = 'fifo' then 'oldest_first'
    when ${credit}.reference_document_id = ${debit}.id then 'referenced_debit'
    when ${debit}.invoice_id is not null and ${credit}.reference_document_id = ${debit}.invoice_id then 'referenced_invoice'
    else 'oldest_first' end`;
}

export interface RunAllocationRecord {
  readonly id: bigint;
  readonly account_id: string;
  readonly owner_name: string;
  readonly receipt_id: string;
  readonly receipt_kind: string;
  readonly target_id: string;
  readonly target_kind: string;
  readonly amount_minor: bigint;
  readonly pass: AllocationPass;
  readonly removed: boolean;
}

/** One page of a run's allocations in the order they were written (a preview's inside its transaction). */
export async function runAllocationsPage(executor: SqlExecutor, organisationId: bigint, runRowId: bigint, page: { page: number; pageSize: number }): Promise<{ total: number; allocations: RunAllocationRecord[] }> {
  const [count] = await executor.query<{ total: bigint }>('select count(*) as total from allocation where org_id = $1 and run_id = $2', [organisationId, runRowId]);
  const allocations = await executor.query<RunAllocationRecord>(
    `select a.id, acc.external_id as account_id, acc.owner_name, c.external_id as receipt_id, c.kind as receipt_kind, d.external_id as target_id, d.kind as target_kind,
            a.amount_minor, ${allocationPassSql('r.strategy', 'c', 'd')} as pass, a.removed_at is not null as removed
     from (select * from allocation where org_id = $1 and run_id = $2 order by id limit $3 offset $4) a
     join reconciliation_run r on r.org_id = a.org_id and r.id = a.run_id
     join document c on c.org_id = a.org_id and c.id = a.credit_id
     join document d on d.org_id = a.org_id and d.id = a.debit_id
     join account acc on acc.org_id = a.org_id and acc.id = a.account_id
     order by a.id`,
    [organisationId, runRowId, page.pageSize, (page.page - 1) * page.pageSize],
  );
  return { total: Number(count!.total), allocations };
}

export interface RunAccountRecord {
  readonly account_id: string;
  readonly owner_name: string;
  readonly allocations_count: bigint;
  readonly allocated_minor: bigint;
}

/** One page of the accounts a run allocated in, by owner name as people read it, with what it allocated in each. */
export async function runAccountsPage(executor: SqlExecutor, organisationId: bigint, runRowId: bigint, page: { page: number; pageSize: number }): Promise<{ total: number; accounts: RunAccountRecord[] }> {
  const [result] = await executor.query<{ total: bigint; accounts: string }>(
    `with per_account as materialized (
       select a.account_id, count(*) as allocations_count, sum(a.amount_minor)::bigint as allocated_minor
       from allocation a where a.org_id = $1 and a.run_id = $2 group by a.account_id),
     page as (
       select acc.external_id as account_id, acc.owner_name, p.allocations_count, p.allocated_minor
       from per_account p join account acc on acc.org_id = $1 and acc.id = p.account_id
       order by acc.owner_name collate "und-x-icu", acc.external_id limit $3 offset $4)
     select (select count(*) from per_account) as total,
            coalesce((select json_agg(json_build_object('account_id', account_id, 'owner_name', owner_name, 'allocations_count', allocations_count::text,
                                                        'allocated_minor', allocated_minor::text) order by owner_name collate "und-x-icu", account_id) from page), '[]')::text as accounts`,
    [organisationId, runRowId, page.pageSize, (page.page - 1) * page.pageSize],
  );
  const accounts = JSON.parse(result!.accounts) as { account_id: string; owner_name: string; allocations_count: string; allocated_minor: string }[];
  return {
    total: Number(result!.total),
    accounts: accounts.map((account) => ({ ...account, allocations_count: BigInt(account.allocations_count), allocated_minor: BigInt(account.allocated_minor) })),
  };
}

/** A run whose attempt failed and will be tried again: queued, with the reason and when the next attempt is due. */
export async function markRunRetrying(executor: SqlExecutor, organisationId: bigint, runRowId: bigint, error: string, delayMs: number): Promise<void> {
  await executor.query(
    `update reconciliation_run set status = 'queued', error = $3, retry_at = now() + make_interval(secs => $4)
     where org_id = $1 and id = $2 and status in ('queued', 'running')`,
    [organisationId, runRowId, error, delayMs / 1000],
  );
}

/** A run that ended because its work failed (for good): what it finished stays and can be undone. */
export async function markRunFailed(executor: SqlExecutor, organisationId: bigint, runRowId: bigint, error: string): Promise<void> {
  await executor.query(
    `update reconciliation_run set status = 'failed', error = $3, retry_at = null, finished_at = now() where org_id = $1 and id = $2 and status in ('queued', 'running')`,
    [organisationId, runRowId, error],
  );
}
