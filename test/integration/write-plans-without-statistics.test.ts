import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverDialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/**
 * The write path stays index-driven on a database whose statistics were never gathered (a fresh
 * organisation before autovacuum's first ANALYZE): the allocation trigger finds each document
 * balance by its primary key, not by its account and a filter over all the account's documents
 * (which made a checkout of 1,000 items on a 10,000-item account take 5 s instead of 0.5 s, and
 * grow with the square of the account). The plan is read with auto_explain, which reports the
 * statements a trigger runs; PostgreSQL only (PGlite plans alike, but has no auto_explain).
 */
for (const server of serverDialects.filter((candidate) => candidate.name === 'postgres')) {
  describe(`write plans without statistics on ${server.name}`, () => {
    let test: TestDatabase & { url: string };
    let http: HttpFixture;
    let session: pg.Client;
    const plans: string[] = [];
    beforeAll(async () => {
      test = await server.open();
      session = new pg.Client({ connectionString: test.url });
      await session.connect();
      for (const table of ['document', 'document_balance', 'allocation']) await session.query(`alter table ${table} set (autovacuum_enabled = false)`);
      http = await httpFixture(test.database);
      expect((await http.request('POST', '/accounts', { account_id: 'A1', owner_name: 'Marie Tremblay' })).statusCode).toBe(201);
      for (let invoice = 0; invoice < 3; invoice += 1) {
        const items = Array.from({ length: 1_000 }, (_, item) => ({ item_id: `I-${invoice}-${item}`, amount: '10.00' }));
        expect((await http.request('POST', '/invoices', { invoice_id: `INV-${invoice}`, account_id: 'A1', date: '2026-09-01', items })).statusCode).toBe(201);
      }
      expect((await http.request('POST', '/receipts', { receipt_id: 'P1', account_id: 'A1', date: '2026-09-02', kind: 'payment', amount: '20.00' })).statusCode).toBe(201);
      await session.query("load 'auto_explain'");
      for (const setting of ['auto_explain.log_min_duration = 0', 'auto_explain.log_nested_statements = on', "auto_explain.log_level = 'notice'"]) await session.query(`set ${setting}`);
      session.on('notice', (notice) => plans.push(String(notice.message)));
    });
    afterAll(async () => {
      await session.end();
      await http.app.close();
      await test.drop();
    });

    it('finds each document balance by its primary key when an allocation is written', async () => {
      const [never] = (await session.query("select last_analyze, last_autoanalyze from pg_stat_user_tables where relname = 'document_balance'")).rows;
      expect(never).toEqual({ last_analyze: null, last_autoanalyze: null });
      await session.query('begin');
      try {
        await session.query(
          `insert into allocation (org_id, account_id, credit_id, debit_id, amount_minor, source, created_by)
           select credit.org_id, credit.account_id, credit.id, debit.id, 1000, 'manual', 'test'
           from document credit join document debit on debit.org_id = credit.org_id and debit.external_id in ('I-0-500', 'I-2-999')
           where credit.external_id = 'P1'`,
        );
      } finally {
        await session.query('rollback');
      }
      const update = plans.find((plan) => plan.includes('update document_balance b set allocated_minor = b.allocated_minor + delta.amount_minor'));
      expect(update, plans.join('\n\n')).toBeDefined();
      expect(update).toContain('document_balance_pkey');
      expect(update).not.toContain('document_balance_account');
    });
  });
}
