import type { AmountMinor } from '../core/money.ts';
import type { SqlExecutor } from './database.ts';
import { unreconciledDocumentCondition } from './unreconciled-document-sql.ts';

export const accountSorts = ['owner', 'owner_desc', 'account', 'account_desc', 'created', 'created_desc', 'balance_desc', 'balance', 'unreconciled_desc'] as const;
export type AccountSort = (typeof accountSorts)[number];

export interface AccountFilter {
  /** Owner name, email or account id contains this text (case-insensitive). */
  readonly search?: string | undefined;
  /** Only accounts with a payment, deposit, credit, cancellation or refund not fully reconciled. */
  readonly unreconciledOnly?: boolean | undefined;
}

export interface AccountListRow {
  readonly accountId: string;
  readonly ownerName: string;
  readonly ownerEmail: string;
  readonly balanceMinor: AmountMinor;
  readonly unreconciledCount: number;
}

const unreconciledCondition = `exists (select 1 from document_balance u where u.org_id = a.org_id and u.account_id = a.id and ${unreconciledDocumentCondition('u')})`;

/** The SQL condition and parameters of a filter, shared by the list and by "select all matching" runs. */
export function accountFilterSql(filter: AccountFilter, firstParameter: number): { condition: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.search && filter.search.trim() !== '') {
    params.push(`%${filter.search.trim().replace(/[\\%_]/g, (match) => `\\${match}`)}%`);
    const parameter = `$${firstParameter + params.length - 1}`;
    conditions.push(`(a.owner_name ilike ${parameter} or a.owner_email ilike ${parameter} or a.external_id ilike ${parameter})`);
  }
  if (filter.unreconciledOnly) conditions.push(unreconciledCondition);
  return { condition: conditions.length > 0 ? conditions.join(' and ') : 'true', params };
}

/** Names in the order people read them (ICU root collation, on both engines; migration 0051 indexes it). */
const ownerName = 'a.owner_name collate "und-x-icu"';

/** A balance: debits less credits, voided documents left out (what the client owes; negative is credit). */
const balanceOf = (alias: string) => `coalesce(sum(case ${alias}.side when 'debit' then ${alias}.amount_minor when 'credit' then -${alias}.amount_minor else 0 end), 0)::bigint`;

/**
 * The order that reads more than the account table: by the number of unreconciled items, every
 * matching account's count is needed before a page can be chosen (it changes with every
 * reconciliation, so it is counted rather than kept). One aggregate over the organisation's narrow
 * balance rows, grouped by account, joined to the matching accounts, and only the page's rows
 * sorted in full (a bounded sort: no window over every account).
 */
const totalsOrders: Partial<Record<AccountSort, { totals: string; order: string; pageOrder: string }>> = {
  unreconciled_desc: {
    totals: `select d.account_id, count(*) as figure from document_balance d where d.org_id = $1 and ${unreconciledDocumentCondition('d')} group by d.account_id`,
    order: `coalesce(t.figure, 0) desc, ${ownerName}, a.external_id`,
    // The same order over the chosen page, whose rows carry their figure.
    pageOrder: `a.figure desc, ${ownerName}, a.external_id`,
  },
};

/**
 * One page of the organisation's accounts. By name, id, creation or balance (each account keeps
 * its balance: migration 0090), the page is chosen on the account table alone, by an indexed
 * order; by unreconciled count, from one aggregate of every account's count. Balances and counts are then computed for the page only. Every table
 * names the organisation by the parameter itself, so that Citus routes the whole statement to the
 * node holding the organisation.
 */
export async function listAccounts(
  executor: SqlExecutor,
  organisationId: bigint,
  filter: AccountFilter,
  page: { sort: AccountSort; page: number; pageSize: number },
): Promise<{ total: number; accounts: AccountListRow[] }> {
  const { condition, params } = accountFilterSql(filter, 2);
  const byTotals = totalsOrders[page.sort];
  const order = byTotals?.order ?? {
    owner: `${ownerName}, a.external_id`,
    owner_desc: `${ownerName} desc, a.external_id desc`,
    account: 'a.external_id',
    account_desc: 'a.external_id desc',
    created: 'a.id',
    created_desc: 'a.id desc',
    balance: `a.balance_minor, ${ownerName}, a.external_id`,
    balance_desc: `a.balance_minor desc, ${ownerName}, a.external_id`,
  }[page.sort as 'owner'];
  const [count] = await executor.query<{ total: bigint }>(`select count(*) as total from account a where a.org_id = $1 and ${condition}`, [organisationId, ...params]);
  const limit = `$${params.length + 2}`;
  const offset = `$${params.length + 3}`;
  const pageOfAccounts = byTotals
    ? `select a.*, row_number() over (order by ${byTotals.pageOrder}) as place
       from (select a.*, coalesce(t.figure, 0) as figure from account a left join (${byTotals.totals}) t on t.account_id = a.id
             where a.org_id = $1 and ${condition} order by ${order} limit ${limit} offset ${offset}) a`
    : `select a.*, row_number() over (order by ${order}) as place from (select * from account a where a.org_id = $1 and ${condition} order by ${order} limit ${limit} offset ${offset}) a`;
  const rows = await executor.query<{ external_id: string; owner_name: string; owner_email: string; balance_minor: bigint; unreconciled_count: bigint }>(
    `select a.external_id, a.owner_name, a.owner_email, totals.balance_minor, totals.unreconciled_count
     from (${pageOfAccounts}) a
     cross join lateral (
       select ${balanceOf('d')} as balance_minor,
              count(*) filter (where ${unreconciledDocumentCondition('d')}) as unreconciled_count
       from document_balance d where d.org_id = $1 and d.account_id = a.id and not d.voided) totals
     order by a.place`,
    [organisationId, ...params, page.pageSize, (page.page - 1) * page.pageSize],
  );
  return {
    total: Number(count!.total),
    accounts: rows.map((row) => ({
      accountId: row.external_id,
      ownerName: row.owner_name,
      ownerEmail: row.owner_email,
      balanceMinor: row.balance_minor,
      unreconciledCount: Number(row.unreconciled_count),
    })),
  };
}
