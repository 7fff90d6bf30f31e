import type { Command } from 'commander';
import { importCsvFolder, type FolderImportSummary } from '../../csv/import-ledger.ts';
import { cliActor, withDatabase } from '../cli-context.ts';
import { orStop, printJson } from '../cli-output.ts';
import { progressBar } from '../progress.ts';
import { registerExportCommand } from './export-command.ts';

function describeImport(summary: FolderImportSummary): string {
  const { organisation } = summary;
  const lines = [`Imported into ${organisation.slug} (${organisation.currency}${summary.organisationCreated ? ', new organisation' : ''}):`];
  const nameWidth = Math.max(...summary.files.map((file) => file.fileName.length));
  for (const file of summary.files) {
    lines.push(`  ${file.fileName.padEnd(nameWidth)}  ${String(file.created).padStart(9)} created  ${String(file.existing).padStart(9)} existing`);
  }
  if (summary.files.every((file) => file.created === 0)) lines.push('Nothing changed: every row was already there.');
  return `${lines.join('\n')}\n`;
}

export function registerImportCommand(program: Command): void {
  program
    .command('import <dir>')
    .description('Import a folder of CSV files (see docs/csv-formats.md); all or nothing, and importing it again changes nothing')
    .requiredOption('--org <slug>', 'organisation (created if new)')
    .option('--currency <code>', 'ISO 4217 currency of a new organisation (default CAD); an existing one must match')
    .option('--json', 'print the summary as JSON')
    .action(async (directory: string, options: { org: string; currency?: string; json?: boolean }) => {
      await withDatabase(async (database) => {
        const bar = progressBar('Importing', 'bytes');
        const target = { slug: options.org, currency: options.currency, actor: cliActor() };
        const summary = orStop(await importCsvFolder(database, target, directory, { onProgress: bar.update }).finally(bar.stop));
        if (options.json) printJson(summary);
        else process.stdout.write(describeImport(summary));
      });
    });
}

/** `tally import` and `tally export`, registered together: they are the two ends of the CSV formats. */
export function registerCsvCommands(program: Command): void {
  registerImportCommand(program);
  registerExportCommand(program);
}
