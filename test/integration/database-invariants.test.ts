import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import { allocate, voidPayment } from '../../src/services/ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { allocatedTotals, databaseRefusal, expectInvariants } from '../support/ledger-database.ts';
import { cents, ledgerFixture } from '../support/ledger-fixture.ts';

/**
 * The allocation invariants hold in the database itself: these tests write raw SQL on
 * context.database, bypassing every service and application check.
 */
for (const dialect of dialects) {
  describe(`database-enforced allocation invariants on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    /** A: I1 50.00, P1 payment 30.00, P2 payment 40.00, PV voided payment 10.00; B: I9 20.00, P9 20.00. */
    async function ledger() {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.account('B');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
      await fixture.receipt('P1', 'A', '2026-01-10', 'payment', '30.00');
      await fixture.receipt('P2', 'A', '2026-01-10', 'payment', '40.00');
      await fixture.receipt('PV', 'A', '2026-01-10', 'payment', '10.00');
      unwrap(await voidPayment(fixture.context, 'PV'));
      await fixture.invoice('INV-9', 'B', '2026-01-10', [['I9', '20.00']]);
      await fixture.receipt('P9', 'B', '2026-01-10', 'payment', '20.00');
      const rows = await test.database.query<{ external_id: string; id: bigint; account_id: bigint }>(
        'select external_id, id, account_id from document where org_id = $1', [fixture.context.organisation.id]);
      const ids = Object.fromEntries(rows.map((row) => [row.external_id, row]));
      const org = fixture.context.organisation.id;
      /** Inserts an allocation row directly: (credit, debit, amount), in the credit's account unless told. */
      const insert = (credit: string, debit: string, amountMinor: bigint, extra: { accountOf?: string; source?: string; runId?: bigint | null } = {}) =>
        test.database.query<{ id: bigint }>(
          `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, run_id, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, 'raw-sql') returning id`,
          [org, ids[extra.accountOf ?? credit]!.account_id, ids[credit]!.id, ids[debit]!.id, amountMinor, extra.source ?? 'manual', extra.runId ?? null],
        );
      return { fixture, ids, org, insert };
    }

    it('accepts a valid raw allocation and keeps allocated_minor in step (the triggers)', async () => {
      const { fixture, insert } = await ledger();
      await insert('P1', 'I1', cents('30.00'));
      await insert('P2', 'I1', cents('20.00'));
      expect(await allocatedTotals(test.database, fixture.context)).toMatchObject({ I1: '5000', P1: '3000', P2: '2000', PV: '0' });
      expect(await fixture.statuses('A')).toMatchObject({ I1: 'full', P1: 'full', P2: 'partial' });
      await expectInvariants(test.database, fixture.context.organisation.id);
    });

    it("refuses an allocation above the credit's or the debit's remainder (check document_allocated_within_amount)", async () => {
      const { fixture, insert } = await ledger();
      const totals = await allocatedTotals(test.database, fixture.context);
      await expect(databaseRefusal(insert('P1', 'I1', cents('30.01')))).resolves.toEqual({ code: '23514', constraint: 'document_allocated_within_amount' });
      await insert('P2', 'I1', cents('40.00'));
      await expect(databaseRefusal(insert('P1', 'I1', cents('10.01')))).resolves.toEqual({ code: '23514', constraint: 'document_allocated_within_amount' });
      expect(await allocatedTotals(test.database, fixture.context)).toEqual({ ...totals, I1: '4000', P2: '4000' });
    });

    it('refuses several rows of one statement that only together exceed a remainder', async () => {
      const { fixture, ids, org } = await ledger();
      await expect(databaseRefusal(test.database.query(
        `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
         values ($1, $2, $3, $5, 2500, 'manual', 'raw'), ($1, $2, $4, $5, 2501, 'manual', 'raw')`,
        [org, ids.I1!.account_id, ids.P1!.id, ids.P2!.id, ids.I1!.id],
      ))).resolves.toEqual({ code: '23514', constraint: 'document_allocated_within_amount' });
      expect(await fixture.allocations('A')).toEqual([]);
    });

    it('keeps both organisations in step when one statement allocates in two (the trigger works per organisation)', async () => {
      const first = await ledger();
      const second = await ledger();
      await test.database.query(
        `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
         values ($1, $2, $3, $4, 1500, 'manual', 'raw'), ($5, $6, $7, $8, 2500, 'manual', 'raw')`,
        [first.org, first.ids.P1!.account_id, first.ids.P1!.id, first.ids.I1!.id, second.org, second.ids.P2!.account_id, second.ids.P2!.id, second.ids.I1!.id],
      );
      expect(await allocatedTotals(test.database, first.fixture.context)).toMatchObject({ I1: '1500', P1: '1500', P2: '0' });
      expect(await allocatedTotals(test.database, second.fixture.context)).toMatchObject({ I1: '2500', P1: '0', P2: '2500' });
      await expect(databaseRefusal(test.database.query(
        `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
         values ($1, $2, $3, $4, 100, 'manual', 'raw'), ($5, $6, $7, $8, 2501, 'manual', 'raw')`,
        [first.org, first.ids.P1!.account_id, first.ids.P1!.id, first.ids.I1!.id, second.org, second.ids.P1!.account_id, second.ids.P1!.id, second.ids.I1!.id],
      ))).resolves.toEqual({ code: '23514', constraint: 'document_allocated_within_amount' });
      await expectInvariants(test.database, first.org);
      await expectInvariants(test.database, second.org);
    });

    it('refuses an allocation of zero or less', async () => {
      const { insert } = await ledger();
      await expect(insert('P1', 'I1', 0n)).rejects.toMatchObject({ code: '23514' });
      await expect(insert('P1', 'I1', -100n)).rejects.toMatchObject({ code: '23514' });
    });

    it('refuses an allocation to a voided document (check document_void_has_no_allocation)', async () => {
      const { fixture, insert } = await ledger();
      await expect(databaseRefusal(insert('PV', 'I1', cents('1.00')))).resolves.toEqual({ code: '23514', constraint: 'document_void_has_no_allocation' });
      expect(await fixture.allocations('A')).toEqual([]);
    });

    it('refuses to void a document that still has allocations', async () => {
      const { fixture, ids, org } = await ledger();
      unwrap(await allocate(fixture.context, [{ creditExternalId: 'P1', debitExternalId: 'I1', amountMinor: 100n }]));
      await expect(databaseRefusal(test.database.query(`update document set voided_at = now(), voided_by = 'raw' where org_id = $1 and id = $2`, [org, ids.P1!.id])))
        .resolves.toEqual({ code: '23514', constraint: 'document_void_has_no_allocation' });
    });

    it('refuses to lower a document amount below what is allocated to it', async () => {
      const { fixture, ids, org } = await ledger();
      unwrap(await allocate(fixture.context, [{ creditExternalId: 'P1', debitExternalId: 'I1', amountMinor: cents('25.00') }]));
      await expect(databaseRefusal(test.database.query('update document set amount_minor = 2499 where org_id = $1 and id = $2', [org, ids.I1!.id])))
        .resolves.toEqual({ code: '23514', constraint: 'document_allocated_within_amount' });
    });

    it('refuses a cross-account allocation, whichever account the row claims (foreign key)', async () => {
      const { fixture, insert } = await ledger();
      await expect(insert('P1', 'I9', cents('1.00'))).rejects.toMatchObject({ code: '23503' });
      await expect(insert('P1', 'I9', cents('1.00'), { accountOf: 'I9' })).rejects.toMatchObject({ code: '23503' });
      await expect(insert('P9', 'I1', cents('1.00'))).rejects.toMatchObject({ code: '23503' });
      expect(await fixture.allocations('A')).toEqual([]);
      expect(await fixture.allocations('B')).toEqual([]);
    });

    it('refuses a cross-organisation allocation (foreign key)', async () => {
      const first = await ledger();
      const second = await ledger();
      await expect(test.database.query(
        `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by) values ($1, $2, $3, $4, 100, 'manual', 'raw')`,
        [first.org, first.ids.P1!.account_id, first.ids.P1!.id, second.ids.I1!.id],
      )).rejects.toMatchObject({ code: '23503' });
    });

    it('refuses an allocation on the wrong sides: a debit as credit, or a credit as debit (foreign key on side)', async () => {
      const { insert } = await ledger();
      await expect(insert('I1', 'P1', cents('1.00'), { accountOf: 'I1' })).rejects.toMatchObject({ code: '23503' });
      await expect(insert('P1', 'P2', cents('1.00'))).rejects.toMatchObject({ code: '23503' });
      await expect(insert('P1', 'INV-1', cents('1.00'))).rejects.toMatchObject({ code: '23503' });
    });

    it('refuses an auto allocation without its run, and a manual one with a run', async () => {
      const { insert } = await ledger();
      await expect(insert('P1', 'I1', 100n, { source: 'auto' })).rejects.toMatchObject({ code: '23514' });
      await expect(insert('P1', 'I1', 100n, { source: 'teleport' })).rejects.toMatchObject({ code: '23514' });
    });

    it('keeps the planner settings the allocation triggers change to themselves', async () => {
      const { org, insert } = await ledger();
      const [row] = await insert('P1', 'I1', cents('10.00'));
      const settings = await test.database.transaction(async (transaction) => {
        await transaction.query(`select set_config('enable_nestloop', 'off', true)`);
        await transaction.query(`update allocation set removed_at = now(), removed_by = 'raw', removal_reason = 'manual' where org_id = $1 and id = $2`, [org, row!.id]);
        const [afterRemoval] = await transaction.query<{ enable_nestloop: string }>('show enable_nestloop');
        await transaction.query(`select set_config('enable_nestloop', 'on', true)`);
        await transaction.query(`update allocation set removed_by = removed_by where org_id = $1 and id = $2`, [org, row!.id]);
        const [afterNoChange] = await transaction.query<{ enable_nestloop: string }>('show enable_nestloop');
        return [afterRemoval!.enable_nestloop, afterNoChange!.enable_nestloop];
      });
      expect(settings).toEqual(['off', 'on']);
    });

    it('refuses to delete an allocation, even a removed one: allocations are history', async () => {
      const { fixture, org, insert } = await ledger();
      const [row] = await insert('P1', 'I1', cents('10.00'));
      await expect(test.database.query('delete from allocation where org_id = $1 and id = $2', [org, row!.id]))
        .rejects.toMatchObject({ code: '23000', message: expect.stringContaining('cannot be deleted') });
      await test.database.query(`update allocation set removed_at = now(), removed_by = 'raw', removal_reason = 'manual' where org_id = $1 and id = $2`, [org, row!.id]);
      await expect(test.database.query('delete from allocation where org_id = $1', [org])).rejects.toMatchObject({ code: '23000' });
      const [count] = await test.database.query<{ count: bigint }>('select count(*) as count from allocation where org_id = $1', [org]);
      expect(count!.count).toBe(1n);
      expect(await allocatedTotals(test.database, fixture.context)).toMatchObject({ I1: '0', P1: '0' });
    });

    it("refuses to change an allocation's amount, documents or account, or to bring a removed one back", async () => {
      const { fixture, ids, org, insert } = await ledger();
      const [row] = await insert('P1', 'I1', cents('10.00'));
      const change = (set: string, params: unknown[] = []) => test.database.query(`update allocation set ${set} where org_id = $1 and id = $2`, [org, row!.id, ...params]);
      await expect(change('amount_minor = 500')).rejects.toMatchObject({ code: '23000', message: expect.stringContaining('immutable') });
      await expect(change('amount_minor = 1000 + 1')).rejects.toMatchObject({ code: '23000' });
      await expect(change('credit_id = $3', [ids.P2!.id])).rejects.toMatchObject({ code: '23000' });
      await expect(change(`source = 'import'`)).rejects.toMatchObject({ code: '23000' });
      expect(await allocatedTotals(test.database, fixture.context)).toMatchObject({ I1: '1000', P1: '1000', P2: '0' });
      await change(`removed_at = now(), removed_by = 'raw', removal_reason = 'manual'`);
      expect(await allocatedTotals(test.database, fixture.context)).toMatchObject({ I1: '0', P1: '0' });
      await expect(change('removed_at = null, removed_by = null, removal_reason = null')).rejects.toMatchObject({ code: '23000' });
      await expect(change(`removed_at = now() + interval '1 day'`)).rejects.toMatchObject({ code: '23000' });
      expect(await allocatedTotals(test.database, fixture.context)).toMatchObject({ I1: '0', P1: '0' });
      await expectInvariants(test.database, fixture.context.organisation.id);
    });

    it("refuses to rewrite an allocation's history: who made it, when, its run; once removed, who removed it and why", async () => {
      // ARCHITECTURE.md: "Allocations are never deleted or changed, only marked removed (history)."
      const { fixture, org, insert } = await ledger();
      const [row] = await insert('P1', 'I1', cents('10.00'));
      const change = (set: string) => test.database.query(`update allocation set ${set} where org_id = $1 and id = $2`, [org, row!.id]);
      await expect(change(`created_by = 'someone else'`)).rejects.toMatchObject({ code: '23000' });
      await expect(change(`created_at = timestamptz '2000-01-01 00:00:00+00'`)).rejects.toMatchObject({ code: '23000' });
      // Moving an auto allocation to another run would make undoing either run remove the wrong rows.
      const run = unwrap(await runAutoReconcile(fixture.context, { kind: 'all' }, { strategy: 'fifo', dryRun: false }));
      const emptyRun = unwrap(await runAutoReconcile(fixture.context, { kind: 'all' }, { strategy: 'fifo', dryRun: false }));
      expect(emptyRun.allocationsCount).toBe(0);
      await expect(test.database.query(`update allocation set run_id = (select id from reconciliation_run where org_id = $1 and number = $3)
        where org_id = $1 and run_id = (select id from reconciliation_run where org_id = $1 and number = $2)`, [org, run.runId, emptyRun.runId]))
        .rejects.toMatchObject({ code: '23000' });
      await change(`removed_at = now(), removed_by = 'raw', removal_reason = 'manual'`);
      await expect(change(`removed_by = 'someone else'`)).rejects.toMatchObject({ code: '23000' });
      await expect(change(`removal_reason = 'undo'`)).rejects.toMatchObject({ code: '23000' });
      const [stored] = await test.database.query<{ created_by: string; run_id: bigint | null; removed_by: string; removal_reason: string }>(
        'select created_by, run_id, removed_by, removal_reason from allocation where org_id = $1 and id = $2', [org, row!.id]);
      expect(stored).toEqual({ created_by: 'raw-sql', run_id: null, removed_by: 'raw', removal_reason: 'manual' });
    });

    it('refuses to truncate the allocation table (it would erase history and leave allocated totals wrong)', async () => {
      const { fixture, insert } = await ledger();
      await insert('P1', 'I1', cents('10.00'));
      await expect(test.database.query('truncate allocation')).rejects.toMatchObject({ code: '23000' });
      expect(await fixture.allocations('A')).toEqual(['P1>I1:1000']);
      await expectInvariants(test.database);
    });

    it("refuses to change the keys allocations refer to: a document's, its balance row's, an allocation's and a run's", async () => {
      const { fixture, ids, org, insert } = await ledger();
      const [row] = await insert('P1', 'I1', cents('10.00'));
      unwrap(await runAutoReconcile(fixture.context, { kind: 'all' }, { strategy: 'fifo', dryRun: false }));
      // A run nothing refers to yet (no batch, no allocation), so only the key check can refuse.
      const [run] = await test.database.query<{ id: bigint }>(
        `insert into reconciliation_run (org_id, scope, strategy, actor, status) values ($1, 'all', 'fifo', 'raw-sql', 'completed') returning id`, [org]);
      const otherOrganisation = unwrap(await createOrganisation(test.database, { slug: `other-${org}` }));
      const refusals = [
        ['update document set account_id = $3 where org_id = $1 and id = $2', [org, ids.P1!.id, ids.P9!.account_id]],
        [`update document_balance set side = 'debit' where org_id = $1 and document_id = $2`, [org, ids.P1!.id]],
        ['update document_balance set account_id = $3 where org_id = $1 and document_id = $2', [org, ids.P1!.id, ids.P9!.account_id]],
        ['update document_balance set document_id = document_id + 1000000 where org_id = $1 and document_id = $2', [org, ids.I1!.id]],
        ['update allocation set org_id = $3 where org_id = $1 and id = $2', [org, row!.id, otherOrganisation.id]],
        ['update reconciliation_run set org_id = $3 where org_id = $1 and id = $2', [org, run!.id, otherOrganisation.id]],
      ] as const;
      for (const [sql, params] of refusals) {
        // Citus refuses any change of a distribution column itself (0A000), before a trigger runs.
        const code = dialect.name === 'citus' && sql.includes('set org_id') ? '0A000' : '23000';
        await expect(test.database.query(sql, [...params]), sql).rejects.toMatchObject({ code });
      }
      // Setting a key to its own value changes nothing and is allowed.
      await test.database.query('update document_balance set account_id = account_id, allocated_minor = allocated_minor where org_id = $1', [org]);
      expect(await allocatedTotals(test.database, fixture.context)).toMatchObject({ I1: '5000', P1: '3000', P2: '2000' });
      await expectInvariants(test.database, org);
    });

    it('refuses a removal without who removed it and why', async () => {
      const { org, insert } = await ledger();
      const [row] = await insert('P1', 'I1', cents('10.00'));
      await expect(test.database.query('update allocation set removed_at = now() where org_id = $1 and id = $2', [org, row!.id])).rejects.toMatchObject({ code: '23514' });
    });
  });
}
