import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionRolledBack } from '../../src/storage/database.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { lintSchema } from '../support/schema-lint.ts';

/**
 * The schema stays fit for distribution by organisation on Citus (docs/scale-out.md): the lint
 * (test/support/schema-lint.ts) reads the migrated schema's catalogue and finds nothing, and it
 * does find a deliberately bad key and a deliberately bad trigger statement, naming the table and
 * the statement. The bad schema is made inside a transaction that is rolled back.
 */
for (const dialect of dialects) {
  describe(`schema lint on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('finds nothing in the migrated schema', async () => {
      expect(await lintSchema(test.database)).toEqual([]);
    });

    it('names a table whose keys do not lead with org_id, pair a foreign key otherwise, or use a 32-bit identity', async () => {
      const findings = await transactionRolledBack(test.database, async (transaction) => {
        await transaction.executeScript(`
          create table lint_probe (
            org_id bigint not null,
            id integer generated always as identity primary key,
            external_id text not null unique,
            run_id bigint,
            foreign key (run_id, org_id) references reconciliation_run (org_id, id));
          create table lint_probe_without_organisation (id bigint primary key)`);
        return lintSchema(transaction);
      });
      expect(findings).toEqual([
        { table: 'lint_probe_without_organisation', problem: 'has no org_id and no placement in src/storage/table-placement.ts (reference, distributed by its own key, or local)' },
        { table: 'lint_probe', problem: 'unique lint_probe_external_id_key (external_id) does not lead with org_id, which the table is distributed by' },
        { table: 'lint_probe', problem: 'primary key lint_probe_pkey (id) does not lead with org_id, which the table is distributed by' },
        { table: 'lint_probe', problem: 'foreign key lint_probe_run_id_org_id_fkey (run_id, org_id) → reconciliation_run (org_id, id) is not paired through org_id (org_id to org_id)' },
        { table: 'lint_probe', problem: 'identity column id is integer, not bigint' },
      ]);
    });

    it('names a trigger statement that reads a transition table together with another table, and SQL it cannot read', async () => {
      const findings = await transactionRolledBack(test.database, async (transaction) => {
        await transaction.executeScript(`
          create table lint_probe (org_id bigint not null, id bigint not null, document_id bigint not null, amount_minor bigint not null, primary key (org_id, id));
          create function lint_probe_after_insert() returns trigger language plpgsql as $$
          declare
            total bigint;
          begin
            -- Alone: allowed.
            total := (select sum(amount_minor) from inserted_probe);
            update document_balance b set allocated_minor = b.allocated_minor + p.amount_minor
            from inserted_probe p where b.org_id = p.org_id and b.document_id = p.document_id;
            execute $sql$ select 1 from inserted_probe p join (select 1 from account) a on true $sql$;
            execute 'select count(*) from ' || 'inserted_probe';
            return null;
          end $$;
          create trigger lint_probe_after_insert after insert on lint_probe referencing new table as inserted_probe
            for each statement execute function lint_probe_after_insert()`);
        return lintSchema(transaction);
      });
      expect(findings).toEqual([
        {
          table: 'lint_probe',
          problem: 'trigger lint_probe_after_insert (lint_probe_after_insert, line 7) reads the transition table inserted_probe together with document_balance: '
            + 'update document_balance b set allocated_minor = b.allocated_minor + p.amount_minor from inserted_probe p where b.org_id = p.org_id and b.document_id = p.document_id',
        },
        {
          table: 'lint_probe',
          problem: 'trigger lint_probe_after_insert (lint_probe_after_insert, line 9) reads the transition table inserted_probe together with account: '
            + '$sql$ select 1 from inserted_probe p join (select 1 from account) a on true $sql$',
        },
        {
          table: 'lint_probe',
          problem: "trigger lint_probe_after_insert (lint_probe_after_insert, line 10) executes SQL built at run time, which the lint cannot read: 'select count(*) from ' || 'inserted_probe'",
        },
      ]);
    });
  });
}
