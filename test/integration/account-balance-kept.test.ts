import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCalendarDate } from '../../src/core/calendar-date.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { generateOrganisation } from '../../src/generate/generate-organisation.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { checkout, createReceipt, createRefund, voidPayment } from '../../src/services/ledger.ts';
import { findOrganisation } from '../../src/services/organisations.ts';
import { listAccounts } from '../../src/storage/account-list-sql.ts';
import type { SqlExecutor } from '../../src/storage/database.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';

/** Each account's kept balance beside the balance summed from its documents, by account id. */
async function keptAndSummed(executor: SqlExecutor, organisationId: bigint): Promise<{ accountId: string; kept: bigint; summed: bigint }[]> {
  const rows = await executor.query<{ external_id: string; kept: bigint; summed: bigint }>(
    `select a.external_id, a.balance_minor as kept,
            (select coalesce(sum(case d.side when 'debit' then d.amount_minor when 'credit' then -d.amount_minor else 0 end), 0)::bigint
             from document d where d.org_id = a.org_id and d.account_id = a.id and d.voided_at is null) as summed
     from account a where a.org_id = $1 order by a.external_id`,
    [organisationId],
  );
  return rows.map((row) => ({ accountId: row.external_id, kept: BigInt(row.kept), summed: BigInt(row.summed) }));
}

const date = (text: string) => unwrap(parseCalendarDate(text));

for (const dialect of dialects) {
  describe(`each account's kept balance on ${dialect.name}`, () => {
    let test: TestDatabase;
    let context: TallyContext;
    beforeAll(async () => {
      test = await dialect.open();
      unwrap(await generateOrganisation(test.database, { slug: 'kept', accountsCount: 60, seed: 20261130, actor: 'test' }));
      context = { database: test.database, organisation: unwrap(await findOrganisation(test.database, 'kept')), actor: 'test' };
    });
    afterAll(async () => {
      await test.drop();
    });

    it('equals the sum of its documents after a bulk write, a checkout, a payment, a refund and a void', async () => {
      const afterGenerate = await keptAndSummed(test.database, context.organisation.id);
      expect(afterGenerate.filter((row) => row.kept !== 0n).length).toBeGreaterThan(10);
      expect(afterGenerate.filter((row) => row.kept !== row.summed)).toEqual([]);

      const [first, second] = afterGenerate;
      unwrap(
        await checkout(context, { invoiceId: 'KEPT-INV', accountId: first!.accountId, date: date('2026-11-02') }, [{ itemId: 'KEPT-I1', description: 'Swim', ledgerCode: 'GL-1', amountMinor: 12_000n, participantId: null, rl24Eligible: false }], [
          { receiptId: 'KEPT-P1', date: date('2026-11-02'), method: 'card', amountMinor: 12_000n, scheduled: false },
        ]),
      );
      unwrap(await createReceipt(context, { receiptId: 'KEPT-P2', accountId: second!.accountId, date: date('2026-11-03'), kind: 'payment', amountMinor: 4_550n, method: 'cash', reference: '', scheduled: false }));
      unwrap(await createRefund(context, { refundId: 'KEPT-R1', accountId: second!.accountId, date: date('2026-11-04'), amountMinor: 1_000n, method: 'cheque', reference: '' }));
      const secondBefore = (await keptAndSummed(test.database, context.organisation.id)).find((row) => row.accountId === second!.accountId)!;
      expect(secondBefore.kept).toBe(second!.kept - 4_550n + 1_000n);
      unwrap(await voidPayment(context, 'KEPT-P2'));

      const afterWrites = await keptAndSummed(test.database, context.organisation.id);
      expect(afterWrites.filter((row) => row.kept !== row.summed)).toEqual([]);
      expect(afterWrites.find((row) => row.accountId === first!.accountId)!.kept).toBe(first!.kept);
      expect(afterWrites.find((row) => row.accountId === second!.accountId)!.kept).toBe(second!.kept + 1_000n);
    });

    it('orders the accounts list by it, largest first and smallest first, ties by name', async () => {
      const balances = await keptAndSummed(test.database, context.organisation.id);
      const owners = await test.database.query<{ external_id: string; owner_name: string }>('select external_id, owner_name from account where org_id = $1', [context.organisation.id]);
      const nameOf = new Map(owners.map((row) => [row.external_id, row.owner_name]));
      const collator = new Intl.Collator('und');
      const byBalance = (direction: 1 | -1) =>
        [...balances]
          .sort((a, b) => (a.summed === b.summed ? collator.compare(nameOf.get(a.accountId)!, nameOf.get(b.accountId)!) || (a.accountId < b.accountId ? -1 : 1) : a.summed < b.summed ? -direction : direction))
          .map((row) => `${row.accountId} ${row.summed}`);
      for (const [sort, direction] of [['balance_desc', -1], ['balance', 1]] as const) {
        const listed: string[] = [];
        for (let page = 1; page <= 3; page += 1) {
          const { accounts, total } = await listAccounts(test.database, context.organisation.id, {}, { sort, page, pageSize: 25 });
          expect(total).toBe(60);
          listed.push(...accounts.map((account) => `${account.accountId} ${account.balanceMinor}`));
        }
        expect([sort, listed]).toEqual([sort, byBalance(direction)]);
      }
    });
  });
}
