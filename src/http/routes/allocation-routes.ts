import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { allocationLinesMax } from '../../core/limits.ts';
import { parseAllocationRow } from '../../core/ledger-rows.ts';
import { unreconciledAccounts, unreconciledSorts, type UnreconciledSort } from '../../services/account-view.ts';
import { auditTrail } from '../../services/audit-trail.ts';
import { allocate, removeAllocation } from '../../services/ledger.ts';
import { parseJsonRow, valueOrThrow } from '../body-parsing.ts';
import { pageSizeDefault } from '../http-limits.ts';
import { scopeOf } from '../organisation-scope.ts';
import { Amount, CalendarDateText, errorResponses, ExternalId, NumericId, OrganisationParams, PageQuery } from '../schemas.ts';
import { money, unreconciledAccountView } from '../views.ts';
import { PassThrough } from 'node:stream';
import { AuditResponse, UnreconciledResponse, type AuditBody } from '../list-schemas.ts';
import { writeAuditTrailCsv, writeUnreconciledItemsCsv } from '../../csv/list-downloads.ts';
import type { TallyContext } from '../../services/context.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

const AllocationLine = Type.Object({ receipt_id: ExternalId, target_id: ExternalId, amount: Amount }, { additionalProperties: false });
const NewAllocations = Type.Object({ lines: Type.Array(AllocationLine, { minItems: 1, maxItems: allocationLinesMax }) }, { additionalProperties: false });
const AllocationParams = Type.Object({ ...OrganisationParams.properties, allocation: NumericId });
const unreconciledFilter = { search: Type.Optional(Type.String({ maxLength: 200 })), sort: Type.Optional(Type.Union(unreconciledSorts.map((sort) => Type.Literal(sort)))) };
const UnreconciledQuery = Type.Object({ ...unreconciledFilter, ...PageQuery }, { additionalProperties: false });
const UnreconciledDownloadQuery = Type.Object(unreconciledFilter, { additionalProperties: false });
const auditFilter = {
  account_id: Type.Optional(ExternalId),
  run_id: Type.Optional(Type.String({ ...NumericId, description: "the run's number in the organisation" })),
  from: Type.Optional(Type.String({ ...CalendarDateText, description: 'events on or after this day (the organisation’s time zone)' })),
  to: Type.Optional(Type.String({ ...CalendarDateText, description: 'events on or before this day (the organisation’s time zone)' })),
  actor: Type.Optional(Type.String({ maxLength: 320, description: 'part of who acted: an email or a token’s name' })),
};
const AuditQuery = Type.Object({ ...auditFilter, ...PageQuery }, { additionalProperties: false });
const AuditDownloadQuery = Type.Object(auditFilter, { additionalProperties: false });
type AuditFilterQuery = Static<typeof AuditDownloadQuery>;
const auditFilterOf = (query: AuditFilterQuery) => ({ accountId: query.account_id, runId: query.run_id ? BigInt(query.run_id) : undefined, from: query.from, to: query.to, actor: query.actor });

