import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverDialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/** Polls until `probe` returns a value (the database reached the state the test waits for). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const server of serverDialects.filter((candidate) => candidate.name === 'postgres')) {
  describe(`a dropped database connection on ${server.name}`, () => {
    let test: TestDatabase & { url: string };
    let http: HttpFixture;
    let blocker: pg.Client;
    beforeAll(async () => {
      test = await server.open();
      http = await httpFixture(test.database);
      blocker = new pg.Client({ connectionString: test.url });
      await blocker.connect();
      expect((await http.request('POST', '/accounts', { account_id: 'A1', owner_name: 'Marie Tremblay' })).statusCode).toBe(201);
    });
    afterAll(async () => {
      await blocker.end();
      await http.app.close();
      await test.drop();
    });

    it('answers 503 database_unavailable with Retry-After when the backend is terminated mid-transaction, and the next request works', async () => {
      // Hold the document table so that the request's transaction waits inside it, then terminate
      // that backend the way an administrator, a failover or a restart of PostgreSQL would.
      await blocker.query('begin');
      await blocker.query('lock table document in share mode');
      const pending = http.request('POST', '/receipts', { receipt_id: 'P1', account_id: 'A1', date: '2026-09-01', kind: 'payment', amount: '10.00' });
      const waitingPid = await eventually(async () => {
        const rows = (await blocker.query<{ pid: number }>(
          "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'",
        )).rows;
        return rows[0]?.pid;
      });
      await blocker.query('select pg_terminate_backend($1)', [waitingPid]);
      await blocker.query('rollback');
      const answer = await pending;
      expect(answer.statusCode).toBe(503);
      expect(answer.json().error.code).toBe('database_unavailable');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      // The process lives on and the pool hands out working connections again.
      const retried = await http.request('POST', '/receipts', { receipt_id: 'P1', account_id: 'A1', date: '2026-09-01', kind: 'payment', amount: '10.00' });
      expect(retried.statusCode).toBe(201);
    });

    it('survives connections terminated while idle in the pool and while checked out between statements', async () => {
      // Every connection of this database but the blocker's, whatever it is doing.
      await blocker.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
      const list = await http.request('GET', '/accounts');
      expect([200, 503]).toContain(list.statusCode);
      expect((await http.request('GET', '/accounts')).statusCode).toBe(200);
    });
  });
}
