import type { DocumentKind } from '../core/document-kinds.ts';
import { formatAmountMinor, sumAmounts } from '../core/money.ts';
import { creditStatus, debitStatus, invoiceStatus, type DebitCoverage } from '../core/reconciliation-status.ts';
import { coveredByScheduledSql } from '../storage/covered-by-scheduled-sql.ts';
import type { ExportTable } from './csv-formats.ts';

/**
 * One page query per export table, read with keyset pagination: each page starts after the last
 * row of the one before (by id, the creation order), so every page costs the same however deep
 * into the table it is, on both engines. Parameters: $1 organisation id, $2 page size, $3... the
 * cursor. Each row becomes one CSV record with the columns of csv-formats.ts, in their order.
 */
export interface ExportQuery<Row> {
  readonly sql: string;
  readonly firstCursor: readonly bigint[];
  cursorOf(row: Row): readonly bigint[];
  recordOf(row: Row, minorDigits: number): string[];
}

function byId<Row extends { id: bigint }>(sql: string, recordOf: (row: Row, minorDigits: number) => string[]): ExportQuery<Row> {
  return { sql, firstCursor: [0n], cursorOf: (row) => [row.id], recordOf };
}

/**
 * The rows of one page, taken before any join so that a page costs its own rows whatever the
 * planner knows of the tables (right after a bulk import it may know nothing).
 */
function pageOf(table: 'account' | 'participant' | 'document', condition = 'true'): string {
  return `select * from ${table} where org_id = $1 and id > $3 and ${condition} order by id limit $2`;
}

function flag(value: boolean): string {
  return value ? 'true' : 'false';
}

interface AccountRecord {
  id: bigint;
  external_id: string;
  owner_name: string;
  owner_email: string;
}

const accounts = byId<AccountRecord>(
  `select id, external_id, owner_name, owner_email from (${pageOf('account')}) page order by id`,
  (row) => [row.external_id, row.owner_name, row.owner_email],
);

interface ParticipantRecord {
  id: bigint;
  external_id: string;
  account_external_id: string;
  name: string;
  birth_date: string | null;
}

const participants = byId<ParticipantRecord>(
  `select p.id, p.external_id, a.external_id as account_external_id, p.name, p.birth_date
   from (${pageOf('participant')}) p join account a on a.org_id = $1 and a.id = p.account_id
   order by p.id`,
  (row) => [row.external_id, row.account_external_id, row.name, row.birth_date ?? ''],
);

interface ItemRecord {
  id: bigint;
  invoice_external_id: string;
  account_external_id: string;
  date: string;
  external_id: string;
  description: string;
  ledger_code: string;
  amount_minor: bigint;
  participant_external_id: string | null;
  rl24_eligible: boolean;
}

/** One row per item in creation order; an invoice's first item row creates it again on import. */
const invoices = byId<ItemRecord>(
  `select item.id, invoice.external_id as invoice_external_id, a.external_id as account_external_id, item.date, item.external_id,
          item.description, item.ledger_code, item.amount_minor, p.external_id as participant_external_id, item.rl24_eligible
   from (${pageOf('document', "kind = 'item'")}) item
   join document invoice on invoice.org_id = $1 and invoice.id = item.invoice_id
   join account a on a.org_id = $1 and a.id = item.account_id
   left join participant p on p.org_id = $1 and p.id = item.participant_id
   order by item.id`,
  (row, minorDigits) => [
    row.invoice_external_id,
    row.account_external_id,
    row.date,
    row.external_id,
    row.description,
    row.ledger_code,
    formatAmountMinor(row.amount_minor, minorDigits),
    row.participant_external_id ?? '',
    flag(row.rl24_eligible),
  ],
);

interface RefundRecord {
  id: bigint;
  external_id: string;
  account_external_id: string;
  date: string;
  amount_minor: bigint;
  method: string | null;
  reference: string;
}

const refunds = byId<RefundRecord>(
  `select d.id, d.external_id, a.external_id as account_external_id, d.date, d.amount_minor, d.method, d.reference
   from (${pageOf('document', "kind = 'refund'")}) d join account a on a.org_id = $1 and a.id = d.account_id
   order by d.id`,
  (row, minorDigits) => [row.external_id, row.account_external_id, row.date, formatAmountMinor(row.amount_minor, minorDigits), row.method ?? '', row.reference],
);

interface ReceiptRecord {
  id: bigint;
  external_id: string;
  account_external_id: string;
  date: string;
  kind: string;
  amount_minor: bigint;
  method: string | null;
  reference: string;
  scheduled: boolean;
}

/**
 * Voided payments are left out: the formats cannot import a void, and a voided payment imported
 * as live money would change the balance. `tally export statuses` still lists them.
 */
const receipts = byId<ReceiptRecord>(
  `select d.id, d.external_id, a.external_id as account_external_id, d.date, d.kind, d.amount_minor, d.method, d.reference, d.scheduled
   from (${pageOf('document', "side = 'credit' and voided_at is null")}) d join account a on a.org_id = $1 and a.id = d.account_id
   order by d.id`,
  (row, minorDigits) => [
    row.external_id,
    row.account_external_id,
    row.date,
    row.kind,
    formatAmountMinor(row.amount_minor, minorDigits),
    row.method ?? '',
    row.reference,
    flag(row.scheduled),
  ],
);

