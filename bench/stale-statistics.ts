/**
 * Reproduces issue 9 point 11: writes through the API on a fresh PostgreSQL database whose
 * statistics were never gathered (autovacuum off on its tables, no ANALYZE), then checkouts, and
 * prints each checkout's time and the plan of every statement that took over a tenth of a second
 * (auto_explain, nested statements included: the trigger bodies). Run under the shared lock:
 *   flock /tmp/tally-heavy.lock node --import tsx bench/stale-statistics.ts
 * TEST_DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import pg from 'pg';
import { createPostgresTestDatabase } from '../test/support/dialects.ts';
import { httpFixture } from '../test/support/http-fixture.ts';

const serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const invoicesCount = Number(process.env.STALE_INVOICES ?? 10);
const itemsPerInvoice = 1_000;

const test = await createPostgresTestDatabase(serverUrl);
const admin = new pg.Client({ connectionString: test.url });
await admin.connect();
for (const row of (await admin.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'")).rows) {
  await admin.query(`alter table ${row.tablename} set (autovacuum_enabled = false)`);
}
const http = await httpFixture(test.database);
await http.request('POST', '/accounts', { account_id: 'A1', owner_name: 'Marie Tremblay' });
let started = Date.now();
for (let invoice = 0; invoice < invoicesCount; invoice += 1) {
  const items = Array.from({ length: itemsPerInvoice }, (_, item) => ({ item_id: `I-${invoice}-${item}`, amount: '10.00' }));
  const answer = await http.request('POST', '/invoices', { invoice_id: `INV-${invoice}`, account_id: 'A1', date: '2026-09-01', items });
  if (answer.statusCode !== 201) throw new Error(answer.body);
}
console.log(`posted ${invoicesCount * itemsPerInvoice} items in ${Date.now() - started} ms`);

// The slow statements' plans come back as notices to the connections that ran them: every new
// session of this database loads auto_explain, the pools' sessions are replaced, and each
// client's notices are printed.
const databaseName = new URL(test.url).pathname.slice(1);
for (const setting of ["session_preload_libraries = 'auto_explain'", 'auto_explain.log_min_duration = 100', 'auto_explain.log_nested_statements = on', "auto_explain.log_level = 'notice'", 'auto_explain.log_analyze = on']) {
  await admin.query(`alter database ${databaseName} set ${setting}`);
}
await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
const emit = pg.Client.prototype.emit;
pg.Client.prototype.emit = function (this: pg.Client, event: string | symbol, ...values: unknown[]) {
  if (event === 'notice') console.log(String((values[0] as { message?: string }).message).slice(0, 6000));
  return emit.call(this, event, ...values);
} as typeof emit;
// The pools notice their terminated connections on first use: warm them up.
for (let attempt = 0; attempt < 20 && (await http.request('GET', '/accounts')).statusCode !== 200; attempt += 1);

async function checkout(name: string, paymentsCount: number, itemsCount = 1) {
  started = Date.now();
  const answer = await http.request('POST', '/checkouts', {
    invoice_id: `CO-${name}`, account_id: 'A1', date: '2026-09-02',
    // Items of 1.00 each, paid by payments that share the total.
    items: Array.from({ length: itemsCount }, (_, index) => ({ item_id: `CO-${name}-${index}`, amount: `${paymentsCount}.00` })),
    payments: Array.from({ length: paymentsCount }, (_, index) => ({ receipt_id: `CO-${name}-P${index}`, date: '2026-09-02', amount: `${itemsCount}.00`, method: 'card' })),
  });
  console.log(`checkout ${name} of ${itemsCount} items with ${paymentsCount} payments: ${answer.statusCode} in ${Date.now() - started} ms`);
}
await checkout('one', 1);
await checkout('hundred', 100);
await checkout('thousand', 100, 1_000);
const stats = await admin.query("select relname, n_live_tup, last_analyze, last_autoanalyze from pg_stat_user_tables where relname in ('document', 'document_balance', 'allocation') order by 1");
console.log(stats.rows);
await admin.end();
await http.app.close();
await test.drop();
