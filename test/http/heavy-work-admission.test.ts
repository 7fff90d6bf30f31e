import pg from 'pg';
import type { Response } from 'light-my-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heavyWorkConcurrentMax, heavyWorkPerOrganisationMax } from '../../src/core/limits.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { addUser } from '../../src/services/access/users.ts';
import { createApiToken } from '../../src/services/access/api-tokens.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { serverDialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/** Polls until `probe` holds (the database reached the state the test waits for). */
async function eventually(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * One organisation saturates the server with previews (held inside the database on a lock, so the
 * test decides when they end); the extra heavy requests are refused with 429 at once, and
 * another organisation's interactive requests still get a connection and finish first.
 */
for (const server of serverDialects.filter((candidate) => candidate.name === 'postgres')) {
  describe(`heavy work admission on ${server.name}`, () => {
    let test: TestDatabase & { url: string };
    let http: HttpFixture;
    let blocker: pg.Client;
    // Apart from the blocker: pg_stat_activity is a snapshot taken once per transaction.
    let watcher: pg.Client;
    const tokens: Record<'second' | 'third', { slug: string; token: string }> = {} as never;
    beforeAll(async () => {
      test = await server.open();
      http = await httpFixture(test.database);
      for (const name of ['second', 'third'] as const) {
        const slug = `${name}-${http.organisation.slug}`;
        const organisation = unwrap(await createOrganisation(test.database, { slug }));
        const owner = unwrap(await addUser(test.database, organisation.id, { email: `owner@${slug}.example.org`, password: 'a long enough password', role: 'owner' })).user;
        tokens[name] = { slug, token: unwrap(await createApiToken(test.database, organisation.id, { name: 'owner', role: 'owner' }, { actor: owner.email, userId: owner.id })).token };
      }
      blocker = new pg.Client({ connectionString: test.url });
      await blocker.connect();
      watcher = new pg.Client({ connectionString: test.url });
      await watcher.connect();
      expect((await http.request('POST', '/accounts', { account_id: 'A1', owner_name: 'Marie Tremblay' })).statusCode).toBe(201);
      expect((await as('second', 'POST', '/accounts', { account_id: 'B1', owner_name: 'Jean Roy' })).statusCode).toBe(201);
      // Something for the previews to plan, in both organisations.
      expect((await http.request('POST', '/invoices', { invoice_id: 'INV-1', account_id: 'A1', date: '2026-09-01', items: [{ item_id: 'I1', amount: '40.00' }] })).statusCode).toBe(201);
      expect((await http.request('POST', '/receipts', { receipt_id: 'P1', account_id: 'A1', date: '2026-09-02', kind: 'payment', amount: '25.00' })).statusCode).toBe(201);
      expect((await as('second', 'POST', '/invoices', { invoice_id: 'INV-2', account_id: 'B1', date: '2026-09-01', items: [{ item_id: 'I2', amount: '40.00' }] })).statusCode).toBe(201);
      expect((await as('second', 'POST', '/receipts', { receipt_id: 'P2', account_id: 'B1', date: '2026-09-02', kind: 'payment', amount: '25.00' })).statusCode).toBe(201);
    });
    afterAll(async () => {
      await blocker.end();
      await watcher.end();
      await http.app.close();
      await test.drop();
    });

    const as = (name: 'second' | 'third', method: 'GET' | 'POST', path: string, body?: unknown) =>
      http.app.inject({
        method,
        url: `/api/v1/orgs/${tokens[name].slug}${path}`,
        headers: { authorization: `Bearer ${tokens[name].token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      });
    const preview = { scope: { all: true }, dry_run: true };
    const waitingOnLock = async () => {
      return Number((await watcher.query("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'")).rows[0].n);
    };

    it('refuses heavy work past the bounds with 429 and Retry-After, and interactive requests of another organisation still finish', async () => {
      // Previews write their run and planned allocations in a transaction they roll back: hold the tables.
      await blocker.query('begin');
      await blocker.query('lock table reconciliation_run, allocation in share mode');
      const settled = new Set<Promise<Response>>();
      // inject() gives a thenable that sends the request once; a real Promise is tracked.
      const track = (answer: PromiseLike<Response>) => {
        const tracked: Promise<Response> = Promise.resolve(answer).then((response) => {
          settled.add(tracked);
          return response;
        });
        return tracked;
      };
      const firstPreviews = Array.from({ length: 12 }, () => track(http.request('POST', '/runs', preview)));
      await eventually(async () => (await waitingOnLock()) >= heavyWorkPerOrganisationMax);
      // The rest of the twelve are refused at once; none of them reaches the database.
      const tooMany = await Promise.race([
        Promise.all(firstPreviews).then(() => 'all answered' as const),
        (async () => {
          await eventually(async () => settled.size >= 12 - heavyWorkPerOrganisationMax || (await waitingOnLock()) > heavyWorkPerOrganisationMax);
          return (await waitingOnLock()) > heavyWorkPerOrganisationMax ? ('more previews ran at once than the bound' as const) : ('refused' as const);
        })(),
      ]);
      expect(tooMany).toBe('refused');
      const refused = await Promise.all(firstPreviews.filter((answer) => settled.has(answer)));
      expect(refused).toHaveLength(12 - heavyWorkPerOrganisationMax);
      for (const answer of refused) {
        expect(answer.statusCode).toBe(429);
        expect(answer.json().error.code).toBe('heavy_work_limit_reached');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      }

      // A second organisation fills the server's bound; a third one's export is refused.
      const secondPreviews = Array.from({ length: heavyWorkConcurrentMax - heavyWorkPerOrganisationMax }, () => track(as('second', 'POST', '/runs', preview)));
      await eventually(async () => (await waitingOnLock()) >= heavyWorkConcurrentMax);
      const export429 = await as('third', 'GET', '/exports/accounts');
      expect(export429.statusCode).toBe(429);
      expect(export429.json().error.code).toBe('heavy_work_limit_reached');

      // Every heavy connection is taken and waiting: interactive requests still get theirs.
      const lists = await Promise.all(Array.from({ length: 12 }, () => as('second', 'GET', '/accounts')));
      expect(lists.map((answer) => answer.statusCode)).toEqual(Array(12).fill(200));
      expect(lists[0]!.json().accounts.map((account: { account_id: string }) => account.account_id)).toEqual(['B1']);
      const held = [...firstPreviews, ...secondPreviews].filter((answer) => !settled.has(answer));
      expect(held).toHaveLength(heavyWorkConcurrentMax);

      await blocker.query('rollback');
      for (const answer of await Promise.all(held)) expect(answer.statusCode).toBe(200);
      // The admissions were returned: heavy work is admitted again.
      expect((await http.request('POST', '/runs', preview)).statusCode).toBe(200);
      expect((await as('third', 'GET', '/exports/accounts')).statusCode).toBe(200);
    });
  });
}
