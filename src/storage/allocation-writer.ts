import { checkAllocationRequest, type AllocationLine, type DocumentSnapshot } from '../core/allocation-request.ts';
import type { AllocationSource, DocumentKind } from '../core/document-kinds.ts';
import type { AmountMinor } from '../core/money.ts';
import { refuse, unwrap } from '../core/outcome.ts';
import type { SqlExecutor } from './database.ts';
import type { RowPath } from './ledger-writer.ts';

export interface AllocationByExternalId {
  readonly creditExternalId: string;
  readonly debitExternalId: string;
  readonly amountMinor: AmountMinor;
}

export interface AllocationSettings {
  readonly organisationId: bigint;
  readonly reconciliationEnabled: boolean;
  readonly minorDigits: number;
}

export interface AllocationWriteOptions {
  readonly source: Exclude<AllocationSource, 'auto'>;
  readonly actor: string;
  /**
   * Import: an active imported allocation between the same two documents is this row already
   * (skipped when the amount agrees, refused when it differs), so importing twice changes nothing.
   */
  readonly idempotentByPair: boolean;
}

interface SnapshotRecord {
  id: bigint;
  external_id: string;
  account_id: bigint;
  kind: DocumentKind;
  amount_minor: bigint;
  allocated_minor: bigint;
  voided: boolean;
}

/**
 * Locks the named documents' balance rows (what allocations move) in id order, so concurrent writers
 * cannot deadlock on them, and reads them as the allocation check needs them. Locking before
 * reading makes the check exact; the database's constraints would refuse an over-allocation anyway.
 */
export async function lockDocumentSnapshots(transaction: SqlExecutor, organisationId: bigint, externalIds: readonly string[]): Promise<Map<string, DocumentSnapshot>> {
  const records = await transaction.query<SnapshotRecord>(
    `select d.id, d.external_id, d.account_id, d.kind, d.amount_minor, balance.allocated_minor, d.voided_at is not null as voided
     from document d join document_balance balance on balance.org_id = d.org_id and balance.document_id = d.id
     where d.org_id = $1 and d.external_id = any($2::text[]) order by d.id for update of balance`,
    [organisationId, [...new Set(externalIds)]],
  );
  return new Map(records.map((record) => [record.external_id, {
    id: record.id,
    externalId: record.external_id,
    accountId: record.account_id,
    kind: record.kind,
    amountMinor: record.amount_minor,
    allocatedMinor: record.allocated_minor,
    voided: record.voided,
  }]));
}

