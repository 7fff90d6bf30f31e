import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkAbortedError } from '../../src/storage/database.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';

/** The bounds a piece of work puts on the database (Database.withLimits), on each engine. */
for (const dialect of dialects) {
  describe(`database work limits on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('stops work whose signal aborted at its next statement, inside a transaction or not, and rolls it back', async () => {
      await test.database.executeScript('create table work_limit_probe (value integer)');
      const controller = new AbortController();
      const bounded = test.database.withLimits({ signal: controller.signal });
      const attempt = bounded.transaction(async (transaction) => {
        await transaction.query('insert into work_limit_probe values (1)');
        controller.abort();
        await transaction.query('insert into work_limit_probe values (2)');
      });
      await expect(attempt).rejects.toBeInstanceOf(WorkAbortedError);
      await expect(bounded.query('select 1')).rejects.toBeInstanceOf(WorkAbortedError);
      expect(await test.database.query('select value from work_limit_probe')).toEqual([]);
      // The heavy-work view keeps the limits it was given.
      await expect(bounded.forHeavyWork().query('select 1')).rejects.toBeInstanceOf(WorkAbortedError);
    });

    it.skipIf(dialect.name === 'pglite')('sets each bounded transaction\'s statement_timeout, and leaves unbounded work to the server\'s setting', async () => {
      const [bounded] = await test.database.withLimits({ statementTimeoutMs: 1234 }).transaction((transaction) => transaction.query<{ statement_timeout: string }>('show statement_timeout'));
      expect(bounded!.statement_timeout).toBe('1234ms');
      const [single] = await test.database.forHeavyWork().withLimits({ statementTimeoutMs: 4321 }).query<{ statement_timeout: string }>('show statement_timeout');
      expect(single!.statement_timeout).toBe('4321ms');
      const [unbounded] = await test.database.query<{ statement_timeout: string }>('show statement_timeout');
      expect(unbounded!.statement_timeout).toBe('0');
    });
  });
}