/** Streams a CSV download as it is written; a failure part-way ends the response, logged. */
function sendCsv(request: FastifyRequest, reply: FastifyReply, context: TallyContext, name: string, write: (output: PassThrough) => Promise<void>) {
  const output = new PassThrough();
  write(output).catch((error: unknown) => {
    request.log.error({ err: error }, 'download failed part-way');
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${context.organisation.slug}-${name}.csv"`).send(output);
}

export async function allocationRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/allocations',
    {
      config: { permission: 'reconcile' },
      schema: {
        tags: ['reconciliation'],
        summary: 'Manual reconciliation: allocate credits to items or refunds, all lines or none',
        params: OrganisationParams,
        body: NewAllocations,
        response: { 201: Type.Object({ allocation_ids: Type.Array(Type.String()) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const { lines } = request.body as Static<typeof NewAllocations>;
      const parsed = lines.map((line, index) => parseJsonRow((fields) => parseAllocationRow(fields, context.organisation.minorDigits), line, `lines[${index}].`));
      const result = valueOrThrow(await allocate(context, parsed.map((line) => ({ creditExternalId: line.receiptId, debitExternalId: line.targetId, amountMinor: line.amountMinor }))));
      return reply.status(201).send({ allocation_ids: result.allocationIds.map(String) });
    },
  );

  app.delete(
    '/allocations/:allocation',
    { config: { permission: 'reconcile' }, schema: { tags: ['reconciliation'], summary: 'Remove one reconciliation (kept as history)', params: AllocationParams, response: { 200: Type.Object({ removed: Type.Literal(true), amount: Type.String() }), ...errorResponses } } },
    async (request) => {
      const { context } = scopeOf(request);
      const { allocation } = request.params as Static<typeof AllocationParams>;
      const result = valueOrThrow(await removeAllocation(context, BigInt(allocation)));
      return { removed: true as const, amount: money(result.amountMinor, context.organisation.minorDigits) };
    },
  );

  app.get(
    '/unreconciled',
    {
      config: { permission: 'read_billing' },
      schema: { operationId: 'listUnreconciled', tags: ['reconciliation'], summary: 'Accounts with unreconciled payments, deposits, credits, cancellations or refunds', params: OrganisationParams, querystring: UnreconciledQuery, response: { 200: UnreconciledResponse, ...errorResponses } },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof UnreconciledQuery>;
      const page = query.page ?? 1;
      const pageSize = query.page_size ?? pageSizeDefault;
      const list = valueOrThrow(await unreconciledAccounts(context, { search: query.search, sort: query.sort as UnreconciledSort | undefined, page, pageSize }));
      return { total: list.total, page, page_size: pageSize, accounts: list.accounts.map((account) => unreconciledAccountView(account, context.organisation.minorDigits)) };
    },
  );

  app.get(
    '/audit',
    {
      config: { permission: 'read_billing' },
      schema: { operationId: 'listAuditEvents', tags: ['reconciliation'], summary: 'Every allocation made and removed: who, when, source, run; filtered by account, run, days and who', params: OrganisationParams, querystring: AuditQuery, response: { 200: AuditResponse, ...errorResponses } },
    },
    async (request): Promise<AuditBody> => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof AuditQuery>;
      const page = query.page ?? 1;
      const pageSize = query.page_size ?? pageSizeDefault;
      const trail = await auditTrail(context.database, context.organisation, auditFilterOf(query), { page, pageSize });
      return {
        total: trail.total,
        page,
        page_size: pageSize,
        events: trail.events.map((event) => ({
          allocation_id: event.allocationId,
          action: event.action,
          at: event.at.toISOString(),
          actor: event.actor,
          source: event.source as AuditBody['events'][number]['source'],
          run_id: event.runId,
          removal_reason: event.removalReason as AuditBody['events'][number]['removal_reason'],
          account_id: event.accountId,
          receipt_id: event.receiptId,
          target_id: event.targetId,
          amount: money(event.amountMinor, context.organisation.minorDigits),
        })),
      };
    },
  );

  app.get(
    '/unreconciled.csv',
    {
      config: { permission: 'read_reports', heavyWork: true },
      schema: {
        operationId: 'downloadUnreconciled',
        tags: ['reconciliation', 'import and export'],
        summary: 'The unreconciled items as CSV, one row per document (the list’s search applies), streamed',
        params: OrganisationParams,
        querystring: UnreconciledDownloadQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row: account_id, owner_name, document_id, kind, date, amount, remaining' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof UnreconciledDownloadQuery>;
      return sendCsv(request, reply, context, 'unreconciled', (output) => writeUnreconciledItemsCsv(context, query.search, output));
    },
  );

  app.get(
    '/audit.csv',
    {
      config: { permission: 'read_reports', heavyWork: true },
      schema: {
        operationId: 'downloadAuditEvents',
        tags: ['reconciliation', 'import and export'],
        summary: 'The audit trail as CSV with the list’s filters (account, run, days, who), newest first, streamed',
        params: OrganisationParams,
        querystring: AuditDownloadQuery,
        produces: ['text/csv'],
        response: { 200: Type.String({ description: 'CSV with a header row: at, action, actor, source, run_id, removal_reason, account_id, receipt_id, target_id, amount, allocation_id' }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const filter = auditFilterOf(request.query as AuditFilterQuery);
      return sendCsv(request, reply, context, 'audit', (output) => writeAuditTrailCsv(context, filter, output));
    },
  );
}
