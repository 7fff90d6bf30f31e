import type { FastifyInstance } from 'fastify';
import { RefusalError } from '../core/outcome.ts';
import { firstUtf8Fault } from '../core/utf8-validation.ts';
import { jsonDepthMax } from './http-limits.ts';

const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;
const quote = 0x22;
const backslash = 0x5c;

/**
 * The byte offset where the body's arrays and objects nest deeper than `depthMax`, or null. One
 * pass over the bytes without recursion, skipping strings, so a body of any depth is measured
 * before anything parses it or walks it.
 */
export function jsonDepthExceededAt(bytes: Uint8Array, depthMax: number): number | null {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    if (inString) {
      if (byte === backslash) index += 1;
      else if (byte === quote) inString = false;
    } else if (byte === quote) {
      inString = true;
    } else if (byte === openBrace || byte === openBracket) {
      depth += 1;
      if (depth > depthMax) return index;
    } else if (byte === closeBrace || byte === closeBracket) {
      depth -= 1;
    }
  }
  return null;
}

/**
 * Reads JSON bodies as bytes and refuses, before parsing: bytes that are not UTF-8
 * (`text_is_not_utf8`, with the byte offset, line and column; a decoder would put U+FFFD in their
 * place in silence) and nesting deeper than `jsonDepthMax` (`body_is_too_deep`; the checks that
 * walk a body recurse per level). Then Fastify's own parser (prototype poisoning refused) parses.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    const fault = firstUtf8Fault(bytes);
    if (fault) {
      done(new RefusalError({
        code: 'text_is_not_utf8',
        message: `The request body is not UTF-8 at byte ${fault.byteOffset} (line ${fault.line}, column ${fault.column})`,
        path: 'body',
        details: { byte_offset: fault.byteOffset, line: fault.line, column: fault.column },
      }), undefined);
      return;
    }
    const deepAt = jsonDepthExceededAt(bytes, jsonDepthMax);
    if (deepAt !== null) {
      done(new RefusalError({ code: 'body_is_too_deep', message: `The JSON body nests arrays and objects deeper than ${jsonDepthMax} levels (at byte ${deepAt})`, path: 'body', details: { byte_offset: deepAt, depth_max: jsonDepthMax } }), undefined);
      return;
    }
    parseJson(request, bytes.toString('utf8'), done);
  });
}
