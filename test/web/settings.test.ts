import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, generatedOrganisation, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';

/**
 * The Settings page end to end (real server on PGlite in memory, owner signed in, Chromium):
 * reconciliation off and on, a new accountant invited and joining, an API token shown once and revoked.
 */
const owner: Credentials = { email: 'owner@example.org', password: 'a long enough password' };

describe.skipIf(!chromiumPresent)('settings page in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      seed: generatedOrganisation({ slug: 'maple-rec', accountsCount: 5, seed: 20261122 }),
      owner,
      viewport: { width: 1280, height: 980 },
    });
    ({ base, page } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('turns reconciliation off and on, invites an accountant who joins, creates a token shown once and revokes it', async () => {
    await signIn(page, `${base}/sign-in`, owner);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orgs/maple-rec/settings');

    // Reconciliation off, then on, with the consequence in words; the server agrees.
    const toggle = page.getByRole('switch', { name: /^Reconciliation: (on|off)$/ });
    await expect.poll(() => toggle.isChecked()).toBe(true);
    expect(await page.getByTestId('reconciliation-switch-label').textContent()).toBe('Reconciliation: on');
    // The switch is controlled by the server's answer: click, confirm (it changes the whole
    // organisation), then wait for the page to show it.
    await toggle.click();
    const turnOff = page.getByRole('dialog', { name: 'Turn reconciliation off' });
    expect(await turnOff.textContent()).toContain('for the whole organisation');
    await turnOff.getByRole('button', { name: 'Turn reconciliation off' }).click();
    await expect.poll(() => page.getByTestId('reconciliation-state').textContent()).toContain('neither automatic');
    expect(await page.getByTestId('reconciliation-switch-label').textContent()).toBe('Reconciliation: off');
    await expect.poll(() => toggle.isEnabled()).toBe(true);
    await expect.poll(() => toggle.isChecked()).toBe(false);
    expect(((await (await page.request.get(`${base}/api/v1/orgs/maple-rec/settings`)).json()) as { reconciliation_enabled: boolean }).reconciliation_enabled).toBe(false);
    await toggle.click();
    await page.getByRole('dialog', { name: 'Turn reconciliation on' }).getByRole('button', { name: 'Turn reconciliation on' }).click();
    await expect.poll(() => page.getByTestId('reconciliation-state').textContent()).toContain('by hand or automatically');
    await expect.poll(() => toggle.isChecked()).toBe(true);
    expect(((await (await page.request.get(`${base}/api/v1/orgs/maple-rec/settings`)).json()) as { reconciliation_enabled: boolean }).reconciliation_enabled).toBe(true);

    // The only owner cannot step down nor be removed: the page agrees with the server and says why.
    const members = page.locator('section[aria-labelledby="settings-members"]');
    await expect.poll(() => members.getByLabel(`Role of ${owner.email}`).isDisabled()).toBe(true);
    expect(await members.getByRole('button', { name: `Remove ${owner.email}` }).isDisabled()).toBe(true);
    expect(await members.getByTestId('last-owner-reason').textContent()).toContain('make someone else owner first');
    // A new accountant, by invitation: the page gives the link to pass on and lists it as waiting.
    const inviteForm = members.locator('form');
    await inviteForm.getByLabel('Email').fill('accountant@example.org');
    await inviteForm.getByLabel('Role').selectOption('accountant');
    await inviteForm.getByRole('button', { name: 'Invite a member' }).click();
    const shownLink = page.getByTestId('invitation-link');
    await shownLink.waitFor();
    const link = (await shownLink.getByTestId('invitation-link-value').textContent()) ?? '';
    expect(new URL(link).pathname).toBe('/invitation');
    const waiting = members.locator('tr[data-invitation="accountant@example.org"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain('Accountant');

    // The invited person opens the link in their own browser, creates their account and joins.
    const invitee = await fixture.browser.newContext({ viewport: { width: 1280, height: 980 }, locale: 'en-CA' });
    const inviteePage = await invitee.newPage();
    await inviteePage.goto(link);
    await expect.poll(() => inviteePage.getByTestId('invitation-offer').textContent()).toContain('invites accountant@example.org to join as Accountant');
    await inviteePage.getByLabel('Your name').fill('Alex Accountant');
    await inviteePage.getByLabel('Password').fill('a fresh long password');
    await inviteePage.getByRole('button', { name: 'Create my account and join' }).click();
    await expect.poll(() => inviteePage.getByRole('status').first().textContent()).toContain('You joined');
    await inviteePage.screenshot({ path: `${screenshots}invitation-accepted.png` });
    await invitee.close();

    await page.reload();
    const row = members.locator('tr[data-member="accountant@example.org"]');
    await row.waitFor();
    expect(await row.getByLabel('Role of accountant@example.org').inputValue()).toBe('accountant');
    await expect.poll(() => members.locator('tr[data-invitation="accountant@example.org"]').count()).toBe(0);

    // A token, shown once.
    const tokens = page.locator('section[aria-labelledby="settings-tokens"]');
    await tokens.getByLabel('Name').fill('Nightly export');
    await tokens.locator('form').getByLabel('Role').selectOption('accountant');
    await tokens.getByRole('button', { name: 'Create a token' }).click();
    const shown = page.getByTestId('new-token');
    await shown.waitFor();
    const secret = (await shown.locator('.token-value').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect(await shown.textContent()).toContain('Copy it now');
    await shown.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(secret);
    expect(await shown.textContent()).toContain('Copied.');
    const tokenRow = tokens.locator('tr[data-token="Nightly export"]');
    await tokenRow.waitFor();
    expect(await tokenRow.textContent()).toContain('Never');
    await page.screenshot({ path: `${screenshots}settings.png`, fullPage: true });

    // Shown once: after hiding it (or reloading) the secret is nowhere on the page.
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await expect.poll(() => shown.count()).toBe(0);
    await page.reload();
    await tokenRow.waitFor();
    expect(await page.content()).not.toContain(secret);

    // Revoke, after confirming.
    await tokenRow.getByRole('button', { name: 'Revoke the token Nightly export' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this token?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => tokenRow.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
    const listed = (await (await page.request.get(`${base}/api/v1/orgs/maple-rec/tokens`)).json()) as { tokens: { name: string; revoked_at: string | null }[] };
    expect(listed.tokens.find((token) => token.name === 'Nightly export')?.revoked_at).not.toBeNull();
    const refused = await fetch(`${base}/api/v1/orgs/maple-rec/settings`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status).toBe(401);
  });
});
