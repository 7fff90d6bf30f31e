import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/outcome.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { outcomeOf } from '../../src/services/context.ts';
import { voidPayment } from '../../src/services/ledger.ts';
import type { Database, SqlExecutor } from '../../src/storage/database.ts';
import { databaseInvariants, violatedInvariant, type DatabaseInvariant } from '../../src/storage/database-invariants.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { ledgerFixture } from '../support/ledger-fixture.ts';

/**
 * How Citus relays an error raised on a shard: without its `constraint` and `table` fields; and,
 * for an error met while it copies the rows of an INSERT … SELECT into the shards (a run's batch),
 * with SQLSTATE XX000 instead of its own.
 */
type Relay = 'fields stripped' | 'fields stripped, SQLSTATE XX000';

async function relayed<T>(relay: Relay, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (typeof error === 'object' && error !== null) {
      delete (error as { constraint?: string }).constraint;
      delete (error as { table?: string }).table;
      if (relay === 'fields stripped, SQLSTATE XX000') (error as { code?: string }).code = 'XX000';
    }
    throw error;
  }
}

function relayingExecutor(relay: Relay, executor: SqlExecutor): SqlExecutor {
  return {
    query: (sql, params) => relayed(relay, () => executor.query(sql, params)),
    executeScript: (sql) => relayed(relay, () => executor.executeScript(sql)),
  };
}

function relayingDatabase(relay: Relay, database: Database): Database {
  return {
    ...relayingExecutor(relay, database),
    dialect: database.dialect,
    transaction: (work) => relayed(relay, () => database.transaction((transaction) => work(relayingExecutor(relay, transaction)))),
    forHeavyWork: () => relayingDatabase(relay, database.forHeavyWork()),
    withLimits: (limits) => relayingDatabase(relay, database.withLimits(limits)),
    close: () => database.close(),
  };
}

const relays: readonly Relay[] = ['fields stripped', 'fields stripped, SQLSTATE XX000'];

/**
 * The database's invariant refusals are recognised by SQLSTATE and the constraint named in the
 * message alone (src/storage/database-invariants.ts), so the services give the same refusal codes
 * on a Citus cluster, which forwards neither the `constraint` nor the `table` field of an error
 * raised on a shard, and gives SQLSTATE XX000 to one met while copying rows into a shard. Each
 * invariant is broken by raw SQL through a database that relays its errors so.
 */
for (const dialect of dialects) {
  describe(`database refusals recognised without the constraint field on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    /** A: I1 50.00, P1 payment 30.00, PV voided payment 10.00; B: I9 20.00. */
    async function ledger(relay: Relay) {
      const fixture = await ledgerFixture(test.database);
      await fixture.account('A');
      await fixture.account('B');
      await fixture.invoice('INV-1', 'A', '2026-01-10', [['I1', '50.00']]);
      await fixture.receipt('P1', 'A', '2026-01-10', 'payment', '30.00');
      await fixture.receipt('PV', 'A', '2026-01-10', 'payment', '10.00');
      unwrap(await voidPayment(fixture.context, 'PV'));
      await fixture.invoice('INV-9', 'B', '2026-01-10', [['I9', '20.00']]);
      const rows = await test.database.query<{ external_id: string; id: bigint; account_id: bigint }>(
        'select external_id, id, account_id from document where org_id = $1', [fixture.context.organisation.id]);
      const ids = Object.fromEntries(rows.map((row) => [row.external_id, row]));
      const database = relayingDatabase(relay, test.database);
      const insert = (credit: string, debit: string, amountMinor: bigint, runId: bigint | null = null) =>
        database.query(
          `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, run_id, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, 'raw-sql')`,
          [fixture.context.organisation.id, ids[credit]!.account_id, ids[credit]!.id, ids[debit]!.id, amountMinor, runId === null ? 'manual' : 'auto', runId],
        );
      /** Removes the organisation's only owner (made at the first call). */
      const removeOnlyOwner = async () => {
        const organisationId = fixture.context.organisation.id;
        let [owner] = await test.database.query<{ user_id: bigint }>(`select user_id from membership where org_id = $1 and role = 'owner'`, [organisationId]);
        if (!owner) {
          const [user] = await test.database.query<{ id: bigint }>(`insert into app_user (email, password_hash) values ($1, 'not a hash') returning id`, [`only-owner-${organisationId}@example.org`]);
          await test.database.query(`insert into membership (org_id, user_id, role) values ($1, $2, 'owner')`, [organisationId, user!.id]);
          owner = { user_id: user!.id };
        }
        return database.query('delete from membership where org_id = $1 and user_id = $2', [organisationId, owner.user_id]);
      };
      // 1,001 credits of the largest amount: past the account's bound (accountTotalMinorMax), by raw SQL past the writers' own check.
      const insertHugeCredit = () =>
        database.query(
          `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor)
           select $1, $2, 'credit', 'credit', 'HUGE-' || n, '2026-01-10', 1000000000000000 from generate_series(1, 1001) n`,
          [fixture.context.organisation.id, ids.P1!.account_id],
        );
      return { insert, removeOnlyOwner, insertHugeCredit };
    }

    /** For each invariant: a statement breaking it, and the refusal code a service gives for it (if any). */
    const breaking: Record<DatabaseInvariant, { statement: (broken: Awaited<ReturnType<typeof ledger>>) => Promise<unknown>; refusalCode: string | null }> = {
      allocatedWithinAmount: { statement: (broken) => broken.insert('P1', 'I1', 3001n), refusalCode: 'allocation_exceeds_remaining' },
      voidHasNoAllocation: { statement: (broken) => broken.insert('PV', 'I1', 100n), refusalCode: 'document_is_void' },
      accountTotalWithinLimit: { statement: (broken) => broken.insertHugeCredit(), refusalCode: 'account_total_is_too_large' },
      allocationCreditKey: { statement: (broken) => broken.insert('I1', 'I1', 100n), refusalCode: null },
      allocationDebitKey: { statement: (broken) => broken.insert('P1', 'I9', 100n), refusalCode: null },
      allocationRunKey: { statement: (broken) => broken.insert('P1', 'I1', 100n, 999_999_999n), refusalCode: null },
      organisationKeepsAnOwner: { statement: (broken) => broken.removeOnlyOwner(), refusalCode: 'last_owner_cannot_leave' },
    };

    it('covers every invariant the database refuses by name', () => {
      expect(Object.keys(breaking).sort()).toEqual(Object.keys(databaseInvariants).sort());
    });

    for (const relay of relays) {
      for (const [invariant, { statement, refusalCode }] of Object.entries(breaking) as [DatabaseInvariant, (typeof breaking)[DatabaseInvariant]][]) {
        it(`recognises ${invariant}${refusalCode ? ` and refuses with ${refusalCode}` : ''} (${relay})`, async () => {
          const broken = await ledger(relay);
          const error = await statement(broken).then(() => null, (caught: unknown) => caught);
          // On a real cluster an error met while copying rows into a shard (here: the account totals a
          // multi-row insert updates) already arrives as XX000, whatever the relay adds.
          const codes = relay === 'fields stripped' ? [databaseInvariants[invariant].sqlState, ...(dialect.name === 'citus' ? ['XX000'] : [])] : ['XX000'];
          expect(codes).toContain((error as { code?: string } | null)?.code);
          expect(error).not.toHaveProperty('constraint');
          expect(violatedInvariant(error)).toBe(invariant);
          if (refusalCode !== null) {
            const outcome: Outcome<unknown> = await outcomeOf(() => statement(broken));
            expect(outcome).toMatchObject({ ok: false, refusal: { code: refusalCode } });
          }
        });
      }
    }
  });
}
