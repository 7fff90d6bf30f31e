import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, generatedOrganisation, openApiSession, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';

/**
 * Unreconciled items and the audit trail end to end: the real server (PGlite in memory, a small
 * generated organisation) serving the built page in Debian's Chromium. One reconciliation is made
 * through the API first, so the audit has an event of ours to show.
 */
const owner: Credentials = { email: 'owner@example.org', password: 'a long enough password' };

interface Statement {
  owner_name: string;
  documents: { document_id: string; kind: string; remaining: string; status: string; scheduled: boolean; voided: boolean }[];
}

describe.skipIf(!chromiumPresent)('unreconciled items and audit in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;
  let allocated: { accountId: string; receiptId: string; targetId: string };

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      seed: generatedOrganisation({ slug: 'maple-rec', accountsCount: 30, seed: 20261122 }),
      owner,
      viewport: { width: 1280, height: 860 },
    });
    ({ base, page } = fixture);

    // A manual reconciliation through the API: 0.01 from an open receipt to an open invoice item.
    const session = await openApiSession(base, owner);
    const { cookie, csrfToken: csrf } = session;
    const list = (await (await fetch(`${base}/api/v1/orgs/maple-rec/unreconciled?page_size=100`, { headers: { cookie } })).json()) as { accounts: { account_id: string }[] };
    const open = (document: Statement['documents'][number]) => !document.voided && !document.scheduled && document.status !== 'post-dated' && document.remaining !== '0.00' && !document.remaining.startsWith('-');
    for (const account of list.accounts) {
      const statement = (await (await fetch(`${base}/api/v1/orgs/maple-rec/accounts/${account.account_id}`, { headers: { cookie } })).json()) as Statement;
      const receipt = statement.documents.find((document) => ['payment', 'deposit', 'credit', 'cancellation'].includes(document.kind) && open(document));
      const target = statement.documents.find((document) => document.kind === 'item' && open(document));
      if (!receipt || !target) continue;
      const response = await fetch(`${base}/api/v1/orgs/maple-rec/allocations`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ lines: [{ receipt_id: receipt.document_id, target_id: target.document_id, amount: '0.01' }] }),
      });
      if (!response.ok) throw new Error(`allocation refused: ${response.status} ${await response.text()}`);
      allocated = { accountId: account.account_id, receiptId: receipt.document_id, targetId: target.document_id };
      break;
    }
    if (!allocated) throw new Error('no account with both an open receipt and an open invoice item');
    await session.signOut();

  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('lists unreconciled items with receipt ids, links to an account, and shows the audit trail', async () => {
    await signIn(page, `${base}/sign-in`, owner);

    // Unreconciled items, from the header.
    await page.getByRole('link', { name: 'Clients › Unreconciled items' }).click();
    await page.getByRole('heading', { name: 'Unreconciled items' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orgs/maple-rec/unreconciled');
    const groups = page.locator('tbody.unreconciled-account');
    await expect.poll(() => groups.count()).toBeGreaterThan(0);
    const firstReceipt = (await groups.first().locator('tr[data-document] td.mono').first().textContent()) ?? '';
    expect(firstReceipt).toMatch(/\w/);
    await expect.poll(() => page.getByText(/of \d+ accounts/).count()).toBe(1);

    // Page size 10 and paging come from the server.
    const total = Number(/of (\d+) accounts/.exec((await page.getByText(/of \d+ accounts/).textContent()) ?? '')![1]);
    await page.getByLabel('Accounts per page').selectOption('10');
    await expect.poll(() => groups.count()).toBe(Math.min(10, total));
    if (total > 10) {
      await page.getByRole('button', { name: 'Next page' }).click();
      await expect.poll(() => page.getByText(`11–${Math.min(20, total)} of ${total} accounts`).count()).toBe(1);
    }
    await page.getByLabel('Accounts per page').selectOption('25');

    // Sorting by the largest remainder, then searching for the reconciled account.
    await page.getByLabel('Sort by').selectOption('remaining');
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('remaining');
    await page.getByLabel('Accounts per page').selectOption('10');
    await expect.poll(() => groups.count()).toBe(Math.min(10, total));
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: `${screenshots}unreconciled.png` });
    await page.getByLabel('Search').fill(allocated.accountId);
    await expect.poll(() => groups.count()).toBe(1);
    await expect.poll(() => groups.first().getAttribute('data-account')).toBe(allocated.accountId);
    await expect.poll(() => groups.first().locator(`tr[data-document="${allocated.receiptId}"]`).count()).toBe(1);

    // Following the link opens the account's billing page.
    await groups.first().locator('.account-row a').click();
    await page.getByTestId('balance').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/orgs/maple-rec/accounts/${allocated.accountId}`);

    // The audit shows the manual reconciliation made in the set-up.
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit' }).waitFor();
    const events = page.locator('table.audit-table tbody tr[data-action]');
    await expect.poll(() => events.count()).toBeGreaterThan(0);
    await page.getByLabel('Account id').fill(allocated.accountId);
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('account')).toBe(allocated.accountId);
    const ours = events.filter({ hasText: allocated.receiptId }).filter({ hasText: allocated.targetId });
    await expect.poll(() => ours.count()).toBeGreaterThanOrEqual(1);
    const row = ours.first();
    expect(await row.textContent()).toContain(owner.email);
    expect(await row.textContent()).toContain('Allocated');
    expect(await row.textContent()).toContain('0.01');
    await row.getByRole('link', { name: allocated.accountId }).click();
    await page.getByTestId('balance').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/orgs/maple-rec/accounts/${allocated.accountId}`);
  });
});
