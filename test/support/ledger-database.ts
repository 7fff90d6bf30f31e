/**
 * Writes random ledgers (test/support/random-ledger.ts) through the real services, and reads back
 * what the database holds: active allocations by external ids, and each document's allocated
 * total checked against its allocation rows.
 */
import { expect } from 'vitest';
import { planAutoReconcile, type OpenCredit, type OpenDebit } from '../../src/core/allocation-plan.ts';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import type { ReconciliationStrategy } from '../../src/core/document-kinds.ts';
import { unwrap } from '../../src/core/outcome.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { allocate, createAccount, createInvoice, createReceipt, createRefund } from '../../src/services/ledger.ts';
import type { SqlExecutor } from '../../src/storage/database.ts';
import { constraintOf } from '../../src/storage/database-invariants.ts';
import type { LedgerSpec } from './random-ledger.ts';
import { sortAllocations, type ModelAllocation } from './reference-model.ts';

export async function writeLedgerSpec(context: TallyContext, accountId: string, spec: LedgerSpec): Promise<void> {
  unwrap(await createAccount(context, { accountId, ownerName: `Owner of ${accountId}`, ownerEmail: '' }));
  for (const event of spec.events) {
    const date = event.date as CalendarDate;
    if (event.kind === 'invoice') {
      unwrap(await createInvoice(context, { invoiceId: event.key, accountId, date }, event.items.map((item) => ({
        itemId: item.key, description: item.key, ledgerCode: 'GL-1', amountMinor: item.amountMinor, participantId: null, rl24Eligible: false,
      }))));
    } else if (event.kind === 'refund') {
      unwrap(await createRefund(context, { refundId: event.key, accountId, date, amountMinor: event.amountMinor, method: 'cheque', reference: '' }));
    } else {
      unwrap(await createReceipt(context, {
        receiptId: event.key, accountId, date, kind: event.creditKind, amountMinor: event.amountMinor,
        method: event.creditKind === 'payment' ? 'card' : null, reference: event.reference?.key ?? '', scheduled: event.scheduled,
      }));
    }
  }
  if (spec.manual.length > 0) {
    unwrap(await allocate(context, spec.manual.map((line) => ({ creditExternalId: line.creditKey, debitExternalId: line.debitKey, amountMinor: line.amountMinor }))));
  }
}

export interface StoredAllocation extends ModelAllocation {
  readonly accountId: string;
  readonly source: string;
}

/** Active allocations of the organisation (or of one run), by external ids, in a canonical order. */
export async function activeAllocations(executor: SqlExecutor, context: TallyContext, filter: { runId?: bigint } = {}): Promise<StoredAllocation[]> {
  const rows = await executor.query<{ account_id: string; credit: string; debit: string; amount_minor: bigint; source: string }>(
    `select acc.external_id as account_id, c.external_id as credit, d.external_id as debit, a.amount_minor, a.source
     from allocation a
     join account acc on acc.org_id = a.org_id and acc.id = a.account_id
     join document c on c.org_id = a.org_id and c.id = a.credit_id
     join document d on d.org_id = a.org_id and d.id = a.debit_id
     where a.org_id = $1 and a.removed_at is null and ($2::bigint is null or a.run_id = (select r.id from reconciliation_run r where r.org_id = $1 and r.number = $2))`,
    [context.organisation.id, filter.runId ?? null],
  );
  return sortAllocations(rows.map((row) => ({ accountId: row.account_id, creditKey: row.credit, debitKey: row.debit, amountMinor: row.amount_minor, source: row.source })));
}

/**
 * The database invariants, checked from outside: every document has a balance row whose copies
 * equal the document; its allocated_minor equals the sum of its active allocations and lies within
 * [0, amount]; voided documents have nothing allocated; both sides of every active allocation are
 * in the allocation's account. Returns the offenders.
 */
