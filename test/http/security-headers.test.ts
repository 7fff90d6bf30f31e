import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

const pglite = dialects.find((dialect) => dialect.name === 'pglite');

/** Headers are the same whatever the engine: checked on PGlite. The browser test checks the page passes the policy. */
describe.skipIf(!pglite)('security headers', () => {
  let test: TestDatabase;
  let http: HttpFixture;
  beforeAll(async () => {
    test = await pglite!.open();
    http = await httpFixture(test.database);
  });
  afterAll(async () => {
    await http.app.close();
    await test.drop();
  });

  const expectHardened = (headers: Record<string, unknown>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    const policy = String(headers['content-security-policy']);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
  };

  it('sends them on API answers, refusals and unknown routes alike', async () => {
    expectHardened((await http.request('GET', '/accounts')).headers);
    expectHardened((await http.app.inject({ method: 'GET', url: `/api/v1/orgs/${http.organisation.slug}/accounts` })).headers);
    expectHardened((await http.app.inject({ method: 'GET', url: '/api/v1/nowhere' })).headers);
    const page = (await http.request('GET', '/accounts')).headers['content-security-policy'];
    expect(page).toContain("style-src 'self';");
  });

  it('gives the API docs their own policy: inline styles for swagger-ui, never inline scripts', async () => {
    const docs = await http.app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBe(200);
    expectHardened(docs.headers);
    expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
  });
});
