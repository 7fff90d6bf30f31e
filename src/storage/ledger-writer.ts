import type { AccountRow, AllocationRow, InvoiceItemRow, ParticipantRow, ReceiptRow, RefundRow } from '../core/ledger-rows.ts';
import { refuse } from '../core/outcome.ts';
import type { RefusalCode } from '../core/refusal-codes.ts';
import type { SqlExecutor } from './database.ts';
import { accountTotalMinorMax } from '../core/limits.ts';

/**
 * Set-based writes of ledger rows, used alike by CSV import (thousands of rows a call) and by the
 * API and command line (one row a call), so there is one write path to trust.
 *
 * Each call is idempotent by external id: a row whose id exists with the same content is skipped,
 * one whose content differs is refused. Problems are found with set-based queries that return the
 * first offending row; `RowPath` turns its index into "file:line:column" or a JSON path.
 * Refusals throw RefusalError so that the caller's transaction rolls back whole.
 */
export type RowPath = (rowIndex: number, field?: string) => string;

export interface WriteCounts {
  readonly created: number;
  readonly existing: number;
}

function firstOffender(rows: { ordinal: bigint }[]): number | null {
  const first = rows[0];
  return first ? Number(first.ordinal) - 1 : null;
}

/** The id an offending row names (each check selects one of these columns), and its kind, for the refusal's French words. */
function valuesOf(row: Record<string, unknown>): Record<string, string> {
  const idColumn = ['external_id', 'participant_external_id', 'invoice_external_id', 'item_external_id', 'reference'].find((column) => typeof row[column] === 'string');
  const kind = row.stored_kind ?? row.target_kind ?? row.kind;
  return { ...(idColumn ? { id: row[idColumn] as string } : {}), ...(typeof kind === 'string' ? { kind } : {}) };
}

async function refuseFirst(
  transaction: SqlExecutor,
  sql: string,
  params: readonly unknown[],
  pathOf: RowPath,
  field: string,
  code: RefusalCode | ((row: Record<string, unknown>) => RefusalCode),
  message: (row: Record<string, unknown>) => string,
): Promise<void> {
  const rows = await transaction.query<{ ordinal: bigint } & Record<string, unknown>>(sql, params);
  const index = firstOffender(rows);
  if (index === null) return;
  const row = rows[0]!;
  refuse(typeof code === 'function' ? code(row) : code, message(row), { path: pathOf(index, field), values: valuesOf(row) });
}

/**
 * Refuses the first row that would take its account's total on `side` past accountTotalMinorMax
 * (rows whose id is already stored are not new money and are left out). The account row's CHECK
 * refuses it too (migration 0065); this names the row at fault first.
 */
async function refuseAccountTotalPastLimit(transaction: SqlExecutor, input: string, params: readonly unknown[], side: 'debit' | 'credit', idColumn: string, pathOf: RowPath): Promise<void> {
  await refuseFirst(
    transaction,
    `select ordinal, account_external_id from (
       select n.ordinal, n.account_external_id,
              a.${side}_total_minor + sum(n.amount_minor::numeric) over (partition by n.account_id order by n.ordinal) as total_minor
       from (select * from (${input}) i where not exists (select 1 from document d where d.org_id = $1 and d.external_id = i.${idColumn})) n
       join account a on a.org_id = $1 and a.id = n.account_id) running
     where total_minor > $${params.length + 1} order by ordinal limit 1`,
    [...params, accountTotalMinorMax], pathOf, 'amount', 'account_total_is_too_large',
    (row) => `Account ${String(row.account_external_id)} would total more than ${accountTotalMinorMax} minor units of ${side === 'debit' ? 'items and refunds' : 'payments and credits'}, the most one account may hold`,
  );
}

function counts(total: number, created: number): WriteCounts {
  return { created, existing: total - created };
}

