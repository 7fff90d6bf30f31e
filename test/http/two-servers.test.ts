import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { createApiToken } from '../../src/services/access/api-tokens.ts';
import { addUser } from '../../src/services/access/users.ts';
import { serverDialects, type TestDatabase } from '../support/dialects.ts';
import { expectInvariants } from '../support/ledger-database.ts';
import { ledgerFixture } from '../support/ledger-fixture.ts';
import { randomSource } from '../support/random-source.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

const seed = process.env.CONCURRENCY_SEED ? Number(process.env.CONCURRENCY_SEED) : Date.now() % 2_147_483_647;
console.log(`two-servers: random seed ${seed}`);

const requestsCount = 120;
/** Refusals a manual allocation may meet when another request took the remainder first. */
const raceRefusals = ['exceeds_credit_remaining', 'exceeds_debit_remaining', 'allocation_exceeds_remaining'];

/**
 * Stateless app servers: two `tally serve` processes on one database (PostgreSQL, or a Citus
 * coordinator with its workers) take allocation requests on the same few documents at once, asking
 * for more than there is. Every request ends in success or a clear refusal, never a 500, and the
 * database's invariants hold afterwards (nothing over-allocated, totals equal their allocations).
 */
for (const server of serverDialects) {
  describe(`two app servers allocating at once on ${server.name}`, () => {
    let test: TestDatabase & { url: string };
    const servers: ServerProcess[] = [];
    beforeAll(async () => {
      test = await server.open(4);
    });
    afterAll(async () => {
      for (const running of servers) running.child.kill('SIGKILL');
      await test.drop();
    });

    it(`${requestsCount} concurrent allocations through two servers: successes and clear refusals only, invariants hold`, async () => {
      const random = randomSource(seed);
      const fixture = await ledgerFixture(test.database);
      const accounts = ['A', 'B', 'C'];
      for (const account of accounts) {
        await fixture.account(account);
        await fixture.invoice(`${account}-INV1`, account, '2026-02-10', [[`${account}-I1`, '50.00'], [`${account}-I2`, '50.00']]);
        await fixture.invoice(`${account}-INV2`, account, '2026-02-11', [[`${account}-I3`, '50.00'], [`${account}-I4`, '50.00']]);
        for (const payment of ['P1', 'P2', 'P3']) await fixture.receipt(`${account}-${payment}`, account, '2026-02-12', 'payment', '60.00');
      }
      const member = unwrap(await addUser(test.database, fixture.context.organisation.id, { email: 'two-servers@example.org', password: 'a long enough password', role: 'accountant' })).user;
      const { token } = unwrap(await createApiToken(test.database, fixture.context.organisation.id, { name: 'two servers', role: 'accountant' }, { actor: member.email, userId: member.id }));
      servers.push(...(await Promise.all([startServerProcess(test.url), startServerProcess(test.url)])));

      const requests = Array.from({ length: requestsCount }, (_, index) => {
        const account = accounts[random(accounts.length)]!;
        return {
          server: servers[index % 2]!,
          line: { receipt_id: `${account}-P${1 + random(3)}`, target_id: `${account}-I${1 + random(4)}`, amount: `${5 + random(21)}.00` },
        };
      });
      const responses = await Promise.all(requests.map(async ({ server: target, line }) => {
        const response = await fetch(`${target.url}/api/v1/orgs/${fixture.context.organisation.slug}/allocations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ lines: [line] }),
        });
        const body = (await response.json()) as { error?: { code: string } };
        return { server: target.url, status: response.status, code: body.error?.code ?? null };
      }));

      const unexpected = responses.filter((response) => !(response.status < 300 || (response.status === 409 && raceRefusals.includes(response.code!))));
      expect(unexpected).toEqual([]);
      const succeeded = responses.filter((response) => response.status < 300);
      // Each server allocated, and the requests asked for more than there was: some were refused.
      expect(new Set(succeeded.map((response) => response.server)).size).toBe(2);
      expect(succeeded.length).toBeLessThan(requestsCount);
      await expectInvariants(test.database, fixture.context.organisation.id);
      const [total] = await test.database.query<{ allocated: bigint }>(
        `select coalesce(sum(amount_minor), 0)::bigint as allocated from allocation where org_id = $1 and removed_at is null`, [fixture.context.organisation.id]);
      // Nine payments of 60.00 against twelve items of 50.00: at most 540.00 can be allocated.
      expect(total!.allocated).toBeLessThanOrEqual(54_000n);
      expect(total!.allocated).toBeGreaterThan(0n);
    }, 300_000);
  });
}

if (serverDialects.length === 0) describe.skip('two app servers allocating at once (needs TEST_DATABASE_URL or TEST_CITUS_URL)', () => it('is skipped: no database server was given', () => {}));
