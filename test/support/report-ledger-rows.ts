/**
 * Reads an organisation's ledger as the report rules take it (src/core/report-ledger.ts): every
 * account, participant, document and allocation row, by external ids, with their instants.
 */
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import type { DocumentKind } from '../../src/core/document-kinds.ts';
import type { ReportLedger } from '../../src/core/report-ledger.ts';
import type { SqlExecutor } from '../../src/storage/database.ts';

export async function readReportLedger(executor: SqlExecutor, organisationId: bigint): Promise<ReportLedger> {
  const accounts = await executor.query<{ id: string; owner_name: string }>('select external_id as id, owner_name from account where org_id = $1', [organisationId]);
  const participants = await executor.query<{ id: string; account_id: string; name: string; birth_date: string | null }>(
    `select p.external_id as id, a.external_id as account_id, p.name, p.birth_date::text as birth_date
     from participant p join account a on a.org_id = p.org_id and a.id = p.account_id where p.org_id = $1`, [organisationId]);
  const documents = await executor.query<Record<string, unknown>>(
    `select d.external_id as id, a.external_id as account_id, d.kind, d.date::text as date, d.amount_minor, d.method, d.ledger_code,
            invoice.external_id as invoice_id, p.external_id as participant_id, d.rl24_eligible,
            case when d.kind = 'cancellation' then target.external_id end as cancelled_item_id,
            d.scheduled, d.collected_on::text as collected_on, d.collected_at, d.voided_at, d.created_at
     from document d
     join account a on a.org_id = d.org_id and a.id = d.account_id
     left join document invoice on invoice.org_id = d.org_id and invoice.id = d.invoice_id
     left join participant p on p.org_id = d.org_id and p.id = d.participant_id
     left join document target on target.org_id = d.org_id and target.id = d.reference_document_id
     where d.org_id = $1 order by d.id`, [organisationId]);
  const allocations = await executor.query<{ credit_id: string; debit_id: string; amount_minor: bigint; created_at: Date; removed_at: Date | null }>(
    `select c.external_id as credit_id, d.external_id as debit_id, x.amount_minor, x.created_at, x.removed_at
     from allocation x
     join document c on c.org_id = x.org_id and c.id = x.credit_id
     join document d on d.org_id = x.org_id and d.id = x.debit_id
     where x.org_id = $1 order by x.id`, [organisationId]);
  return {
    accounts: accounts.map((row) => ({ id: row.id, ownerName: row.owner_name })),
    participants: participants.map((row) => ({ id: row.id, accountId: row.account_id, name: row.name, birthDate: row.birth_date as CalendarDate | null })),
    documents: documents.map((row) => ({
      id: row.id as string,
      accountId: row.account_id as string,
      kind: row.kind as DocumentKind,
      date: row.date as CalendarDate,
      amountMinor: row.amount_minor as bigint,
      method: row.method as string | null,
      ledgerCode: row.ledger_code as string,
      invoiceId: row.invoice_id as string | null,
      participantId: row.participant_id as string | null,
      rl24Eligible: row.rl24_eligible as boolean,
      cancelledItemId: row.cancelled_item_id as string | null,
      scheduled: row.scheduled as boolean,
      collectedOn: row.collected_on as CalendarDate | null,
      collectedAt: row.collected_at as Date | null,
      voidedAt: row.voided_at as Date | null,
      createdAt: row.created_at as Date,
    })),
    allocations: allocations.map((row) => ({ creditId: row.credit_id, debitId: row.debit_id, amountMinor: row.amount_minor, createdAt: row.created_at, removedAt: row.removed_at })),
  };
}
