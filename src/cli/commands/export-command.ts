import { Argument, type Command } from 'commander';
import { exportTables, type ExportTable } from '../../csv/csv-formats.ts';
import { exportCsvTable } from '../../csv/export-table.ts';
import { withOrganisation } from '../cli-context.ts';

/** A reader that stops early (`tally export ... | head`) closes the pipe; that is not an error of ours. */
function isClosedPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EPIPE';
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Write one table of the organisation as CSV to standard output (see docs/csv-formats.md)')
    .addArgument(new Argument('<table>', 'what to export').choices(exportTables))
    .requiredOption('--org <slug>', 'organisation')
    .action(async (table: ExportTable, options: { org: string }) => {
      await withOrganisation(options.org, async (context) => {
        try {
          await exportCsvTable(context, table, process.stdout, { endOutput: false });
        } catch (error) {
          if (!isClosedPipe(error)) throw error;
        }
      });
    });
}
