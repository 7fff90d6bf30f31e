/**
 * `npm run bench`: how fast bulk auto-reconcile is, on PGlite and on PostgreSQL, beside the
 * fastest way to write the same rows (COPY into a bare table with the allocation's columns). Not a
 * test: nothing here asserts on time; it prints what it measured. docs/benchmarks.md explains it.
 *
 *   npm run bench                                   both engines, default sizes
 *   npm run bench -- --accounts 20000 --engines postgres
 *   npm run bench -- --postgres-accounts 100000 --pglite-accounts 20000 --large-account-documents 100000 --seed 7
 *   npm run bench -- --engines postgres --parts reports --report-year 2025
 *
 * Generating and the bulk run always happen; --parts names what else to measure (default all):
 * lists, copy-floor, undo, large-account, reports (bench/report-bench.ts, after the bulk run) and
 * http.
 * After the engines, the HTTP API is measured on PostgreSQL (bench/http-bench.ts; BENCH_HTTP=no skips it).
 * The same flags can be given as environment variables: BENCH_ENGINES, BENCH_ACCOUNTS,
 * BENCH_POSTGRES_ACCOUNTS, BENCH_PGLITE_ACCOUNTS, BENCH_LARGE_ACCOUNT_DOCUMENTS, BENCH_SEED, BENCH_PARTS,
 * BENCH_REPORT_YEAR.
 * PostgreSQL: a database with a random name is created on BENCH_DATABASE_URL, TEST_DATABASE_URL or
 * postgres://postgres@127.0.0.1:5432/postgres, and dropped afterwards.
 */
import { PGlite } from '@electric-sql/pglite';
import assert from 'node:assert/strict';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateOrganisation } from '../src/generate/generate-organisation.ts';
import { benchHttp, printHttpFigures } from './http-bench.ts';
import { createPostgresTestDatabase } from '../test/support/dialects.ts';
import { unwrap } from '../src/core/outcome.ts';
import { runAutoReconcile, undoRun } from '../src/services/auto-reconcile.ts';
import type { TallyContext } from '../src/services/context.ts';
import type { Database } from '../src/storage/database.ts';
import { benchServerUrl, log } from './bench-support.ts';
import { createLargeAccount } from './large-account.ts';
import { measureReports, printReportFigures, type ReportFigures } from './report-bench.ts';
import { measureListLatency, printListLatency, type ListLatency } from './list-latency.ts';
import { migrate } from '../src/storage/migrate.ts';
import { openPgliteDatabase } from '../src/storage/pglite-database.ts';

type EngineName = 'postgres' | 'pglite';
const benchParts = ['lists', 'copy-floor', 'undo', 'large-account', 'reports', 'http'] as const;
type BenchPart = (typeof benchParts)[number];

interface Settings {
  readonly engines: readonly EngineName[];
  readonly accounts: Readonly<Record<EngineName, number>>;
  readonly largeAccountDocuments: number;
  readonly seed: number;
  readonly serverUrl: string;
  readonly parts: ReadonlySet<BenchPart>;
  /** The year the reports are asked for: the generated history's one whole year. */
  readonly reportYear: number;
}

const defaultAccounts: Record<EngineName, number> = { postgres: 100_000, pglite: 20_000 };

