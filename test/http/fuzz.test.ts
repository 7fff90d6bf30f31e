import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyBytesMax } from '../../src/http/http-limits.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly bodySchema?: Schema;
}

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  anyOf?: Schema[];
}

/** Values that are wrong in some way for almost any field. */
const hostileValues: unknown[] = [
  null, true, 0, -1, 1.5, 1e308, -0.001, '', ' ', '-1', '0.001', '1e5', 'NaN', 'Infinity', '12,50', '١٢٣', '9'.repeat(40),
  'x'.repeat(5000), '\u0000', '../../etc/passwd', '<script>', "'; drop table document; --", [], [1, 2], {}, { nested: { deeper: [] } },
  '2026-02-30', '2026-13-01', '99999-01-01', 'true', 'owner', '\ud800',
];

/** A plausible valid value for a schema, so that mutations hit one field at a time. */
function plausible(schema: Schema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.anyOf) return plausible(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object') return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, plausible(property)]));
  if (type === 'array') return [plausible(schema.items)];
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return false;
  return '1.00';
}

/** Every body that differs from a plausible one by one hostile change, at any depth. */
function mutations(schema: Schema, value: unknown, depth = 0): unknown[] {
  const variants: unknown[] = hostileValues.slice();
  if (depth > 3 || value === null || typeof value !== 'object') return variants;
  if (Array.isArray(value)) {
    variants.push(Array.from({ length: 5000 }, () => value[0]));
    for (const inner of mutations(schema.items ?? {}, value[0], depth + 1)) variants.push([inner]);
    return variants;
  }
  const record = value as Record<string, unknown>;
  variants.push({ ...record, unexpected_field: 1 });
  for (const name of Object.keys(record)) {
    const { [name]: _removed, ...without } = record;
    variants.push(without);
    for (const inner of mutations(schema.properties?.[name] ?? {}, record[name], depth + 1)) variants.push({ ...record, [name]: inner });
  }
  return variants;
}

const hostilePathSegments = ['%00', '..%2F..', 'x'.repeat(300), '%F0%9F%92%A9', '-1', '99999999999999999999999', ' ', '%25', 'null'];

for (const dialect of dialects) {
  describe(`fuzzing the API from its OpenAPI document on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    let operations: Operation[] = [];
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
      await http.request('POST', '/accounts', { account_id: 'A-1', owner_name: 'Owner' });
      const document = (await http.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: Schema }> } }>> };
      operations = Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, bodySchema: operation.requestBody?.content?.['application/json']?.schema })),
      );
    });
    afterAll(async () => {
      await http.app.close();
      await test.drop();
    });

    it('never answers 5xx, and every error is in the error envelope', async () => {
      let sent = 0;
      const failures: string[] = [];
      const send = async (method: string, url: string, payload: string | undefined, contentType = 'application/json') => {
        sent += 1;
        const response = await http.app.inject({
          method: method as 'POST',
          url,
          headers: { authorization: `Bearer ${http.tokens.owner}`, ...(payload !== undefined ? { 'content-type': contentType } : {}) },
          ...(payload !== undefined ? { payload } : {}),
        });
        const enveloped = response.statusCode < 400 || (() => { try { return typeof response.json().error?.code === 'string'; } catch { return false; } })();
        if (response.statusCode >= 500 || !enveloped) failures.push(`${method} ${url} ${payload?.slice(0, 120)} -> ${response.statusCode} ${response.body.slice(0, 200)}`);
      };
      for (const operation of operations) {
        const concrete = (segment: string) => operation.path.replace('{org}', http.organisation.slug).replace(/\{[a-z_]+\}/g, segment);
        const url = concrete('A-1');
        if (operation.bodySchema) {
          for (const body of mutations(operation.bodySchema, plausible(operation.bodySchema))) await send(operation.method, url, JSON.stringify(body));
          for (const raw of ['{', '[]', '"text"', 'null', '{"a":1,}', '\u0000', '']) await send(operation.method, url, raw);
          await send(operation.method, url, 'a=1', 'application/x-www-form-urlencoded');
          await send(operation.method, url, JSON.stringify({ padding: 'x'.repeat(requestBodyBytesMax + 1) }));
        }
        for (const segment of hostilePathSegments) if (operation.path.includes('{')) await send(operation.method, concrete(segment), operation.bodySchema ? JSON.stringify(plausible(operation.bodySchema)) : undefined);
        for (const query of ['page=0', 'page_size=1000', 'page=abc', 'sort=nonsense', 'search=%00', 'unreconciled=maybe', 'account_id=', 'run_id=-5']) {
          if (operation.method === 'GET') await send('GET', `${url}?${query}`, undefined);
        }
      }
      // Random JSON documents on every write route, beyond the hand-picked mutations.
      const writes = operations.filter((operation) => operation.bodySchema);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...writes), fc.json({ maxDepth: 3 }), async (operation, body) => {
          await send(operation.method, operation.path.replace('{org}', http.organisation.slug).replace(/\{[a-z_]+\}/g, 'A-1'), body);
        }),
        { numRuns: 500 },
      );
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(2000);
    }, 300_000);
  });
}
