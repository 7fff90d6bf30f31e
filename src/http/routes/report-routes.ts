import { PassThrough } from 'node:stream';
import { Type, type Static } from 'typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectionLineKinds } from '../../core/report-collections.ts';
import { parseInstant, parseReportPeriod, parseReportYear } from '../../core/report-input.ts';
import { rl24BlockerReasons } from '../../core/report-rl24.ts';
import { writeReportCsv, type ReportRequest } from '../../csv/report-downloads.ts';
import type { TallyContext } from '../../services/context.ts';
import { collectionsDetailPage, collectionsSummary, rl24BlockersPage, rl24SlipsPage } from '../../services/reports.ts';
import { valueOrThrow } from '../body-parsing.ts';
import { pageSizeDefault } from '../http-limits.ts';
import { scopeOf } from '../organisation-scope.ts';
import { CollectionsResponse, Rl24BlockersResponse, Rl24Response, type CollectionsDetailBody, type CollectionsSummaryBody, type Rl24BlockersBody, type Rl24Body } from '../report-schemas.ts';
import { CalendarDateText, errorResponses, OrganisationParams, PageQuery } from '../schemas.ts';
import { money } from '../views.ts';

const AsOf = Type.String({ maxLength: 40, description: 'ISO 8601 instant with a zone offset or Z; the report as it stood then (default: now)', examples: ['2026-11-30T12:00:00Z'] });
const YearText = Type.String({ pattern: '^[0-9]{4}$', description: 'A calendar year, YYYY', examples: ['2026'] });
const CollectionsQuery = Type.Object({
  from: CalendarDateText,
  to: CalendarDateText,
  as_of: Type.Optional(AsOf),
  detail: Type.Optional(Type.Boolean({ description: 'true: the detail parts (paged in JSON, all of them in CSV)' })),
  line: Type.Optional(Type.Enum(collectionLineKinds, { description: 'detail: only this line' })),
  ledger_code: Type.Optional(Type.String({ maxLength: 100, description: 'detail: only this ledger code' })),
  ...PageQuery,
}, { additionalProperties: false });
const Rl24Query = Type.Object({ year: YearText, as_of: Type.Optional(AsOf), search: Type.Optional(Type.String({ maxLength: 200 })), ...PageQuery }, { additionalProperties: false });
const BlockersQuery = Type.Object({ year: YearText, as_of: Type.Optional(AsOf), reason: Type.Optional(Type.Enum(rl24BlockerReasons)), ...PageQuery }, { additionalProperties: false });

/** The instant asked for, or now. */
function asOfOf(text: string | undefined): Date {
  return text === undefined ? new Date() : valueOrThrow(parseInstant(text, 'as_of'));
}

function wantsCsv(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('text/csv');
}

