import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { generateOrganisation } from '../../src/generate/generate-organisation.ts';
import { queueAutoReconcile, runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { serverDialects, type TestDatabase } from '../support/dialects.ts';

const tallyBin = fileURLToPath(new URL('../../bin/tally.js', import.meta.url));
const accountsCount = 240;

/** Active allocations by external ids, for comparing two organisations with the same documents. */
async function allocationsOf(test: TestDatabase, organisationId: bigint): Promise<string[]> {
  const rows = await test.database.query<{ line: string }>(
    `select c.external_id || '>' || d.external_id || ':' || a.amount_minor as line from allocation a
     join document c on c.org_id = a.org_id and c.id = a.credit_id join document d on d.org_id = a.org_id and d.id = a.debit_id
     where a.org_id = $1 and a.removed_at is null and a.source = 'auto' order by 1`,
    [organisationId],
  );
  return rows.map((row) => row.line);
}

for (const server of serverDialects) describe(`a background run survives the server being killed (${server.name})`, () => {
  let test: TestDatabase & { url: string };
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    test = await server.open();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await test.drop();
  });

  function startServer(): ChildProcess {
    const child = spawn(process.execPath, [tallyBin, 'serve', '--port', '0', '--host', '127.0.0.1'], {
      env: { ...process.env, DATABASE_URL: test.url, TALLY_JOB_LEASE_MS: '1500', TALLY_RUN_BATCH_ACCOUNTS: '1', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  }

  async function runState(context: TallyContext, runId: bigint) {
    const [run] = await test.database.query<{ status: string; accounts_done: number }>('select status, accounts_done from reconciliation_run where org_id = $1 and id = $2', [context.organisation.id, runId]);
    return { status: run!.status, accountsDone: Number(run!.accounts_done) };
  }

  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('resumes after a kill -9 mid-run: every account once, the same allocations as an uninterrupted run, invariants hold', async () => {
    const interrupted = unwrap(await generateOrganisation(test.database, { slug: 'interrupted', accountsCount, seed: 11, actor: 'test' }));
    const reference = unwrap(await generateOrganisation(test.database, { slug: 'reference', accountsCount, seed: 11, actor: 'test' }));
    const referenceContext: TallyContext = { database: test.database, organisation: reference.organisation, actor: 'test' };
    unwrap(await runAutoReconcile(referenceContext, { kind: 'all' }, { strategy: 'reference', dryRun: false }));

    const context: TallyContext = { database: test.database, organisation: interrupted.organisation, actor: 'test' };
    const { runRowId: runId } = unwrap(await queueAutoReconcile(context, { kind: 'all' }, 'reference'));
    const first = startServer();
    const partway = await waitFor(() => runState(context, runId), (state) => state.accountsDone >= 20, 'the run to be under way');
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const afterKill = await runState(context, runId);
    expect(afterKill.status).toBe('running');
    expect(afterKill.accountsDone).toBeGreaterThanOrEqual(partway.accountsDone);
    expect(afterKill.accountsDone).toBeLessThan(accountsCount);

    startServer();
    const finished = await waitFor(() => runState(context, runId), (state) => state.status !== 'running', 'the resumed run to finish');
    expect(finished).toEqual({ status: 'completed', accountsDone: accountsCount });

    const [batches] = await test.database.query<{ batches: bigint; accounts: bigint; overlapping: bigint }>(
      `select count(*) as batches, sum(accounts_count) as accounts,
              (select count(*) from reconciliation_run_batch x join reconciliation_run_batch y on x.org_id = y.org_id and x.run_id = y.run_id
                 and x.first_account_id < y.first_account_id and y.first_account_id <= x.last_account_id where x.org_id = $1 and x.run_id = $2) as overlapping
       from reconciliation_run_batch where org_id = $1 and run_id = $2`,
      [context.organisation.id, runId],
    );
    expect(batches).toEqual({ batches: BigInt(accountsCount), accounts: BigInt(accountsCount), overlapping: 0n });
    expect(await allocationsOf(test, interrupted.organisation.id)).toEqual(await allocationsOf(test, reference.organisation.id));
    const [drift] = await test.database.query<{ documents: bigint }>(
      `select count(*) as documents from document_balance d where d.org_id = $1 and d.allocated_minor <> coalesce((
         select sum(a.amount_minor) from allocation a where a.org_id = d.org_id and a.removed_at is null and (a.credit_id = d.document_id or a.debit_id = d.document_id)), 0)`,
      [context.organisation.id],
    );
    expect(drift!.documents).toBe(0n);
    const [job] = await test.database.query<{ status: string; attempts: number }>('select status, attempts from job where org_id = $1 and run_id = $2', [context.organisation.id, runId]);
    expect(job).toEqual({ status: 'completed', attempts: 2 });
  }, 240_000);
});

if (serverDialects.length === 0) describe.skip('a background run survives the server being killed (needs TEST_DATABASE_URL or TEST_CITUS_URL)', () => it('is skipped: no database server was given', () => {}));
