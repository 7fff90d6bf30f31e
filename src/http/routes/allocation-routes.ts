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
import { Amount, errorResponses, ExternalId, NumericId, OrganisationParams, PageQuery } from '../schemas.ts';
import { money, unreconciledAccountView } from '../views.ts';

const AllocationLine = Type.Object({ receipt_id: ExternalId, target_id: ExternalId, amount: Amount }, { additionalProperties: false });
const NewAllocations = Type.Object({ lines: Type.Array(AllocationLine, { minItems: 1, maxItems: allocationLinesMax }) }, { additionalProperties: false });
const AllocationParams = Type.Object({ ...OrganisationParams.properties, allocation: NumericId });
const UnreconciledQuery = Type.Object({ search: Type.Optional(Type.String({ maxLength: 200 })), sort: Type.Optional(Type.Union(unreconciledSorts.map((sort) => Type.Literal(sort)))), ...PageQuery }, { additionalProperties: false });
const AuditQuery = Type.Object({ account_id: Type.Optional(ExternalId), run_id: Type.Optional(NumericId), ...PageQuery }, { additionalProperties: false });

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
    { config: { permission: 'read_billing' }, schema: { tags: ['reconciliation'], summary: 'Accounts with unreconciled payments, deposits, credits, cancellations or refunds', params: OrganisationParams, querystring: UnreconciledQuery, response: { 200: Type.Unknown(), ...errorResponses } } },
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
    { config: { permission: 'read_billing' }, schema: { tags: ['reconciliation'], summary: 'Every allocation made and removed: who, when, source, run', params: OrganisationParams, querystring: AuditQuery, response: { 200: Type.Unknown(), ...errorResponses } } },
    async (request) => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof AuditQuery>;
      const page = query.page ?? 1;
      const pageSize = query.page_size ?? pageSizeDefault;
      const trail = await auditTrail(context.database, context.organisation.id, { accountId: query.account_id, runId: query.run_id ? BigInt(query.run_id) : undefined }, { page, pageSize });
      return {
        total: trail.total,
        page,
        page_size: pageSize,
        events: trail.events.map((event) => ({
          allocation_id: event.allocationId,
          action: event.action,
          at: event.at.toISOString(),
          actor: event.actor,
          source: event.source,
          run_id: event.runId,
          removal_reason: event.removalReason,
          account_id: event.accountId,
          receipt_id: event.receiptId,
          target_id: event.targetId,
          amount: money(event.amountMinor, context.organisation.minorDigits),
        })),
      };
    },
  );
}
