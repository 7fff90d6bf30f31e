import type { DocumentKind } from '../core/document-kinds.ts';
import { listPageSizeMax } from '../core/limits.ts';
import type { AmountMinor } from '../core/money.ts';
import { explainOpen, type OpenReason } from '../core/open-explanation.ts';
import { refuse, type Outcome } from '../core/outcome.ts';
import { debitStatus, invoiceStatus, scheduledCreditStatus, type DebitStatus } from '../core/reconciliation-status.ts';
import { outcomeOf, type TallyContext } from './context.ts';
import { coveredByScheduledSql } from '../storage/covered-by-scheduled-sql.ts';
import { unreconciledDocumentCondition } from '../storage/unreconciled-document-sql.ts';

export interface DocumentView {
  readonly id: string;
  readonly kind: DocumentKind;
  readonly date: string;
  readonly amountMinor: AmountMinor;
  readonly allocatedMinor: AmountMinor;
  readonly remainingMinor: AmountMinor;
  readonly status: DebitStatus;
  readonly invoiceId: string | null;
  readonly position: number;
  /** 1 for the account's first document, and so on: the creation order "oldest first" breaks ties by. */
  readonly creationOrder: number;
  readonly description: string;
  readonly ledgerCode: string;
  readonly participantId: string | null;
  readonly rl24Eligible: boolean;
  readonly method: string | null;
  readonly reference: string;
  readonly scheduled: boolean;
  readonly voided: boolean;
}

