import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type TallyApp } from '../../src/http/app.ts';
import { serverDialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/** Polls until `probe` holds (the database reached the state the test waits for). */
async function eventually(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * No statement outlives its request: one that runs past the request's bound is stopped
 * (503 request_took_too_long), and one whose client went away is cancelled in the database.
 * PostgreSQL only: PGlite runs each statement to its end (docs/security.md).
 */
for (const server of serverDialects.filter((candidate) => candidate.name === 'postgres')) {
  describe(`request bounds on ${server.name}`, () => {
    let test: TestDatabase & { url: string };
    let http: HttpFixture;
    let bounded: TallyApp;
    let blocker: pg.Client;
    let watcher: pg.Client;
    beforeAll(async () => {
      test = await server.open();
      http = await httpFixture(test.database);
      // The same database and tokens, with a short bound so that the test need not wait 30 s.
      bounded = await buildApp({ database: test.database, requestStatementTimeoutMs: 300 });
      blocker = new pg.Client({ connectionString: test.url });
      await blocker.connect();
      // Apart from the blocker: pg_stat_activity is a snapshot taken once per transaction.
      watcher = new pg.Client({ connectionString: test.url });
      await watcher.connect();
      expect((await http.request('POST', '/accounts', { account_id: 'A1', owner_name: 'Marie Tremblay' })).statusCode).toBe(201);
    });
    afterAll(async () => {
      await blocker.end();
      await watcher.end();
      await bounded.close();
      await http.app.close();
      await test.drop();
    });

    const receipt = (id: string) => ({ receipt_id: id, account_id: 'A1', date: '2026-09-01', kind: 'payment', amount: '10.00' });
    const waitingOnLock = async () =>
      Number((await watcher.query("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rows[0].n);
    const receiptIds = async () => (await watcher.query("select external_id from document where kind = 'payment' order by 1")).rows.map((row) => row.external_id as string);

    it('stops a statement that runs past the request bound: 503 request_took_too_long, nothing written', async () => {
      await blocker.query('begin');
      await blocker.query('lock table document in share mode');
      try {
        const answer = await bounded.inject({
          method: 'POST',
          url: `/api/v1/orgs/${http.organisation.slug}/receipts`,
          headers: { authorization: `Bearer ${http.tokens.owner}`, 'content-type': 'application/json' },
          payload: JSON.stringify(receipt('P-TIMEOUT')),
        });
        expect(answer.statusCode).toBe(503);
        expect(answer.json().error.code).toBe('request_took_too_long');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await blocker.query('rollback');
      }
      expect(await receiptIds()).not.toContain('P-TIMEOUT');
    });

    it('cancels the statement of a request whose client went away, and writes nothing', async () => {
      const address = await http.app.listen({ port: 0, host: '127.0.0.1' });
      await blocker.query('begin');
      await blocker.query('lock table document in share mode');
      try {
        const body = JSON.stringify(receipt('P-GONE'));
        const request = httpRequest(`${address}/api/v1/orgs/${http.organisation.slug}/receipts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${http.tokens.owner}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        });
        request.on('error', () => {});
        request.end(body);
        await eventually(async () => (await waitingOnLock()) === 1);
        // The client gives up; the statement it started must not wait on in the database.
        request.destroy();
        await eventually(async () => (await waitingOnLock()) === 0);
      } finally {
        await blocker.query('rollback');
      }
      expect(await receiptIds()).not.toContain('P-GONE');
      // The server goes on answering.
      expect((await http.request('POST', '/receipts', receipt('P-AFTER'))).statusCode).toBe(201);
    });
  });
}
