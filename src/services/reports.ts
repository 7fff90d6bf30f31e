import { collectionSummary, type CollectionLine, type CollectionLineKind } from '../core/report-collections.ts';
import { periodOfYear, type ReportPeriod } from '../core/report-input.ts';
import { firstEligibleBirthDate, rl24BlockerReasons, type Rl24BlockerReason } from '../core/report-rl24.ts';
import type { SqlExecutor } from '../storage/database.ts';
import {
  blockerPage, reportSettingsSql, collectionLineSumsAndTotals, collectionPartsPage, slipPage,
  type BlockerRecord, type CollectionPartRecord, type SlipLineRecord,
} from '../storage/report-sql.ts';
import type { TallyContext } from './context.ts';

/**
 * The reports (domain: Reports), each read in one read-only repeatable-read transaction so its
 * parts agree with each other even while others write. The instant defaults to now.
 */
export async function inReportTransaction<T>(context: TallyContext, work: (transaction: SqlExecutor) => Promise<T>): Promise<T> {
  return context.database.transaction(async (transaction) => {
    await transaction.query('set transaction isolation level repeatable read, read only');
    await transaction.executeScript(reportSettingsSql);
    return work(transaction);
  });
}

export interface CollectionsSummary {
  readonly lines: CollectionLine[];
  /** Money-in documents and refunds of the period with a part not allocated or not covered. */
  readonly unallocatedDocumentCount: number;
}

/** The summary: one line per ledger code, then no ledger code, unallocated and the total; the lines add up to the total (asserted). */
export async function collectionsSummary(context: TallyContext, period: ReportPeriod, asOf: Date): Promise<CollectionsSummary> {
  return inReportTransaction(context, (transaction) => collectionsSummaryIn(transaction, context.organisation.id, period, asOf));
}

export async function collectionsSummaryIn(transaction: SqlExecutor, id: bigint, period: ReportPeriod, asOf: Date): Promise<CollectionsSummary> {
  {
    const { lines: sums, totals } = await collectionLineSumsAndTotals(transaction, id, asOf, period.from, period.to);
    const lines = collectionSummary(
      sums.map((row) => ({ line: row.line, ledgerCode: row.ledger_code, collectedMinor: row.collected_minor, refundedMinor: row.refunded_minor })),
      { collectedMinor: totals.collected_minor, refundedMinor: totals.refunded_minor },
    );
    return { lines, unallocatedDocumentCount: Number(totals.unallocated_document_count) };
  }
}

export interface CollectionPartQuery {
  readonly line: CollectionLineKind | null;
  readonly ledgerCode: string | null;
}

export async function collectionsDetailPage(context: TallyContext, period: ReportPeriod, asOf: Date, filter: CollectionPartQuery, page: { page: number; pageSize: number }): Promise<{ parts: CollectionPartRecord[]; totalCount: number }> {
  return inReportTransaction(context, (transaction) =>
    collectionPartsPage(transaction, context.organisation.id, asOf, period.from, period.to, filter, { offset: (page.page - 1) * page.pageSize, limit: page.pageSize }));
}

export interface SlipsPage {
  readonly totals: { slipCount: number; amountMinor: bigint };
  readonly slips: SlipLineRecord[];
  readonly totalCount: number;
}

export async function rl24SlipsPage(context: TallyContext, year: number, asOf: Date, search: string | null, page: { page: number; pageSize: number }): Promise<SlipsPage> {
  const { from, to } = periodOfYear(year);
  const id = context.organisation.id;
  return inReportTransaction(context, async (transaction) => {
    const found = await slipPage(transaction, id, asOf, from, to, search, { offset: (page.page - 1) * page.pageSize, limit: page.pageSize });
    return { totals: { slipCount: Number(found.totals.slip_count), amountMinor: found.totals.amount_minor }, slips: found.lines, totalCount: Number(found.matching_count) };
  });
}

export interface BlockersPage {
  readonly reasons: { reason: Rl24BlockerReason; count: number; amountMinor: bigint }[];
  readonly blockers: (BlockerRecord & { reason: Rl24BlockerReason })[];
  readonly totalCount: number;
}

export async function rl24BlockersPage(context: TallyContext, year: number, asOf: Date, reason: Rl24BlockerReason | null, page: { page: number; pageSize: number }): Promise<BlockersPage> {
  const { from, to } = periodOfYear(year);
  const id = context.organisation.id;
  const firstEligible = firstEligibleBirthDate(year);
  return inReportTransaction(context, async (transaction) => {
    const found = await blockerPage(transaction, id, asOf, from, to, firstEligible, reason, { offset: (page.page - 1) * page.pageSize, limit: page.pageSize });
    const reasons = found.reasons.map((row) => ({ reason: row.reason as Rl24BlockerReason, count: Number(row.count), amountMinor: row.amount_minor }));
    const totalCount = reason === null ? reasons.reduce((sum, row) => sum + row.count, 0) : (reasons.find((row) => row.reason === reason)?.count ?? 0);
    return { reasons, blockers: found.blockers as BlockersPage['blockers'], totalCount };
  });
}

export const isBlockerReason = (text: string): text is Rl24BlockerReason => (rl24BlockerReasons as readonly string[]).includes(text);
