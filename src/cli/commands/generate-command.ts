import type { Command } from 'commander';
import { refused } from '../../core/outcome.ts';
import { generateAccountsMax, generateOrganisation } from '../../generate/generate-organisation.ts';
import { historyAsOfDate, historyStartDate } from '../../generate/synthetic-ledger.ts';
import { cliActor, withDatabase } from '../cli-context.ts';
import { orStop, printJson } from '../cli-output.ts';
import { progressBar } from '../progress.ts';

function wholeNumber(name: string, minimum: number, maximum: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
      orStop(refused('value_is_not_allowed', `${name} must be a whole number from ${minimum} to ${maximum}`, {
          path: name,
          values: { rule: 'whole_number_range', minimum: String(minimum), maximum: String(maximum) },
        }));
    }
    return value;
  };
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description(`Fill a new organisation with synthetic accounts and documents (${historyStartDate} to ${historyAsOfDate}) for demos and benchmarks; the same seed gives the same data`)
    .requiredOption('--org <slug>', 'organisation (created when new; it must have no accounts yet)')
    .requiredOption('--accounts <n>', 'number of accounts (about 24 documents each)', wholeNumber('--accounts', 1, generateAccountsMax))
    .option('--seed <n>', 'seed of the pseudo-random generator', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER), 1)
    .option('--json', 'print the summary as JSON')
    .action(async (options: { org: string; accounts: number; seed: number; json?: boolean }) => {
      await withDatabase(async (database) => {
        const bar = progressBar('Generating', 'accounts');
        const summary = orStop(
          await generateOrganisation(database, { slug: options.org, accountsCount: options.accounts, seed: options.seed, actor: cliActor(), onProgress: bar.update })
            .finally(bar.stop),
        );
        const { organisation, ...counts } = summary;
        if (options.json) return printJson({ organisation: organisation.slug, seed: options.seed, ...counts, durationMs: Math.round(counts.durationMs) });
        process.stdout.write(
          `Generated ${counts.accountsCount} account(s), ${counts.participantsCount} participant(s), ${counts.documentsCount} document(s) and ` +
            `${counts.allocationsCount} checkout/installment allocation(s) in ${organisation.slug} (seed ${options.seed}) in ` +
            `${(counts.durationMs / 1000).toFixed(1)} s.\nReconcile them with: tally reconcile --org ${organisation.slug} --all\n`,
        );
      });
    });
}
