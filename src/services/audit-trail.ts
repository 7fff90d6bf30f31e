import type { AmountMinor } from '../core/money.ts';
import type { SqlExecutor } from '../storage/database.ts';

export interface AuditEvent {
  readonly allocationId: string;
  readonly action: 'allocated' | 'removed';
  readonly at: Date;
  readonly actor: string;
  readonly source: string;
  readonly runId: string | null;
  readonly removalReason: string | null;
  readonly accountId: string;
  readonly receiptId: string;
  readonly targetId: string;
  readonly amountMinor: AmountMinor;
}

export interface AuditFilter {
  readonly accountId?: string | undefined;
  /** The run's number within the organisation. */
  readonly runId?: bigint | undefined;
}

/**
 * Every allocation made and removed, newest first: who, when, from which source and run. An
 * allocation row is history once written, so the trail is read straight from it: its creation is
 * one event and its removal, if any, another.
 */
export async function auditTrail(executor: SqlExecutor, organisationId: bigint, filter: AuditFilter, page: { page: number; pageSize: number }): Promise<{ total: number; events: AuditEvent[] }> {
  const params: unknown[] = [organisationId, filter.accountId ?? null, filter.runId ?? null];
  // Filtered by account, the allocations are those of the account's credits (each allocation has
  // one credit, in its account), found through the credit index; otherwise all of the organisation's.
  // (Unfiltered, $2 is still named so that every parameter has a type.)
  const allocations = filter.accountId === undefined
    ? '(select * from allocation where $2::text is null) a'
    : `(select a.* from document_balance credit
        join account acc on acc.org_id = credit.org_id and acc.id = credit.account_id
        join allocation a on a.org_id = credit.org_id and a.credit_id = credit.document_id
        where credit.org_id = $1 and acc.external_id = $2 and credit.side = 'credit') a`;
  const events = `
    select a.id, 'allocated' as action, a.created_at as at, a.created_by as actor, a.source, a.run_id, null::text as removal_reason, a.account_id, a.credit_id, a.debit_id, a.amount_minor
    from ${allocations}
    where a.org_id = $1 and ($3::bigint is null or a.run_id = (select r.id from reconciliation_run r where r.org_id = $1 and r.number = $3))
    union all
    select a.id, 'removed', a.removed_at, a.removed_by, a.source, a.run_id, a.removal_reason, a.account_id, a.credit_id, a.debit_id, a.amount_minor
    from ${allocations}
    where a.org_id = $1 and a.removed_at is not null and ($3::bigint is null or a.run_id = (select r.id from reconciliation_run r where r.org_id = $1 and r.number = $3))`;
  const [count] = await executor.query<{ total: bigint }>(`select count(*) as total from (${events}) e`, params);
  const rows = await executor.query<{ id: bigint; action: 'allocated' | 'removed'; at: Date; actor: string; source: string; run_id: bigint | null; removal_reason: string | null; account: string; receipt: string; target: string; amount_minor: bigint }>(
    `select e.id, e.action, e.at, e.actor, e.source, run.number as run_id, e.removal_reason, acc.external_id as account, c.external_id as receipt, d.external_id as target, e.amount_minor
     from (${events}) e
     left join reconciliation_run run on run.org_id = $1 and run.id = e.run_id
     join account acc on acc.org_id = $1 and acc.id = e.account_id
     join document c on c.org_id = $1 and c.id = e.credit_id
     join document d on d.org_id = $1 and d.id = e.debit_id
     order by e.at desc, e.id desc, e.action desc limit $4 offset $5`,
    [...params, page.pageSize, (page.page - 1) * page.pageSize],
  );
  return {
    total: Number(count!.total),
    events: rows.map((row) => ({
      allocationId: row.id.toString(),
      action: row.action,
      at: row.at,
      actor: row.actor,
      source: row.source,
      runId: row.run_id?.toString() ?? null,
      removalReason: row.removal_reason,
      accountId: row.account,
      receiptId: row.receipt,
      targetId: row.target,
      amountMinor: row.amount_minor,
    })),
  };
}
