import { unwrap } from '../src/core/outcome.ts';
import { listAccounts } from '../src/storage/account-list-sql.ts';
import { unreconciledAccounts } from '../src/services/account-view.ts';
import type { TallyContext } from '../src/services/context.ts';

/** Times each list query this many times and reports the median, so one slow run does not decide. */
export const listLatencyRepeats = 5;

export interface ListLatency {
  readonly query: string;
  readonly total: number;
  readonly medianMs: number;
}

/**
 * What an administrator waits for on the web page's lists, at the bench's size: each page the
 * accounts list and the unreconciled items list ask the API for, timed at the service (the API
 * adds its own small, constant cost, measured by bench/http-bench.ts).
 */
export async function measureListLatency(context: TallyContext, accountsCount: number): Promise<ListLatency[]> {
  const { database, organisation } = context;
  const lastPage = Math.max(1, Math.ceil(accountsCount / 100));
  const queries: [string, () => Promise<number>][] = [
    ['accounts, first page of 50 by owner', async () => (await listAccounts(database, organisation.id, {}, { sort: 'owner', page: 1, pageSize: 50 })).total],
    [`accounts, page ${lastPage} of 100 by owner (the last)`, async () => (await listAccounts(database, organisation.id, {}, { sort: 'owner', page: lastPage, pageSize: 100 })).total],
    ['accounts, search "tremblay", newest first', async () => (await listAccounts(database, organisation.id, { search: 'tremblay' }, { sort: 'created_desc', page: 1, pageSize: 50 })).total],
    ['accounts, first page of 50 by balance (largest first)', async () => (await listAccounts(database, organisation.id, {}, { sort: 'balance_desc', page: 1, pageSize: 50 })).total],
    ['accounts, first page of 50 by unreconciled items (most first)', async () => (await listAccounts(database, organisation.id, {}, { sort: 'unreconciled_desc', page: 1, pageSize: 50 })).total],
    ['accounts with unreconciled items, first page of 50', async () => (await listAccounts(database, organisation.id, { unreconciledOnly: true }, { sort: 'owner', page: 1, pageSize: 50 })).total],
    ['unreconciled items, largest remainder first, page of 50', async () => unwrap(await unreconciledAccounts(context, { sort: 'remaining', page: 1, pageSize: 50 })).total],
  ];
  const latencies: ListLatency[] = [];
  for (const [query, run] of queries) {
    const durationsMs: number[] = [];
    let total = 0;
    for (let repeat = 0; repeat < listLatencyRepeats; repeat += 1) {
      const startedMs = performance.now();
      total = await run();
      durationsMs.push(performance.now() - startedMs);
    }
    durationsMs.sort((a, b) => a - b);
    latencies.push({ query, total, medianMs: durationsMs[Math.floor(durationsMs.length / 2)]! });
  }
  return latencies;
}

export function printListLatency(engine: string, accountsCount: number, latencies: readonly ListLatency[]): void {
  const lines = [
    `\nLists on ${engine}, ${accountsCount.toLocaleString('en-US')} accounts (median of ${listLatencyRepeats}, ms)`,
    '| query | matching | ms |',
    '|---|---:|---:|',
    ...latencies.map((latency) => `| ${latency.query} | ${latency.total.toLocaleString('en-US')} | ${latency.medianMs.toFixed(1)} |`),
  ];
  console.log(lines.join('\n'));
}
