import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconciliationStrategies } from '../../src/core/document-kinds.ts';
import { explainOpen } from '../../src/core/open-explanation.ts';
import { unwrap } from '../../src/core/outcome.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { runAutoReconcile, undoRun, type RunScope } from '../../src/services/auto-reconcile.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { activeAllocations, allocatedTotals, expectInvariants, planFromDatabase, writeLedgerSpec } from '../support/ledger-database.ts';
import { describeLedger, ledgerSpecArbitrary, modelInputOf, type LedgerSpec } from '../support/random-ledger.ts';
import { modelAutoReconcile, sortAllocations, type ModelAllocation } from '../support/reference-model.ts';

/**
 * The database engine (set-based SQL passes) against the reference model and the pure planner:
 * every generated organisation holds several random accounts (lanes that must not mix), some with
 * manual allocations made first. For each strategy: a dry run, a real run, a second run, an undo.
 */
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2_147_483_647;
/** PROPERTY_RUNS=<n> runs n organisations per engine instead (a longer soak). */
const runsOverride = process.env.PROPERTY_RUNS ? Number(process.env.PROPERTY_RUNS) : undefined;
const runsByDialect = { pglite: runsOverride ?? 30, postgres: runsOverride ?? 30, citus: runsOverride ?? 8 } as const;
const accountsPerLedger = 4;
console.log(`auto-reconcile-property: fast-check seed ${seed}`);

const ledgersArbitrary = fc.record({
  accounts: fc.tuple(...Array.from({ length: accountsPerLedger }, (_unused, index) => ledgerSpecArbitrary(`a${index}-`, { maxEvents: 10 }))),
  // Which accounts the run names: all of the organisation, or a list (accounts outside it must not change).
  scope: fc.oneof(fc.constant('all' as const), fc.subarray([0, 1, 2, 3], { minLength: 1 })),
});

const withoutSource = (allocations: readonly (ModelAllocation & { accountId?: string; source?: string })[]): ModelAllocation[] =>
  sortAllocations(allocations.map(({ creditKey, debitKey, amountMinor }) => ({ creditKey, debitKey, amountMinor })));

/** Stored allocations as sortable text lines (account, pair, amount, source), for comparing states exactly. */
const lines = (allocations: readonly { accountId: string; creditKey: string; debitKey: string; amountMinor: bigint; source: string }[]): string[] =>
  allocations.map((row) => `${row.accountId} ${row.creditKey}>${row.debitKey}:${row.amountMinor} ${row.source}`).sort();

let organisationSequence = 0;

