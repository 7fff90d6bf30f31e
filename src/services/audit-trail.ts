import type { AmountMinor } from '../core/money.ts';
import type { SqlExecutor } from '../storage/database.ts';
import { auditEventRowsSql, auditEventsSql, type AuditEventRecord } from '../storage/list-export-sql.ts';

export interface AuditEvent {
  readonly allocationId: string;
  readonly action: 'allocated' | 'removed';
  readonly at: Date;
  readonly actor: string;
  readonly source: string;
  /** The run's number in the organisation. */
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
  /** Calendar days (YYYY-MM-DD) in the organisation's time zone, both included. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Part of who acted (an email, a token's name), case-insensitive. */
  readonly actor?: string | undefined;
}

function eventsOf(filter: AuditFilter, timeZone: string) {
  return auditEventsSql({ accountId: filter.accountId ?? null, runNumber: filter.runId ?? null, from: filter.from ?? null, to: filter.to ?? null, actor: filter.actor?.trim() || null, timeZone });
}

export function auditEventOf(row: AuditEventRecord): AuditEvent {
  return {
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
  };
}

/**
 * Every allocation made and removed, newest first: who, when, from which source and run. An
 * allocation row is history once written, so the trail is read straight from it: its creation is
 * one event and its removal, if any, another. Filtered by account (through the credit index), run,
 * days and who.
 */
export async function auditTrail(executor: SqlExecutor, organisation: { id: bigint; timeZone: string }, filter: AuditFilter, page: { page: number; pageSize: number }): Promise<{ total: number; events: AuditEvent[] }> {
  const { sql, params } = eventsOf(filter, organisation.timeZone);
  const [count] = await executor.query<{ total: bigint }>(`select count(*) as total from (${sql}) e`, [organisation.id, ...params]);
  const rows = await executor.query<AuditEventRecord>(auditEventRowsSql(sql, 'offset'), [organisation.id, ...params, page.pageSize, (page.page - 1) * page.pageSize]);
  return { total: Number(count!.total), events: rows.map(auditEventOf) };
}

/** The whole filtered trail, newest first, page after page (keyset), for a download. */
export async function* auditTrailPages(executor: SqlExecutor, organisation: { id: bigint; timeZone: string }, filter: AuditFilter, pageRows: number): AsyncGenerator<AuditEvent[]> {
  const { sql, params } = eventsOf(filter, organisation.timeZone);
  let cursor: [Date | null, bigint | null, string | null] = [null, null, null];
  for (;;) {
    const rows = await executor.query<AuditEventRecord>(auditEventRowsSql(sql, 'keyset'), [organisation.id, ...params, pageRows, ...cursor]);
    if (rows.length > 0) yield rows.map(auditEventOf);
    const last = rows.at(-1);
    if (!last || rows.length < pageRows) return;
    cursor = [last.at, last.id, last.action];
  }
}
