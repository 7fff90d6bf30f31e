import type { Command } from 'commander';
import { Option } from 'commander';
import { formatAmountMinor } from '../../core/money.ts';
import { openReasonMessages } from '../../core/open-explanation.ts';
import { refused } from '../../core/outcome.ts';
import { accountStatement, unreconciledAccounts, unreconciledSorts, type UnreconciledSort } from '../../services/account-view.ts';
import { createOrganisation, setReconciliationEnabled } from '../../services/organisations.ts';
import { withDatabase, withOrganisation } from '../cli-context.ts';
import { orStop, printJson } from '../cli-output.ts';

function positiveInteger(name: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d{1,9}$/.test(text) || value < 1) orStop(refused('value_is_not_allowed', `${name} must be a whole number from 1`, { path: name, values: { rule: 'whole_number_range', minimum: '1' } }));
    return value;
  };
}

export function registerAccountCommands(program: Command): void {
  program
    .command('status')
    .description("One account: balance, every document with its status and remainder, allocations, what is left open")
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'print as JSON')
    .action(async (options: { org: string; account: string; json?: boolean }) => {
      await withOrganisation(options.org, async (context) => {
        const statement = orStop(await accountStatement(context, options.account));
        if (options.json) return printJson(statement);
        const money = (amount: bigint) => formatAmountMinor(amount, context.organisation.minorDigits);
        const out = [
          `Account ${statement.accountId} — ${statement.ownerName}${statement.ownerEmail ? ` <${statement.ownerEmail}>` : ''}`,
          `Balance ${money(statement.balanceMinor)} (${statement.balanceMinor > 0n ? 'owing' : statement.balanceMinor < 0n ? 'credit on account' : 'settled'})`,
          `Open: credits ${money(statement.openCreditMinor)}, charges ${money(statement.openDebitMinor)} — ${openReasonMessages[statement.openReason]}`,
          '',
          'date        kind          id                  amount    remaining  status',
        ];
        for (const document of statement.documents) {
          const indent = document.kind === 'item' ? '  ' : '';
          out.push(
            `${document.date}  ${(indent + document.kind).padEnd(12)}  ${document.id.padEnd(18)} ${money(document.amountMinor).padStart(9)}  ${money(document.remainingMinor).padStart(9)}  ` +
              `${document.voided ? 'void' : document.status}${document.scheduled ? ' (scheduled)' : ''}`,
          );
        }
        if (statement.allocations.length > 0) {
          out.push('', 'allocations');
          for (const allocation of statement.allocations) {
            out.push(`  #${allocation.allocationId} ${allocation.creditId} -> ${allocation.debitId} ${money(allocation.amountMinor)} (${allocation.source}${allocation.runId ? ` run ${allocation.runId}` : ''})`);
          }
        }
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });

  program
    .command('unreconciled')
    .description('Accounts with payments, deposits, credits or refunds not fully reconciled')
    .requiredOption('--org <slug>', 'organisation')
    .option('--search <text>', 'owner name, email or account id contains')
    .addOption(new Option('--sort <sort>', 'order').choices(unreconciledSorts).default('owner'))
    .option('--page <n>', 'page number', positiveInteger('--page'), 1)
    .option('--page-size <n>', 'accounts per page (1 to 100)', positiveInteger('--page-size'), 50)
    .option('--json', 'print as JSON')
    .action(async (options: { org: string; search?: string; sort: UnreconciledSort; page: number; pageSize: number; json?: boolean }) => {
      await withOrganisation(options.org, async (context) => {
        const list = orStop(await unreconciledAccounts(context, { search: options.search, sort: options.sort, page: options.page, pageSize: options.pageSize }));
        if (options.json) return printJson(list);
        const money = (amount: bigint) => formatAmountMinor(amount, context.organisation.minorDigits);
        const out = [`${list.total} account(s) with unreconciled items (page ${options.page}, ${options.pageSize} per page)`];
        for (const account of list.accounts) {
          out.push(`${account.accountId}  ${account.ownerName}  ${money(account.remainingMinor)} unreconciled`);
          for (const document of account.documents) out.push(`    ${document.kind} ${document.id} ${document.date} amount ${money(document.amountMinor)} remaining ${money(document.remainingMinor)}`);
        }
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });

  const organisation = program.command('org').description('Organisations and their settings');
  organisation
    .command('create <slug>')
    .description('Create an organisation')
    .option('--name <name>', 'display name')
    .option('--currency <code>', 'ISO 4217 currency', 'CAD')
    .option('--time-zone <zone>', 'IANA time zone', 'America/Toronto')
    .action(async (slug: string, options: { name?: string; currency: string; timeZone: string }) => {
      await withDatabase(async (database) => {
        const created = orStop(await createOrganisation(database, { slug, name: options.name, currency: options.currency, timeZone: options.timeZone }));
        process.stdout.write(`Created organisation ${created.slug} (${created.currency}).\n`);
      });
    });
  organisation
    .command('set <slug>')
    .description('Change settings')
    .addOption(new Option('--reconciliation <state>', 'turn reconciliation on or off').choices(['on', 'off']).makeOptionMandatory())
    .action(async (slug: string, options: { reconciliation: 'on' | 'off' }) => {
      await withOrganisation(slug, async (context) => {
        await setReconciliationEnabled(context.database, context.organisation, options.reconciliation === 'on');
        process.stdout.write(`Reconciliation is ${options.reconciliation} for ${slug}.\n`);
      });
    });
}
