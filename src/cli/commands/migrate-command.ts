import type { Command } from 'commander';
import { migrate } from '../../storage/migrate.ts';
import { withDatabase } from '../cli-context.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Create or update the database schema (also done automatically on first use)')
    .action(async () => {
      // Opened without the automatic migration, so that what this command applies is what it reports.
      await withDatabase(async (database) => {
        const applied = await migrate(database);
        process.stdout.write(applied.length > 0 ? `applied ${applied.join(', ')}\n` : 'schema is up to date\n');
      }, { migrate: false });
    });
}