export async function invariantViolations(executor: SqlExecutor, organisationId?: bigint): Promise<string[]> {
  const rows = await executor.query<{ problem: string }>(
    `select d.external_id || ': allocated ' || b.allocated_minor || ', active allocations ' || coalesce(s.total, 0) || ', amount ' || d.amount_minor
            || case when d.voided_at is not null then ', voided' else '' end as problem
     from document d
     join document_balance b on b.org_id = d.org_id and b.document_id = d.id
     left join (select org_id, document_id, sum(amount_minor) as total from (
                  select org_id, credit_id as document_id, amount_minor from allocation where removed_at is null
                  union all select org_id, debit_id, amount_minor from allocation where removed_at is null) sides
                group by org_id, document_id) s on s.org_id = d.org_id and s.document_id = d.id
     where ($1::bigint is null or d.org_id = $1)
       and (b.allocated_minor <> coalesce(s.total, 0) or b.allocated_minor < 0 or b.allocated_minor > d.amount_minor
            or (d.voided_at is not null and b.allocated_minor <> 0))
     union all
     select d.external_id || ': balance row missing or not a copy of the document'
     from document d
     left join document_balance b on b.org_id = d.org_id and b.document_id = d.id
     where ($1::bigint is null or d.org_id = $1)
       and (b.document_id is null
            or (b.account_id, b.kind, b.side, b.date, b.invoice_id, b.position, b.reference_document_id, b.amount_minor, b.voided)
               is distinct from (d.account_id, d.kind, d.side, d.date, d.invoice_id, d.position, d.reference_document_id, d.amount_minor, d.voided_at is not null))
     union all
     select 'allocation ' || a.id || ' crosses accounts or sides'
     from allocation a join document c on c.org_id = a.org_id and c.id = a.credit_id join document d on d.org_id = a.org_id and d.id = a.debit_id
     where ($1::bigint is null or a.org_id = $1) and (c.account_id <> a.account_id or d.account_id <> a.account_id or c.side <> 'credit' or d.side <> 'debit')`,
    [organisationId ?? null],
  );
  return rows.map((row) => row.problem);
}

/** Every document's allocated total, by external id: a fingerprint of the reconciliation state. */
export async function allocatedTotals(executor: SqlExecutor, context: TallyContext): Promise<Record<string, string>> {
  const rows = await executor.query<{ external_id: string; allocated_minor: bigint }>(
    `select d.external_id, b.allocated_minor from document d join document_balance b on b.org_id = d.org_id and b.document_id = d.id
     where d.org_id = $1 and d.side <> 'none' order by d.external_id`,
    [context.organisation.id],
  );
  return Object.fromEntries(rows.map((row) => [row.external_id, row.allocated_minor.toString()]));
}

/** Reads one account's open documents as the planner wants them and runs the pure planner on them. */
export async function planFromDatabase(executor: SqlExecutor, context: TallyContext, accountId: string, strategy: ReconciliationStrategy): Promise<ModelAllocation[]> {
  const rows = await executor.query<{
    id: bigint; external_id: string; side: string; date: string; remaining_minor: bigint; invoice_id: bigint | null; position: number;
    reference_document_id: bigint | null; reference_kind: string | null;
  }>(
    `select d.id, d.external_id, d.side, d.date, d.amount_minor - b.allocated_minor as remaining_minor, d.invoice_id, d.position,
            d.reference_document_id, target.kind as reference_kind
     from document d
     join document_balance b on b.org_id = d.org_id and b.document_id = d.id
     join account a on a.org_id = d.org_id and a.id = d.account_id
     left join document target on target.org_id = d.org_id and target.id = d.reference_document_id
     where d.org_id = $1 and a.external_id = $2 and d.side <> 'none' and d.voided_at is null and b.allocated_minor < d.amount_minor`,
    [context.organisation.id, accountId],
  );
  const keyOf = new Map(rows.map((row) => [row.id, row.external_id]));
  const credits: OpenCredit[] = rows.filter((row) => row.side === 'credit').map((row) => ({
    id: row.id,
    date: row.date as CalendarDate,
    remainingMinor: row.remaining_minor,
    referenceDebitId: row.reference_kind === 'item' || row.reference_kind === 'refund' ? row.reference_document_id : null,
    referenceInvoiceId: row.reference_kind === 'invoice' ? row.reference_document_id : null,
  }));
  const debits: OpenDebit[] = rows.filter((row) => row.side === 'debit').map((row) => ({
    id: row.id, date: row.date as CalendarDate, invoiceId: row.invoice_id, position: Number(row.position), remainingMinor: row.remaining_minor,
  }));
  return sortAllocations(planAutoReconcile(credits, debits, strategy).map((allocation) => ({
    creditKey: keyOf.get(allocation.creditId)!, debitKey: keyOf.get(allocation.debitId)!, amountMinor: allocation.amountMinor,
  })));
}

export async function expectInvariants(executor: SqlExecutor, organisationId?: bigint): Promise<void> {
  expect(await invariantViolations(executor, organisationId)).toEqual([]);
}

/**
 * What a database refusal says: its SQLSTATE and the constraint it names, read as the services
 * read it (src/storage/database-invariants.ts: the error's field, else its message, which is all a
 * Citus cluster forwards). Resolves with the statement's result if it was not refused, so that an
 * `expect(...).resolves.toEqual({ code, constraint })` shows what happened either way.
 */
export async function databaseRefusal(statement: Promise<unknown>): Promise<unknown> {
  try {
    return await statement;
  } catch (error) {
    return { code: (error as { code?: string }).code, constraint: constraintOf(error) };
  }
}
