import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { heavyWorkConcurrentMax, heavyWorkPerOrganisationMax, heavyWorkStatementTimeoutMs } from '../core/limits.ts';
import { sendRefusal } from './error-handler.ts';
import { heavyWorkRetryAfterSeconds } from './http-limits.ts';
import { scopeOf } from './organisation-scope.ts';

/**
 * Counts the heavy work in flight in this process, in all and per organisation, and admits a
 * new piece only under both bounds. A counter in memory: each server process bounds its own
 * work, as it owns its own pools; more processes share the database's cores anyway.
 */
export class HeavyWorkAdmission {
  private total = 0;
  private readonly perOrganisation = new Map<bigint, number>();

  constructor(
    private readonly concurrentMax = heavyWorkConcurrentMax,
    private readonly perOrganisationMax = heavyWorkPerOrganisationMax,
  ) {}

  /** A release function when admitted (call it once the work is over), or null past a bound. */
  tryAdmit(organisationId: bigint): (() => void) | null {
    const ofOrganisation = this.perOrganisation.get(organisationId) ?? 0;
    if (this.total >= this.concurrentMax || ofOrganisation >= this.perOrganisationMax) return null;
    this.total += 1;
    this.perOrganisation.set(organisationId, ofOrganisation + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perOrganisation.get(organisationId) ?? 1) - 1;
      if (left === 0) this.perOrganisation.delete(organisationId);
      else this.perOrganisation.set(organisationId, left);
    };
  }
}

/** Whether a request is heavy work: always for a route that says `heavyWork: true`, or as its predicate says (a run's preview). */
export type HeavyWorkRule = true | ((request: FastifyRequest) => boolean);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Previews, imports, exports and report downloads: admitted under heavyWork bounds, on the heavy pool. */
    heavyWork?: HeavyWorkRule;
  }
}

/**
 * Admits heavy requests after validation (a preview is known by its body) and before the
 * idempotency hook (a refusal here must not be recorded as the key's answer): past a bound, 429
 * heavy_work_limit_reached with Retry-After; admitted, the request's services run on the heavy
 * pool, and the admission is returned when the answer is sent or the client goes away.
 */
export function installHeavyWorkAdmission(app: FastifyInstance, admission = new HeavyWorkAdmission()): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const rule = request.routeOptions.config?.heavyWork;
    if (!rule || (rule !== true && !rule(request))) return;
    const scope = scopeOf(request);
    const release = admission.tryAdmit(scope.context.organisation.id);
    if (!release) {
      reply.header('retry-after', String(heavyWorkRetryAfterSeconds));
      return sendRefusal(reply, { code: 'heavy_work_limit_reached', message: 'Too much heavy work is running; retry in a few seconds' });
    }
    // Whichever comes first: the answer sent (a streamed download when its last byte is), or
    // the connection closed under it.
    releases.set(request, release);
    reply.raw.once('close', release);
    request.scope = { ...scope, context: { ...scope.context, database: scope.context.database.forHeavyWork().withLimits({ statementTimeoutMs: heavyWorkStatementTimeoutMs }) } };
  });
  app.addHook('onResponse', async (request) => {
    releases.get(request)?.();
  });
}

const releases = new WeakMap<FastifyRequest, () => void>();
