import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { RefusalError, type Refusal } from '../core/outcome.ts';
import { httpStatusOfRefusal } from './http-status.ts';
import { refusalMessageIn } from '../core/refusal-language.ts';
import { internalErrorMessageFr } from '../core/refusal-messages-fr.ts';
import { answerLanguage } from './language.ts';
import { DatabaseUnavailableError, isStatementTimeout, WorkAbortedError } from '../storage/database.ts';
import { databaseUnavailableRetryAfterSeconds, heavyWorkRetryAfterSeconds } from './http-limits.ts';

/**
 * Sends a refusal as `{ error: { code, message, details } }` with its kind's status, its message
 * in the language the request's Accept-Language asks for (English or French; the code is the same).
 */
export function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  const details: Record<string, unknown> = { ...(refusal.details ?? {}) };
  if (refusal.path !== undefined) details.path = refusal.path;
  const language = answerLanguage(reply.request.headers['accept-language']);
  return reply
    .status(httpStatusOfRefusal(refusal.code))
    .header('content-language', language)
    .header('vary', 'Accept-Language')
    .send({ error: { code: refusal.code, message: refusalMessageIn(language, refusal), ...(Object.keys(details).length > 0 ? { details } : {}) } });
}

/** Turns AJV's instancePath ("/items/2/amount") into the JSON path style of refusals ("items[2].amount"). */
function jsonPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * Maps every failure to the error envelope: schema violations to request_is_invalid with the path
 * of the first problem, Fastify's body errors to their codes, refusals to theirs, and anything
 * else to a logged 500 that reveals nothing internal.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError & { validation?: ValidationIssue[]; validationContext?: string }, request, reply) => {
    if (error instanceof RefusalError) return sendRefusal(reply, error.refusal);
    if (error instanceof DatabaseUnavailableError) {
      request.log.warn({ err: error.cause }, 'the database is unavailable');
      reply.header('retry-after', String(databaseUnavailableRetryAfterSeconds));
      return sendRefusal(reply, { code: 'database_unavailable', message: 'The database is unavailable; retry in a few seconds' });
    }
    if (error instanceof WorkAbortedError) {
      request.log.info('the client went away; its work was stopped and rolled back');
      return sendRefusal(reply, { code: 'request_was_abandoned', message: 'The client went away; the work was stopped' });
    }
    if (isStatementTimeout(error)) {
      request.log.warn({ err: error }, 'a statement ran past its time bound');
      reply.header('retry-after', String(heavyWorkRetryAfterSeconds));
      return sendRefusal(reply, { code: 'request_took_too_long', message: 'The request took too long and was stopped; nothing was changed' });
    }
    if (error.validation) {
      const issue = error.validation[0]!;
      const missing = typeof issue.params.missingProperty === 'string' ? issue.params.missingProperty : undefined;
      const extra = typeof issue.params.additionalProperty === 'string' ? issue.params.additionalProperty : undefined;
      const path = jsonPath(issue.instancePath, missing ?? extra);
      const where = error.validationContext ?? 'body';
      const message = extra ? `${path} is not a known field` : missing ? `${path} is required` : `${path || where} ${issue.message ?? 'is invalid'}`;
      return sendRefusal(reply, { code: 'request_is_invalid', message, path: path || where, details: { in: where } });
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendRefusal(reply, { code: 'body_is_not_json', message: 'The request body is not valid JSON' });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
      case 'FST_REQ_FILE_TOO_LARGE':
        return sendRefusal(reply, { code: 'body_is_too_large', message: 'The request body is larger than the limit' });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
        return sendRefusal(reply, { code: 'media_type_is_unsupported', message: 'The Content-Type is not one this route accepts' });
      default:
        break;
    }
    if (error.statusCode === 429) return sendRefusal(reply, { code: 'too_many_requests', message: 'Too many attempts; wait before trying again' });
    if (error instanceof SyntaxError || (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)) {
      return sendRefusal(reply, { code: 'request_is_invalid', message: error.message });
    }
    request.log.error({ err: error }, 'internal error');
    const french = answerLanguage(request.headers['accept-language']) === 'fr';
    return reply.status(500).send({ error: { code: 'internal_error', message: french ? internalErrorMessageFr : 'Something went wrong on our side; it has been logged' } });
  });

  app.setNotFoundHandler((request, reply) =>
    sendRefusal(reply, { code: 'route_not_found', message: `No route answers ${request.method} ${request.url.split('?')[0]}` }),
  );
}
