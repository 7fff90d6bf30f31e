import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

for (const dialect of dialects) {
  describe(`invitations on ${dialect.name}`, () => {
    let test: TestDatabase;
    let mine: HttpFixture;
    let theirs: HttpFixture;
    beforeAll(async () => {
      test = await dialect.open();
      mine = await httpFixture(test.database);
      theirs = await httpFixture(test.database);
    });
    afterAll(async () => {
      await mine.app.close();
      await theirs.app.close();
      await test.drop();
    });

    const publicPost = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      mine.app.inject({ method: 'POST', url: `/api/v1${path}`, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
    const signIn = async (email: string, password: string) => {
      const response = await publicPost('/session', { email, password });
      expect(response.statusCode).toBe(200);
      const cookie = response.cookies.find((entry) => entry.name === 'tally_session')!;
      return { cookie: `tally_session=${cookie.value}`, csrf: response.json().csrf_token as string };
    };
    /** What an owner learns from inviting: the answer without what differs by nature (ids, times, the secret). */
    const shapeOf = (response: Awaited<ReturnType<HttpFixture['request']>>) => {
      const { invitation_id: _id, created_at: _created, expires_at: _expires, token, ...rest } = response.json();
      return { status: response.statusCode, rest, token: typeof token, keys: Object.keys(response.json()).sort() };
    };

    it("answers the same whether or not the email has an account, and never touches another organisation's user", async () => {
      const [passwordHashBefore] = await test.database.query<{ password_hash: string }>('select password_hash from app_user where email = $1', [theirs.ownerEmail]);
      const existing = await mine.request('POST', '/invitations', { email: theirs.ownerEmail.toUpperCase(), role: 'viewer' });
      const unknown = await mine.request('POST', '/invitations', { email: 'nobody-yet@example.org', role: 'viewer' });
      expect(shapeOf(existing)).toEqual({ ...shapeOf(unknown), rest: { ...shapeOf(unknown).rest, email: theirs.ownerEmail } });
      expect(existing.statusCode).toBe(201);
      // No password is asked for, so none can be guessed; the route refuses one.
      const withPassword = await mine.request('POST', '/invitations', { email: theirs.ownerEmail, role: 'viewer', password: 'a guess at their password' });
      expect([withPassword.statusCode, withPassword.json().error.code]).toEqual([400, 'request_is_invalid']);
      const [passwordHashAfter] = await test.database.query<{ password_hash: string }>('select password_hash from app_user where email = $1', [theirs.ownerEmail]);
      expect(passwordHashAfter).toEqual(passwordHashBefore);
      // Nobody joined: the invitations wait.
      expect((await mine.request('GET', '/users')).json().users.map((user: { email: string }) => user.email)).toEqual([mine.ownerEmail]);
      expect((await mine.request('GET', '/invitations')).json().invitations.map((invitation: { email: string }) => invitation.email).sort()).toEqual(['nobody-yet@example.org', theirs.ownerEmail].sort());
      // The old route that checked passwords is gone.
      expect((await mine.request('POST', '/users', { email: theirs.ownerEmail, password: 'a guess at their password', role: 'viewer' })).statusCode).toBe(404);
    });

    it('is accepted by the invited user once signed in, with the CSRF token, and only by them', async () => {
      const invited = (await mine.request('POST', '/invitations', { email: theirs.ownerEmail, role: 'accountant' })).json();
      const details = await publicPost('/invitations/lookup', { token: invited.token });
      expect(details.json()).toMatchObject({ organisation_slug: mine.organisation.slug, email: theirs.ownerEmail, role: 'accountant' });
      const someoneElse = await signIn(mine.ownerEmail, mine.ownerPassword);
      const wrongUser = await publicPost('/invitations/accept', { token: invited.token }, { cookie: someoneElse.cookie, 'x-csrf-token': someoneElse.csrf });
      expect([wrongUser.statusCode, wrongUser.json().error.code]).toEqual([403, 'invitation_is_for_another_email']);
      const invitee = await signIn(theirs.ownerEmail, theirs.ownerPassword);
      const withoutCsrf = await publicPost('/invitations/accept', { token: invited.token }, { cookie: invitee.cookie });
      expect([withoutCsrf.statusCode, withoutCsrf.json().error.code]).toEqual([403, 'csrf_token_invalid']);
      const accepted = await publicPost('/invitations/accept', { token: invited.token }, { cookie: invitee.cookie, 'x-csrf-token': invitee.csrf });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json().organisations.map((organisation: { slug: string; role: string }) => `${organisation.slug}:${organisation.role}`).sort()).toEqual([`${mine.organisation.slug}:accountant`, `${theirs.organisation.slug}:owner`].sort());
      const again = await publicPost('/invitations/accept', { token: invited.token }, { cookie: invitee.cookie, 'x-csrf-token': invitee.csrf });
      expect([again.statusCode, again.json().error.code]).toEqual([404, 'invitation_not_found']);
    });

    it("creates the account of an email that has none, with the name and password chosen then, and never an existing user's", async () => {
      const invited = (await mine.request('POST', '/invitations', { email: 'new-member@example.org', role: 'viewer' })).json();
      const common = await publicPost('/invitations/accept', { token: invited.token, name: 'New Member', password: 'password123' });
      expect([common.statusCode, common.json().error.code]).toEqual([400, 'password_is_too_common']);
      const created = await publicPost('/invitations/accept', { token: invited.token, name: 'New Member', password: 'a fresh long password' });
      expect([created.statusCode, created.json().email]).toEqual([201, 'new-member@example.org']);
      expect(created.cookies.some((cookie) => cookie.name === 'tally_session')).toBe(true);
      await signIn('new-member@example.org', 'a fresh long password');

      const toExisting = (await mine.request('POST', '/invitations', { email: theirs.ownerEmail, role: 'viewer' })).json();
      const takeover = await publicPost('/invitations/accept', { token: toExisting.token, name: 'Not them', password: 'an attacker password' });
      expect([takeover.statusCode, takeover.json().error.code]).toEqual([409, 'invitation_needs_sign_in']);
      expect((await publicPost('/session', { email: theirs.ownerEmail, password: 'an attacker password' })).statusCode).toBe(401);
    });

    it('can be revoked, and expires', async () => {
      const revoked = (await mine.request('POST', '/invitations', { email: 'revoked@example.org', role: 'viewer' })).json();
      expect((await mine.request('DELETE', `/invitations/${revoked.invitation_id}`)).statusCode).toBe(204);
      expect((await publicPost('/invitations/lookup', { token: revoked.token })).json().error.code).toBe('invitation_not_found');
      const expired = (await mine.request('POST', '/invitations', { email: 'expired@example.org', role: 'viewer' })).json();
      await test.database.query(`update invitation set expires_at = now() - interval '1 second' where org_id = $1 and id = $2`, [mine.organisation.id, expired.invitation_id]);
      expect((await publicPost('/invitations/accept', { token: expired.token, name: 'Late', password: 'a fresh long password' })).json().error.code).toBe('invitation_not_found');
      expect((await mine.request('GET', '/invitations')).json().invitations.map((invitation: { email: string }) => invitation.email)).not.toContain('expired@example.org');
    });

    it('cannot invite someone stronger than the inviter', async () => {
      const refused = await mine.request('POST', '/invitations', { email: 'boss@example.org', role: 'owner' }, { role: 'admin' });
      expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'permission_denied']);
    });
  });
}

for (const dialect of dialects) {
  describe(`secrets shown once on ${dialect.name}`, () => {
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

    it('are never kept in the database to replay an idempotent request (tokens, invitation links)', async () => {
      const token = await fixture.request('POST', '/tokens', { name: 'kept nowhere', role: 'viewer' }, { headers: { 'idempotency-key': 'token-once' } });
      const invitation = await fixture.request('POST', '/invitations', { email: 'kept-nowhere@example.org', role: 'viewer' }, { headers: { 'idempotency-key': 'invitation-once' } });
      expect([token.statusCode, invitation.statusCode]).toEqual([201, 201]);
      const stored = await test.database.query<{ response_body: string | null }>('select response_body from idempotency_key where org_id = $1', [fixture.organisation.id]);
      for (const secret of [token.json().token as string, invitation.json().token as string]) expect(stored.filter((row) => row.response_body?.includes(secret))).toEqual([]);
    });
  });
}
