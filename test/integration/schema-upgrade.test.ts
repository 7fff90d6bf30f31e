import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { allocate, removeAllocation } from '../../src/services/ledger.ts';
import { runAutoReconcile, undoRun } from '../../src/services/auto-reconcile.ts';
import { findOrganisation } from '../../src/services/organisations.ts';
import { listMigrations, migrate } from '../../src/storage/migrate.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { expectInvariants } from '../support/ledger-database.ts';

/**
 * A database written by an earlier version keeps its reconciliation when upgraded: the schema of
 * 2026-11-21 (migrations 0001 to 0006, running totals on `document`) is filled with raw rows in
 * that schema's own terms, then `migrate` brings it up to date, and the totals, the invariants and
 * the engine work on what was there.
 */
const lastMigrationOf20261121 = '0006_resumable_runs';

for (const dialect of dialects) {
  describe(`upgrading a database from the schema of 2026-11-21 on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open({ schema: false });
    });
    afterAll(async () => {
      await test?.drop();
    });

    it('keeps every running total and lets the engine allocate, remove, run and undo on the old rows', async () => {
      const { database } = test;
      const migrations = listMigrations();
      const cut = migrations.findIndex((migration) => migration.name === lastMigrationOf20261121);
      expect(cut).toBeGreaterThan(0);
      await database.executeScript('create table schema_migration (name text primary key, applied_at timestamptz not null default now())');
      for (const migration of migrations.slice(0, cut + 1)) {
        await database.transaction(async (transaction) => {
          await transaction.executeScript(migration.sql);
          await transaction.query('insert into schema_migration (name) values ($1)', [migration.name]);
        });
      }

      // Rows as the old version wrote them: an invoice of two items, two payments, one allocation
      // active (its total raised by the old trigger on document) and one removed.
      await database.transaction(async (transaction) => {
        await transaction.query(`insert into organisation (slug, name, currency, minor_digits) values ('legacy', 'Legacy', 'CAD', 2)`);
        await transaction.query(`insert into account (org_id, external_id, owner_name) select id, 'A', 'Ada' from organisation`);
        await transaction.query(
          `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor)
           select o.id, a.id, 'invoice', 'none', 'INV-1', '2026-01-10', 0 from organisation o join account a on a.org_id = o.id`,
        );
        await transaction.query(
          `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor, invoice_id, position)
           select i.org_id, i.account_id, 'item', 'debit', 'I' || n, i.date, 5000, i.id, n
           from document i cross join generate_series(1, 2) n where i.external_id = 'INV-1'`,
        );
        await transaction.query(
          `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor, method)
           select i.org_id, i.account_id, 'payment', 'credit', 'P' || n, date '2026-01-10' + n, 3000, 'card'
           from document i cross join generate_series(1, 2) n where i.external_id = 'INV-1'`,
        );
        await transaction.query(
          `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
           select c.org_id, c.account_id, c.id, d.id, amount, 'manual', 'old version'
           from (values ('P1', 'I1', 2000), ('P2', 'I2', 1000)) pair (credit, debit, amount)
           join document c on c.external_id = pair.credit join document d on d.external_id = pair.debit`,
        );
        await transaction.query(`update allocation set removed_at = now(), removed_by = 'old version', removal_reason = 'manual' where amount_minor = 1000`);
      });
      const before = await database.query<{ external_id: string; allocated_minor: bigint }>('select external_id, allocated_minor from document order by external_id');
      expect(before.map((row) => `${row.external_id}:${row.allocated_minor}`)).toEqual(['I1:2000', 'I2:0', 'INV-1:0', 'P1:2000', 'P2:0']);

      const applied = await migrate(database);
      expect(applied[0]).toBe(migrations[cut + 1]!.name);
      expect(applied.at(-1)).toBe(migrations.at(-1)!.name);
      const balances = await database.query<{ external_id: string; allocated_minor: bigint }>(
        'select d.external_id, b.allocated_minor from document d join document_balance b on b.org_id = d.org_id and b.document_id = d.id order by d.external_id',
      );
      expect(balances.map((row) => `${row.external_id}:${row.allocated_minor}`)).toEqual(['I1:2000', 'I2:0', 'INV-1:0', 'P1:2000', 'P2:0']);
      const organisation = unwrap(await findOrganisation(database, 'legacy'));
      await expectInvariants(database, organisation.id);

      const context = { database, organisation, actor: 'test' };
      const [made] = unwrap(await allocate(context, [{ creditExternalId: 'P2', debitExternalId: 'I2', amountMinor: 500n }])).allocationIds;
      unwrap(await removeAllocation(context, made!));
      const run = unwrap(await runAutoReconcile(context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
      // P1 has 10.00 left and P2 30.00: 30.00 to I1 (oldest first), then 10.00 to I2.
      expect(run.allocatedMinor).toBe(4000n);
      await expectInvariants(database, organisation.id);
      unwrap(await undoRun(context, run.runId!));
      await expectInvariants(database, organisation.id);
    });
  });
}