export async function writeAccounts(transaction: SqlExecutor, organisationId: bigint, rows: readonly AccountRow[], pathOf: RowPath): Promise<WriteCounts> {
  if (rows.length === 0) return counts(0, 0);
  const input = `select * from unnest($2::text[], $3::text[], $4::text[]) with ordinality as i(external_id, owner_name, owner_email, ordinal)`;
  const params = [organisationId, rows.map((row) => row.accountId), rows.map((row) => row.ownerName), rows.map((row) => row.ownerEmail)];
  const inserted = await transaction.query(
    `insert into account (org_id, external_id, owner_name, owner_email)
     select $1, external_id, owner_name, owner_email from (${input}) i order by ordinal
     on conflict (org_id, external_id) do nothing returning id`,
    params,
  );
  await refuseFirst(
    transaction,
    `select i.ordinal, i.external_id from (${input}) i join account a on a.org_id = $1 and a.external_id = i.external_id
     where (a.owner_name, a.owner_email) is distinct from (i.owner_name, i.owner_email) order by i.ordinal limit 1`,
    params, pathOf, 'account_id', 'id_exists_with_different_content',
    (row) => `Account ${String(row.external_id)} exists with a different owner`,
  );
  return counts(rows.length, inserted.length);
}

/** Refuses the first row naming an account that does not exist in the organisation. */
async function requireAccounts(transaction: SqlExecutor, organisationId: bigint, accountIds: readonly string[], pathOf: RowPath): Promise<void> {
  await refuseFirst(
    transaction,
    `select i.ordinal, i.external_id from unnest($2::text[]) with ordinality as i(external_id, ordinal)
     where not exists (select 1 from account a where a.org_id = $1 and a.external_id = i.external_id) order by i.ordinal limit 1`,
    [organisationId, accountIds], pathOf, 'account_id', 'account_not_found',
    (row) => `No account has the id ${String(row.external_id)}`,
  );
}

export async function writeParticipants(transaction: SqlExecutor, organisationId: bigint, rows: readonly ParticipantRow[], pathOf: RowPath): Promise<WriteCounts> {
  if (rows.length === 0) return counts(0, 0);
  await requireAccounts(transaction, organisationId, rows.map((row) => row.accountId), pathOf);
  const input = `select i.*, a.id as account_id from unnest($2::text[], $3::text[], $4::text[], $5::date[])
                 with ordinality as i(external_id, account_external_id, name, birth_date, ordinal)
                 join account a on a.org_id = $1 and a.external_id = i.account_external_id`;
  const params = [organisationId, rows.map((row) => row.participantId), rows.map((row) => row.accountId), rows.map((row) => row.name), rows.map((row) => row.birthDate)];
  const inserted = await transaction.query(
    `insert into participant (org_id, account_id, external_id, name, birth_date)
     select $1, account_id, external_id, name, birth_date from (${input}) i order by ordinal
     on conflict (org_id, external_id) do nothing returning id`,
    params,
  );
  await refuseFirst(
    transaction,
    `select i.ordinal, i.external_id from (${input}) i join participant p on p.org_id = $1 and p.external_id = i.external_id
     where (p.account_id, p.name, p.birth_date) is distinct from (i.account_id, i.name, i.birth_date) order by i.ordinal limit 1`,
    params, pathOf, 'participant_id', 'id_exists_with_different_content',
    (row) => `Participant ${String(row.external_id)} exists with different details`,
  );
  return counts(rows.length, inserted.length);
}

/**
 * Writes invoice items, creating each invoice on its first row. An invoice is one document per
 * id; its items keep the order of their rows, after any items it already has.
 */
