import { Writable } from 'node:stream';
import { periodOfYear } from '../src/core/report-input.ts';
import { writeReportCsv, type ReportRequest } from '../src/csv/report-downloads.ts';
import type { TallyContext } from '../src/services/context.ts';
import { collectionsSummary, rl24BlockersPage, rl24SlipsPage } from '../src/services/reports.ts';

/** Each timed report runs this many times; the first (cold) and the best are printed. */
export const reportRepeats = 3;
/** The page size the web page asks for. */
const reportPageSize = 50;
/** How often the resident set size is sampled while the detail streams. */
const rssSampleIntervalMs = 10;

export interface ReportTiming {
  readonly what: string;
  /** Rows in the answer: lines, slips, blockers, parts or allocations counted. */
  readonly rows: number;
  readonly firstMs: number;
  readonly bestMs: number;
  /** The target the issue sets, in words (empty for the count(*) floors). */
  readonly target: string;
}

export interface ReportFigures {
  readonly year: number;
  readonly timings: readonly ReportTiming[];
  readonly detailRows: number;
  readonly detailBytes: number;
  readonly detailSeconds: number;
  readonly detailRssBeforeBytes: number;
  readonly detailRssPeakBytes: number;
  /** RSS sampled at each tenth of the rows streamed: flat memory shows as a flat list. */
  readonly detailRssAlongBytes: readonly number[];
  readonly blockerReasons: readonly { reason: string; count: number }[];
}

async function timed(what: string, target: string, run: () => Promise<number>): Promise<ReportTiming> {
  const durationsMs: number[] = [];
  let rows = 0;
  for (let repeat = 0; repeat < reportRepeats; repeat += 1) {
    const startedMs = performance.now();
    rows = await run();
    durationsMs.push(performance.now() - startedMs);
  }
  return { what, rows, firstMs: durationsMs[0]!, bestMs: Math.min(...durationsMs), target };
}

/** A sink that counts what a report writes and keeps nothing, so only the report's own cost is timed. */
function countingSink(onChunk: (bytes: number) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      onChunk(chunk.length);
      done();
    },
  });
}

async function streamCsv(context: TallyContext, request: ReportRequest): Promise<number> {
  return (await writeReportCsv(context, request, countingSink(() => undefined))).rowsWritten;
}

/**
 * The reports on the bench's organisation after its bulk run, by the services the API and the
 * command line call (src/services/reports.ts, src/csv/report-downloads.ts): the collections
 * summary for one year, the RL-24 slips and blockers (the page's first page with its totals, and
 * every row as CSV), the detail CSV's streaming rate with the process's memory sampled, beside
 * the time to merely count(*) the same allocations.
 */
