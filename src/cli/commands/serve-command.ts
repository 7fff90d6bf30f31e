import type { Command } from 'commander';
import { startServer, serverSettingsFromEnvironment } from '../../http/server.ts';
import { seedDemoOrganisation } from '../../http/demo.ts';
import { addUser } from '../../services/access/users.ts';
import { withOrganisation } from '../cli-context.ts';
import { orStop } from '../cli-output.ts';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Start the HTTP API and web page (PORT, HOST, DATABASE_URL, TALLY_DATA); the same as npm start')
    .option('--port <port>', 'port to listen on (default PORT or 3000)')
    .option('--host <host>', 'address to listen on (default HOST or localhost)')
    .action(async (options: { port?: string; host?: string }) => {
      const settings = serverSettingsFromEnvironment();
      const server = await startServer({ ...settings, port: options.port ? Number(options.port) : settings.port, host: options.host ?? settings.host }, seedDemoOrganisation);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          server.app.log.info({ signal }, 'shutting down');
          server.stop().then(resolve, resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
    });

  const user = program.command('user').description('Users who sign in to the web page and the API');
  user
    .command('create')
    .description('Add a user to an organisation with a role (creates the user if new)')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'password (10 to 200 characters)')
    .requiredOption('--role <role>', 'owner, admin, accountant or viewer')
    .action(async (options: { org: string; email: string; password: string; role: string }) => {
      await withOrganisation(options.org, async (context) => {
        const result = orStop(await addUser(context.database, context.organisation.id, options));
        process.stdout.write(`${result.created ? 'Created' : 'Added'} ${result.user.email} as ${options.role} of ${options.org}.\n`);
      });
    });
}
