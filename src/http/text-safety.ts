import type { FastifyInstance } from 'fastify';
import { RefusalError } from '../core/outcome.ts';

/** Finds the path of the first string holding a character PostgreSQL text cannot store (NUL) or a lone surrogate. */
function firstUnstorableText(value: unknown, path: string): string | null {
  if (typeof value === 'string') return /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstUnstorableText(item, `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const found = firstUnstorableText(item, path ? `${path}.${name}` : name);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * Refuses, before any handler runs, text that no database column can hold: a NUL character or an
 * unpaired UTF-16 surrogate, in the body, the query or the path. One check here instead of one per
 * field; the core's text parsers refuse them too for CSV and the command line.
 */
export function installTextSafety(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [where, value] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
      const path = firstUnstorableText(value, '');
      if (path !== null) {
        throw new RefusalError({ code: 'value_is_not_allowed', message: `${path || where} contains a character that cannot be stored (NUL or an unpaired surrogate)`, path: path || where, details: { in: where } });
      }
    }
  });
}
