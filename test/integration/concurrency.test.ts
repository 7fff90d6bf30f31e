import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type Outcome } from '../../src/core/outcome.ts';
import type { RefusalCode } from '../../src/core/refusal-codes.ts';
import { runAutoReconcile, undoRun, type RunScope } from '../../src/services/auto-reconcile.ts';
import { allocate, removeAllocation, voidPayment } from '../../src/services/ledger.ts';
import { serverDialects, type TestDatabase } from '../support/dialects.ts';
import { expectInvariants, invariantViolations } from '../support/ledger-database.ts';
import { ledgerFixture } from '../support/ledger-fixture.ts';
import { randomSource, type RandomSource } from '../support/random-source.ts';

/**
 * Many writers at once on real PostgreSQL (PGlite has one connection, so it cannot race). Every
 * request must end in success or a clear refusal — never a raw database error or a deadlock —
 * and the invariants must hold afterwards.
 */
const seed = process.env.CONCURRENCY_SEED ? Number(process.env.CONCURRENCY_SEED) : Date.now() % 2_147_483_647;
console.log(`concurrency: random seed ${seed}`);

/** For failure messages: results hold bigints, which JSON cannot write by itself. */
const show = (value: unknown) => JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? item.toString() : item));

type Result = { kind: 'ok'; value: unknown } | { kind: 'refused'; code: RefusalCode } | { kind: 'crashed'; error: string };

