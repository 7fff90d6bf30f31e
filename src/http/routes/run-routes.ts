import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { runAccountIdsMax } from '../../core/limits.ts';
import { reconciliationStrategies, type ReconciliationStrategy } from '../../core/document-kinds.ts';
import { cancelRun, findRun, listRuns, queueAutoReconcile, runAutoReconcile, undoRun, type RunScope, type RunView } from '../../services/auto-reconcile.ts';
import { valueOrThrow } from '../body-parsing.ts';
import { sendRefusal } from '../error-handler.ts';
import { pageSizeDefault } from '../http-limits.ts';
import { scopeOf } from '../organisation-scope.ts';
import { errorResponses, ExternalId, NumericId, OrganisationParams, PageQuery } from '../schemas.ts';
import { money, runSummaryView } from '../views.ts';

const RunParams = Type.Object({ ...OrganisationParams.properties, run: NumericId });
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

function runView(run: Omit<RunView, 'summary'> & { summary?: RunView['summary'] }, minorDigits: number) {
  return {
    run_id: run.runId.toString(),
    status: run.status,
    scope: run.scope,
    strategy: run.strategy,
    actor: run.actor,
    accounts_total: run.accountsTotal,
    accounts_done: run.accountsDone,
    allocations_count: run.allocationsCount,
    allocated: money(run.allocatedMinor, minorDigits),
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
    undone_at: run.undoneAt?.toISOString() ?? null,
    error: run.error,
    ...(run.summary ? { summary: runSummaryView(run.summary, minorDigits) } : {}),
  };
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
      config: { permission: 'reconcile' },
      schema: {
        tags: ['reconciliation'],
        summary: 'Auto-reconcile one account, selected accounts, every matching account, or all accounts; preview with dry_run',
        params: OrganisationParams,
        body: NewRun,
        response: { 200: Type.Unknown({ description: 'the preview of a dry run' }), 202: Type.Object({ run_id: Type.String(), status: Type.Literal('queued'), accounts_total: Type.Integer() }), ...errorResponses },
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
    { config: { permission: 'read_billing' }, schema: { tags: ['reconciliation'], summary: 'Runs, newest first', params: OrganisationParams, querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }), response: { 200: Type.Unknown(), ...errorResponses } } },
    async (request) => {
      const { context } = scopeOf(request);
      const query = request.query as { page?: number; page_size?: number };
      const page = query.page ?? 1;
      const pageSize = query.page_size ?? pageSizeDefault;
      const list = await listRuns(context, { page, pageSize });
      return { total: list.total, page, page_size: pageSize, runs: list.runs.map((run) => runView(run, context.organisation.minorDigits)) };
    },
  );

  app.get(
    '/runs/:run',
    { config: { permission: 'read_billing' }, schema: { tags: ['reconciliation'], summary: 'A run: status, progress (accounts done of total), result summary', params: RunParams, response: { 200: Type.Unknown(), ...errorResponses } } },
    async (request) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      return runView(valueOrThrow(await findRun(context, BigInt(run))), context.organisation.minorDigits);
    },
  );

  app.post(
    '/runs/:run/cancel',
    { config: { permission: 'reconcile' }, schema: { tags: ['reconciliation'], summary: 'Cancel a queued or running run (a running one stops after its current batch; what it finished stays)', params: RunParams, response: { 200: Type.Object({ status: Type.String() }), ...errorResponses } } },
    async (request) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      return valueOrThrow(await cancelRun(context, BigInt(run)));
    },
  );

  app.post(
    '/runs/:run/undo',
    { config: { permission: 'reconcile' }, schema: { tags: ['reconciliation'], summary: "Remove the run's allocations that are still active (kept as history)", params: RunParams, response: { 200: Type.Object({ run_id: Type.String(), allocations_removed: Type.Integer(), amount_removed: Type.String() }), ...errorResponses } } },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const { run } = request.params as Static<typeof RunParams>;
      const result = await undoRun(context, BigInt(run));
      if (!result.ok) return sendRefusal(reply, result.refusal);
      return { run_id: result.value.runId.toString(), allocations_removed: result.value.allocationsRemoved, amount_removed: money(result.value.amountRemovedMinor, context.organisation.minorDigits) };
    },
  );
}
