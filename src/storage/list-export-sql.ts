import type { SqlExecutor } from './database.ts';
import { unreconciledDocumentCondition } from './unreconciled-document-sql.ts';

/**
 * Keyset-paged reads behind the CSV downloads of the unreconciled items and of the audit trail:
 * each page starts after the last row of the one before, so every page costs its own rows however
 * deep into the list it is. Parameters: $1 organisation, $2 page size, then the filter, then the cursor.
 */

export interface UnreconciledItemRecord {
  readonly account_key: bigint;
  readonly document_key: bigint;
  readonly account_id: string;
  readonly owner_name: string;
  readonly document_id: string;
  readonly kind: string;
  readonly date: string;
  readonly amount_minor: bigint;
  readonly remaining_minor: bigint;
}

/** Open credits and uncovered refunds, by account then document creation order, after the cursor. */
export async function unreconciledItemsAfter(executor: SqlExecutor, organisationId: bigint, pageRows: number, search: string | null, after: { accountKey: bigint; documentKey: bigint }): Promise<UnreconciledItemRecord[]> {
  const pattern = search ? `%${search.replace(/[\\%_]/g, (match) => `\\${match}`)}%` : null;
  return executor.query<UnreconciledItemRecord>(
    `select b.account_id as account_key, b.document_id as document_key, a.external_id as account_id, a.owner_name, d.external_id as document_id, b.kind, b.date,
            b.amount_minor, b.amount_minor - b.allocated_minor as remaining_minor
     from document_balance b
     join account a on a.org_id = b.org_id and a.id = b.account_id
     join document d on d.org_id = b.org_id and d.id = b.document_id
     where b.org_id = $1 and ${unreconciledDocumentCondition('b')}
       and ($3::text is null or a.owner_name ilike $3 or a.external_id ilike $3 or a.owner_email ilike $3)
       and (b.account_id, b.document_id) > ($4::bigint, $5::bigint)
     order by b.account_id, b.document_id limit $2`,
    [organisationId, pageRows, pattern, after.accountKey, after.documentKey],
  );
}

export interface AuditFilterSql {
  /** The account's own id. */
  readonly accountId: string | null;
  /** The run's number in the organisation. */
  readonly runNumber: bigint | null;
  /** Calendar days in the organisation's time zone, both included. */
  readonly from: string | null;
  readonly to: string | null;
  /** Who acted: part of an email or token name, case-insensitive. */
  readonly actor: string | null;
  readonly timeZone: string;
}

/**
 * Every allocation made and removed as events (an allocation row is history once written: its
 * creation is one event, its removal another), filtered. Parameters $1 organisation and $2 … $7
 * the filter; the caller adds paging.
 */
export function auditEventsSql(filter: AuditFilterSql): { sql: string; params: unknown[] } {
  const allocations = filter.accountId === null
    ? '(select * from allocation where $2::text is null) a'
    : `(select a.* from document_balance credit
        join account acc on acc.org_id = credit.org_id and acc.id = credit.account_id
        join allocation a on a.org_id = credit.org_id and a.credit_id = credit.document_id
        where credit.org_id = $1 and acc.external_id = $2 and credit.side = 'credit') a`;
  const run = '($3::bigint is null or a.run_id = (select r.id from reconciliation_run r where r.org_id = $1 and r.number = $3))';
  const when = (column: string) => `($4::date is null or (${column} at time zone $7)::date >= $4) and ($5::date is null or (${column} at time zone $7)::date <= $5)`;
  const actorPattern = filter.actor ? `%${filter.actor.replace(/[\\%_]/g, (match) => `\\${match}`)}%` : null;
  const who = (column: string) => `($6::text is null or ${column} ilike $6)`;
  const sql = `
    select a.id, 'allocated' as action, a.created_at as at, a.created_by as actor, a.source, a.run_id, null::text as removal_reason, a.account_id, a.credit_id, a.debit_id, a.amount_minor
    from ${allocations}
    where a.org_id = $1 and ${run} and ${when('a.created_at')} and ${who('a.created_by')}
    union all
    select a.id, 'removed', a.removed_at, a.removed_by, a.source, a.run_id, a.removal_reason, a.account_id, a.credit_id, a.debit_id, a.amount_minor
    from ${allocations}
    where a.org_id = $1 and a.removed_at is not null and ${run} and ${when('a.removed_at')} and ${who('a.removed_by')}`;
  return { sql, params: [filter.accountId, filter.runNumber, filter.from, filter.to, actorPattern, filter.timeZone] };
}

export interface AuditEventRecord {
  readonly id: bigint;
  readonly action: 'allocated' | 'removed';
  readonly at: Date;
  readonly actor: string;
  readonly source: string;
  readonly run_id: bigint | null;
  readonly removal_reason: string | null;
  readonly account: string;
  readonly receipt: string;
  readonly target: string;
  readonly amount_minor: bigint;
}

/** The events with their ids and run numbers, newest first, from `$8` rows after `$9` skipped; `keyset` pages after a cursor instead. */
export function auditEventRowsSql(events: string, paging: 'offset' | 'keyset'): string {
  const after = paging === 'keyset' ? `where ($9::timestamptz is null or (all_events.at, all_events.id, all_events.action) < ($9::timestamptz, $10::bigint, $11::text))` : '';
  return `select e.id, e.action, e.at, e.actor, e.source, run.number as run_id, e.removal_reason, acc.external_id as account, c.external_id as receipt, d.external_id as target, e.amount_minor
     from (select * from (${events}) all_events ${after}) e
     left join reconciliation_run run on run.org_id = $1 and run.id = e.run_id
     join account acc on acc.org_id = $1 and acc.id = e.account_id
     join document c on c.org_id = $1 and c.id = e.credit_id
     join document d on d.org_id = $1 and d.id = e.debit_id
     order by e.at desc, e.id desc, e.action desc limit $8${paging === 'offset' ? ' offset $9' : ''}`;
}
