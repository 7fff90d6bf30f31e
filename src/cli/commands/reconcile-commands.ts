import type { Command } from 'commander';
import { Option } from 'commander';
import { reconciliationStrategies, type ReconciliationStrategy } from '../../core/document-kinds.ts';
import { formatAmountMinor, parseAmountMinor } from '../../core/money.ts';
import { openReasonMessages } from '../../core/open-explanation.ts';
import { refused } from '../../core/outcome.ts';
import type { AllocationByExternalId } from '../../storage/allocation-writer.ts';
import { runAutoReconcile, undoRun, type RunScope, type RunSummary } from '../../services/auto-reconcile.ts';
import { allocate, removeAllocation } from '../../services/ledger.ts';
import { withOrganisation } from '../cli-context.ts';
import { orStop, printJson } from '../cli-output.ts';
import { progressBar } from '../progress.ts';

function describeRun(summary: RunSummary, minorDigits: number, slug: string): string {
  const money = (amount: bigint) => formatAmountMinor(amount, minorDigits);
  const lines = [
    `${summary.dryRun ? 'Dry run (nothing written): would reconcile' : 'Reconciled'} ${summary.accountsTotal} account(s) with strategy ${summary.strategy}: ` +
      `${summary.allocationsCount} allocation(s), ${money(summary.allocatedMinor)} allocated.`,
    `  by pass: named item or refund ${summary.allocationsByPass.referencedDebit}, named invoice ${summary.allocationsByPass.referencedInvoice}, ` +
      `oldest first ${summary.allocationsByPass.oldestFirst}`,
  ];
  const open = Object.entries(summary.accountsLeftOpen).filter(([, count]) => count > 0);
  if (open.length === 0) lines.push('Every account in scope is fully reconciled.');
  else {
    lines.push('Left open:');
    for (const [reason, count] of open) lines.push(`  ${count} account(s): ${openReasonMessages[reason as keyof typeof openReasonMessages]}`);
    for (const account of summary.accountsLeftOpenListed) {
      lines.push(`    ${account.accountId}: ${account.reason === 'credit_on_account' ? `credit ${money(account.openCreditMinor)}` : `owing ${money(account.openDebitMinor)}`}`);
    }
  }
  if (summary.dryRun && summary.plannedAllocations) {
    for (const allocation of summary.plannedAllocations) lines.push(`  would allocate ${allocation.creditId} -> ${allocation.debitId} ${money(allocation.amountMinor)}`);
  }
  if (summary.runId !== null) lines.push(`Run ${summary.runId}. Undo with: tally undo-run ${summary.runId} --org ${slug}`);
  return `${lines.join('\n')}\n`;
}

function parseRunId(text: string): bigint {
  if (!/^\d{1,18}$/.test(text)) orStop(refused('run_not_found', `"${text}" is not a run id`, { path: 'run-id', values: { run: text } }));
  return BigInt(text);
}

export function registerReconcileCommands(program: Command): void {
  program
    .command('reconcile')
    .description('Auto-reconcile accounts: references first, then oldest to newest')
    .requiredOption('--org <slug>', 'organisation')
    .option('--all', 'every account of the organisation')
    .option('--account <id...>', 'one or more account ids')
    .addOption(new Option('--strategy <strategy>', 'reference (default) or fifo (pure oldest first)').choices(reconciliationStrategies).default('reference'))
    .option('--dry-run', 'show what would be allocated without writing anything')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { org: string; all?: boolean; account?: string[]; strategy: ReconciliationStrategy; dryRun?: boolean; json?: boolean }) => {
      if (Boolean(options.all) === Boolean(options.account)) orStop(refused('field_is_required', 'Give either --all or --account <id>...', { path: '--all/--account' }));
      const scope: RunScope = options.all ? { kind: 'all' } : options.account!.length === 1 ? { kind: 'account', accountId: options.account![0]! } : { kind: 'accounts', accountIds: options.account! };
      await withOrganisation(options.org, async (context) => {
        const bar = progressBar('Reconciling', 'accounts');
        const summary = orStop(await runAutoReconcile(context, scope, { strategy: options.strategy, dryRun: Boolean(options.dryRun), onProgress: bar.update }).finally(bar.stop));
        if (options.json) printJson(summary);
        else process.stdout.write(describeRun(summary, context.organisation.minorDigits, context.organisation.slug));
      });
    });

  program
    .command('undo-run <run-id>')
    .description("Remove a run's allocations that are still active (kept as history)")
    .requiredOption('--org <slug>', 'organisation')
    .option('--json', 'print the result as JSON')
    .action(async (runId: string, options: { org: string; json?: boolean }) => {
      await withOrganisation(options.org, async (context) => {
        const result = orStop(await undoRun(context, parseRunId(runId)));
        if (options.json) printJson(result);
        else process.stdout.write(`Run ${result.runId} undone: ${result.allocationsRemoved} allocation(s), ${formatAmountMinor(result.amountRemovedMinor, context.organisation.minorDigits)} removed.\n`);
      });
    });

  program
    .command('allocate')
    .description('Reconcile one receipt by hand over one or more items or refunds (all or nothing)')
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--receipt <id>', 'the payment, deposit, credit or cancellation')
    .requiredOption('--to <target:amount,...>', 'items or refunds with amounts, e.g. I-1:40.00,I-2:10.00')
    .option('--json', 'print the result as JSON')
    .action(async (options: { org: string; receipt: string; to: string; json?: boolean }) => {
      await withOrganisation(options.org, async (context) => {
        const lines: AllocationByExternalId[] = options.to.split(',').map((part, index) => {
          const separator = part.lastIndexOf(':');
          if (separator <= 0) return orStop(refused('field_is_required', `"${part}" must be written target:amount`, { path: `--to[${index}]` }));
          const amount = parseAmountMinor(part.slice(separator + 1).trim(), context.organisation.minorDigits);
          if (!amount.ok) orStop(refused(amount.refusal.code, amount.refusal.message, { path: `--to[${index}].amount` }));
          return { creditExternalId: options.receipt, debitExternalId: part.slice(0, separator).trim(), amountMinor: amount.ok ? amount.value : 0n };
        });
        const result = orStop(await allocate(context, lines));
        if (options.json) printJson(result);
        else process.stdout.write(`Allocated ${options.receipt} over ${lines.length} line(s); allocation id(s) ${result.allocationIds.join(', ')}.\n`);
      });
    });

  program
    .command('unallocate <allocation-id>')
    .description('Remove one reconciliation (kept as history); both remainders are restored')
    .requiredOption('--org <slug>', 'organisation')
    .action(async (allocationId: string, options: { org: string }) => {
      await withOrganisation(options.org, async (context) => {
        if (!/^\d{1,18}$/.test(allocationId)) orStop(refused('allocation_not_found', `"${allocationId}" is not an allocation id`, { path: 'allocation-id', values: { id: allocationId } }));
        const result = orStop(await removeAllocation(context, BigInt(allocationId)));
        process.stdout.write(`Removed allocation ${allocationId} of ${formatAmountMinor(result.amountMinor, context.organisation.minorDigits)}.\n`);
      });
    });
}