function readSettings(argv: readonly string[], environment: NodeJS.ProcessEnv): Settings {
  const flags = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index]!;
    if (!flag.startsWith('--')) throw new Error(`unexpected argument ${flag}`);
    const [name, inline] = flag.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[(index += 1)];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    flags.set(name, value);
  }
  const known = ['engines', 'accounts', 'postgres-accounts', 'pglite-accounts', 'large-account-documents', 'seed', 'parts', 'report-year'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown flag --${name}; known: ${known.map((flag) => `--${flag}`).join(' ')}`);
  const setting = (name: string) => flags.get(name) ?? environment[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`];
  const wholeNumber = (name: string, fallback: number) => {
    const text = setting(name);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, not ${text}`);
    return Number(text);
  };
  const engines = (setting('engines') ?? 'postgres,pglite').split(',').map((engine) => engine.trim());
  for (const engine of engines) if (engine !== 'postgres' && engine !== 'pglite') throw new Error(`unknown engine ${engine}; use postgres, pglite or both`);
  const parts = (setting('parts') ?? benchParts.join(',')).split(',').map((part) => part.trim()).filter((part) => part !== '');
  for (const part of parts) if (!(benchParts as readonly string[]).includes(part)) throw new Error(`unknown part ${part}; use some of ${benchParts.join(',')}`);
  const common = setting('accounts');
  return {
    engines: engines as EngineName[],
    accounts: {
      postgres: wholeNumber('postgres-accounts', common === undefined ? defaultAccounts.postgres : wholeNumber('accounts', 0)),
      pglite: wholeNumber('pglite-accounts', common === undefined ? defaultAccounts.pglite : wholeNumber('accounts', 0)),
    },
    largeAccountDocuments: wholeNumber('large-account-documents', 100_000),
    seed: wholeNumber('seed', 20261121),
    serverUrl: benchServerUrl(environment),
    parts: new Set(parts as BenchPart[]),
    reportYear: wholeNumber('report-year', 2025),
  };
}

/** A database for one engine, with what the floor measurement needs and a way to remove it. */
interface BenchDatabase {
  readonly database: Database;
  /**
   * Times COPY of the given text rows into a bare table with the allocation's columns (the floor),
   * or, `indexed`, into one with the allocation table's indexes too: what writing the rows costs
   * before any reconciling, trigger or check.
   */
  copyFloorMs(rows: readonly string[], indexed: boolean): Promise<number>;
  close(): Promise<void>;
}

async function openPostgresBench(serverUrl: string): Promise<BenchDatabase> {
  // The same scratch database as the integration tests: a random name, dropped at the end.
  const scratch = await createPostgresTestDatabase(serverUrl);
  return {
    database: scratch.database,
    async copyFloorMs(rows, indexed) {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        await client.query(`create table allocation_copy_floor (like allocation${indexed ? ' including indexes' : ''})`);
        const startedMs = performance.now();
        await pipeline(Readable.from(rows), client.query(copyFrom('copy allocation_copy_floor from stdin')));
        const durationMs = performance.now() - startedMs;
        await client.query('drop table allocation_copy_floor');
        return durationMs;
      } finally {
        await client.end();
      }
    },
    close: () => scratch.drop(),
  };
}

async function openPgliteBench(): Promise<BenchDatabase> {
  const database = await openPgliteDatabase();
  await migrate(database);
  return {
    database,
    async copyFloorMs(rows, indexed) {
      // The port does not expose PGlite's blob option, so the floor is taken on a second in-memory
      // instance of the same engine, with the allocation table's columns (and indexes).
      const floor = await PGlite.create();
      try {
        const [definition] = await database.query<{ columns: string }>(
          `select string_agg(format('%I %s', attname, format_type(atttypid, atttypmod)), ', ' order by attnum) as columns
           from pg_attribute where attrelid = 'allocation'::regclass and attnum > 0 and not attisdropped`,
        );
        await floor.exec(`create table allocation_copy_floor (${definition!.columns})`);
        if (indexed) {
          const indexes = await database.query<{ definition: string }>(
            `select pg_get_indexdef(indexrelid) as definition from pg_index where indrelid = 'allocation'::regclass`,
          );
          for (const index of indexes) await floor.exec(index.definition.replace(' ON public.allocation ', ' ON public.allocation_copy_floor '));
        }
        const blob = new Blob(rows as string[]);
        const startedMs = performance.now();
        await floor.query(`copy allocation_copy_floor from '/dev/blob'`, [], { blob });
        return performance.now() - startedMs;
      } finally {
        await floor.close();
      }
    },
    close: () => database.close(),
  };
}

/** Samples the resident set size while `work` runs; timers fire whenever the work awaits the database. */
async function withMemorySampling<T>(work: () => Promise<T>): Promise<{ result: T; rssBeforeBytes: number; rssPeakBytes: number }> {
  const rssBeforeBytes = process.memoryUsage.rss();
  let rssPeakBytes = rssBeforeBytes;
  const timer = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  }, 10);
  try {
    const result = await work();
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
    return { result, rssBeforeBytes, rssPeakBytes };
  } finally {
    clearInterval(timer);
  }
}

/** The run's allocations (by the run's number) as COPY text rows, read page by page. */
async function allocationRowsOfRun(database: Database, organisationId: bigint, runNumber: bigint): Promise<string[]> {
  const [run] = await database.query<{ id: bigint }>('select id from reconciliation_run where org_id = $1 and number = $2', [organisationId, runNumber]);
  const runId = run!.id;
  const pages: string[] = [];
  let after = 0n;
  for (;;) {
    const [page] = await database.query<{ text: string | null; last_id: bigint | null }>(
      `select string_agg(concat_ws(E'\\t', org_id, id, account_id, credit_id, debit_id, amount_minor, source, run_id,
                                   created_by, created_at, '\\N', '\\N', '\\N'), E'\\n' order by id) || E'\\n' as text, max(id) as last_id
       from (select * from allocation where org_id = $1 and run_id = $2 and id > $3 order by id limit 50000) page`,
      [organisationId, runId, after],
    );
    if (!page?.text || page.last_id === null) return pages;
    pages.push(page.text);
    after = page.last_id;
  }
}

async function countOpenDocuments(database: Database, organisationId: bigint): Promise<{ documents: number; open: number }> {
  const [row] = await database.query<{ documents: bigint; open: bigint }>(
    `select count(*) as documents,
            count(*) filter (where side <> 'none' and not voided and allocated_minor < amount_minor) as open
     from document_balance where org_id = $1`,
    [organisationId],
  );
  return { documents: Number(row!.documents), open: Number(row!.open) };
}

/** What one engine measured; null for a part not asked for (--parts). */
interface EngineFigures {
  readonly engine: EngineName;
  readonly accounts: number;
  readonly documents: number;
  readonly openBefore: number;
  readonly generateSeconds: number;
  readonly allocations: number;
  readonly reconcileSeconds: number;
  readonly copyFloorSeconds: number | null;
  readonly copyIndexedSeconds: number | null;
  readonly undoSeconds: number | null;
  readonly rssBeforeBytes: number;
  readonly rssPeakBytes: number;
  readonly largeAccountDocuments: number | null;
  readonly largeAccountAllocations: number | null;
  readonly largeAccountSeconds: number | null;
  readonly listLatencies: readonly ListLatency[] | null;
  readonly reports: ReportFigures | null;
}

async function benchEngine(engine: EngineName, settings: Settings): Promise<EngineFigures> {
  const accounts = settings.accounts[engine];
  const measures = (part: BenchPart) => settings.parts.has(part);
  const bench = engine === 'postgres' ? await openPostgresBench(settings.serverUrl) : await openPgliteBench();
  try {
    const { database } = bench;
    log(`${engine}: generating ${accounts} accounts (seed ${settings.seed})`);
    const generated = unwrap(
      await generateOrganisation(database, {
        slug: 'bench', accountsCount: accounts, seed: settings.seed, actor: 'bench',
        onProgress: (done, total) => done % 20_000 === 0 && done < total && log(`${engine}:   ${done}/${total} accounts`),
      }),
    );
    const context: TallyContext = { database, organisation: generated.organisation, actor: 'bench' };
    const before = await countOpenDocuments(database, generated.organisation.id);
    log(`${engine}: ${before.documents} documents (${before.open} open) in ${(generated.durationMs / 1000).toFixed(1)} s`);
    // Before reconciling, when most accounts have something unreconciled: the lists at their fullest.
    let listLatencies: ListLatency[] | null = null;
    if (measures('lists')) {
      log(`${engine}: timing the lists`);
      listLatencies = await measureListLatency(context, accounts);
    }
    log(`${engine}: reconciling all accounts`);

    global.gc?.();
    const startedMs = performance.now();
    const measured = await withMemorySampling(() => runAutoReconcile(context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
    const reconcileSeconds = (performance.now() - startedMs) / 1000;
    const summary = unwrap(measured.result);
    log(`${engine}: ${summary.allocationsCount} allocations in ${reconcileSeconds.toFixed(2)} s`);

    // The reports read the organisation as the bulk run left it (before the undo below).
    let reports: ReportFigures | null = null;
    if (measures('reports')) {
      log(`${engine}: timing the reports for ${settings.reportYear}`);
      reports = await measureReports(context, settings.reportYear);
    }

    let copyFloorSeconds: number | null = null;
    let copyIndexedSeconds: number | null = null;
    if (measures('copy-floor')) {
      log(`${engine}: measuring the COPY floor`);
      const rows = await allocationRowsOfRun(database, generated.organisation.id, summary.runId!);
      copyFloorSeconds = (await bench.copyFloorMs(rows, false)) / 1000;
      copyIndexedSeconds = (await bench.copyFloorMs(rows, true)) / 1000;
      rows.length = 0;
    }

    let undoSeconds: number | null = null;
    if (measures('undo')) {
      log(`${engine}: undoing the run`);
      const undoStartedMs = performance.now();
      const undone = unwrap(await undoRun(context, summary.runId!));
      undoSeconds = (performance.now() - undoStartedMs) / 1000;
      assert(undone.allocationsRemoved === summary.allocationsCount, 'the undo removes every allocation of the run');
    }

    let large: { documents: number; allocations: number; seconds: number } | null = null;
    if (measures('large-account')) {
      log(`${engine}: one account with ${settings.largeAccountDocuments} open documents`);
      const largeContext = await createLargeAccount(database, settings.largeAccountDocuments);
      const largeOpen = await countOpenDocuments(database, largeContext.organisation.id);
      const largeStartedMs = performance.now();
      const largeSummary = unwrap(await runAutoReconcile(largeContext, { kind: 'account', accountId: 'LARGE' }, { strategy: 'reference', dryRun: false }));
      large = { documents: largeOpen.open, allocations: largeSummary.allocationsCount, seconds: (performance.now() - largeStartedMs) / 1000 };
    }

    return {
      engine, accounts, documents: before.documents, openBefore: before.open, generateSeconds: generated.durationMs / 1000,
      allocations: summary.allocationsCount, reconcileSeconds, copyFloorSeconds, copyIndexedSeconds, undoSeconds,
      rssBeforeBytes: measured.rssBeforeBytes, rssPeakBytes: measured.rssPeakBytes,
      largeAccountDocuments: large?.documents ?? null, largeAccountAllocations: large?.allocations ?? null, largeAccountSeconds: large?.seconds ?? null,
      listLatencies, reports,
    };
  } finally {
    await bench.close();
  }
}

function printTable(figures: readonly EngineFigures[]): void {
  const notMeasured = '–';
  const number = (value: number | null) => (value === null ? notMeasured : value.toLocaleString('en-US'));
  const seconds = (value: number | null) => (value === null ? notMeasured : value.toFixed(2));
  const ratio = (numerator: number, denominator: number | null) => (denominator === null ? notMeasured : `${(numerator / denominator).toFixed(1)}x`);
  const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const rows: [string, ...string[]][] = [
    ['', ...figures.map((figure) => figure.engine)],
    ['accounts', ...figures.map((figure) => number(figure.accounts))],
    ['documents', ...figures.map((figure) => number(figure.documents))],
    ['open documents before', ...figures.map((figure) => number(figure.openBefore))],
    ['generate, s', ...figures.map((figure) => seconds(figure.generateSeconds))],
    ['generate, documents/s', ...figures.map((figure) => number(Math.round(figure.documents / figure.generateSeconds)))],
    ['allocations written', ...figures.map((figure) => number(figure.allocations))],
    ['reconcile all, s', ...figures.map((figure) => seconds(figure.reconcileSeconds))],
    ['allocations/s', ...figures.map((figure) => number(Math.round(figure.allocations / figure.reconcileSeconds)))],
    ['COPY floor, s', ...figures.map((figure) => seconds(figure.copyFloorSeconds))],
    ['reconcile / COPY floor', ...figures.map((figure) => ratio(figure.reconcileSeconds, figure.copyFloorSeconds))],
    ['COPY with allocation indexes, s', ...figures.map((figure) => seconds(figure.copyIndexedSeconds))],
    ['reconcile / indexed COPY', ...figures.map((figure) => ratio(figure.reconcileSeconds, figure.copyIndexedSeconds))],
    ['undo the run, s', ...figures.map((figure) => seconds(figure.undoSeconds))],
    ['RSS before reconcile', ...figures.map((figure) => mebibytes(figure.rssBeforeBytes))],
    ['RSS peak during reconcile', ...figures.map((figure) => mebibytes(figure.rssPeakBytes))],
    ['RSS growth', ...figures.map((figure) => mebibytes(figure.rssPeakBytes - figure.rssBeforeBytes))],
    ['large account: open documents', ...figures.map((figure) => number(figure.largeAccountDocuments))],
    ['large account: allocations', ...figures.map((figure) => number(figure.largeAccountAllocations))],
    ['large account: reconcile, s', ...figures.map((figure) => seconds(figure.largeAccountSeconds))],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  const separator = `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  process.stdout.write(`${[line(rows[0]!), separator, ...rows.slice(1).map(line)].join('\n')}\n`);
}

async function main(): Promise<void> {
  const settings = readSettings(process.argv.slice(2), process.env);
  const figures: EngineFigures[] = [];
  for (const engine of settings.engines) figures.push(await benchEngine(engine, settings));
  process.stdout.write(`\nTally bench, seed ${settings.seed}, Node ${process.version}, peak RSS of the process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`);
  printTable(figures);
  for (const figure of figures) if (figure.listLatencies) printListLatency(figure.engine, figure.accounts, figure.listLatencies);
  for (const figure of figures) if (figure.reports) printReportFigures(figure.engine, figure.accounts, figure.reports);
  // The HTTP part runs against PostgreSQL, the engine a server with concurrent clients uses.
  if (settings.engines.includes('postgres') && settings.parts.has('http') && process.env.BENCH_HTTP !== 'no') printHttpFigures(await benchHttp(settings.serverUrl));
}

await main();
