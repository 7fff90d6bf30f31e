import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOrganisation } from '../../src/generate/generate-organisation.ts';
import { addUser } from '../../src/services/access/users.ts';
import { chromiumPresent, openBrowserFixture, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';

/**
 * A user who belongs to two organisations switches between them from the header: the page shows
 * the other organisation's accounts and offers what the role there permits.
 */
const owner: Credentials = { email: 'two-hats@example.org', password: 'a long enough password' };

describe.skipIf(!chromiumPresent)('organisation switcher in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      async seed(database) {
        const maple = await generateOrganisation(database, { slug: 'maple-rec', accountsCount: 6, seed: 7, actor: 'system:test' });
        const river = await generateOrganisation(database, { slug: 'river-swim', accountsCount: 3, seed: 8, actor: 'system:test' });
        if (!maple.ok || !river.ok) throw new Error('could not generate the organisations');
        // A viewer at the swim club; the fixture makes the same person owner of the recreation department.
        const added = await addUser(database, river.value.organisation.id, { ...owner, role: 'viewer' });
        if (!added.ok) throw new Error(added.refusal.message);
        return maple.value.organisation.id;
      },
      owner,
      viewport: { width: 1280, height: 860 },
    });
    ({ base, page } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const accountRows = () => page.locator('table tbody tr').filter({ has: page.getByRole('link') });

  it('lists each organisation’s own accounts and offers what the role there permits', async () => {
    await signIn(page, `${base}/`, owner);
    const switcher = page.getByLabel('Organisation');
    await expect.poll(() => switcher.inputValue()).toBe('maple-rec');
    await expect.poll(() => accountRows().count()).toBe(6);
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(1);

    await switcher.selectOption('river-swim');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/orgs/river-swim/accounts');
    await expect.poll(() => accountRows().count()).toBe(3);
    // A viewer manages neither settings nor members.
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);

    await switcher.selectOption('maple-rec');
    await expect.poll(() => accountRows().count()).toBe(6);
  });
});
