import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleGrants, rolePermissions, roles } from '../../src/core/permissions.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { createApiToken } from '../../src/services/access/api-tokens.ts';
import { permissionDocsPath, renderPermissionDocs } from '../../scripts/permission-docs.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/**
 * One valid-looking request per guarded route, using ids that exist in organisation A. The
 * tenancy test replays them from organisation B, where every one of those ids must be unknown.
 * Every guarded route must appear here: a new route without a sample fails the coverage test.
 */
const sampleRequests: Record<string, { path: string; body?: unknown }> = {
  'GET /accounts': { path: '/accounts?search=A-1' },
  'POST /accounts': { path: '/accounts', body: { account_id: 'A-1', owner_name: 'Changed owner' } },
  'GET /accounts/:account': { path: '/accounts/A-1' },
  'POST /accounts/:account/participants': { path: '/accounts/A-1/participants', body: { participant_id: 'K-1', name: 'Child' } },
  'POST /accounts/:account/balance-payments': { path: '/accounts/A-1/balance-payments', body: { receipt_id: 'BP-1', date: '2026-10-01', amount: '20.00' } },
  'POST /invoices': { path: '/invoices', body: { invoice_id: 'INV-2', account_id: 'A-1', date: '2026-10-01', items: [{ item_id: 'I-9', amount: '5.00' }] } },
  'POST /receipts': { path: '/receipts', body: { receipt_id: 'R-9', account_id: 'A-1', date: '2026-10-01', kind: 'payment', amount: '5.00' } },
  'POST /refunds': { path: '/refunds', body: { refund_id: 'RF-9', account_id: 'A-1', date: '2026-10-01', amount: '5.00' } },
  'POST /receipts/:receipt/collect': { path: '/receipts/S-1/collect', body: { collected_on: '2026-10-01' } },
  'POST /receipts/:receipt/void': { path: '/receipts/P-1/void' },
  'POST /checkouts': { path: '/checkouts', body: { invoice_id: 'INV-3', account_id: 'A-1', date: '2026-10-01', items: [{ item_id: 'I-10', amount: '5.00' }], payments: [] } },
  'POST /allocations': { path: '/allocations', body: { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '1.00' }] } },
  'DELETE /allocations/:allocation': { path: '/allocations/{allocation}' },
  'GET /unreconciled': { path: '/unreconciled' },
  'GET /audit': { path: '/audit?account_id=A-1' },
  'GET /unreconciled.csv': { path: '/unreconciled.csv' },
  'GET /audit.csv': { path: '/audit.csv?account_id=A-1' },
  'GET /reports/collections': { path: '/reports/collections?from=2026-01-01&to=2026-12-31' },
  'GET /reports/rl24': { path: '/reports/rl24?year=2026' },
  'GET /reports/rl24/blockers': { path: '/reports/rl24/blockers?year=2026' },
  'GET /settings': { path: '/settings' },
  'PATCH /settings': { path: '/settings', body: { reconciliation_enabled: true } },
  'GET /users': { path: '/users' },
  'POST /users': { path: '/users', body: { email: 'someone@example.org', password: 'long enough password', role: 'viewer' } },
  'PATCH /users/:user': { path: '/users/{user}', body: { role: 'viewer' } },
  'DELETE /users/:user': { path: '/users/{user}' },
  'GET /tokens': { path: '/tokens' },
  'POST /tokens': { path: '/tokens', body: { name: 'script', role: 'viewer' } },
  'DELETE /tokens/:token': { path: '/tokens/{token}' },
  'GET /roles': { path: '/roles' },
  'POST /imports': { path: '/imports', body: { accounts: 'not a multipart upload' } },
  'GET /exports/:table': { path: '/exports/accounts' },
  'POST /runs': { path: '/runs', body: { scope: { account_ids: ['A-1'] }, dry_run: true } },
  'GET /runs': { path: '/runs' },
  'GET /runs/:run': { path: '/runs/{run}' },
  'GET /runs/:run/allocations': { path: '/runs/{run}/allocations' },
  'GET /runs/:run/accounts': { path: '/runs/{run}/accounts' },
  'POST /runs/:run/cancel': { path: '/runs/{run}/cancel' },
  'POST /runs/:run/undo': { path: '/runs/{run}/undo' },
};

const routeKey = (method: string, url: string) => `${method} ${url.replace(/^\/api\/v1\/orgs\/:org/, '')}`;