export async function writeInvoiceItems(transaction: SqlExecutor, organisationId: bigint, rows: readonly InvoiceItemRow[], pathOf: RowPath): Promise<WriteCounts> {
  if (rows.length === 0) return counts(0, 0);
  await requireAccounts(transaction, organisationId, rows.map((row) => row.accountId), pathOf);
  const params = [
    organisationId,
    rows.map((row) => row.invoiceId),
    rows.map((row) => row.accountId),
    rows.map((row) => row.date),
    rows.map((row) => row.itemId),
    rows.map((row) => row.description),
    rows.map((row) => row.ledgerCode),
    rows.map((row) => row.amountMinor),
    rows.map((row) => row.participantId),
    rows.map((row) => row.rl24Eligible),
  ];
  const input = `select i.*, a.id as account_id from unnest($2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::boolean[])
    with ordinality as i(invoice_external_id, account_external_id, date, item_external_id, description, ledger_code, amount_minor, participant_external_id, rl24_eligible, ordinal)
    join account a on a.org_id = $1 and a.external_id = i.account_external_id`;

  await refuseFirst(
    transaction,
    `select i.ordinal, i.participant_external_id, p.account_id as participant_account_id from (${input}) i
     left join participant p on p.org_id = $1 and p.external_id = i.participant_external_id
     where i.participant_external_id is not null and (p.id is null or p.account_id <> i.account_id) order by i.ordinal limit 1`,
    params, pathOf, 'participant_id', 'participant_not_found',
    (row) => row.participant_account_id === null
      ? `No participant has the id ${String(row.participant_external_id)}`
      : `Participant ${String(row.participant_external_id)} belongs to another account`,
  );
  // One invoice id must mean one account and date, within the batch and against what is stored.
  await refuseFirst(
    transaction,
    `select ordinal, invoice_external_id from (
       select i.ordinal, i.invoice_external_id,
              first_value(i.account_id) over w as first_account, first_value(i.date) over w as first_date, i.account_id, i.date
       from (${input}) i window w as (partition by i.invoice_external_id order by i.ordinal)) x
     where (account_id, date) is distinct from (first_account, first_date) order by ordinal limit 1`,
    params, pathOf, 'invoice_id', 'id_exists_with_different_content',
    (row) => `Invoice ${String(row.invoice_external_id)} appears with another account or date`,
  );
  await refuseAccountTotalPastLimit(transaction, input, params, 'debit', 'item_external_id', pathOf);
  await transaction.query(
    // Invoices are created in the order of their first rows: that is their creation order, which
    // auto-reconcile uses to tell an older invoice from a newer one on the same date.
    `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor)
     select $1, account_id, 'invoice', 'none', invoice_external_id, date, 0
     from (select distinct on (invoice_external_id) account_id, invoice_external_id, date, ordinal
           from (${input}) i order by invoice_external_id, ordinal) first_row
     order by ordinal
     on conflict (org_id, external_id) do nothing`,
    params,
  );
  await refuseFirst(
    transaction,
    `select i.ordinal, i.invoice_external_id, d.kind from (${input}) i join document d on d.org_id = $1 and d.external_id = i.invoice_external_id
     where (d.kind, d.account_id, d.date) is distinct from ('invoice', i.account_id, i.date) order by i.ordinal limit 1`,
    params, pathOf, 'invoice_id', 'id_exists_with_different_content',
    (row) => row.kind === 'invoice'
      ? `Invoice ${String(row.invoice_external_id)} exists with another account or date`
      : `The id ${String(row.invoice_external_id)} is already used by a ${String(row.kind)}`,
  );
  const inserted = await transaction.query(
    `with fresh as (
       select i.*, inv.id as invoice_id, p.id as participant_id
       from (${input}) i
       join document inv on inv.org_id = $1 and inv.external_id = i.invoice_external_id
       left join participant p on p.org_id = $1 and p.external_id = i.participant_external_id
       where not exists (select 1 from document d where d.org_id = $1 and d.external_id = i.item_external_id)
     )
     insert into document (org_id, account_id, kind, side, external_id, date, amount_minor, invoice_id, position,
                           description, ledger_code, participant_id, rl24_eligible)
     select $1, f.account_id, 'item', 'debit', f.item_external_id, f.date, f.amount_minor, f.invoice_id,
            coalesce((select max(x.position) from document x where x.org_id = $1 and x.invoice_id = f.invoice_id), 0)
              + row_number() over (partition by f.invoice_id order by f.ordinal),
            f.description, f.ledger_code, f.participant_id, f.rl24_eligible
     from fresh f order by f.ordinal
     on conflict (org_id, external_id) do nothing returning id`,
    params,
  );
  await refuseFirst(
    transaction,
    `select i.ordinal, i.item_external_id, d.kind from (${input}) i
     join document d on d.org_id = $1 and d.external_id = i.item_external_id
     left join document inv on inv.org_id = $1 and inv.id = d.invoice_id
     left join participant p on p.org_id = $1 and p.id = d.participant_id
     where (d.kind, inv.external_id, d.account_id, d.description, d.ledger_code, d.amount_minor, p.external_id, d.rl24_eligible)
           is distinct from ('item', i.invoice_external_id, i.account_id, i.description, i.ledger_code, i.amount_minor, i.participant_external_id, i.rl24_eligible)
     order by i.ordinal limit 1`,
    params, pathOf, 'item_id', 'id_exists_with_different_content',
    (row) => row.kind === 'item'
      ? `Item ${String(row.item_external_id)} exists with different content`
      : `The id ${String(row.item_external_id)} is already used by a ${String(row.kind)}`,
  );
  return counts(rows.length, inserted.length);
}

