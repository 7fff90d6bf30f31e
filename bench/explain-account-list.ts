/**
 * The plans of the accounts list's queries on a generated organisation, as PostgreSQL runs them
 * (EXPLAIN ANALYZE), with each query's time: to see where the sort by balance or by unreconciled
 * count spends it.
 *
 *   BENCH_DATABASE_URL=postgres://…/<database with a generated organisation> node --import tsx bench/explain-account-list.ts [--org bench] [--sort balance_desc]
 */
import { parseArgs } from 'node:util';
import { unwrap } from '../src/core/outcome.ts';
import { findOrganisation } from '../src/services/organisations.ts';
import { accountSorts, listAccounts, type AccountSort } from '../src/storage/account-list-sql.ts';
import type { SqlExecutor } from '../src/storage/database.ts';
import { openDatabase } from '../src/storage/open-database.ts';
import { benchServerUrl } from './bench-support.ts';

const { values } = parseArgs({ options: { org: { type: 'string', default: 'bench' }, sort: { type: 'string', multiple: true } } });
const sorts = (values.sort ?? ['balance_desc', 'unreconciled_desc', 'owner']) as AccountSort[];
for (const sort of sorts) if (!accountSorts.includes(sort)) throw new Error(`--sort ${sort} is not one of ${accountSorts.join(', ')}`);

const database = await openDatabase({ databaseUrl: benchServerUrl() });
try {
  const organisation = unwrap(await findOrganisation(database, values.org));
  for (const sort of sorts) {
    // Every statement the list runs, explained as it runs (the same text and parameters).
    const explaining: SqlExecutor = {
      query: async <Row>(text: string, params?: readonly unknown[]) => {
        const plan = await database.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params);
        console.log(`\n-- ${sort}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
        return database.query<Row>(text, params);
      },
      executeScript: (text: string) => database.executeScript(text),
    };
    const startedMs = performance.now();
    await listAccounts(database, organisation.id, {}, { sort, page: 1, pageSize: 50 });
    const elapsedMs = performance.now() - startedMs;
    await listAccounts(explaining, organisation.id, {}, { sort, page: 1, pageSize: 50 });
    console.log(`\n${sort}: first page of 50 in ${elapsedMs.toFixed(0)} ms (not explained)`);
  }
} finally {
  await database.close();
}
