import { writeFileSync } from 'node:fs';
import { buildApp } from '../src/http/app.ts';
import { migrate } from '../src/storage/migrate.ts';
import { openPgliteDatabase } from '../src/storage/pglite-database.ts';
import { errorDocsPath, renderErrorDocs } from './error-docs.ts';
import { permissionDocsPath, renderPermissionDocs } from './permission-docs.ts';
import { renderSchemaDocs, schemaDocsPath } from './schema-docs.ts';

/** Regenerates the documents derived from code: docs/errors.md, docs/permissions.md and docs/schema.sql. */
const database = await openPgliteDatabase();
await migrate(database);
const app = await buildApp({ database });
await app.ready();
writeFileSync(errorDocsPath, renderErrorDocs());
writeFileSync(permissionDocsPath, renderPermissionDocs(app.guardedRoutes));
writeFileSync(schemaDocsPath, await renderSchemaDocs(database));
await app.close();
await database.close();
process.stdout.write(`wrote ${errorDocsPath}\nwrote ${permissionDocsPath}\nwrote ${schemaDocsPath}\n`);
