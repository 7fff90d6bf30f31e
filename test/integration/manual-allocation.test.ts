import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type Outcome } from '../../src/core/outcome.ts';
import type { RefusalCode } from '../../src/core/refusal-codes.ts';
import { runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import { allocate, removeAllocation, voidPayment } from '../../src/services/ledger.ts';
import { createOrganisation, setReconciliationEnabled } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { allocatedTotals, expectInvariants } from '../support/ledger-database.ts';
import { cents, ledgerFixture } from '../support/ledger-fixture.ts';

const line = (creditExternalId: string, debitExternalId: string, amount: string) => ({ creditExternalId, debitExternalId, amountMinor: cents(amount) });

function expectRefusal(outcome: Outcome<unknown>, code: RefusalCode, path?: string): void {
  expect(outcome).toMatchObject({ ok: false, refusal: { code } });
  if (!outcome.ok) expect(outcome.refusal.path).toBe(path);
}

for (const dialect of dialects) {
  describe(`manual reconciliation on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    /** Account A: I1 50, I2 30 (INV-1), RF 20; P1 payment 70, D1 deposit 40, P9 voided payment 10. Account B: I9 25, PB 25. */
    async function ledger() {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.account('B');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00'], ['I2', '30.00']]);
      await fixture.refund('RF', 'A', '2026-01-11', '20.00');
      await fixture.receipt('P1', 'A', '2026-01-12', 'payment', '70.00');
      await fixture.receipt('D1', 'A', '2026-01-12', 'deposit', '40.00');
      await fixture.receipt('P9', 'A', '2026-01-12', 'payment', '10.00');
      unwrap(await voidPayment(fixture.context, 'P9'));
      await fixture.invoice('INV-9', 'B', '2026-01-10', [['I9', '25.00']]);
      await fixture.receipt('PB', 'B', '2026-01-12', 'payment', '25.00');
      return fixture;
    }

    it('allocates one credit over several debits in one request, with source manual and the actor', async () => {
      const fixture = await ledger();
      const outcome = unwrap(await allocate(fixture.context, [line('P1', 'I1', '50.00'), line('P1', 'I2', '15.00'), line('P1', 'RF', '5.00')]));
      expect(outcome.allocationIds).toHaveLength(3);
      expect(await fixture.allocations('A')).toEqual(['P1>I1:5000', 'P1>I2:1500', 'P1>RF:500']);
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', I2: 'partial', RF: 'partial', P1: 'full', 'INV-1': 'partial', D1: 'none' });
      const rows = await test.database.query<{ source: string; created_by: string; run_id: bigint | null }>(
        'select source, created_by, run_id from allocation where org_id = $1 and id = any($2::bigint[])', [fixture.context.organisation.id, outcome.allocationIds]);
      expect(rows).toEqual([{ source: 'manual', created_by: 'test', run_id: null }, { source: 'manual', created_by: 'test', run_id: null }, { source: 'manual', created_by: 'test', run_id: null }]);
      await expectInvariants(test.database, fixture.context.organisation.id);
    });

    it('covers one debit from several credits', async () => {
      const fixture = await ledger();
      unwrap(await allocate(fixture.context, [line('P1', 'I1', '30.00'), line('D1', 'I1', '20.00')]));
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', P1: 'partial', D1: 'partial' });
    });

    it('writes nothing when one line of the request is refused, and names that line', async () => {
      const fixture = await ledger();
      const totals = await allocatedTotals(test.database, fixture.context);
      // P1 has 70.00: 50.00 to I1, then 30.00 to I2 is 10.00 more than P1 has left.
      expectRefusal(await allocate(fixture.context, [line('P1', 'I1', '50.00'), line('P1', 'I2', '30.00'), line('P1', 'RF', '1.00')]), 'exceeds_credit_remaining', 'lines[1].amount');
      expect(await fixture.allocations('A')).toEqual([]);
      expect(await allocatedTotals(test.database, fixture.context)).toEqual(totals);
    });

    const refusals: [name: string, lines: ReturnType<typeof line>[], code: RefusalCode, path: string | undefined][] = [
      ['a zero amount', [line('P1', 'I1', '10.00'), line('P1', 'I2', '0.00')], 'amount_must_be_positive', 'lines[1].amount'],
      ['a negative amount', [{ creditExternalId: 'P1', debitExternalId: 'I1', amountMinor: -100n }], 'amount_must_be_positive', 'lines[0].amount'],
      ["more than the credit's remainder", [line('D1', 'I1', '40.01')], 'exceeds_credit_remaining', 'lines[0].amount'],
      ["more than the debit's remainder", [line('P1', 'I2', '30.01')], 'exceeds_debit_remaining', 'lines[0].amount'],
      ["more than the debit's remainder, cumulatively across lines", [line('P1', 'RF', '15.00'), line('D1', 'RF', '5.01')], 'exceeds_debit_remaining', 'lines[1].amount'],
      ['a credit of another account', [line('P1', 'I1', '1.00'), line('PB', 'I1', '1.00')], 'accounts_differ', 'lines[1]'],
      ['a debit of another account', [line('P1', 'I9', '1.00')], 'accounts_differ', 'lines[0]'],
      ['a voided payment', [line('P9', 'I1', '1.00')], 'document_is_void', 'lines[0].credit'],
      ['a debit as the credit', [line('I2', 'I1', '1.00')], 'document_is_not_a_credit', 'lines[0].credit'],
      ['an invoice as the debit', [line('P1', 'INV-1', '1.00')], 'document_is_not_a_debit', 'lines[0].debit'],
      ['an unknown receipt', [line('P1', 'I1', '1.00'), line('NOPE', 'I1', '1.00')], 'document_not_found', 'lines[1].credit'],
      ['an unknown debit', [line('P1', 'NOPE', '1.00')], 'document_not_found', 'lines[0].debit'],
      ['the same pair twice', [line('P1', 'I1', '1.00'), line('P1', 'I1', '1.00')], 'allocation_is_duplicated', 'lines[1]'],
    ];
    describe('refuses, writing nothing', () => {
      // One ledger for all these cases: each is refused whole, so each starts from the same state.
      let shared: Awaited<ReturnType<typeof ledger>>;
      beforeAll(async () => {
        shared = await ledger();
      });
      it.each(refusals)('%s', async (_name, lines, code, path) => {
        const fixture = shared;
        const totals = await allocatedTotals(test.database, fixture.context);
        expectRefusal(await allocate(fixture.context, lines), code, path);
        expect(await allocatedTotals(test.database, fixture.context)).toEqual(totals);
        const [count] = await test.database.query<{ count: bigint }>('select count(*) as count from allocation where org_id = $1', [fixture.context.organisation.id]);
        expect(count!.count).toBe(0n);
      });
    });

    it("refuses over the remainder left by earlier allocations (the stored remainder, not just the request's)", async () => {
      const fixture = await ledger();
      unwrap(await allocate(fixture.context, [line('P1', 'I1', '45.00')]));
      expectRefusal(await allocate(fixture.context, [line('D1', 'I1', '5.01')]), 'exceeds_debit_remaining', 'lines[0].amount');
      expectRefusal(await allocate(fixture.context, [line('P1', 'I2', '25.01')]), 'exceeds_credit_remaining', 'lines[0].amount');
      unwrap(await allocate(fixture.context, [line('D1', 'I1', '5.00'), line('P1', 'I2', '25.00')]));
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', P1: 'full', I2: 'partial' });
    });

    it('refuses documents of another organisation as not found', async () => {
      const fixture = await ledger();
      const other = unwrap(await createOrganisation(test.database, { slug: `other-${fixture.context.organisation.slug}` }));
      expectRefusal(await allocate({ ...fixture.context, organisation: other }, [line('P1', 'I1', '1.00')]), 'document_not_found', 'lines[0].credit');
      expect(await fixture.allocations('A')).toEqual([]);
    });

    it('refuses every allocation while reconciliation is disabled; enabled again, auto-reconcile reconciles the past', async () => {
      const fixture = await ledger();
      const disabled = await setReconciliationEnabled(test.database, fixture.context.organisation, false);
      const context = { ...fixture.context, organisation: disabled };
      expect(disabled.reconciliationEnabled).toBe(false);
      expectRefusal(await allocate(context, [line('P1', 'I1', '1.00')]), 'reconciliation_disabled', undefined);
      expectRefusal(await runAutoReconcile(context, { kind: 'all' }, { strategy: 'reference', dryRun: false }), 'reconciliation_disabled', undefined);
      expect(await fixture.allocations('A')).toEqual([]);
      const enabled = await setReconciliationEnabled(test.database, disabled, true);
      unwrap(await runAutoReconcile({ ...fixture.context, organisation: enabled }, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
      expect(await fixture.allocations('A')).toEqual(['P1>I1:5000', 'P1>I2:2000', 'D1>I2:1000', 'D1>RF:2000']);
      expect(await fixture.allocations('B')).toEqual(['PB>I9:2500']);
    });

    it('removes an allocation as history: the row keeps who and when, remainders and statuses are restored', async () => {
      const fixture = await ledger();
      const totals = await allocatedTotals(test.database, fixture.context);
      const statuses = await fixture.statuses('A');
      const { allocationIds } = unwrap(await allocate(fixture.context, [line('P1', 'I1', '50.00'), line('P1', 'I2', '20.00')]));
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', I2: 'partial', P1: 'full' });
      const remover = { ...fixture.context, actor: 'admin@example.org' };
      expect(await removeAllocation(remover, allocationIds[0]!)).toEqual({ ok: true, value: { amountMinor: 5000n } });
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'none', I2: 'partial', P1: 'partial' });
      expect(await removeAllocation(remover, allocationIds[1]!)).toEqual({ ok: true, value: { amountMinor: 2000n } });
      expect(await fixture.statuses('A')).toEqual(statuses);
      expect(await allocatedTotals(test.database, fixture.context)).toEqual(totals);
      const rows = await test.database.query<{ amount_minor: bigint; created_by: string; removed_by: string; removal_reason: string; removed: boolean }>(
        `select amount_minor, created_by, removed_by, removal_reason, removed_at is not null and removed_at >= created_at as removed
         from allocation where org_id = $1 order by id`, [fixture.context.organisation.id]);
      expect(rows).toEqual([
        { amount_minor: 5000n, created_by: 'test', removed_by: 'admin@example.org', removal_reason: 'manual', removed: true },
        { amount_minor: 2000n, created_by: 'test', removed_by: 'admin@example.org', removal_reason: 'manual', removed: true },
      ]);
      expect(await fixture.allocations('A')).toEqual([]);
      await expectInvariants(test.database, fixture.context.organisation.id);
    });

    it('refuses a second removal and an unknown allocation, changing nothing', async () => {
      const fixture = await ledger();
      const { allocationIds } = unwrap(await allocate(fixture.context, [line('P1', 'I1', '10.00')]));
      unwrap(await removeAllocation(fixture.context, allocationIds[0]!));
      const totals = await allocatedTotals(test.database, fixture.context);
      expectRefusal(await removeAllocation(fixture.context, allocationIds[0]!), 'allocation_already_removed', 'allocation');
      expectRefusal(await removeAllocation(fixture.context, 987_654_321n), 'allocation_not_found', 'allocation');
      expect(await allocatedTotals(test.database, fixture.context)).toEqual(totals);
      const [row] = await test.database.query<{ removed_by: string }>('select removed_by from allocation where org_id = $1 and id = $2', [fixture.context.organisation.id, allocationIds[0]]);
      expect(row!.removed_by).toBe('test');
    });

    it('refuses to remove an allocation of another organisation as not found', async () => {
      const fixture = await ledger();
      const { allocationIds } = unwrap(await allocate(fixture.context, [line('P1', 'I1', '10.00')]));
      const other = unwrap(await createOrganisation(test.database, { slug: `thief-${fixture.context.organisation.slug}` }));
      expectRefusal(await removeAllocation({ ...fixture.context, organisation: other }, allocationIds[0]!), 'allocation_not_found', 'allocation');
      expect(await fixture.allocations('A')).toEqual(['P1>I1:1000']);
    });

    it('still removes allocations while reconciliation is disabled (it only takes back)', async () => {
      const fixture = await ledger();
      const { allocationIds } = unwrap(await allocate(fixture.context, [line('P1', 'I1', '10.00')]));
      const disabled = await setReconciliationEnabled(test.database, fixture.context.organisation, false);
      expect(await removeAllocation({ ...fixture.context, organisation: disabled }, allocationIds[0]!)).toEqual({ ok: true, value: { amountMinor: 1000n } });
      expect(await fixture.allocations('A')).toEqual([]);
    });
  });
}
