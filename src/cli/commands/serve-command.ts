import type { Command } from 'commander';
import { startServer, serverSettingsFromEnvironment } from '../../http/server.ts';
import { seedDemoOrganisation } from '../../http/demo.ts';
import { addUser } from '../../services/access/users.ts';
import { inviteMember } from '../../services/access/invitations.ts';
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
    .description("Add a user to an organisation with a role (creates the user with this password if new; an existing user's password is neither checked nor changed)")
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
  user
    .command('invite')
    .description('Invite an email to join an organisation with a role; prints the link to pass on (once)')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--role <role>', 'owner, admin, accountant or viewer')
    .option('--base-url <url>', "the web page's address, to print the whole link", 'http://localhost:3000')
    .action(async (options: { org: string; email: string; role: string; baseUrl: string }) => {
      await withOrganisation(options.org, async (context) => {
        const invited = orStop(await inviteMember(context.database, context.organisation.id, options, context.actor));
        process.stdout.write(`Invited ${invited.view.email} as ${invited.view.role} of ${options.org} until ${invited.view.expiresAt.toISOString()}.\n` +
          `Pass on this link (shown once): ${options.baseUrl.replace(/\/$/, '')}/invitation#${encodeURIComponent(invited.token)}\n`);
      });
    });
}
