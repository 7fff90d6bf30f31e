import type { Command } from 'commander';
import { RefusalError } from '../../core/outcome.ts';
import { distributeTables, type DistributionStep } from '../../storage/distribute.ts';
import { migrate } from '../../storage/migrate.ts';
import { withDatabase } from '../cli-context.ts';
import { CliRefusal } from '../cli-output.ts';

/** One line a placement: what this run placed, or that every table already was. */
export function describeDistribution(steps: readonly DistributionStep[]): string {
  const groups = new Map<string, string[]>();
  for (const step of steps) {
    const { placement } = step;
    const label = placement.kind === 'reference' ? 'reference tables' : placement.kind === 'local' ? 'local to the coordinator' : placement.column === 'org_id' ? 'distributed by org_id, colocated' : `distributed by ${placement.column}`;
    if (step.changed || placement.kind === 'local') groups.set(label, [...(groups.get(label) ?? []), step.table]);
  }
  const changed = steps.filter((step) => step.changed).length;
  const lines = [...groups].map(([label, tables]) => `${label}: ${tables.join(', ')}`);
  return `${changed === 0 ? 'every table is already placed' : `placed ${changed} table${changed === 1 ? '' : 's'}`}\n${lines.map((line) => `  ${line}\n`).join('')}`;
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Create or update the database schema (also done automatically on first use)')
    .option('--distribute', 'then distribute the tables on a Citus cluster by organisation (docs/scale-out.md); safe to repeat')
    .action(async (options: { distribute?: boolean }) => {
      // Opened without the automatic migration, so that what this command applies is what it reports.
      await withDatabase(async (database) => {
        const applied = await migrate(database);
        process.stdout.write(applied.length > 0 ? `applied ${applied.join(', ')}\n` : 'schema is up to date\n');
        if (!options.distribute) return;
        try {
          process.stdout.write(describeDistribution(await distributeTables(database)));
        } catch (error) {
          if (error instanceof RefusalError) throw new CliRefusal(error.refusal);
          throw error;
        }
      }, { migrate: false });
    });
}
