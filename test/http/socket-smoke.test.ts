import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createOwner } from '../../src/http/server.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { unwrap } from '../../src/core/outcome.ts';

/** The real server on a real socket: sign in with a cookie, CSRF on writes, rate limit, sign out. */
describe('server over a listening socket (PGlite in memory)', () => {
  let server: RunningServer;
  let base: string;
  const password = 'a long enough password';
  beforeAll(async () => {
    server = await startServer(
      { port: 0, host: '127.0.0.1', database: { dataDirectory: 'memory' }, adminEmail: 'x@example.org', adminPassword: undefined, secureCookies: false, jobLeaseMs: 30_000, runBatchAccounts: 100, logLevel: 'warn' },
      async (database) => {
        const organisation = unwrap(await createOrganisation(database, { slug: 'smoke' }));
        await createOwner(database, organisation.id, 'owner@example.org', password);
        return null;
      },
    );
    const address = server.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers health, signs in with a cookie, requires the CSRF token on writes and on signing out, and signs out', async () => {
    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ status: 'ok', database: 'pglite' });
    const signIn = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'Owner@Example.org', password }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/tally_session=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const session = (await signIn.json()) as { csrf_token: string; organisations: { slug: string; role: string }[] };
    expect(session.organisations).toEqual([{ slug: 'smoke', name: 'smoke', role: 'owner' }]);
    const sessionCookie = cookie.split(';')[0]!;
    const list = await fetch(`${base}/api/v1/orgs/smoke/accounts`, { headers: { cookie: sessionCookie } });
    expect(list.status).toBe(200);
    const body = JSON.stringify({ account_id: 'A-1', owner_name: 'Owner' });
    const withoutCsrf = await fetch(`${base}/api/v1/orgs/smoke/accounts`, { method: 'POST', headers: { cookie: sessionCookie, 'content-type': 'application/json' }, body });
    expect(withoutCsrf.status).toBe(403);
    expect(((await withoutCsrf.json()) as { error: { code: string } }).error.code).toBe('csrf_token_invalid');
    const withCsrf = await fetch(`${base}/api/v1/orgs/smoke/accounts`, { method: 'POST', headers: { cookie: sessionCookie, 'content-type': 'application/json', 'x-csrf-token': session.csrf_token }, body });
    expect(withCsrf.status).toBe(201);
    const signOutWithoutCsrf = await fetch(`${base}/api/v1/session`, { method: 'DELETE', headers: { cookie: sessionCookie } });
    expect([signOutWithoutCsrf.status, ((await signOutWithoutCsrf.json()) as { error: { code: string } }).error.code]).toEqual([403, 'csrf_token_invalid']);
    expect((await fetch(`${base}/api/v1/orgs/smoke/accounts`, { headers: { cookie: sessionCookie } })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/session`, { method: 'DELETE', headers: { cookie: sessionCookie, 'x-csrf-token': session.csrf_token } })).status).toBe(204);
    expect((await fetch(`${base}/api/v1/orgs/smoke/accounts`, { headers: { cookie: sessionCookie } })).status).toBe(401);
  });

  it('rate-limits sign-in attempts for one address and email', async () => {
    const attempt = () => fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'someone-else@example.org', password: 'wrong password!' }) });
    const statuses: number[] = [];
    for (let index = 0; index < 11; index += 1) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
  });
});
