import { Command, CommanderError } from 'commander';
import { CliRefusal, reportRefusal } from './cli-output.ts';
import { exitCodes } from './exit-codes.ts';
import { registerMigrateCommand } from './commands/migrate-command.ts';
import { registerReconcileCommands } from './commands/reconcile-commands.ts';
import { registerAccountCommands } from './commands/account-commands.ts';
import { registerGenerateCommand } from './commands/generate-command.ts';
import { registerServeCommands } from './commands/serve-command.ts';
import { registerCsvCommands } from './commands/import-command.ts';
import { registerReportCommand } from './commands/report-command.ts';

/**
 * `tally`, the command line for operators and scripts. Each command lives in its own module and
 * registers itself here; all of them share the output and exit-code conventions of cli-output.ts.
 */
export function buildProgram(): Command {
  const program = new Command('tally')
    .description('Billing reconciliation: link payments and credits to the invoice items they pay for.')
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerMigrateCommand, registerReconcileCommands, registerAccountCommands, registerGenerateCommand, registerServeCommands, registerCsvCommands, registerReportCommand]) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CliRefusal) return reportRefusal(error.refusal);
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return exitCodes.internal;
  }
}
