import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type TallyApp } from '../../src/http/app.ts';
import { signInAttemptsMax, signInAttemptsPerAddressMax } from '../../src/http/http-limits.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { addUser } from '../../src/services/access/users.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

for (const dialect of dialects) {
  describe(`sign-in limits on ${dialect.name}`, () => {
    let test: TestDatabase;
    let fixture: HttpFixture;
    let app: TallyApp;
    beforeAll(async () => {
      test = await dialect.open();
      fixture = await httpFixture(test.database);
      // The limits as shipped (the fixture's app raises them for other tests).
      app = await buildApp({ database: test.database });
    });
    afterAll(async () => {
      await app.close();
      await fixture.app.close();
      await test.drop();
    });

    const signIn = (email: string, password: string, remoteAddress: string) =>
      app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password }) });

    it('counts every spelling of one email against one limit, from any address', async () => {
      const email = fixture.ownerEmail;
      const spellings = [` ${email}`, `${email}\u200b`, `\ufeff${email.toUpperCase()}`, `\u00a0${email}\t`, `\u2060${email}`];
      const statuses: number[] = [];
      for (let index = 0; index < signInAttemptsMax; index += 1) statuses.push((await signIn(spellings[index % spellings.length]!, 'a wrong password!', `10.0.0.${index + 1}`)).statusCode);
      expect(statuses).toEqual(Array(signInAttemptsMax).fill(401));
      // Even the right password in yet another spelling from a fresh address waits now.
      const limited = await signIn(`  ${email.toUpperCase()}\u200c `, fixture.ownerPassword, '10.0.1.1');
      expect([limited.statusCode, limited.json().error.code]).toEqual([429, 'too_many_requests']);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('limits one client address across many emails (password spraying)', async () => {
      const statuses: number[] = [];
      for (let index = 0; index < signInAttemptsPerAddressMax; index += 1) statuses.push((await signIn(`sprayed-${index}@example.org`, 'Summer2026!', '10.9.9.9')).statusCode);
      expect(statuses).toEqual(Array(signInAttemptsPerAddressMax).fill(401));
      const limited = await signIn('yet-another@example.org', 'Summer2026!', '10.9.9.9');
      expect([limited.statusCode, limited.json().error.code]).toEqual([429, 'too_many_requests']);
      // Another address is not held back by it.
      expect((await signIn('yet-another@example.org', 'Summer2026!', '10.9.9.10')).statusCode).toBe(401);
    });

    it('counts failures only: a member signing in correctly again and again is never held back', async () => {
      const member = { email: 'often-signs-in@example.org', password: 'a long enough password' };
      unwrap(await addUser(test.database, fixture.organisation.id, { ...member, role: 'viewer' }));
      const statuses: number[] = [];
      for (let index = 0; index < signInAttemptsMax + 5; index += 1) statuses.push((await signIn(member.email, member.password, '10.7.7.7')).statusCode);
      expect(statuses).toEqual(Array(signInAttemptsMax + 5).fill(200));
    });

    it('signs in with a spelling of the email that has spaces and invisible characters around it', async () => {
      const response = await fixture.app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: `\u200b ${fixture.ownerEmail.toUpperCase()} \ufeff`, password: fixture.ownerPassword }) });
      expect([response.statusCode, response.json().email]).toEqual([200, fixture.ownerEmail]);
    });
  });
}
