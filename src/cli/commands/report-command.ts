import type { Command } from 'commander';
import { parseInstant, parseReportPeriod, parseReportYear } from '../../core/report-input.ts';
import type { Outcome } from '../../core/outcome.ts';
import { writeReportCsv, writeReportJson, type ReportRequest } from '../../csv/report-downloads.ts';
import { findOrganisation } from '../../services/organisations.ts';
import { cliActor, withDatabase } from '../cli-context.ts';
import { orStop } from '../cli-output.ts';

/** A reader that stops early (`tally report … | head`) closes the pipe; that is not an error of ours. */
function isClosedPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EPIPE';
}

/** The option's refusal names the option as typed on the command line. */
function onOption<T>(outcome: Outcome<T>, option: string): T {
  return orStop(outcome.ok ? outcome : { ok: false, refusal: { ...outcome.refusal, path: option } });
}

/** The instant of --as-of, or now. */
function asOfOption(text: string | undefined): Date {
  return text === undefined ? new Date() : onOption(parseInstant(text), '--as-of');
}

/**
 * Every option is checked before the database is opened or anything is written, so a bad option
 * leaves standard output empty: one line on standard error, a non-zero exit.
 */
async function runReport(slug: string, json: boolean | undefined, request: ReportRequest): Promise<void> {
  await withDatabase(async (database) => {
    const organisation = onOption(await findOrganisation(database, slug), '--org');
    const context = { database, organisation, actor: cliActor() };
    try {
      if (json) await writeReportJson(context, request, process.stdout, { endOutput: false });
      else await writeReportCsv(context, request, process.stdout, { endOutput: false });
    } catch (error) {
      if (!isClosedPipe(error)) throw error;
    }
  });
}

export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('Print a report as CSV (header row) on standard output, or as JSON with --json (see docs/reports.md)');
  report
    .command('collections')
    .description('Collections by ledger code for a period, both days included: the summary, or every part with --detail')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--from <YYYY-MM-DD>', 'first day')
    .requiredOption('--to <YYYY-MM-DD>', 'last day')
    .option('--detail', 'one row per part of each document, not the summary')
    .option('--as-of <instant>', 'the report as it stood at this ISO 8601 instant with a zone (default: now)')
    .option('--json', 'the same rows as a JSON array')
    .action(async (options: { org: string; from: string; to: string; detail?: boolean; asOf?: string; json?: boolean }) => {
      const period = orStop(parseReportPeriod(options.from, options.to, { from: '--from', to: '--to' }));
      const asOf = asOfOption(options.asOf);
      await runReport(options.org, options.json, options.detail ? { table: 'collections-detail', period, asOf } : { table: 'collections', period, asOf });
    });
  report
    .command('rl24')
    .description('RL-24 slip lines for a calendar year (one per account and participant), or its blockers with --blockers')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--year <YYYY>', 'calendar year')
    .option('--blockers', 'what keeps the slips from being right, not the slips')
    .option('--as-of <instant>', 'the report as it stood at this ISO 8601 instant with a zone (default: now)')
    .option('--json', 'the same rows as a JSON array')
    .action(async (options: { org: string; year: string; blockers?: boolean; asOf?: string; json?: boolean }) => {
      const year = onOption(parseReportYear(options.year), '--year');
      const asOf = asOfOption(options.asOf);
      await runReport(options.org, options.json, options.blockers ? { table: 'rl24-blockers', year, asOf } : { table: 'rl24', year, asOf });
    });
}
