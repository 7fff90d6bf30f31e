import { PassThrough } from 'node:stream';
import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import '@fastify/multipart';
import { exportTables, type ExportTable } from '../../csv/csv-formats.ts';
import { exportCsvTable } from '../../csv/export-table.ts';
import { importCsvFiles } from '../../csv/import-ledger.ts';
import { UploadSpool } from '../../csv/upload-spool.ts';
import { valueOrThrow } from '../body-parsing.ts';
import { sendRefusal } from '../error-handler.ts';
import { scopeOf } from '../organisation-scope.ts';
import { errorResponses, OrganisationParams } from '../schemas.ts';

const ExportParams = Type.Object({ ...OrganisationParams.properties, table: Type.Union(exportTables.map((table) => Type.Literal(table))) });

/**
 * CSV in and out, the same formats as `tally import` and `tally export` (docs/csv-formats.md).
 * An upload's files are streamed to a temporary folder, at most importUploadBytesMax all together,
 * then imported in one transaction from there; the command line streams files from disk.
 */
export async function transferRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/imports',
    {
      config: { permission: 'write_billing', heavyWork: true },
      schema: {
        tags: ['import and export'],
        summary: 'Import CSV files (multipart/form-data, one part per file named accounts.csv, invoices.csv, ...); all or nothing, idempotent by id',
        params: OrganisationParams,
        consumes: ['multipart/form-data'],
        response: { 200: Type.Object({ files: Type.Array(Type.Object({ file: Type.String(), created: Type.Integer(), existing: Type.Integer() })) }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      if (!request.isMultipart()) return sendRefusal(reply, { code: 'media_type_is_unsupported', message: 'Send the CSV files as multipart/form-data' });
      const spool = await UploadSpool.open(app.importUploadBytesMax);
      try {
        for await (const part of request.files()) await spool.add(part.filename, part.file);
        if (spool.inputFiles.length === 0) return sendRefusal(reply, { code: 'accounts_file_is_missing', message: 'Upload at least accounts.csv' });
        const summary = valueOrThrow(await importCsvFiles(context, spool.inputFiles));
        return { files: summary.files.map((file) => ({ file: file.fileName, created: file.created, existing: file.existing })) };
      } finally {
        await spool.remove();
      }
    },
  );

  app.get(
    '/exports/:table',
    {
      config: { permission: 'read_reports', heavyWork: true },
      schema: { tags: ['import and export'], summary: 'Export a table as CSV (accounts, participants, invoices, refunds, receipts, allocations, statuses)', params: ExportParams, produces: ['text/csv'], response: { 200: Type.String({ description: 'CSV with a header row' }), ...errorResponses } },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const { table } = request.params as Static<typeof ExportParams>;
      const output = new PassThrough();
      exportCsvTable(context, table as ExportTable, output).catch((error: unknown) => {
        request.log.error({ err: error }, 'export failed part-way');
        output.destroy(error instanceof Error ? error : new Error(String(error)));
      });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${context.organisation.slug}-${table}.csv"`).send(output);
    },
  );
}