async function checkLedgers(database: TestDatabase['database'], accounts: readonly LedgerSpec[], scopeChoice: 'all' | number[]): Promise<void> {
  organisationSequence += 1;
  const organisation = unwrap(await createOrganisation(database, { slug: `prop-${process.pid}-${organisationSequence}` }));
  const context: TallyContext = { database, organisation, actor: 'property-test' };
  const accountIds = accounts.map((_spec, index) => `ACC-${index}`);
  for (const [index, spec] of accounts.entries()) await writeLedgerSpec(context, accountIds[index]!, spec);
  await expectInvariants(database, organisation.id);

  const inScope = scopeChoice === 'all' ? accountIds.map((_id, index) => index) : scopeChoice;
  const scope: RunScope = scopeChoice === 'all' ? { kind: 'all' } : { kind: 'accounts', accountIds: inScope.map((index) => accountIds[index]!) };
  const before = await activeAllocations(database, context);
  const totalsBefore = await allocatedTotals(database, context);
  const description = accounts.map((spec, index) => `${accountIds[index]}${inScope.includes(index) ? '' : ' (not in scope)'}:\n${describeLedger(spec)}`).join('\n');

  for (const strategy of reconciliationStrategies) {
    const expected = sortAllocations(inScope.flatMap((index) => {
      const { credits, debits } = modelInputOf(accounts[index]!);
      return modelAutoReconcile(credits, debits, strategy);
    }));
    const planned = sortAllocations((await Promise.all(inScope.map((index) => planFromDatabase(database, context, accountIds[index]!, strategy)))).flat());
    expect(planned, `planner on the database's open documents, strategy ${strategy}\n${description}`).toEqual(expected);

    const preview = unwrap(await runAutoReconcile(context, scope, { strategy, dryRun: true }));
    expect(preview.runId).toBeNull();
    expect(withoutSource((preview.plannedAllocations ?? []).map((row) => ({ creditKey: row.creditId, debitKey: row.debitId, amountMinor: row.amountMinor }))),
      `dry run, strategy ${strategy}\n${description}`).toEqual(expected);
    expect(lines(await activeAllocations(database, context)), 'a dry run writes nothing').toEqual(lines(before));

    const run = unwrap(await runAutoReconcile(context, scope, { strategy, dryRun: false }));
    const written = await activeAllocations(database, context, { runId: run.runId! });
    expect(withoutSource(written), `run, strategy ${strategy}\n${description}`).toEqual(expected);
    expect(written.every((row) => row.source === 'auto' && inScope.includes(accountIds.indexOf(row.accountId)))).toBe(true);
    expect(run.allocationsCount).toBe(expected.length);
    expect(run.allocatedMinor).toBe(expected.reduce((total, row) => total + row.amountMinor, 0n));
    expect(run.accountsTotal).toBe(inScope.length);
    if (strategy === 'fifo') expect(run.allocationsByPass.referencedDebit + run.allocationsByPass.referencedInvoice).toBe(0);
    // What the run leaves open, per account, is what the model leaves open, with the same reason.
    const reasons = inScope.map((index) => {
      const { credits, debits } = modelInputOf(accounts[index]!);
      const allocated = expected.filter((row) => row.creditKey.startsWith(`a${index}-`)).reduce((total, row) => total + row.amountMinor, 0n);
      return explainOpen(credits.reduce((total, credit) => total + credit.remainingMinor, 0n) - allocated, debits.reduce((total, debit) => total + debit.remainingMinor, 0n) - allocated);
    });
    expect(run.accountsLeftOpen).toEqual({
      credit_on_account: reasons.filter((reason) => reason === 'credit_on_account').length,
      balance_owing: reasons.filter((reason) => reason === 'balance_owing').length,
      unreconciled: 0,
    });
    expect(lines(await activeAllocations(database, context)), 'a run only adds allocations').toEqual(lines([...before, ...written]));
    await expectInvariants(database, organisation.id);

    const second = unwrap(await runAutoReconcile(context, scope, { strategy: 'reference', dryRun: false }));
    expect(second.allocationsCount, 'a second run finds nothing left to pair').toBe(0);
    expect(second.allocatedMinor).toBe(0n);

    const undone = unwrap(await undoRun(context, run.runId!));
    expect(undone.allocationsRemoved).toBe(expected.length);
    unwrap(await undoRun(context, second.runId!));
    expect(lines(await activeAllocations(database, context)), 'undo restores the allocations before the run').toEqual(lines(before));
    expect(await allocatedTotals(database, context), 'undo restores every remainder').toEqual(totalsBefore);
    await expectInvariants(database, organisation.id);
  }
}

for (const dialect of dialects) {
  describe(`auto-reconcile engine against the reference model on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it(`writes exactly what the model and the planner compute, for ${runsByDialect[dialect.name]} organisations of ${accountsPerLedger} random accounts`, async () => {
      await fc.assert(
        // Every candidate tried while shrinking is one more organisation; at most 100 keep a failure's report quick.
        fc.asyncProperty(fc.limitShrink(ledgersArbitrary, 100), async ({ accounts, scope }) => {
          await checkLedgers(test.database, accounts, scope);
        }),
        { seed, numRuns: runsByDialect[dialect.name] },
      );
    }, runsOverride ? 3_600_000 : 180_000);
  });
}
