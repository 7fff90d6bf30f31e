import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { reportLedgerFiles } from '../fixtures/report-ledger.ts';

/** Each run starts Node, tsx and the embedded database; on a busy machine that takes seconds. */
const cliTestTimeoutMs = 300_000;
const tallyBin = fileURLToPath(new URL('../../bin/tally.js', import.meta.url));

function tally(dataDirectory: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const environment = { ...process.env, TALLY_DATA: dataDirectory, DATABASE_URL: '', TALLY_ACTOR: 'cli-test' };
    execFile(process.execPath, [tallyBin, ...args], { env: environment }, (error, stdout, stderr) => {
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('tally report, end to end', () => {
  let dataDirectory: string;
  let ledgerDirectory: string;
  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'tally-report-cli-'));
    ledgerDirectory = await mkdtemp(join(tmpdir(), 'tally-report-ledger-'));
    for (const [name, content] of Object.entries(reportLedgerFiles)) await writeFile(join(ledgerDirectory, name), content);
    const imported = await tally(dataDirectory, ['import', ledgerDirectory, '--org', 'day-camp', '--currency', 'CAD']);
    expect(imported.exitCode).toBe(exitCodes.ok);
  }, cliTestTimeoutMs);
  afterAll(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
    await rm(ledgerDirectory, { recursive: true, force: true });
  });

  it('prints the collections summary and detail as CSV, and the slips and blockers as CSV or JSON', async () => {
    const summary = await tally(dataDirectory, ['report', 'collections', '--org', 'day-camp', '--from', '2026-01-01', '--to', '2026-12-31']);
    expect(summary.stderr).toBe('');
    expect(summary.stdout).toBe('line,ledger_code,collected,refunded,net\nledger_code,CAMP,40.00,0.00,40.00\nledger_code,SWIM,100.00,10.00,90.00\nno_ledger_code,,20.00,0.00,20.00\nunallocated,,30.00,0.00,30.00\ntotal,,190.00,10.00,180.00\n');
    const detail = await tally(dataDirectory, ['report', 'collections', '--org', 'day-camp', '--from', '2026-04-01', '--to', '2026-04-01', '--detail']);
    expect(detail.stdout).toBe('day,account_id,document_id,kind,method,counterpart_id,invoice_id,ledger_code,participant_id,line,amount\n2026-04-01,A-1,R-1,refund,cheque,C-1,INV-1,SWIM,K-1,ledger_code,-10.00\n');
    const slips = await tally(dataDirectory, ['report', 'rl24', '--org', 'day-camp', '--year', '2026']);
    expect(slips.stdout.split('\n')[0]).toBe('account_id,owner_name,participant_id,participant_name,birth_date,paid,refunded,amount');
    expect(slips.stdout).toContain('A-1,Marie Tremblay,K-1,Léa Tremblay,2018-04-02,100.00,10.00,90.00\n');
    const blockers = await tally(dataDirectory, ['report', 'rl24', '--org', 'day-camp', '--year', '2026', '--blockers', '--json']);
    expect(JSON.parse(blockers.stdout)).toEqual([
      { account_id: 'A-1', id: 'P-2', reason: 'money_not_fully_allocated', amount: '30.00' },
      { account_id: 'A-1', id: 'K-2', reason: 'participant_without_birth_date', amount: '20.00' },
      { account_id: 'A-2', id: 'K-3', reason: 'participant_over_age', amount: '40.00' },
    ]);
    const before = await tally(dataDirectory, ['report', 'rl24', '--org', 'day-camp', '--year', '2026', '--as-of', '2020-01-01T00:00:00Z']);
    expect(before.stdout).toBe('account_id,owner_name,participant_id,participant_name,birth_date,paid,refunded,amount\n');
  }, cliTestTimeoutMs);

  it.each([
    [['collections', '--org', 'day-camp', '--from', '2026-12-31', '--to', '2026-01-01'], '--from', 'report_period_is_reversed'],
    [['collections', '--org', 'day-camp', '--from', '2026-01-01', '--to', '2026-02-30'], '--to', 'date_is_invalid'],
    [['rl24', '--org', 'day-camp', '--year', '26'], '--year', 'year_is_invalid'],
    [['rl24', '--org', 'day-camp', '--year', '2026', '--as-of', '2026-11-30 noon'], '--as-of', 'instant_is_invalid'],
    [['rl24', '--org', 'no-such-org', '--year', '2026'], '--org', 'organisation_not_found'],
  ])('refuses %j on one line naming the option, with nothing on standard output', async (args, option, code) => {
    const run = await tally(dataDirectory, ['report', ...args]);
    expect(run.exitCode).not.toBe(exitCodes.ok);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`error: ${option}: `);
    expect(run.stderr).toContain(`[${code}]`);
  }, cliTestTimeoutMs);
});
