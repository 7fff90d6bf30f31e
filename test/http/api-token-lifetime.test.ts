import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { createApiToken } from '../../src/services/access/api-tokens.ts';
import { addUser } from '../../src/services/access/users.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

for (const dialect of dialects) {
  describe(`API tokens and their creator on ${dialect.name}`, () => {
    let test: TestDatabase;
    let fixture: HttpFixture;
    beforeAll(async () => {
      test = await dialect.open();
      fixture = await httpFixture(test.database);
    });
    afterAll(async () => {
      await fixture.app.close();
      await test.drop();
    });

    const asToken = (token: string, method: 'GET' | 'POST', path: string, body?: unknown) => fixture.request(method, path, body, { headers: { authorization: `Bearer ${token}` } });

    it("acts with at most its creator's current role, and dies with the creator's membership", async () => {
      const admin = unwrap(await addUser(test.database, fixture.organisation.id, { email: 'admin-of-tokens@example.org', password: 'a long enough password', role: 'admin' })).user;
      const adminToken = unwrap(await createApiToken(test.database, fixture.organisation.id, { name: 'admin script', role: 'admin' }, { actor: admin.email, userId: admin.id })).token;
      const minted = await asToken(adminToken, 'POST', '/tokens', { name: 'minted by a token', role: 'admin' });
      expect(minted.statusCode).toBe(201);
      const mintedToken = minted.json().token as string;

      expect((await fixture.request('PATCH', `/users/${admin.id}`, { role: 'viewer' })).statusCode).toBe(200);
      for (const token of [adminToken, mintedToken]) {
        const refused = await asToken(token, 'POST', '/tokens', { name: 'after demotion', role: 'admin' });
        expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'permission_denied']);
        expect((await asToken(token, 'GET', '/accounts')).statusCode).toBe(200);
      }

      expect((await fixture.request('DELETE', `/users/${admin.id}`)).statusCode).toBe(204);
      for (const token of [adminToken, mintedToken]) {
        const refused = await asToken(token, 'GET', '/accounts');
        expect([refused.statusCode, refused.json().error.code]).toEqual([401, 'not_signed_in']);
      }
      // Coming back does not bring the tokens back: they were revoked with the membership.
      unwrap(await addUser(test.database, fixture.organisation.id, { email: admin.email, password: 'a long enough password', role: 'admin' }));
      expect((await asToken(adminToken, 'GET', '/accounts')).statusCode).toBe(401);
      const listed = (await fixture.request('GET', '/tokens')).json().tokens as { name: string; revoked_at: string | null }[];
      expect(listed.filter((token) => ['admin script', 'minted by a token'].includes(token.name)).map((token) => token.revoked_at !== null)).toEqual([true, true]);
    });
  });
}