export async function writeRefunds(transaction: SqlExecutor, organisationId: bigint, rows: readonly RefundRow[], pathOf: RowPath): Promise<WriteCounts> {
  if (rows.length === 0) return counts(0, 0);
  await requireAccounts(transaction, organisationId, rows.map((row) => row.accountId), pathOf);
  const params = [
    organisationId,
    rows.map((row) => row.refundId),
    rows.map((row) => row.accountId),
    rows.map((row) => row.date),
    rows.map((row) => row.amountMinor),
    rows.map((row) => row.method),
    rows.map((row) => row.reference),
  ];
  const input = `select i.*, a.id as account_id from unnest($2::text[], $3::text[], $4::date[], $5::bigint[], $6::text[], $7::text[])
    with ordinality as i(external_id, account_external_id, date, amount_minor, method, reference, ordinal)
    join account a on a.org_id = $1 and a.external_id = i.account_external_id`;
  await refuseAccountTotalPastLimit(transaction, input, params, 'debit', 'external_id', pathOf);
  const inserted = await transaction.query(
    `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor, method, reference)
     select $1, account_id, 'refund', 'debit', external_id, date, amount_minor, method, reference from (${input}) i order by ordinal
     on conflict (org_id, external_id) do nothing returning id`,
    params,
  );
  await refuseFirst(
    transaction,
    `select i.ordinal, i.external_id, d.kind from (${input}) i join document d on d.org_id = $1 and d.external_id = i.external_id
     where (d.kind, d.account_id, d.date, d.amount_minor, d.method, d.reference)
           is distinct from ('refund', i.account_id, i.date, i.amount_minor, i.method, i.reference) order by i.ordinal limit 1`,
    params, pathOf, 'refund_id', 'id_exists_with_different_content',
    (row) => row.kind === 'refund' ? `Refund ${String(row.external_id)} exists with different content` : `The id ${String(row.external_id)} is already used by a ${String(row.kind)}`,
  );
  return counts(rows.length, inserted.length);
}

const referenceProblemMessages = {
  reference_not_found: (reference: string) => `No invoice, item or refund has the id ${reference}`,
  cancellation_requires_item_reference: (reference: string, kind: string) => `A cancellation must name an item; ${reference} is a ${kind}`,
  reference_is_not_allowed: (reference: string, kind: string) => `${reference} is a ${kind}; a receipt may name an invoice, item or refund`,
  reference_in_another_account: (reference: string) => `${reference} belongs to another account`,
};

/**
 * Writes payments, deposits, credits and cancellations. A non-empty reference must name an
 * invoice, item or refund of the same account; a cancellation must name an item, takes its
 * ledger code, and the cancellations of an item never add up to more than the item.
 */