async function settle(work: () => Promise<Outcome<unknown>>): Promise<Result> {
  try {
    const outcome = await work();
    return outcome.ok ? { kind: 'ok', value: outcome.value } : { kind: 'refused', code: outcome.refusal.code };
  } catch (error) {
    return { kind: 'crashed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function summarise(results: readonly Result[]): string {
  const counts = new Map<string, number>();
  for (const result of results) {
    const key = result.kind === 'refused' ? result.code : result.kind;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} ${count}`).join(', ');
}

/** Shuffles a copy of `items` (Fisher–Yates) with the test's random source. */
function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = random(index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

interface AccountDocuments {
  readonly credits: string[];
  readonly debits: string[];
}

/**
 * Each account gets three invoices of two items (30.00 and 20.00) and four payments of 35.00, dated
 * on the 10th to 13th of `month`; payment `referencing.payment` names invoice `referencing.invoice`.
 * Returns each account's credits and debits by external id.
 */
async function accountsWithDocuments(fixture: Awaited<ReturnType<typeof ledgerFixture>>, accounts: readonly string[], month: string, referencing: { payment: number; invoice: number }): Promise<Map<string, AccountDocuments>> {
  const documents = new Map<string, AccountDocuments>();
  for (const account of accounts) {
    await fixture.account(account);
    const credits: string[] = [];
    const debits: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      await fixture.invoice(`${account}-INV${index}`, account, `${month}-1${index}`, [[`${account}-I${index}a`, '30.00'], [`${account}-I${index}b`, '20.00']]);
      debits.push(`${account}-I${index}a`, `${account}-I${index}b`);
    }
    for (let index = 0; index < 4; index += 1) {
      await fixture.receipt(`${account}-P${index}`, account, `${month}-1${index}`, 'payment', '35.00', index === referencing.payment ? { reference: `${account}-INV${referencing.invoice}` } : {});
      credits.push(`${account}-P${index}`);
    }
    documents.set(account, { credits, debits });
  }
  return documents;
}

/** `count` one-line manual allocation requests: a random credit over a random debit of a random account, 1.00 to 15.99. */
function randomAllocationRequests(random: RandomSource, documents: ReadonlyMap<string, AccountDocuments>, count: number) {
  const accounts = [...documents.keys()];
  return Array.from({ length: count }, () => {
    const account = documents.get(accounts[random(accounts.length)]!)!;
    return [{ creditExternalId: account.credits[random(account.credits.length)]!, debitExternalId: account.debits[random(account.debits.length)]!, amountMinor: BigInt(100 + random(1_500)) }];
  });
}

for (const server of serverDialects) describe(`concurrent reconciliation on ${server.name}`, () => {
  let test: TestDatabase & { url: string };
  beforeAll(async () => {
    test = await server.open(20);
  });
  afterAll(async () => {
    await test.drop();
  });

  it('400 concurrent allocations and removals on the same few documents keep every invariant and refuse clearly', async () => {
    const random = randomSource(seed);
    const fixture = await ledgerFixture(test.database);
    await fixture.account('A');
    await fixture.invoice('INV-1', 'A', '2026-01-10', [['D1', '100.00'], ['D2', '100.00']]);
    await fixture.invoice('INV-2', 'A', '2026-01-11', [['D3', '100.00'], ['D4', '100.00']]);
    for (const id of ['C1', 'C2', 'C3', 'C4']) await fixture.receipt(id, 'A', '2026-01-12', 'payment', '100.00');
    const credits = ['C1', 'C2', 'C3', 'C4'];
    const debits = ['D1', 'D2', 'D3', 'D4'];

    // 40 allocations of 1.00 to remove later, each removal asked for three times at once.
    const existing: bigint[] = [];
    for (let index = 0; index < 40; index += 1) {
      const { allocationIds } = unwrap(await allocate(fixture.context, [{ creditExternalId: credits[index % 4]!, debitExternalId: debits[(index >> 2) % 4]!, amountMinor: 100n }]));
      existing.push(allocationIds[0]!);
    }

    type Operation = { kind: 'allocate'; lines: { creditExternalId: string; debitExternalId: string; amountMinor: bigint }[] } | { kind: 'remove'; allocationId: bigint };
    const operations: Operation[] = [];
    for (const allocationId of existing) for (let copy = 0; copy < 3; copy += 1) operations.push({ kind: 'remove', allocationId });
    while (operations.length < 400) {
      const lines = new Map<string, { creditExternalId: string; debitExternalId: string; amountMinor: bigint }>();
      const count = 1 + random(3);
      for (let index = 0; index < count; index += 1) {
        const creditExternalId = credits[random(4)]!;
        const debitExternalId = debits[random(4)]!;
        lines.set(`${creditExternalId}>${debitExternalId}`, { creditExternalId, debitExternalId, amountMinor: BigInt(100 + random(2_500)) });
      }
      operations.push({ kind: 'allocate', lines: [...lines.values()] });
    }
    for (let index = operations.length - 1; index > 0; index -= 1) {
      const other = random(index + 1);
      [operations[index], operations[other]] = [operations[other]!, operations[index]!];
    }

    const results = await Promise.all(operations.map((operation) => settle(() =>
      operation.kind === 'allocate' ? allocate(fixture.context, operation.lines) : removeAllocation(fixture.context, operation.allocationId))));

    console.log(`concurrency: allocations and removals ${summarise(results)}`);
    const crashed = results.flatMap((result, index) => (result.kind === 'crashed' ? [`operation ${index}: ${result.error}`] : []));
    expect(crashed).toEqual([]);
    // A manual allocation locks its documents' balances before it checks them, so it is refused by
    // the check (exceeds_*), never by the database's own guard (allocation_exceeds_remaining): that
    // code here would mean the row lock in storage/allocation-writer.ts is gone.
    const allowed: Record<Operation['kind'], RefusalCode[]> = {
      allocate: ['exceeds_credit_remaining', 'exceeds_debit_remaining'],
      remove: ['allocation_already_removed'],
    };
    const unexpected = results.flatMap((result, index) => (result.kind === 'refused' && !allowed[operations[index]!.kind].includes(result.code) ? [`${operations[index]!.kind}: ${result.code}`] : []));
    expect(unexpected).toEqual([]);

    // Each allocation was removed exactly once; the two other attempts were told it was already removed.
    for (const allocationId of existing) {
      const outcomes = results.filter((_result, index) => { const operation = operations[index]!; return operation.kind === 'remove' && operation.allocationId === allocationId; });
      expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['ok', 'refused', 'refused']);
    }

    // What the successful requests say they wrote is exactly what the table holds.
    const written = new Map<bigint, bigint>();
    for (const [index, result] of results.entries()) {
      const operation = operations[index]!;
      if (result.kind !== 'ok' || operation.kind !== 'allocate') continue;
      const { allocationIds } = result.value as { allocationIds: bigint[] };
      expect(allocationIds).toHaveLength(operation.lines.length);
      for (const [lineIndex, allocationId] of allocationIds.entries()) written.set(allocationId, operation.lines[lineIndex]!.amountMinor);
    }
    const successes = results.filter((result, index) => result.kind === 'ok' && operations[index]!.kind === 'allocate').length;
    const refusals = results.filter((result) => result.kind === 'refused').length;
    expect(successes, 'some requests must succeed for the test to mean anything').toBeGreaterThan(5);
    expect(refusals - 80, 'and some allocations must be refused').toBeGreaterThan(5);
    const active = await test.database.query<{ id: bigint; amount_minor: bigint }>(
      'select id, amount_minor from allocation where org_id = $1 and removed_at is null order by id', [fixture.context.organisation.id]);
    expect(new Map(active.map((row) => [row.id, row.amount_minor]))).toEqual(written);
    const removed = await test.database.query<{ id: bigint }>(
      `select id from allocation where org_id = $1 and removed_at is not null and removal_reason = 'manual' order by id`, [fixture.context.organisation.id]);
    expect(removed.map((row) => row.id)).toEqual(existing);
    await expectInvariants(test.database, fixture.context.organisation.id);
    const [totals] = await test.database.query<{ allocated: bigint }>(
      `select coalesce(sum(allocated_minor), 0)::bigint as allocated from document_balance where org_id = $1 and side = 'credit'`, [fixture.context.organisation.id]);
    expect(totals!.allocated).toBe([...written.values()].reduce((total, amount) => total + amount, 0n));
  }, 120_000);

  it('auto-reconcile runs racing manual allocations never over-allocate and end cleanly', async () => {
    const random = randomSource(seed + 1);
    const fixture = await ledgerFixture(test.database);
    const documents = await accountsWithDocuments(fixture, ['A', 'B', 'C', 'D', 'E'], '2026-01', { payment: 1, invoice: 2 });

    const runs: { scope: RunScope; strategy: 'reference' | 'fifo' }[] = [
      { scope: { kind: 'all' }, strategy: 'reference' },
      { scope: { kind: 'all' }, strategy: 'fifo' },
      { scope: { kind: 'accounts', accountIds: ['A', 'B'] }, strategy: 'reference' },
      { scope: { kind: 'account', accountId: 'C' }, strategy: 'fifo' },
      { scope: { kind: 'all' }, strategy: 'reference' },
    ];
    const manual = randomAllocationRequests(random, documents, 150);
    const work: (() => Promise<Outcome<unknown>>)[] = [
      ...runs.map((run) => () => runAutoReconcile(fixture.context, run.scope, { strategy: run.strategy, dryRun: false })),
      ...manual.map((lines) => () => allocate(fixture.context, lines)),
    ];
    // Interleave the runs among the manual requests.
    const order = shuffled(work.map((_item, index) => index), random);
    const results = await Promise.all(order.map((index) => settle(work[index]!)));

    console.log(`concurrency: runs and manual allocations ${summarise(results)}`);
    expect(results.flatMap((result) => (result.kind === 'crashed' ? [result.error] : []))).toEqual([]);
    const allowed: RefusalCode[] = ['exceeds_credit_remaining', 'exceeds_debit_remaining', 'allocation_exceeds_remaining'];
    expect(results.flatMap((result) => (result.kind === 'refused' && !allowed.includes(result.code) ? [result.code] : []))).toEqual([]);
    expect(await invariantViolations(test.database, fixture.context.organisation.id)).toEqual([]);
    const statuses = await test.database.query<{ status: string }>('select status from reconciliation_run where org_id = $1', [fixture.context.organisation.id]);
    const runOutcomes = order.flatMap((index, position) => (index < runs.length ? [results[position]!] : []));
    expect(statuses.filter((row) => row.status === 'completed')).toHaveLength(runOutcomes.filter((result) => result.kind === 'ok').length);
    expect(statuses.filter((row) => row.status === 'running')).toEqual([]);

    // Once the dust settles, one more run leaves each account with at most one side open.
    unwrap(await runAutoReconcile(fixture.context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
    const open = await test.database.query<{ account_id: bigint; sides: bigint }>(
      `select account_id, count(distinct side) as sides from document_balance where org_id = $1 and side <> 'none' and not voided and allocated_minor < amount_minor group by account_id`,
      [fixture.context.organisation.id]);
    expect(open.filter((row) => row.sides > 1n)).toEqual([]);
    await expectInvariants(test.database, fixture.context.organisation.id);
  }, 120_000);

  it('runs undone while their allocations are removed by hand, payments voided and new allocations made: each removal happens once', async () => {
    const random = randomSource(seed + 2);
    const fixture = await ledgerFixture(test.database);
    const organisationId = fixture.context.organisation.id;
    const documents = await accountsWithDocuments(fixture, ['A', 'B', 'C', 'D', 'E', 'F'], '2026-02', { payment: 2, invoice: 1 });
    // Three runs over disjoint accounts, so each has allocations of its own to undo.
    const runIds: bigint[] = [];
    for (const [scope, strategy] of [[['A', 'B'], 'reference'], [['C', 'D'], 'fifo'], [['E', 'F'], 'reference']] as const) {
      const summary = unwrap(await runAutoReconcile(fixture.context, { kind: 'accounts', accountIds: [...scope] }, { strategy, dryRun: false }));
      expect(summary.allocationsCount).toBeGreaterThan(0);
      runIds.push(summary.runId!);
    }
    const runAllocations = await test.database.query<{ id: bigint }>('select id from allocation where org_id = $1 and run_id in (select id from reconciliation_run where org_id = $1 and number = any($2::bigint[])) order by id', [organisationId, runIds]);
    const removals = Array.from({ length: 30 }, () => runAllocations[random(runAllocations.length)]!.id);
    const manual = randomAllocationRequests(random, documents, 40);
    const work = shuffled<{ kind: 'undo' | 'remove' | 'void' | 'allocate'; run: () => Promise<Outcome<unknown>> }>([
      ...runIds.map((runId) => ({ kind: 'undo' as const, run: () => undoRun(fixture.context, runId) })),
      { kind: 'undo', run: () => undoRun(fixture.context, runIds[0]!) },
      ...removals.map((allocationId) => ({ kind: 'remove' as const, run: () => removeAllocation(fixture.context, allocationId) })),
      { kind: 'void', run: () => voidPayment(fixture.context, 'A-P0') },
      { kind: 'void', run: () => voidPayment(fixture.context, 'D-P2') },
      ...manual.map((lines) => ({ kind: 'allocate' as const, run: () => allocate(fixture.context, lines) })),
    ], random);
    const results = await Promise.all(work.map((item) => settle(item.run)));

    console.log(`concurrency: undos, removals, voids and allocations ${summarise(results)}`);
    expect(results.flatMap((result) => (result.kind === 'crashed' ? [result.error] : []))).toEqual([]);
    const allowed: RefusalCode[] = ['run_already_undone', 'allocation_already_removed', 'exceeds_credit_remaining', 'exceeds_debit_remaining', 'allocation_exceeds_remaining', 'document_is_void'];
    expect(results.flatMap((result) => (result.kind === 'refused' && !allowed.includes(result.code) ? [result.code] : []))).toEqual([]);
    const undos = results.filter((_result, index) => work[index]!.kind === 'undo');
    expect(undos.filter((result) => result.kind === 'ok')).toHaveLength(3);
    expect(undos.filter((result) => result.kind === 'refused' && result.code === 'run_already_undone')).toHaveLength(1);
    expect(results.filter((result, index) => work[index]!.kind === 'void' && result.kind !== 'ok')).toEqual([]);

    // Every allocation of the runs is removed, each exactly once: by the undo, by hand or by a void.
    const removed = await test.database.query<{ removal_reason: string | null; count: bigint }>(
      'select removal_reason, count(*) as count from allocation where org_id = $1 and run_id in (select id from reconciliation_run where org_id = $1 and number = any($2::bigint[])) group by removal_reason order by removal_reason',
      [organisationId, runIds]);
    expect(removed.filter((row) => row.removal_reason === null)).toEqual([]);
    const removedByHand = results.filter((result, index) => work[index]!.kind === 'remove' && result.kind === 'ok').length;
    expect(Number(removed.find((row) => row.removal_reason === 'manual')?.count ?? 0n)).toBe(removedByHand);
    const undone = undos.flatMap((result) => (result.kind === 'ok' ? [(result.value as { allocationsRemoved: number }).allocationsRemoved] : []));
    expect(Number(removed.find((row) => row.removal_reason === 'undo')?.count ?? 0n)).toBe(undone.reduce((total, count) => total + count, 0));
    const statuses = await test.database.query<{ status: string }>('select status from reconciliation_run where org_id = $1 and number = any($2::bigint[])', [organisationId, runIds]);
    expect(statuses.map((row) => row.status)).toEqual(['undone', 'undone', 'undone']);
    await expectInvariants(test.database, organisationId);
  }, 120_000);

  /**
   * Orders two service calls deterministically: a separate connection locks one document's balance row, each
   * call is started and seen waiting on that lock (in that order), then the lock is released so
   * the first call commits before the second continues with what it read earlier.
   */
  async function inOrderBehindLock(documentExternalId: string, organisationId: bigint, first: () => Promise<Outcome<unknown>>, second: () => Promise<Outcome<unknown>>): Promise<[Result, Result]> {
    const blocker = new pg.Client({ connectionString: test.url });
    // A second session watches: inside the blocker's transaction pg_stat_activity would be a frozen snapshot.
    const observer = new pg.Client({ connectionString: test.url });
    await blocker.connect();
    await observer.connect();
    const waiting = async (count: number) => {
      for (let attempt = 0; attempt < 1_000; attempt += 1) {
        // On Citus the statements wait on the worker holding the row: its activity is in citus_stat_activity.
        const activity = server.name === 'citus' ? 'citus_stat_activity' : 'pg_stat_activity';
        const { rows } = await observer.query(`select count(*)::int as count from ${activity} where datname = current_database() and wait_event_type = 'Lock'`);
        if (rows[0].count >= count) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error(`expected ${count} sessions waiting on the lock`);
    };
    try {
      await blocker.query('begin');
      // The balance row: every allocation writer, and a void, updates or locks it, so all queue on it in order.
      await blocker.query(
        `select b.document_id from document d join document_balance b on b.org_id = d.org_id and b.document_id = d.id
         where d.org_id = $1 and d.external_id = $2 for update of b`,
        [organisationId, documentExternalId],
      );
      const firstResult = settle(first);
      await waiting(1);
      const secondResult = settle(second);
      await waiting(2);
      await blocker.query('commit');
      return [await firstResult, await secondResult];
    } finally {
      await blocker.end();
      await observer.end();
    }
  }

  it('a payment voided while an auto-reconcile run is under way: the run succeeds or refuses clearly, never crashes', async () => {
    const fixture = await ledgerFixture(test.database);
    await fixture.account('A');
    await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
    await fixture.receipt('P1', 'A', '2026-01-11', 'payment', '30.00');
    const [voided, run] = await inOrderBehindLock('P1', fixture.context.organisation.id,
      () => voidPayment(fixture.context, 'P1'),
      () => runAutoReconcile(fixture.context, { kind: 'account', accountId: 'A' }, { strategy: 'reference', dryRun: false }));
    expect(voided).toEqual({ kind: 'ok', value: { allocationsRemoved: 0 } });
    expect(run.kind === 'ok' || (run.kind === 'refused' && ['document_is_void', 'allocation_exceeds_remaining'].includes(run.code)), show(run)).toBe(true);
    expect(await fixture.allocations('A')).toEqual([]);
    await expectInvariants(test.database, fixture.context.organisation.id);
  });

  it('a manual allocation committed while an auto-reconcile run is under way: the run succeeds or refuses clearly', async () => {
    const fixture = await ledgerFixture(test.database);
    await fixture.account('A');
    await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
    await fixture.receipt('P1', 'A', '2026-01-11', 'payment', '30.00');
    await fixture.receipt('P2', 'A', '2026-01-11', 'payment', '30.00');
    const [manual, run] = await inOrderBehindLock('I1', fixture.context.organisation.id,
      () => allocate(fixture.context, [{ creditExternalId: 'P2', debitExternalId: 'I1', amountMinor: 3000n }]),
      () => runAutoReconcile(fixture.context, { kind: 'account', accountId: 'A' }, { strategy: 'reference', dryRun: false }));
    expect(manual.kind).toBe('ok');
    expect(run.kind === 'ok' || (run.kind === 'refused' && run.code === 'allocation_exceeds_remaining'), show(run)).toBe(true);
    const allocations = await fixture.allocations('A');
    expect(allocations[0]).toBe('P2>I1:3000');
    // Whatever the run did, it kept within I1's 50.00: P1 got at most the 20.00 left.
    expect(allocations.slice(1).every((allocation) => allocation === 'P1>I1:2000')).toBe(true);
    await expectInvariants(test.database, fixture.context.organisation.id);
  });
});

if (serverDialects.length === 0) describe.skip('concurrent reconciliation (needs TEST_DATABASE_URL or TEST_CITUS_URL)', () => it('is skipped: no database server was given', () => {}));
