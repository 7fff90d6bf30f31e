import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSchemaDocument, schemaOutline, type SchemaOutline } from '../../src/storage/schema-document.ts';
import { renderSchemaDocs, schemaDocsPath } from '../../scripts/schema-docs.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';

/**
 * docs/schema.sql is the whole schema of a freshly migrated database (generated on PGlite by
 * `npm run docs:generate`). It must not drift from the migrations, and every engine must end up
 * with the same tables, columns, keys, indexes, triggers and functions after the same migrations
 * (compared with PostgreSQL; on a Citus cluster the schema lint and the distribute tests say what
 * placement adds).
 */
const pglite = dialects.find((dialect) => dialect.name === 'pglite');

// TEST_DIALECTS may leave PGlite out (a run on a Citus cluster only): the document is PGlite's.
describe.skipIf(pglite === undefined)('docs/schema.sql', () => {
  let test: TestDatabase;
  let pgliteOutline: SchemaOutline;
  beforeAll(async () => {
    test = await pglite!.open();
    pgliteOutline = schemaOutline(await readSchemaDocument(test.database));
  });
  afterAll(async () => {
    await test.drop();
  });

  it('is up to date with the migrations and functions (run npm run docs:generate)', async () => {
    expect(readFileSync(schemaDocsPath, 'utf8')).toBe(await renderSchemaDocs(test.database));
  });

  it('shows the constraints that keep allocations within amounts', () => {
    const allocation = pgliteOutline.tables.find((table) => table.name === 'allocation');
    expect(allocation?.constraints).toContain('allocation_amount_minor_check');
    expect(allocation?.triggers).toEqual(expect.arrayContaining(['allocation_after_insert', 'allocation_after_update']));
  });

  for (const dialect of dialects.filter((candidate) => candidate.name === 'postgres')) {
    it(`names the same tables, columns, keys, indexes, triggers and functions on ${dialect.name}`, async () => {
      const other = await dialect.open();
      try {
        const outline = schemaOutline(await readSchemaDocument(other.database));
        expect(outline).toEqual(pgliteOutline);
      } finally {
        await other.drop();
      }
    });
  }
});