export async function writeReceipts(transaction: SqlExecutor, organisationId: bigint, rows: readonly ReceiptRow[], pathOf: RowPath): Promise<WriteCounts & { documentIds: bigint[] }> {
  if (rows.length === 0) return { ...counts(0, 0), documentIds: [] };
  await requireAccounts(transaction, organisationId, rows.map((row) => row.accountId), pathOf);
  const params = [
    organisationId,
    rows.map((row) => row.receiptId),
    rows.map((row) => row.accountId),
    rows.map((row) => row.date),
    rows.map((row) => row.kind),
    rows.map((row) => row.amountMinor),
    rows.map((row) => row.method),
    rows.map((row) => row.reference),
    rows.map((row) => row.scheduled),
  ];
  const input = `select i.*, a.id as account_id, target.id as target_id, target.kind as target_kind,
                        target.account_id as target_account_id, target.ledger_code as target_ledger_code
    from unnest($2::text[], $3::text[], $4::date[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::boolean[])
      with ordinality as i(external_id, account_external_id, date, kind, amount_minor, method, reference, scheduled, ordinal)
    join account a on a.org_id = $1 and a.external_id = i.account_external_id
    left join document target on target.org_id = $1 and target.external_id = i.reference and i.reference <> ''`;
  await refuseFirst(
    transaction,
    `select ordinal, reference, target_kind, kind,
            case when target_id is null then 'reference_not_found'
                 when kind = 'cancellation' and target_kind <> 'item' then 'cancellation_requires_item_reference'
                 when target_kind not in ('invoice', 'item', 'refund') then 'reference_is_not_allowed'
                 else 'reference_in_another_account' end as problem
     from (${input}) i
     where reference <> '' and (target_id is null or target_account_id <> account_id or target_kind not in ('invoice', 'item', 'refund')
                                or (kind = 'cancellation' and target_kind <> 'item'))
     order by ordinal limit 1`,
    params, pathOf, 'reference', (row) => row.problem as RefusalCode,
    (row) => referenceProblemMessages[row.problem as keyof typeof referenceProblemMessages](String(row.reference), String(row.target_kind)),
  );
  await refuseAccountTotalPastLimit(transaction, input, params, 'credit', 'external_id', pathOf);
  const inserted = await transaction.query<{ id: bigint }>(
    `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor, method, reference,
                           reference_document_id, ledger_code, scheduled)
     select $1, account_id, kind, 'credit', external_id, date, amount_minor, method, reference, target_id,
            case when kind = 'cancellation' then target_ledger_code else '' end, scheduled
     from (${input}) i order by ordinal
     on conflict (org_id, external_id) do nothing returning id`,
    params,
  );
  await refuseFirst(
    transaction,
    `select i.ordinal, i.external_id, d.kind as stored_kind from (${input}) i join document d on d.org_id = $1 and d.external_id = i.external_id
     where (d.kind, d.account_id, d.date, d.amount_minor, d.method, d.reference)
           is distinct from (i.kind, i.account_id, i.date, i.amount_minor, i.method, i.reference)
        or (d.kind = 'payment' and d.voided_at is null and d.scheduled and not i.scheduled)
     order by i.ordinal limit 1`,
    params, pathOf, 'receipt_id', 'id_exists_with_different_content',
    (row) => `Receipt ${String(row.external_id)} exists with different content (stored as a ${String(row.stored_kind)})`,
  );
  // Lock the cancelled items in id order, then check that no item is cancelled beyond its amount.
  await transaction.query(
    `select id from document where org_id = $1 and id in (
       select target_id from (${input}) i where kind = 'cancellation') order by id for update`,
    params,
  );
  await refuseFirst(
    transaction,
    `select max(i.ordinal) as ordinal, i.reference from (${input}) i
     join document item on item.org_id = $1 and item.id = i.target_id
     where i.kind = 'cancellation'
       and (select coalesce(sum(c.amount_minor), 0) from document c
            where c.org_id = $1 and c.kind = 'cancellation' and c.reference_document_id = item.id) > item.amount_minor
     group by i.reference order by 1 limit 1`,
    params, pathOf, 'amount', 'cancellation_exceeds_item_amount',
    (row) => `Cancellations of item ${String(row.reference)} would exceed its amount`,
  );
  const ids = await transaction.query<{ id: bigint }>(
    `select d.id from unnest($2::text[]) with ordinality as i(external_id, ordinal)
     join document d on d.org_id = $1 and d.external_id = i.external_id order by i.ordinal`,
    [organisationId, rows.map((row) => row.receiptId)],
  );
  return { ...counts(rows.length, inserted.length), documentIds: ids.map((row) => row.id) };
}