/** Streams a report as CSV while it is read; a failure part-way ends the response, logged. */
function sendReportCsv(request: FastifyRequest, reply: FastifyReply, context: TallyContext, fileName: string, report: ReportRequest) {
  const output = new PassThrough();
  writeReportCsv(context, report, output).catch((error: unknown) => {
    request.log.error({ err: error }, 'report download failed part-way');
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}.csv"`).send(output);
}

const csvNote = 'Answers JSON, or CSV (streamed, header row, every row) with `Accept: text/csv`.';

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/reports/collections',
    {
      config: { permission: 'read_reports' },
      schema: {
        operationId: 'reportCollections',
        tags: ['reports'],
        summary: 'Collections by ledger code for a period (both days included), as of an instant; the summary, or with detail=true its parts',
        description: csvNote,
        params: OrganisationParams,
        querystring: CollectionsQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: CollectionsResponse, ...errorResponses },
      },
    },
    async (request, reply): Promise<CollectionsSummaryBody | CollectionsDetailBody | FastifyReply> => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof CollectionsQuery>;
      const period = valueOrThrow(parseReportPeriod(query.from, query.to));
      const asOf = asOfOf(query.as_of);
      const { slug, currency, minorDigits } = context.organisation;
      const head = { from: period.from, to: period.to, as_of: asOf.toISOString(), currency };
      const filter = { line: query.line ?? null, ledgerCode: query.ledger_code ?? null };
      if (wantsCsv(request)) {
        const detail = query.detail === true;
        const report: ReportRequest = detail ? { table: 'collections-detail', period, asOf, ...filter } : { table: 'collections', period, asOf };
        return sendReportCsv(request, reply, context, `collections${detail ? '-detail' : ''}-${slug}-${period.from}-${period.to}`, report);
      }
      if (query.detail === true) {
        const page = query.page ?? 1;
        const pageSize = query.page_size ?? pageSizeDefault;
        const found = await collectionsDetailPage(context, period, asOf, filter, { page, pageSize });
        return {
          ...head,
          page,
          page_size: pageSize,
          total_count: found.totalCount,
          parts: found.parts.map((part) => ({
            day: part.day, account_id: part.account_id, document_id: part.document_id, kind: part.kind,
            method: part.method as CollectionsDetailBody['parts'][number]['method'], counterpart_id: part.counterpart_id,
            invoice_id: part.invoice_id, ledger_code: part.ledger_code, participant_id: part.participant_id, line: part.line,
            amount: money(part.amount_minor, minorDigits),
          })),
        };
      }
      const summary = await collectionsSummary(context, period, asOf);
      return {
        ...head,
        lines: summary.lines.map((line) => ({
          line: line.line, ledger_code: line.ledgerCode,
          collected: money(line.collectedMinor, minorDigits), refunded: money(line.refundedMinor, minorDigits), net: money(line.netMinor, minorDigits),
        })),
        unallocated_document_count: summary.unallocatedDocumentCount,
      };
    },
  );

  app.get(
    '/reports/rl24',
    {
      config: { permission: 'read_reports' },
      schema: {
        operationId: 'reportRl24',
        tags: ['reports'],
        summary: 'RL-24 slip lines for a calendar year (one per account and participant), with their totals, as of an instant',
        description: csvNote,
        params: OrganisationParams,
        querystring: Rl24Query,
        produces: ['application/json', 'text/csv'],
        response: { 200: Rl24Response, ...errorResponses },
      },
    },
    async (request, reply): Promise<Rl24Body | FastifyReply> => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof Rl24Query>;
      const year = valueOrThrow(parseReportYear(query.year, 'year'));
      const asOf = asOfOf(query.as_of);
      const { slug, currency, minorDigits } = context.organisation;
      const search = query.search?.trim() || null;
      if (wantsCsv(request)) return sendReportCsv(request, reply, context, `rl24-${slug}-${year}`, { table: 'rl24', year, asOf, search });
      const page = query.page ?? 1;
      const pageSize = query.page_size ?? pageSizeDefault;
      const found = await rl24SlipsPage(context, year, asOf, search, { page, pageSize });
      return {
        year,
        as_of: asOf.toISOString(),
        currency,
        totals: { slip_count: found.totals.slipCount, amount: money(found.totals.amountMinor, minorDigits) },
        page,
        page_size: pageSize,
        total_count: found.totalCount,
        slips: found.slips.map((slip) => ({
          account_id: slip.account_id, owner_name: slip.owner_name, participant_id: slip.participant_id, participant_name: slip.participant_name,
          birth_date: slip.birth_date, paid: money(slip.paid_minor, minorDigits), refunded: money(slip.refunded_minor, minorDigits), amount: money(slip.amount_minor, minorDigits),
        })),
      };
    },
  );

  app.get(
    '/reports/rl24/blockers',
    {
      config: { permission: 'read_reports' },
      schema: {
        operationId: 'reportRl24Blockers',
        tags: ['reports'],
        summary: 'What keeps the RL-24 slips of a year from being right, by reason, each naming its account, document or participant and amount',
        description: csvNote,
        params: OrganisationParams,
        querystring: BlockersQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: Rl24BlockersResponse, ...errorResponses },
      },
    },
    async (request, reply): Promise<Rl24BlockersBody | FastifyReply> => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof BlockersQuery>;
      const year = valueOrThrow(parseReportYear(query.year, 'year'));
      const asOf = asOfOf(query.as_of);
      const { slug, currency, minorDigits } = context.organisation;
      const reason = query.reason ?? null;
      if (wantsCsv(request)) return sendReportCsv(request, reply, context, `rl24-blockers-${slug}-${year}`, { table: 'rl24-blockers', year, asOf, reason });
      const page = query.page ?? 1;
      const pageSize = query.page_size ?? pageSizeDefault;
      const found = await rl24BlockersPage(context, year, asOf, reason, { page, pageSize });
      return {
        year,
        as_of: asOf.toISOString(),
        currency,
        reasons: found.reasons.map((row) => ({ reason: row.reason, count: row.count, amount: money(row.amountMinor, minorDigits) })),
        page,
        page_size: pageSize,
        total_count: found.totalCount,
        blockers: found.blockers.map((blocker) => ({ account_id: blocker.account_id, id: blocker.id, reason: blocker.reason, amount: money(blocker.amount_minor, minorDigits) })),
      };
    },
  );
}
