/**
 * Many organisations at once, on PostgreSQL or on a Citus cluster (docs/scale-out.md): generates
 * `--organisations` organisations of `--accounts` accounts each into a new database (on Citus:
 * created on every node and distributed as `tally migrate --distribute` does, so the organisations
 * spread across the shards), then reconciles every organisation (scope all, strategy reference),
 * `--concurrency` organisations at a time as that many app-server workers would, and reports the
 * total time, the per-organisation times and where the organisations' rows landed.
 *
 *   npm run bench:cluster -- --organisations 2000 --accounts 10 [--concurrency 4] [--seed 20261129] [--citus]
 *
 * The server is BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one; with `--citus` it
 * is TEST_CITUS_URL, a Citus coordinator whose maintenance database lists its workers. The
 * database is dropped at the end.
 */
import { parseArgs } from 'node:util';
import { assert } from '../src/core/assert.ts';
import { unwrap } from '../src/core/outcome.ts';
import { generateOrganisation } from '../src/generate/generate-organisation.ts';
import { runAutoReconcile } from '../src/services/auto-reconcile.ts';
import type { Organisation } from '../src/services/organisations.ts';
import { createCitusTestDatabase, createPostgresTestDatabase } from '../test/support/dialects.ts';
import { benchServerUrl, log } from './bench-support.ts';

const { values } = parseArgs({
  options: {
    organisations: { type: 'string', default: '2000' },
    accounts: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string', default: '20261129' },
    citus: { type: 'boolean', default: false },
  },
});
const organisationsCount = Number(values.organisations);
const accountsCount = Number(values.accounts);
const concurrency = Number(values.concurrency);
const seed = Number(values.seed);
assert(Number.isInteger(organisationsCount) && organisationsCount >= 1, '--organisations is a whole number of at least 1');
assert(Number.isInteger(accountsCount) && accountsCount >= 1, '--accounts is a whole number of at least 1');
assert(Number.isInteger(concurrency) && concurrency >= 1, '--concurrency is a whole number of at least 1');
const citusUrl = process.env.TEST_CITUS_URL;
assert(!values.citus || citusUrl, '--citus needs TEST_CITUS_URL, the coordinator of a Citus cluster');

/** Runs `work` over `items`, `concurrency` at a time, and returns each item's time in seconds. */
async function timedInParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<number[]> {
  const seconds: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const startedMs = performance.now();
      await work(item);
      seconds.push((performance.now() - startedMs) / 1000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return seconds;
}

function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const engine = values.citus ? 'citus' : 'postgres';
const test = values.citus ? await createCitusTestDatabase(citusUrl!, concurrency * 2 + 2) : await createPostgresTestDatabase(benchServerUrl(), concurrency * 2 + 2);
try {
  const { database } = test;
  log(`${engine}: generating ${organisationsCount} organisations of ${accountsCount} accounts (seed ${seed})`);
  const organisations: Organisation[] = [];
  const generateStartedMs = performance.now();
  await timedInParallel(Array.from({ length: organisationsCount }, (_, index) => index), async (index) => {
    organisations.push(unwrap(await generateOrganisation(database, { slug: `org-${index}`, accountsCount, seed: seed + index, actor: 'bench', analyze: false })).organisation);
  });
  const generateSeconds = (performance.now() - generateStartedMs) / 1000;
  log(`generated in ${generateSeconds.toFixed(1)} s`);
  await database.query('vacuum analyze');

  let allocations = 0;
  const reconcileStartedMs = performance.now();
  const perOrganisation = await timedInParallel(organisations, async (organisation) => {
    const summary = unwrap(await runAutoReconcile({ database, organisation, actor: 'bench' }, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
    allocations += summary.allocationsCount;
  });
  const reconcileSeconds = (performance.now() - reconcileStartedMs) / 1000;

  const [documents] = await database.query<{ count: bigint }>('select count(*) as count from document');
  let spread = '';
  if (values.citus) {
    const rows = await database.query<{ node: string; shards: bigint; organisations: bigint }>(
      `select p.nodename || ':' || p.nodeport as node, count(distinct s.shardid) as shards,
              count(distinct o.id) as organisations
       from organisation o
       join pg_dist_shard s on s.logicalrelid = 'account'::regclass
        and worker_hash(o.id) between s.shardminvalue::int and s.shardmaxvalue::int
       join pg_dist_placement pl on pl.shardid = s.shardid
       join pg_dist_node p on p.groupid = pl.groupid
       group by 1 order by 1`,
    );
    spread = rows.map((row) => `${row.node}: ${row.organisations} organisations on ${row.shards} shards`).join('; ');
  }
  console.log(
    `${engine}: ${organisationsCount} organisations × ${accountsCount} accounts (${documents!.count} documents), ${concurrency} at a time: ` +
      `generated in ${generateSeconds.toFixed(1)} s; reconciled in ${reconcileSeconds.toFixed(1)} s, ${allocations} allocations, ` +
      `${(organisationsCount / reconcileSeconds).toFixed(1)} organisations/s; per organisation median ${quantile(perOrganisation, 0.5).toFixed(3)} s, ` +
      `p95 ${quantile(perOrganisation, 0.95).toFixed(3)} s${spread ? `; ${spread}` : ''}`,
  );
} finally {
  await test.drop();
}