export interface AllocationView {
  readonly allocationId: string;
  readonly creditId: string;
  readonly debitId: string;
  readonly amountMinor: AmountMinor;
  readonly source: string;
  readonly runId: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export interface AccountStatement {
  readonly accountId: string;
  readonly ownerName: string;
  readonly ownerEmail: string;
  /** Σ debits − Σ credits, voids excluded: positive is owing, negative is credit on account. */
  readonly balanceMinor: AmountMinor;
  readonly openCreditMinor: AmountMinor;
  readonly openDebitMinor: AmountMinor;
  readonly openReason: OpenReason;
  /** Newest first, as the billing page shows them; invoices before their items. */
  readonly documents: readonly DocumentView[];
  readonly allocations: readonly AllocationView[];
}

interface DocumentRecord {
  id: bigint;
  external_id: string;
  kind: DocumentKind;
  side: string;
  date: string;
  amount_minor: bigint;
  allocated_minor: bigint;
  invoice_external_id: string | null;
  invoice_id: bigint | null;
  position: number;
  creation_order: bigint;
  description: string;
  ledger_code: string;
  participant_external_id: string | null;
  rl24_eligible: boolean;
  method: string | null;
  reference: string;
  scheduled: boolean;
  voided: boolean;
  covered_by_scheduled: boolean;
}

/** One account with every document, its status and remainder, its allocations and what is left open. */
export async function accountStatement(context: TallyContext, accountExternalId: string): Promise<Outcome<AccountStatement>> {
  return outcomeOf(async () => {
    const organisationId = context.organisation.id;
    const [account] = await context.database.query<{ id: bigint; owner_name: string; owner_email: string }>(
      'select id, owner_name, owner_email from account where org_id = $1 and external_id = $2',
      [organisationId, accountExternalId],
    );
    if (!account) refuse('account_not_found', `No account has the id ${accountExternalId}`, { path: 'account', values: { id: accountExternalId } });
    const records = await context.database.query<DocumentRecord>(
      `with covered_by_scheduled as (${coveredByScheduledSql('credit.account_id = $2')})
       select d.id, d.external_id, d.kind, d.side, d.date, d.amount_minor, balance.allocated_minor, invoice.external_id as invoice_external_id,
              d.invoice_id, d.position, d.description, d.ledger_code, p.external_id as participant_external_id, d.rl24_eligible, d.method,
              d.reference, d.scheduled, d.voided_at is not null as voided,
              d.id in (select debit_id from covered_by_scheduled) as covered_by_scheduled,
              row_number() over (order by d.id) as creation_order
       from document d
       join document_balance balance on balance.org_id = d.org_id and balance.document_id = d.id
       left join document invoice on invoice.org_id = d.org_id and invoice.id = d.invoice_id
       left join participant p on p.org_id = d.org_id and p.id = d.participant_id
       where d.org_id = $1 and d.account_id = $2
       order by d.date desc, coalesce(d.invoice_id, d.id) desc, d.position`,
      [organisationId, account.id],
    );
    const itemsByInvoice = new Map<bigint, DocumentRecord[]>();
    for (const record of records) {
      if (record.invoice_id === null) continue;
      const items = itemsByInvoice.get(record.invoice_id) ?? [];
      items.push(record);
      itemsByInvoice.set(record.invoice_id, items);
    }
    const coverage = (record: DocumentRecord) => ({ amountMinor: record.amount_minor, allocatedMinor: record.allocated_minor, coveredByScheduledInstallment: record.covered_by_scheduled });
    let balanceMinor = 0n;
    let openCreditMinor = 0n;
    let openDebitMinor = 0n;
    const documents = records.map((record): DocumentView => {
      const items = itemsByInvoice.get(record.id) ?? [];
      const amountMinor = record.kind === 'invoice' ? items.reduce((total, item) => total + item.amount_minor, 0n) : record.amount_minor;
      const allocatedMinor = record.kind === 'invoice' ? items.reduce((total, item) => total + item.allocated_minor, 0n) : record.allocated_minor;
      if (!record.voided && record.side === 'debit') {
        balanceMinor += record.amount_minor;
        openDebitMinor += record.amount_minor - record.allocated_minor;
      }
      if (!record.voided && record.side === 'credit') {
        balanceMinor -= record.amount_minor;
        openCreditMinor += record.amount_minor - record.allocated_minor;
      }
      const status: DebitStatus = record.kind === 'invoice' ? invoiceStatus(items.map(coverage)) : record.side === 'debit' ? debitStatus(coverage(record)) : scheduledCreditStatus({ ...coverage(record), scheduled: record.scheduled });
      return {
        id: record.external_id,
        kind: record.kind,
        date: record.date,
        amountMinor,
        allocatedMinor,
        remainingMinor: record.voided ? 0n : amountMinor - allocatedMinor,
        status,
        invoiceId: record.invoice_external_id,
        position: Number(record.position),
        creationOrder: Number(record.creation_order),
        description: record.description,
        ledgerCode: record.ledger_code,
        participantId: record.participant_external_id,
        rl24Eligible: record.rl24_eligible,
        method: record.method,
        reference: record.reference,
        scheduled: record.scheduled,
        voided: record.voided,
      };
    });
    const allocations = await context.database.query<{ id: bigint; credit: string; debit: string; amount_minor: bigint; source: string; run_id: bigint | null; created_by: string; created_at: Date }>(
      `select a.id, c.external_id as credit, d.external_id as debit, a.amount_minor, a.source, run.number as run_id, a.created_by, a.created_at
       from document_balance credit
       join allocation a on a.org_id = credit.org_id and a.credit_id = credit.document_id
       join document c on c.org_id = a.org_id and c.id = a.credit_id join document d on d.org_id = a.org_id and d.id = a.debit_id
       left join reconciliation_run run on run.org_id = a.org_id and run.id = a.run_id
       -- An account's allocations are its credits' allocations (each has one credit, in its account).
       where credit.org_id = $1 and credit.account_id = $2 and credit.side = 'credit' and a.removed_at is null order by a.id`,
      [organisationId, account.id],
    );
    return {
      accountId: accountExternalId,
      ownerName: account.owner_name,
      ownerEmail: account.owner_email,
      balanceMinor,
      openCreditMinor,
      openDebitMinor,
      openReason: explainOpen(openCreditMinor, openDebitMinor),
      documents,
      allocations: allocations.map((row) => ({
        allocationId: row.id.toString(),
        creditId: row.credit,
        debitId: row.debit,
        amountMinor: row.amount_minor,
        source: row.source,
        runId: row.run_id?.toString() ?? null,
        createdBy: row.created_by,
        createdAt: row.created_at,
      })),
    };
  });
}

export interface UnreconciledDocument {
  readonly id: string;
  readonly kind: DocumentKind;
  readonly date: string;
  readonly amountMinor: AmountMinor;
  readonly remainingMinor: AmountMinor;
}

export interface UnreconciledAccount {
  readonly accountId: string;
  readonly ownerName: string;
  readonly documents: readonly UnreconciledDocument[];
  readonly remainingMinor: AmountMinor;
  /** What is left to allocate of its payments, deposits, credits and cancellations. */
  readonly creditRemainingMinor: AmountMinor;
  /** What is left to cover of its refunds (money paid back): owed to the client, counted apart. */
  readonly refundRemainingMinor: AmountMinor;
}

export const unreconciledSorts = ['owner', 'account', 'remaining'] as const;
export type UnreconciledSort = (typeof unreconciledSorts)[number];

export interface UnreconciledQuery {
  readonly search?: string;
  readonly sort?: UnreconciledSort;
  readonly page?: number;
  readonly pageSize?: number;
}

/**
 * The "Unreconciled items" list: accounts holding payments, deposits, credits or cancellations not
 * fully allocated, or refunds not fully covered, with those documents by receipt id. Paged.
 */
export async function unreconciledAccounts(context: TallyContext, query: UnreconciledQuery = {}): Promise<Outcome<{ total: number; accounts: UnreconciledAccount[] }>> {
  return outcomeOf(async () => {
    const pageSize = query.pageSize ?? 50;
    const page = query.page ?? 1;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > listPageSizeMax) refuse('value_is_not_allowed', `Page size must be 1 to ${listPageSizeMax}`, { path: 'pageSize', values: { rule: 'whole_number_range', minimum: '1', maximum: String(listPageSizeMax) } });
    if (!Number.isInteger(page) || page < 1) refuse('value_is_not_allowed', 'Page must be 1 or more', { path: 'page', values: { rule: 'whole_number_range', minimum: '1' } });
    // Names in the order people read them ("Lévesque" between "Lavoie" and "Li"), as the accounts list.
    const order = { owner: 'owner_name collate "und-x-icu", external_id', account: 'external_id', remaining: 'remaining_minor desc, external_id' }[query.sort ?? 'owner'];
    const search = query.search ? `%${query.search.replace(/[\\%_]/g, (match) => `\\${match}`)}%` : null;
    // Totals per account first (one pass over the open documents' narrow rows), then the page, and
    // only then the page's documents: the list stays a few hundred milliseconds at 100,000 accounts
    // (building every account's document list before paging took 1.9 s; docs/benchmarks.md).
    const [result] = await context.database.query<{ total: bigint; accounts: string }>(
      `with open_account as (
         select b.account_id, sum(b.amount_minor - b.allocated_minor)::bigint as remaining_minor,
                sum(case when b.side = 'credit' then b.amount_minor - b.allocated_minor else 0 end)::bigint as credit_remaining_minor,
                sum(case when b.kind = 'refund' then b.amount_minor - b.allocated_minor else 0 end)::bigint as refund_remaining_minor
         from document_balance b
         where b.org_id = $1 and ${unreconciledDocumentCondition('b')}
         group by b.account_id),
       matching as materialized (
         select a.id, a.external_id, a.owner_name, o.remaining_minor, o.credit_remaining_minor, o.refund_remaining_minor
         from open_account o join account a on a.org_id = $1 and a.id = o.account_id
         where $2::text is null or a.owner_name ilike $2 or a.external_id ilike $2 or a.owner_email ilike $2),
       page as (select * from matching order by ${order} limit $3 offset $4)
       select (select count(*) from matching) as total,
              coalesce((select json_agg(json_build_object(
                          'accountId', page.external_id, 'ownerName', page.owner_name, 'remaining', page.remaining_minor::text,
                          'creditRemaining', page.credit_remaining_minor::text, 'refundRemaining', page.refund_remaining_minor::text,
                          'documents', (select json_agg(json_build_object('id', d.external_id, 'kind', b.kind, 'date', b.date, 'amount', b.amount_minor::text,
                                                                          'remaining', (b.amount_minor - b.allocated_minor)::text) order by b.date, d.external_id)
                                        from document_balance b join document d on d.org_id = b.org_id and d.id = b.document_id
                                        where b.org_id = $1 and b.account_id = page.id and ${unreconciledDocumentCondition('b')}))
                          order by ${order.split(', ').map((key) => `page.${key}`).join(', ')})
                        from page), '[]')::text as accounts`,
      [context.organisation.id, search, pageSize, (page - 1) * pageSize],
    );
    const accounts = JSON.parse(result!.accounts) as { accountId: string; ownerName: string; remaining: string; creditRemaining: string; refundRemaining: string; documents: { id: string; kind: DocumentKind; date: string; amount: string; remaining: string }[] }[];
    return {
      total: Number(result!.total),
      accounts: accounts.map((account) => ({
        accountId: account.accountId,
        ownerName: account.ownerName,
        remainingMinor: BigInt(account.remaining),
        creditRemainingMinor: BigInt(account.creditRemaining),
        refundRemainingMinor: BigInt(account.refundRemaining),
        documents: account.documents.map((document) => ({
          id: document.id,
          kind: document.kind,
          date: document.date,
          amountMinor: BigInt(document.amount),
          remainingMinor: BigInt(document.remaining),
        })),
      })),
    };
  });
}
