/**
 * Back-to-back timing of a change to the bulk run, on PostgreSQL: auto-reconcile of all accounts,
 * several times, each on a fresh copy of one generated organisation, so that every run starts from
 * the same pages. Run it before and after a change: on a shared two-core machine the same code
 * varies by about 5 % from run to run, more than most single steps gain, and `npm run bench`
 * regenerates its data every time.
 *
 *   npm run bench:copies -- --accounts 100000 --runs 3 [--seed 20261121] [--drop-template]
 *
 * The generated organisation is kept as a template database, `tally_bench_template_<accounts>_<seed>`
 * (generating 100,000 accounts takes one to two minutes), and reused by the next invocation;
 * `--drop-template` removes it at the end. Each copy is brought up to the current schema (the
 * migrations run on open), analysed and checkpointed before its run, so a template made before a
 * new migration measures that migration too. The server is `BENCH_DATABASE_URL`, else
 * `TEST_DATABASE_URL`, else the local one. With `BENCH_PERF_OUTPUT=<file>`, Linux `perf` records
 * every process during each run alone (the last run's profile is kept), for `perf report`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { assert } from '../src/core/assert.ts';
import { unwrap } from '../src/core/outcome.ts';
import { runAutoReconcile } from '../src/services/auto-reconcile.ts';
import { findOrganisation } from '../src/services/organisations.ts';
import { generateOrganisation } from '../src/generate/generate-organisation.ts';
import { openDatabase } from '../src/storage/open-database.ts';
import { benchServerUrl, log } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '20261121' },
    'drop-template': { type: 'boolean', default: false },
  },
});
const accountsCount = Number(values.accounts);
const runsCount = Number(values.runs);
const seed = Number(values.seed);
assert(Number.isInteger(accountsCount) && accountsCount >= 1, '--accounts is a whole number of at least 1');
assert(Number.isInteger(runsCount) && runsCount >= 1, '--runs is a whole number of at least 1');
assert(Number.isInteger(seed), '--seed is a whole number');

const serverUrl = benchServerUrl();
const slug = 'bench';
const templateName = `tally_bench_template_${accountsCount}_${seed}`;
const copyName = `tally_bench_copy_${process.pid}`;

function databaseUrl(name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}


/** Busy and total jiffies of all CPUs (Linux /proc/stat), to tell a CPU-bound run from a waiting one. */
function cpuJiffies(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = fields[3]! + fields[4]!; // idle and iowait
  return { busy: total - idle, total };
}

/** Starts `perf record` over every CPU when asked; it writes its file when stopped. */
async function startProfile(): Promise<ChildProcess | undefined> {
  const output = process.env.BENCH_PERF_OUTPUT;
  if (!output) return undefined;
  const recorder = spawn('perf', ['record', '-F', '999', '-a', '-g', '-o', output], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500)); // perf needs a moment before it samples
  return recorder;
}

async function stopProfile(recorder: ChildProcess | undefined): Promise<void> {
  if (!recorder) return;
  recorder.kill('SIGINT');
  await once(recorder, 'exit');
}

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
try {
  const templateExists = (await admin.query('select 1 from pg_database where datname = $1', [templateName])).rowCount === 1;
  if (!templateExists) {
    log(`generating ${accountsCount} accounts (seed ${seed}) into ${templateName}`);
    await admin.query(`create database ${templateName}`);
    try {
      const database = await openDatabase({ databaseUrl: databaseUrl(templateName) });
      try {
        unwrap(await generateOrganisation(database, { slug, accountsCount, seed, actor: 'bench' }));
      } finally {
        await database.close();
      }
    } catch (error) {
      // A half-generated template would be reused by the next invocation: remove it.
      await admin.query(`drop database if exists ${templateName}`);
      throw error;
    }
  }
  const seconds: number[] = [];
  for (let run = 1; run <= runsCount; run += 1) {
    await admin.query(`drop database if exists ${copyName}`);
    await admin.query(`create database ${copyName} template ${templateName}`);
    const database = await openDatabase({ databaseUrl: databaseUrl(copyName) });
    try {
      await database.query('vacuum analyze');
      await database.query('checkpoint');
      const organisation = unwrap(await findOrganisation(database, slug));
      const recorder = await startProfile();
      const cpuBefore = cpuJiffies();
      const startedMs = performance.now();
      const summary = unwrap(await runAutoReconcile({ database, organisation, actor: 'bench' }, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
      const elapsedSeconds = (performance.now() - startedMs) / 1000;
      const cpuAfter = cpuJiffies();
      await stopProfile(recorder);
      const busyPercent = (100 * (cpuAfter.busy - cpuBefore.busy)) / Math.max(1, cpuAfter.total - cpuBefore.total);
      seconds.push(elapsedSeconds);
      log(`run ${run}/${runsCount}: ${summary.allocationsCount} allocations in ${elapsedSeconds.toFixed(2)} s, CPUs ${busyPercent.toFixed(0)} % busy`);
    } finally {
      await database.close();
    }
  }
  await admin.query(`drop database if exists ${copyName}`);
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
  console.log(`${accountsCount} accounts, ${runsCount} run${runsCount === 1 ? '' : 's'} on copies of ${templateName}: ${seconds.map((value) => value.toFixed(2)).join(', ')} s; median ${median.toFixed(2)} s`);
  if (values['drop-template']) await admin.query(`drop database ${templateName}`);
} finally {
  await admin.end();
}