/** Writes allocations given by external ids, all or nothing; returns the new allocation ids. */
export async function writeAllocations(
  transaction: SqlExecutor,
  settings: AllocationSettings,
  lines: readonly AllocationByExternalId[],
  options: AllocationWriteOptions,
  pathOf: RowPath,
): Promise<{ created: number; existing: number; allocationIds: bigint[] }> {
  if (lines.length === 0) return { created: 0, existing: 0, allocationIds: [] };
  if (!settings.reconciliationEnabled) refuse('reconciliation_disabled', 'Reconciliation is turned off for this organisation');
  const snapshots = await lockDocumentSnapshots(transaction, settings.organisationId, lines.flatMap((line) => [line.creditExternalId, line.debitExternalId]));
  const resolved: (AllocationLine & { index: number })[] = [];
  const existingPairs = options.idempotentByPair ? await importedPairs(transaction, settings.organisationId, snapshots) : new Map<string, bigint>();
  let existing = 0;
  for (const [index, line] of lines.entries()) {
    const credit = snapshots.get(line.creditExternalId);
    const debit = snapshots.get(line.debitExternalId);
    if (!credit) refuse('document_not_found', `No receipt has the id ${line.creditExternalId}`, { path: pathOf(index, 'credit'), values: { id: line.creditExternalId } });
    if (!debit) refuse('document_not_found', `No item or refund has the id ${line.debitExternalId}`, { path: pathOf(index, 'debit'), values: { id: line.debitExternalId } });
    const stored = existingPairs.get(`${credit.id}:${debit.id}`);
    if (stored !== undefined) {
      if (stored !== line.amountMinor) {
        refuse('id_exists_with_different_content', `${line.creditExternalId} is already allocated to ${line.debitExternalId} with another amount`, {
          path: pathOf(index, 'amount'),
          values: { credit: line.creditExternalId, debit: line.debitExternalId },
        });
      }
      existing += 1;
      continue;
    }
    resolved.push({ creditId: credit.id, debitId: debit.id, amountMinor: line.amountMinor, index });
  }
  // Every line was imported before (importing a folder again): nothing is left to check or write.
  if (resolved.length === 0) return { created: 0, existing, allocationIds: [] };
  const byId = new Map([...snapshots.values()].map((snapshot) => [snapshot.id, snapshot]));
  unwrap(checkAllocationRequest(resolved, byId, settings, (position, field) => pathOf(resolved[position]?.index ?? position, field)));
  const inserted = await transaction.query<{ id: bigint }>(
    `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
     select $1, d.account_id, i.credit_id, i.debit_id, i.amount_minor, $5, $6
     from unnest($2::bigint[], $3::bigint[], $4::bigint[]) with ordinality as i(credit_id, debit_id, amount_minor, ordinal)
     join document d on d.org_id = $1 and d.id = i.credit_id
     order by i.ordinal
     returning id`,
    [
      settings.organisationId,
      resolved.map((line) => line.creditId),
      resolved.map((line) => line.debitId),
      resolved.map((line) => line.amountMinor),
      options.source,
      options.actor,
    ],
  );
  return { created: inserted.length, existing, allocationIds: inserted.map((row) => row.id) };
}

async function importedPairs(transaction: SqlExecutor, organisationId: bigint, snapshots: Map<string, DocumentSnapshot>): Promise<Map<string, bigint>> {
  const ids = [...snapshots.values()].map((snapshot) => snapshot.id);
  const rows = await transaction.query<{ credit_id: bigint; debit_id: bigint; amount_minor: bigint }>(
    `select credit_id, debit_id, sum(amount_minor)::bigint as amount_minor from allocation
     where org_id = $1 and source = 'import' and removed_at is null and credit_id = any($2::bigint[]) and debit_id = any($2::bigint[])
     group by credit_id, debit_id`,
    [organisationId, ids],
  );
  return new Map(rows.map((row) => [`${row.credit_id}:${row.debit_id}`, row.amount_minor]));
}

/**
 * Marks allocations removed (kept as history). Both documents' balance rows (what allocations
 * move, and what every writer locks) are locked in id order first, so a removal never deadlocks
 * with an allocation in progress. Returns the ids actually removed.
 */
export async function removeAllocations(
  transaction: SqlExecutor,
  organisationId: bigint,
  where: { allocationIds: readonly bigint[] } | { runId: bigint },
  actor: string,
  reason: 'manual' | 'undo' | 'void',
): Promise<{ id: bigint; amount_minor: bigint }[]> {
  const filter = 'allocationIds' in where ? 'a.id = any($2::bigint[])' : 'a.run_id = $2';
  const parameter = 'allocationIds' in where ? [...where.allocationIds] : where.runId;
  await transaction.query(
    `select b.document_id from document_balance b where b.org_id = $1 and b.document_id in (
       select unnest(array[a.credit_id, a.debit_id]) from allocation a where a.org_id = $1 and ${filter} and a.removed_at is null)
     order by b.document_id for update`,
    [organisationId, parameter],
  );
  return transaction.query<{ id: bigint; amount_minor: bigint }>(
    `update allocation a set removed_at = now(), removed_by = $3, removal_reason = $4
     where a.org_id = $1 and ${filter} and a.removed_at is null returning a.id, a.amount_minor`,
    [organisationId, parameter, actor, reason],
  );
}
