import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/multipart';
import type { Database } from '../storage/database.ts';
import { sendRefusal } from './error-handler.ts';
import { claimIdempotencyKey, completeIdempotencyKey, findIdempotencyKey, pruneIdempotencyKeyRows, releaseIdempotencyKey, renewIdempotencyClaim } from '../storage/idempotency-key-sql.ts';
import { idempotencyClaimLeaseSeconds, idempotencyKeyLengthMax, idempotencyKeyRetentionHours, idempotencyWaitMs } from './http-limits.ts';
import { principalKey } from './request-context.ts';

const pollIntervalMs = 50;

/** JSON with object keys sorted, so the same request body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`).digest('hex');
}

/**
 * `Idempotency-Key` on any POST of an organisation: the first request with a key runs and its
 * response is stored; a retry with the same key and body gets that response again (marked by the
 * `Idempotent-Replayed: true` header); the same key with another body is refused; a request that
 * arrives while the first is still running waits for it and replays it. Keys are per caller and
 * organisation, honoured idempotencyKeyRetentionHours by their age when looked up. A request holds
 * its key by a lease it renews while it runs, so a long request keeps it and a dead process's
 * key is taken over by a retry. A 5xx is not stored, so the retry runs again.
 */
export function installIdempotency(app: FastifyInstance, database: Database): void {
  const heartbeats = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  const stopHeartbeat = (request: FastifyRequest) => {
    clearInterval(heartbeats.get(request));
    heartbeats.delete(request);
  };

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.scope || !request.principal) return;
    // A secret shown once must not rest in the database to be replayed: such a POST runs each time.
    if (request.routeOptions.config?.returnsSecret) return;
    // A multipart upload (CSV import) has no parsed body to compare; import is idempotent by ids itself.
    if (request.isMultipart()) return;
    const key = Array.isArray(header) ? header[0] ?? '' : header;
    if (key.length === 0 || key.length > idempotencyKeyLengthMax || !/^[\x21-\x7e]+$/.test(key)) {
      return sendRefusal(reply, { code: 'idempotency_key_is_invalid', message: `The Idempotency-Key must be 1 to ${idempotencyKeyLengthMax} visible characters` });
    }
    const id = { organisationId: request.scope.context.organisation.id, principal: principalKey(request.principal), key };
    const hash = requestHash(request);
    const claim = async () => {
      if (!(await claimIdempotencyKey(database, id, hash, idempotencyKeyRetentionHours, idempotencyClaimLeaseSeconds))) return false;
      request.idempotency = id;
      const heartbeat = setInterval(() => {
        renewIdempotencyClaim(database, id, idempotencyClaimLeaseSeconds).catch((error: unknown) => request.log.error({ err: error }, 'renewing an idempotency key failed'));
      }, (idempotencyClaimLeaseSeconds * 1000) / 3);
      heartbeat.unref();
      heartbeats.set(request, heartbeat);
      return true;
    };
    const deadline = Date.now() + idempotencyWaitMs;
    for (;;) {
      // New, expired (by its age now), or left by a dead process (its lease lapsed): this request runs.
      if (await claim()) return;
      const stored = await findIdempotencyKey(database, id, idempotencyKeyRetentionHours);
      // Gone meanwhile (the first request failed with a 5xx and released it): claim again.
      if (!stored) continue;
      if (stored.request_hash !== hash) {
        return sendRefusal(reply, { code: 'idempotency_key_reused', message: 'This Idempotency-Key was already used with a different request' });
      }
      if (stored.status === 'completed') {
        return reply
          .status(stored.response_status ?? 200)
          .header('content-type', stored.response_content_type ?? 'application/json; charset=utf-8')
          .header('idempotent-replayed', 'true')
          .send(stored.response_body ?? '');
      }
      if (Date.now() > deadline) return sendRefusal(reply, { code: 'idempotency_key_in_progress', message: 'A request with this Idempotency-Key is still running; retry shortly' });
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idempotency = request.idempotency;
    if (!idempotency) return payload;
    request.idempotency = null;
    stopHeartbeat(request);
    if (reply.statusCode >= 500) {
      await releaseIdempotencyKey(database, idempotency);
      return payload;
    }
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    await completeIdempotencyKey(database, idempotency, { status: reply.statusCode, body, contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8') });
    return payload;
  });
  // A safety net: the lease is renewed only while the request is being answered.
  app.addHook('onResponse', async (request) => stopHeartbeat(request));
}

/** Deletes keys older than the retention period; called periodically by the server. */
export async function pruneIdempotencyKeys(database: Database): Promise<number> {
  return pruneIdempotencyKeyRows(database, idempotencyKeyRetentionHours);
}
