import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/multipart';
import type { Database } from '../storage/database.ts';
import { sendRefusal } from './error-handler.ts';
import { idempotencyAbandonedAfterSeconds, idempotencyKeyLengthMax, idempotencyKeyRetentionHours, idempotencyWaitMs } from './http-limits.ts';
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

interface StoredKey {
  request_hash: string;
  status: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
  response_content_type: string | null;
}

/**
 * `Idempotency-Key` on any POST of an organisation: the first request with a key runs and its
 * response is stored; a retry with the same key and body gets that response again (marked by the
 * `Idempotent-Replayed: true` header); the same key with another body is refused; a request that
 * arrives while the first is still running waits for it and replays it. Keys are per caller and
 * organisation, kept idempotencyKeyRetentionHours. A 5xx is not stored, so the retry runs again.
 */
export function installIdempotency(app: FastifyInstance, database: Database): void {
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
    const organisationId = request.scope.context.organisation.id;
    const principal = principalKey(request.principal);
    const hash = requestHash(request);
    const claim = async () => {
      const inserted = await database.query(
        `insert into idempotency_key (org_id, principal, key, request_hash, status) values ($1, $2, $3, $4, 'in_progress')
         on conflict (org_id, principal, key) do nothing returning key`,
        [organisationId, principal, key, hash],
      );
      if (inserted.length === 1) request.idempotency = { key, principal, organisationId };
      return inserted.length === 1;
    };
    if (await claim()) return;
    const deadline = Date.now() + idempotencyWaitMs;
    for (;;) {
      // A key still "in progress" long after any request could take is left over from a process
      // that died mid-request: release it so this retry runs.
      await database.query(
        `delete from idempotency_key where org_id = $1 and principal = $2 and key = $3 and status = 'in_progress'
           and created_at < now() - make_interval(secs => $4)`,
        [organisationId, principal, key, idempotencyAbandonedAfterSeconds],
      );
      const [stored] = await database.query<StoredKey>(
        'select request_hash, status, response_status, response_body, response_content_type from idempotency_key where org_id = $1 and principal = $2 and key = $3',
        [organisationId, principal, key],
      );
      if (!stored) {
        // The first request failed with a 5xx and released the key: this one runs instead.
        if (await claim()) return;
        continue;
      }
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
    const parameters = [idempotency.organisationId, idempotency.principal, idempotency.key];
    if (reply.statusCode >= 500) {
      await database.query('delete from idempotency_key where org_id = $1 and principal = $2 and key = $3', parameters);
      return payload;
    }
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    await database.query(
      `update idempotency_key set status = 'completed', response_status = $4, response_body = $5, response_content_type = $6
       where org_id = $1 and principal = $2 and key = $3`,
      [...parameters, reply.statusCode, body, String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8')],
    );
    return payload;
  });
}

/** Deletes keys older than the retention period; called periodically by the server. */
export async function pruneIdempotencyKeys(database: Database): Promise<number> {
  const rows = await database.query(`delete from idempotency_key where created_at < now() - make_interval(hours => $1) returning key`, [idempotencyKeyRetentionHours]);
  return rows.length;
}
