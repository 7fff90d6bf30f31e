import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { runAccountIdsMax } from '../../core/limits.ts';
import { reconciliationStrategies, type ReconciliationStrategy } from '../../core/document-kinds.ts';
import { runStatuses, type RunStatus } from '../../core/run-vocabulary.ts';
import { cancelRun, findRun, listRunAccounts, listRunAllocations, listRuns, queueAutoReconcile, runAutoReconcile, undoRun, type RunScope } from '../../services/auto-reconcile.ts';
import { valueOrThrow } from '../body-parsing.ts';
import { pageSizeDefault } from '../http-limits.ts';
import { scopeOf } from '../organisation-scope.ts';
import { errorResponses, ExternalId, NumericId, OrganisationParams, PageQuery } from '../schemas.ts';
import { RunAccountsResponse, RunAllocationsResponse, RunCancelResponse, RunListResponse, RunQueuedResponse, RunStatusSchema, RunSummaryView, RunUndoneResponse, RunView } from '../run-schemas.ts';
import { money, runAccountView, runAllocationView, runListItemView, runSummaryView } from '../views.ts';

const RunParams = Type.Object({ ...OrganisationParams.properties, run: Type.String({ ...NumericId, description: "The run's number in the organisation" }) });
const RunListQuery = Type.Object({ status: Type.Optional(RunStatusSchema), ...PageQuery }, { additionalProperties: false });
const RunPageQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
const pageOf = (query: { page?: number; page_size?: number }) => ({ page: query.page ?? 1, pageSize: query.page_size ?? pageSizeDefault });
const NewRun = Type.Object(
  {
    scope: Type.Union([
      Type.Object({ all: Type.Literal(true) }, { additionalProperties: false, description: 'every account of the organisation' }),
      Type.Object({ account_ids: Type.Array(ExternalId, { minItems: 1, maxItems: runAccountIdsMax }) }, { additionalProperties: false, description: 'the selected accounts' }),
      Type.Object(
        { filter: Type.Object({ search: Type.Optional(Type.String({ maxLength: 200 })), unreconciled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
        { additionalProperties: false, description: 'every account matching the accounts list filter, across all pages ("select all N matching")' },
      ),
    ]),
    strategy: Type.Optional(Type.Union(reconciliationStrategies.map((strategy) => Type.Literal(strategy)), { description: 'reference (default): references first, then oldest first; fifo: oldest first only' })),
    dry_run: Type.Optional(Type.Boolean({ description: 'preview: returns the allocations a run would write, writes nothing' })),
  },
  { additionalProperties: false },
);

function scopeOfBody(body: Static<typeof NewRun>): RunScope {
  const scope = body.scope as { all?: true; account_ids?: string[]; filter?: { search?: string; unreconciled?: boolean } };
  if (scope.all) return { kind: 'all' };
  if (scope.account_ids) return scope.account_ids.length === 1 ? { kind: 'account', accountId: scope.account_ids[0]! } : { kind: 'accounts', accountIds: scope.account_ids };
  return { kind: 'filter', filter: { search: scope.filter?.search, unreconciledOnly: scope.filter?.unreconciled } };
}

/**
 * Auto-reconcile runs. A dry run answers at once with the preview. A real run is queued as a
 * background job and answers 202 with its id; GET /runs/{run} reports progress and, when done,
 * what was allocated and what was left open and why. Runs can be cancelled and undone.
 */
export async function runRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/runs',
    {
      // A preview runs in the request; a run is queued for the worker (bounded by its own pool).
      config: { permission: 'reconcile', heavyWork: (request) => (request.body as { dry_run?: boolean } | undefined)?.dry_run === true },
      schema: {
        operationId: 'createRun',
        tags: ['reconciliation'],
        summary: 'Auto-reconcile one account, selected accounts, every matching account, or all accounts; preview with dry_run',
        params: OrganisationParams,
        body: NewRun,
        response: { 200: { ...RunSummaryView, description: 'the preview of a dry run' }, 202: RunQueuedResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const body = request.body as Static<typeof NewRun>;
      const scope = scopeOfBody(body);
      const strategy = (body.strategy ?? 'reference') as ReconciliationStrategy;
      if (body.dry_run) {
        const preview = valueOrThrow(await runAutoReconcile(context, scope, { strategy, dryRun: true }));
        return reply.status(200).send(runSummaryView(preview, context.organisation.minorDigits));
      }
      const queued = valueOrThrow(await queueAutoReconcile(context, scope, strategy));
      return reply.status(202).header('location', `/api/v1/orgs/${context.organisation.slug}/runs/${queued.runId}`).send({ run_id: queued.runId.toString(), status: 'queued' as const, accounts_total: queued.accountsTotal });
    },
  );

  app.get(
    '/runs',
    {
      config: { permission: 'read_billing' },
      schema: {
        operationId: 'listRuns',
        tags: ['reconciliation'],
        summary: 'Runs, newest first (previews are not runs), optionally of one status',
        params: OrganisationParams,
        querystring: RunListQuery,
        response: { 200: RunListResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof RunListQuery>;
      const page = pageOf(query);
      const list = await listRuns(context, { status: query.status as RunStatus | undefined }, page);
      return { total: list.total, page: page.page, page_size: page.pageSize, runs: list.runs.map((run) => runListItemView(run, context.organisation.minorDigits)) };
    },
  );

  app.get(
    '/runs/:run',
    {
      config: { permission: 'read_billing' },
      schema: { operationId: 'getRun', tags: ['reconciliation'], summary: 'A run: status, progress (accounts done of total), result summary', params: RunParams, response: { 200: RunView, ...errorResponses } },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      const found = valueOrThrow(await findRun(context, BigInt(run)));
      return { ...runListItemView(found, context.organisation.minorDigits), summary: runSummaryView(found.summary, context.organisation.minorDigits) };
    },
  );

  app.get(
    '/runs/:run/allocations',
    {
      config: { permission: 'read_billing' },
      schema: {
        operationId: 'listRunAllocations',
        tags: ['reconciliation'],
        summary: "A run's allocations in the order it made them: account, credit, debit, amount and the pass that made each (also those removed since)",
        params: RunParams,
        querystring: RunPageQuery,
        response: { 200: RunAllocationsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      const page = pageOf(request.query as Static<typeof RunPageQuery>);
      const list = valueOrThrow(await listRunAllocations(context, BigInt(run), page));
      return { total: list.total, page: page.page, page_size: page.pageSize, allocations: list.allocations.map((allocation) => runAllocationView(allocation, context.organisation.minorDigits)) };
    },
  );

  app.get(
    '/runs/:run/accounts',
    {
      config: { permission: 'read_billing' },
      schema: {
        operationId: 'listRunAccounts',
        tags: ['reconciliation'],
        summary: 'The accounts a run allocated in, by owner name, with how many allocations and how much in each',
        params: RunParams,
        querystring: RunPageQuery,
        response: { 200: RunAccountsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      const page = pageOf(request.query as Static<typeof RunPageQuery>);
      const list = valueOrThrow(await listRunAccounts(context, BigInt(run), page));
      return { total: list.total, page: page.page, page_size: page.pageSize, accounts: list.accounts.map((account) => runAccountView(account, context.organisation.minorDigits)) };
    },
  );

  app.post(
    '/runs/:run/cancel',
    {
      config: { permission: 'reconcile' },
      schema: { operationId: 'cancelRun', tags: ['reconciliation'], summary: 'Cancel a queued or running run (a running one stops after its current batch; what it finished stays)', params: RunParams, response: { 200: RunCancelResponse, ...errorResponses } },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      return valueOrThrow(await cancelRun(context, BigInt(run)));
    },
  );

  app.post(
    '/runs/:run/undo',
    {
      config: { permission: 'reconcile' },
      schema: { operationId: 'undoRun', tags: ['reconciliation'], summary: "Remove the run's allocations that are still active (kept as history)", params: RunParams, response: { 200: RunUndoneResponse, ...errorResponses } },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      const result = valueOrThrow(await undoRun(context, BigInt(run)));
      return { run_id: result.runId.toString(), allocations_removed: result.allocationsRemoved, amount_removed: money(result.amountRemovedMinor, context.organisation.minorDigits) };
    },
  );
}
