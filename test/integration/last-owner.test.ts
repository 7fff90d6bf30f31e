import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { addUser, changeRole, listMembers } from '../../src/services/access/users.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { dialects, serverDialects, type TestDatabase } from '../support/dialects.ts';

let sequence = 0;

async function organisationWithOwners(test: TestDatabase, ownersCount: number) {
  sequence += 1;
  const organisation = unwrap(await createOrganisation(test.database, { slug: `owners-${sequence}-${process.pid}` }));
  const owners = [];
  for (let index = 0; index < ownersCount; index += 1) {
    owners.push(unwrap(await addUser(test.database, organisation.id, { email: `owner-${index}-${organisation.slug}@example.org`, password: 'a long enough password', role: 'owner' })).user);
  }
  return { organisation, owners };
}

const ownersOf = async (test: TestDatabase, organisationId: bigint) => (await listMembers(test.database, organisationId)).filter((member) => member.role === 'owner').map((member) => member.email);

for (const dialect of dialects) {
  describe(`the last owner on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('cannot leave by being added again with a weaker role', async () => {
      const { organisation, owners } = await organisationWithOwners(test, 1);
      const outcome = await addUser(test.database, organisation.id, { email: owners[0]!.email, password: 'a long enough password', role: 'viewer' });
      expect(outcome).toMatchObject({ ok: false, refusal: { code: 'last_owner_cannot_leave' } });
      expect(await ownersOf(test, organisation.id)).toEqual([owners[0]!.email]);
    });

    it('cannot leave by a role change or a removal, and can once another owner stays', async () => {
      const { organisation, owners } = await organisationWithOwners(test, 1);
      expect(await changeRole(test.database, organisation.id, owners[0]!.id, 'admin')).toMatchObject({ ok: false, refusal: { code: 'last_owner_cannot_leave' } });
      expect(await changeRole(test.database, organisation.id, owners[0]!.id, null)).toMatchObject({ ok: false, refusal: { code: 'last_owner_cannot_leave' } });
      const second = unwrap(await addUser(test.database, organisation.id, { email: `second-${organisation.slug}@example.org`, password: 'a long enough password', role: 'owner' })).user;
      unwrap(await changeRole(test.database, organisation.id, owners[0]!.id, null));
      expect(await ownersOf(test, organisation.id)).toEqual([second.email]);
    });

    it('is kept by the database itself, whatever statement tries', async () => {
      const { organisation } = await organisationWithOwners(test, 2);
      const refused = await test.database.query(`update membership set role = 'viewer' where org_id = $1`, [organisation.id]).then(() => null, (error: unknown) => error);
      expect(refused).toMatchObject({ code: '23514' });
      expect(String((refused as Error).message)).toContain('membership_keeps_an_owner');
      const deleted = await test.database.query('delete from membership where org_id = $1', [organisation.id]).then(() => null, (error: unknown) => error);
      expect(deleted).toMatchObject({ code: '23514' });
      expect((await ownersOf(test, organisation.id)).length).toBe(2);
    });
  });
}

for (const server of serverDialects) describe(`two owners leaving at once on ${server.name}`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await server.open(8);
  });
  afterAll(async () => {
    await test.drop();
  });

  it('one of them stays', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { organisation, owners } = await organisationWithOwners(test, 2);
      const outcomes = await Promise.all(owners.map((owner) => changeRole(test.database, organisation.id, owner.id, round % 2 === 0 ? 'viewer' : null)));
      expect(outcomes.filter((outcome) => outcome.ok).length).toBe(1);
      expect(outcomes.filter((outcome) => !outcome.ok).map((outcome) => !outcome.ok && outcome.refusal.code)).toEqual(['last_owner_cannot_leave']);
      expect((await ownersOf(test, organisation.id)).length).toBe(1);
    }
  });
});
