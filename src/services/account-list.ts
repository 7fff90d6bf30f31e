import type { AmountMinor } from '../core/money.ts';
import type { SqlExecutor } from '../storage/database.ts';
import { unreconciledDocumentCondition } from '../storage/unreconciled-document-sql.ts';

export const accountSorts = ['owner', 'owner_desc', 'account', 'account_desc', 'created', 'created_desc'] as const;
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

/**
 * One page of the organisation's accounts. The page is chosen on the account table alone (by an
 * indexed order), then balances are computed for that page only, so the list stays fast with a
 * hundred thousand accounts. Every table names the organisation by the parameter itself, so that
 * Citus routes the whole statement to the node holding the organisation.
 */
export async function listAccounts(
  executor: SqlExecutor,
  organisationId: bigint,
  filter: AccountFilter,
  page: { sort: AccountSort; page: number; pageSize: number },
): Promise<{ total: number; accounts: AccountListRow[] }> {
  const { condition, params } = accountFilterSql(filter, 2);
  const order = {
    owner: 'a.owner_name, a.external_id',
    owner_desc: 'a.owner_name desc, a.external_id desc',
    account: 'a.external_id',
    account_desc: 'a.external_id desc',
    created: 'a.id',
    created_desc: 'a.id desc',
  }[page.sort];
  const [count] = await executor.query<{ total: bigint }>(`select count(*) as total from account a where a.org_id = $1 and ${condition}`, [organisationId, ...params]);
  const limit = `$${params.length + 2}`;
  const offset = `$${params.length + 3}`;
  const rows = await executor.query<{ external_id: string; owner_name: string; owner_email: string; balance_minor: bigint; unreconciled_count: bigint }>(
    `select a.external_id, a.owner_name, a.owner_email, totals.balance_minor, totals.unreconciled_count
     from (select * from account a where a.org_id = $1 and ${condition} order by ${order} limit ${limit} offset ${offset}) a
     cross join lateral (
       select coalesce(sum(case d.side when 'debit' then d.amount_minor when 'credit' then -d.amount_minor else 0 end), 0)::bigint as balance_minor,
              count(*) filter (where ${unreconciledDocumentCondition('d')}) as unreconciled_count
       from document_balance d where d.org_id = $1 and d.account_id = a.id and not d.voided) totals
     order by ${order}`,
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