interface AllocationPairRecord {
  credit_id: bigint;
  debit_id: bigint;
  receipt_external_id: string;
  target_external_id: string;
  amount_minor: bigint;
  sources: string;
}

/**
 * Active allocations, one row per receipt and target: their sum, and their sources joined by `+`.
 * Import reads a receipt and target as one allocation, so two partial allocations of one pair
 * must be one row for the export to import again. Ordered by receipt, then target, creation order.
 */
const allocations: ExportQuery<AllocationPairRecord> = {
  sql: `select pair.credit_id, pair.debit_id, credit.external_id as receipt_external_id, debit.external_id as target_external_id,
               pair.amount_minor, pair.sources
        from (select credit_id, debit_id, sum(amount_minor)::bigint as amount_minor, string_agg(distinct source, '+' order by source) as sources
              from allocation
              where org_id = $1 and removed_at is null and (credit_id, debit_id) > ($3::bigint, $4::bigint)
              group by credit_id, debit_id order by credit_id, debit_id limit $2) pair
        join document credit on credit.org_id = $1 and credit.id = pair.credit_id
        join document debit on debit.org_id = $1 and debit.id = pair.debit_id
        order by pair.credit_id, pair.debit_id`,
  firstCursor: [0n, 0n],
  cursorOf: (row) => [row.credit_id, row.debit_id],
  recordOf: (row, minorDigits) => [row.receipt_external_id, row.target_external_id, formatAmountMinor(row.amount_minor, minorDigits), row.sources],
};

interface StatusRecord {
  id: bigint;
  external_id: string;
  kind: DocumentKind;
  side: 'debit' | 'credit' | 'none';
  amount_minor: bigint;
  allocated_minor: bigint;
  voided: boolean;
  covered_by_scheduled: boolean;
  /** An invoice's items in item order, as JSON [amount, allocated, covered by a scheduled installment]. */
  item_coverage: string | null;
}

/**
 * The coverage facts of every document are selected set-based, a page at a time; the statuses
 * themselves come from core/reconciliation-status.ts, the one definition of the rules.
 */
const statuses = byId<StatusRecord>(
  `with page as (${pageOf('document')}),
   -- Items of the page's invoices. The page holds every document of its id range, so their
   -- invoice ids lie in that range, which bounds the index scan to the page.
   item as (
     select item.document_id as id, item.invoice_id, item.position, item.amount_minor, item.allocated_minor
     from document_balance item
     where item.org_id = $1 and item.invoice_id > $3 and item.invoice_id <= (select max(id) from page)
   ),
   -- Debits of the page, and items of its invoices, covered by a scheduled installment (an item's
   -- account is its invoice's, which is on the page).
   covered_by_scheduled as (
     select distinct covered.debit_id
     from (${coveredByScheduledSql('credit.account_id in (select account_id from page)')}) covered
     where covered.debit_id in (select id from page where side = 'debit' union select id from item)
   ),
   invoice_items as (
     select item.invoice_id,
            json_agg(json_build_array(item.amount_minor::text, item.allocated_minor::text, covered.debit_id is not null)
                     order by item.position)::text as item_coverage
     from item left join covered_by_scheduled covered on covered.debit_id = item.id
     group by item.invoice_id
   )
   select d.id, d.external_id, d.kind, d.side, d.amount_minor, balance.allocated_minor, d.voided_at is not null as voided,
          covered.debit_id is not null as covered_by_scheduled, invoice_items.item_coverage
   from page d
   join document_balance balance on balance.org_id = $1 and balance.document_id = d.id
   left join covered_by_scheduled covered on covered.debit_id = d.id
   left join invoice_items on invoice_items.invoice_id = d.id
   order by d.id`,
  (row, minorDigits) => {
    const money = (amountMinor: bigint) => formatAmountMinor(amountMinor, minorDigits);
    if (row.kind === 'invoice') {
      const items = (JSON.parse(row.item_coverage ?? '[]') as [string, string, boolean][]).map(([amount, allocated, covered]): DebitCoverage => ({
        amountMinor: BigInt(amount),
        allocatedMinor: BigInt(allocated),
        coveredByScheduledInstallment: covered,
      }));
      const amountMinor = sumAmounts(items.map((item) => item.amountMinor));
      const allocatedMinor = sumAmounts(items.map((item) => item.allocatedMinor));
      return [row.external_id, row.kind, money(amountMinor), money(allocatedMinor), invoiceStatus(items)];
    }
    const coverage = { amountMinor: row.amount_minor, allocatedMinor: row.allocated_minor, coveredByScheduledInstallment: row.covered_by_scheduled };
    if (row.side === 'debit') return [row.external_id, row.kind, money(row.amount_minor), money(row.allocated_minor), debitStatus(coverage)];
    // A voided payment counts for nothing: its allocations were removed when it was voided.
    if (row.voided) return [row.external_id, row.kind, money(row.amount_minor), money(0n), 'none'];
    return [row.external_id, row.kind, money(row.amount_minor), money(row.allocated_minor), creditStatus(coverage)];
  },
);

export const exportQueries: { readonly [Table in ExportTable]: ExportQuery<object> } = {
  accounts,
  participants,
  invoices,
  refunds,
  receipts,
  allocations,
  statuses,
};