export async function measureReports(context: TallyContext, year: number): Promise<ReportFigures> {
  const { database, organisation } = context;
  const period = periodOfYear(year);
  const asOf = new Date();
  const timings: ReportTiming[] = [];

  // The floors: counting the active allocations the year's reports read, with nothing summed or joined beyond their documents.
  timings.push(await timed('count(*) of all active allocations', '', async () => {
    const [row] = await database.query<{ count: bigint }>('select count(*) as count from allocation where org_id = $1 and removed_at is null', [organisation.id]);
    return Number(row!.count);
  }));
  timings.push(await timed(`count(*) of the active allocations of ${year}'s money in and refunds`, '', async () => {
    const [row] = await database.query<{ count: bigint }>(
      `select (select count(*) from allocation a join document d on d.org_id = a.org_id and d.id = a.credit_id
               where a.org_id = $1 and a.removed_at is null and d.kind in ('payment', 'deposit')
                 and coalesce(d.collected_on, d.date) between $2::date and $3::date)
            + (select count(*) from allocation a join document d on d.org_id = a.org_id and d.id = a.debit_id
               where a.org_id = $1 and a.removed_at is null and d.kind = 'refund' and d.date between $2::date and $3::date) as count`,
      [organisation.id, period.from, period.to],
    );
    return Number(row!.count);
  }));

  timings.push(await timed(`collections summary, ${year}`, '< 1 s', async () => (await collectionsSummary(context, period, asOf)).lines.length));
  timings.push(await timed(`RL-24 slips, ${year}: totals and first page of ${reportPageSize}`, '< 1 s', async () =>
    (await rl24SlipsPage(context, year, asOf, null, { page: 1, pageSize: reportPageSize })).totalCount));
  timings.push(await timed(`RL-24 slips, ${year}: every slip as CSV`, '< 1 s', () => streamCsv(context, { table: 'rl24', year, asOf })));
  let blockerReasons: ReportFigures['blockerReasons'] = [];
  timings.push(await timed(`RL-24 blockers, ${year}: by reason and first page of ${reportPageSize}`, '< 2 s', async () => {
    const page = await rl24BlockersPage(context, year, asOf, null, { page: 1, pageSize: reportPageSize });
    blockerReasons = page.reasons.map(({ reason, count }) => ({ reason, count }));
    return page.totalCount;
  }));
  timings.push(await timed(`RL-24 blockers, ${year}: every blocker as CSV`, '< 2 s', () => streamCsv(context, { table: 'rl24-blockers', year, asOf })));

  // The detail, streamed once as the CSV download and `tally report collections --detail` write it.
  global.gc?.();
  let detailBytes = 0;
  let chunksSoFar = 0;
  const rssBeforeBytes = process.memoryUsage.rss();
  let rssPeakBytes = rssBeforeBytes;
  const timer = setInterval(() => {
    rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  }, rssSampleIntervalMs);
  const rssAlong: { bytesWritten: number; rssBytes: number }[] = [];
  const startedMs = performance.now();
  let detailRows: number;
  try {
    detailRows = (await writeReportCsv(context, { table: 'collections-detail', period, asOf }, countingSink((bytes) => {
      detailBytes += bytes;
      chunksSoFar += 1;
      if (chunksSoFar % 1_000 === 0) rssAlong.push({ bytesWritten: detailBytes, rssBytes: process.memoryUsage.rss() });
    }))).rowsWritten;
  } finally {
    clearInterval(timer);
  }
  const detailSeconds = (performance.now() - startedMs) / 1000;
  rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss());
  const tenths = Array.from({ length: 10 }, (_, tenth) => rssAlong[Math.min(rssAlong.length - 1, Math.floor(((tenth + 1) * rssAlong.length) / 10) - 1)]?.rssBytes ?? rssBeforeBytes);

  return {
    year, timings, detailRows, detailBytes, detailSeconds, detailRssBeforeBytes: rssBeforeBytes, detailRssPeakBytes: rssPeakBytes,
    detailRssAlongBytes: tenths, blockerReasons,
  };
}

export function printReportFigures(engine: string, accountsCount: number, figures: ReportFigures): void {
  const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const lines = [
    `\nReports on ${engine}, ${accountsCount.toLocaleString('en-US')} accounts after the bulk run, year ${figures.year} (first run and best of ${reportRepeats}, ms)`,
    '| report | rows | first, ms | best, ms | target |',
    '|---|---:|---:|---:|---|',
    ...figures.timings.map((timing) => `| ${timing.what} | ${timing.rows.toLocaleString('en-US')} | ${timing.firstMs.toFixed(0)} | ${timing.bestMs.toFixed(0)} | ${timing.target} |`),
    `| collections detail, ${figures.year}: every part as CSV | ${figures.detailRows.toLocaleString('en-US')} | ${(figures.detailSeconds * 1000).toFixed(0)} | | ≥ 200,000 rows/s |`,
    '',
    `Detail CSV: ${figures.detailRows.toLocaleString('en-US')} rows, ${mebibytes(figures.detailBytes)} in ${figures.detailSeconds.toFixed(2)} s = ` +
      `${Math.round(figures.detailRows / figures.detailSeconds).toLocaleString('en-US')} rows/s; RSS ${mebibytes(figures.detailRssBeforeBytes)} before, ` +
      `peak ${mebibytes(figures.detailRssPeakBytes)}; at each tenth of the stream: ${figures.detailRssAlongBytes.map((bytes) => (bytes / 2 ** 20).toFixed(0)).join(', ')} MiB`,
    `Blockers by reason: ${figures.blockerReasons.map(({ reason, count }) => `${reason} ${count.toLocaleString('en-US')}`).join(', ') || 'none'}`,
  ];
  console.log(lines.join('\n'));
}
