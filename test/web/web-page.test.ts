import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, generatedOrganisation, openApiSession, openBrowserFixture, screenshots, type BrowserFixture, type Credentials } from './browser-fixture.ts';

/**
 * The web page end to end: the real server (PGlite in memory, a small generated organisation)
 * serving the built page, driven in Debian's Chromium. Screenshots go to docs/screenshots/.
 * CI (.ci/run) installs Chromium; elsewhere the suite is skipped, saying why, when it is absent.
 */
const owner: Credentials = { email: 'owner@example.org', password: 'a long enough password' };

describe.skipIf(!chromiumPresent)('web page in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      seed: generatedOrganisation({ slug: 'maple-rec', accountsCount: 40, seed: 20261121 }),
      owner,
      viewport: { width: 1280, height: 860 },
    });
    ({ base, page } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** The account whose documents show the most different statuses: the best one to look at. */
  async function mostVariedAccount(): Promise<{ accountId: string; ownerName: string; statuses: Set<string> }> {
    const session = await openApiSession(base, owner);
    const { cookie } = session;
    const list = (await (await fetch(`${base}/api/v1/orgs/maple-rec/accounts?page_size=100`, { headers: { cookie } })).json()) as { accounts: { account_id: string; owner_name: string }[] };
    let best = { accountId: '', ownerName: '', statuses: new Set<string>() };
    for (const account of list.accounts) {
      const statement = (await (await fetch(`${base}/api/v1/orgs/maple-rec/accounts/${account.account_id}`, { headers: { cookie } })).json()) as { documents: { status: string }[] };
      const statuses = new Set(statement.documents.map((document) => document.status));
      if (statuses.size > best.statuses.size) best = { accountId: account.account_id, ownerName: account.owner_name, statuses };
    }
    await session.signOut();
    return best;
  }

  it('signs in, lists, searches and filters accounts, shows an account with its statuses, signs out', async () => {
    const target = await mostVariedAccount();
    expect(target.statuses.size).toBeGreaterThanOrEqual(3);

    // Signed out, any page leads to sign-in.
    await page.goto(`${base}/orgs/maple-rec/accounts`);
    await page.getByLabel('Email').waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The email or password is wrong');
    await page.getByLabel('Password').fill('');
    await page.screenshot({ path: `${screenshots}sign-in.png` });

    await page.getByLabel('Password').fill(owner.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orgs/maple-rec/accounts');
    const rows = page.locator('table.data-table tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    await expect.poll(() => page.getByText(/1–25 of 40 accounts/).count()).toBe(1);

    // Page size and paging come from the server.
    await page.getByLabel('Accounts per page').selectOption('10');
    await expect.poll(() => rows.count()).toBe(10);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => page.getByText('11–20 of 40 accounts').count()).toBe(1);
    await page.getByLabel('Accounts per page').selectOption('50');
    await expect.poll(() => rows.count()).toBe(40);

    // Sorting by account id, descending.
    await page.getByLabel('Sort by').selectOption('account_desc');
    await expect.poll(async () => (await rows.first().locator('td').nth(1).textContent()) ?? '').toBe('A000040');
    await page.getByLabel('Sort by').selectOption('owner');

    // The filter keeps only accounts with unreconciled items.
    await page.getByLabel('Has unreconciled items').check();
    await expect.poll(async () => (await page.locator('.badge.warn').count()) === (await rows.count())).toBe(true);
    await page.getByLabel('Has unreconciled items').uncheck();
    await expect.poll(() => rows.count()).toBe(40);
    await page.screenshot({ path: `${screenshots}accounts.png` });

    // Search (by account id), then open the account from its owner's name.
    await page.getByLabel('Search').fill(target.accountId);
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('link', { name: target.ownerName }).click();
    await page.getByRole('heading', { name: new RegExp(target.ownerName) }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/orgs/maple-rec/accounts/${target.accountId}`);
    await expect.poll(() => page.getByTestId('balance').textContent()).toMatch(/\d/);
    await expect.poll(() => page.getByTestId('open-reason').textContent()).toMatch(/\w/);

    // Each status has its own icon and a text label for screen readers.
    const labels = { full: 'Fully reconciled', partial: 'Partially reconciled', none: 'Not reconciled', 'post-dated': 'Post-dated', void: 'Void' } as const;
    for (const status of target.statuses) {
      const icon = page.locator(`.documents .status[data-status="${status}"]`).first();
      expect(await icon.locator('.visually-hidden').textContent()).toBe(labels[status as keyof typeof labels]);
    }
    const shapes = await page.locator('.documents .status').evaluateAll((icons) => icons.map((icon) => [icon.getAttribute('data-status'), icon.querySelector('svg')!.innerHTML, (globalThis as unknown as { getComputedStyle(element: unknown): { color: string } }).getComputedStyle(icon).color]));
    const byStatus = new Map(shapes.map(([status, shape, colour]) => [status, `${shape}|${colour}`]));
    expect(new Set(byStatus.values()).size).toBe(byStatus.size);

    // '+' opens a document's reconciliations.
    const reconciled = page.locator('tr[data-document]').filter({ has: page.locator('.status[data-status="full"]') }).filter({ has: page.getByRole('button', { name: /^Show reconciliations/ }) }).first();
    await reconciled.getByRole('button', { name: /^Show reconciliations/ }).click();
    await page.locator('.allocations-row .nested-table').first().waitFor();
    await page.screenshot({ path: `${screenshots}account-billing.png` });

    // French, then back to English; the choice is kept.
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
    await page.getByLabel('Langue').selectOption('en');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const after = await page.request.get(`${base}/api/v1/session`);
    expect(after.status()).toBe(401);
  });
});