for (const dialect of dialects) {
  describe(`access control on ${dialect.name}`, () => {
    let test: TestDatabase;
    let organisationA: HttpFixture;
    let organisationB: HttpFixture;
    const idsOfA: Record<string, string> = {};

    beforeAll(async () => {
      test = await dialect.open();
      organisationA = await httpFixture(test.database);
      organisationB = await httpFixture(test.database);
      await organisationA.request('POST', '/accounts', { account_id: 'A-1', owner_name: 'Owner A' });
      await organisationA.request('POST', '/invoices', { invoice_id: 'INV-1', account_id: 'A-1', date: '2026-09-01', items: [{ item_id: 'I-1', amount: '50.00' }] });
      await organisationA.request('POST', '/receipts', { receipt_id: 'P-1', account_id: 'A-1', date: '2026-09-01', kind: 'payment', amount: '30.00' });
      await organisationA.request('POST', '/receipts', { receipt_id: 'S-1', account_id: 'A-1', date: '2026-12-01', kind: 'payment', amount: '5.00', scheduled: true });
      const allocated = await organisationA.request('POST', '/allocations', { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '10.00' }] });
      idsOfA.allocation = allocated.json().allocation_ids[0];
      idsOfA.user = (await organisationA.request('GET', '/users')).json().users[0].user_id;
      idsOfA.run = (await organisationA.request('POST', '/runs', { scope: { all: true } })).json().run_id;
      idsOfA.token = unwrap(await createApiToken(test.database, organisationA.organisation.id, { name: 'spare', role: 'viewer' }, 'test')).view.id.toString();
    });
    afterAll(async () => {
      await organisationA.app.close();
      await organisationB.app.close();
      await test.drop();
    });

    const samplePath = (sample: { path: string }) => sample.path.replace(/\{(\w+)\}/g, (_match, name: string) => idsOfA[name]!);

    it('has a sample request for every guarded route', () => {
      const keys = organisationA.app.guardedRoutes.map((route) => routeKey(route.method, route.url));
      expect(keys.filter((key) => !(key in sampleRequests))).toEqual([]);
      expect(Object.keys(sampleRequests).filter((key) => !keys.includes(key))).toEqual([]);
    });

    it('docs/permissions.md matches the routes and roles (run npm run docs:generate)', () => {
      expect(readFileSync(permissionDocsPath, 'utf8')).toBe(renderPermissionDocs(organisationA.app.guardedRoutes));
    });

    it('lists the roles, strongest first, with the permissions the matrix grants, to every member', async () => {
      const expected = { roles: roles.map((role) => ({ role, permissions: [...rolePermissions[role]] })) };
      expect(expected.roles.map((entry) => entry.role)).toEqual(['owner', 'admin', 'accountant', 'viewer']);
      for (const role of roles) expect((await organisationA.request('GET', '/roles', undefined, { role })).json()).toEqual(expected);
    });

    it('answers 404 on every route to a member of another organisation', async () => {
      for (const route of organisationA.app.guardedRoutes) {
        const sample = sampleRequests[routeKey(route.method, route.url)]!;
        const response = await organisationB.request(route.method as 'GET', `/api/v1/orgs/${organisationA.organisation.slug}${samplePath(sample)}`, sample.body);
        expect([routeKey(route.method, route.url), response.statusCode, response.json().error?.code]).toEqual([routeKey(route.method, route.url), 404, 'organisation_not_found']);
      }
    });

    it("never reveals or changes organisation A's data through organisation B's routes with A's ids", async () => {
      const before = (await organisationA.request('GET', '/accounts/A-1')).body;
      for (const route of organisationB.app.guardedRoutes) {
        const sample = sampleRequests[routeKey(route.method, route.url)]!;
        const response = await organisationB.request(route.method as 'GET', samplePath(sample), sample.body);
        const key = routeKey(route.method, route.url);
        // Routes that name an id of A answer 404; the rest act on B alone and never show A's data.
        if (response.statusCode < 400) {
          expect([key, response.body.includes('Owner A'), response.body.includes('I-1')]).toEqual([key, false, false]);
        } else expect([key, response.statusCode]).toEqual([key, [400, 404, 409, 415].includes(response.statusCode) ? response.statusCode : 'unexpected']);
      }
      expect((await organisationA.request('GET', '/accounts/A-1')).body).toBe(before);
    });

    it('grants each role exactly the permissions of the matrix on every route', async () => {
      for (const route of organisationB.app.guardedRoutes) {
        const sample = sampleRequests[routeKey(route.method, route.url)]!;
        for (const role of roles) {
          const response = await organisationB.request(route.method as 'GET', samplePath(sample), sample.body, { role });
          const allowed = roleGrants(role, route.permission);
          expect([routeKey(route.method, route.url), role, response.statusCode === 403 && response.json().error.code === 'permission_denied']).toEqual([routeKey(route.method, route.url), role, !allowed]);
        }
      }
    });
  });
}
