import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';
import { ledgerFixture } from '../support/ledger-fixture.ts';

/**
 * Issue 4's whole story, in order, as an administrator does it in Chromium against the real
 * server (PGlite in memory): sign in; open an account; reconcile a payment by hand over two items;
 * remove one of those reconciliations; on the accounts list, select accounts with unreconciled
 * items and auto-reconcile them (preview, run with its progress bar, result); see the Unreconciled
 * items list shrink; undo the run; see the list back as it was.
 */
const owner: Credentials = { email: 'owner@pine-rec.example', password: 'the whole story password' };

describe.skipIf(!chromiumPresent)('the administrator’s whole story in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;
  /** Every write the page sent to an organisation, with its Idempotency-Key. */
  const writes: { method: string; url: string; key: string | undefined }[] = [];

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      seed: async (database) => {
        const ledger = await ledgerFixture(database, { slug: 'pine-rec' });
        // Reconciled by hand: one payment for an invoice of two items.
        await ledger.account('A100');
        await ledger.invoice('INV-1', 'A100', '2026-01-10', [['I1', '50.00'], ['I2', '30.00']]);
        await ledger.receipt('P1', 'A100', '2026-01-12', 'payment', '80.00');
        // Reconciled by the run: each payment or deposit covers open items of its account.
        await ledger.account('A200');
        await ledger.invoice('INV-2', 'A200', '2026-02-01', [['I3', '40.00']]);
        await ledger.receipt('P2', 'A200', '2026-02-03', 'payment', '40.00');
        await ledger.account('A300');
        await ledger.invoice('INV-3', 'A300', '2026-02-05', [['I4', '25.00'], ['I5', '15.00']]);
        await ledger.receipt('P3', 'A300', '2026-02-06', 'payment', '25.00');
        await ledger.receipt('D3', 'A300', '2026-01-20', 'deposit', '15.00');
        await ledger.account('A400');
        await ledger.invoice('INV-4', 'A400', '2026-03-01', [['I6', '60.00']]);
        await ledger.receipt('P4', 'A400', '2026-03-02', 'payment', '20.00');
        // Left alone: a credit with nothing to pay.
        await ledger.account('A500');
        await ledger.receipt('P5', 'A500', '2026-03-05', 'payment', '30.00');
        return ledger.context.organisation.id;
      },
      owner,
      viewport: { width: 1280, height: 1000 },
    });
    ({ base, page } = fixture);
    page.on('request', (request) => {
      if (request.method() !== 'GET' && request.url().includes('/api/v1/orgs/')) writes.push({ method: request.method(), url: request.url(), key: request.headers()['idempotency-key'] });
    });
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const statusOf = (documentId: string) => page.locator(`tr[data-document="${documentId}"] .status`).getAttribute('data-status');
  /** The Unreconciled items page's count of accounts ("1–5 of 5 accounts"). */
  async function unreconciledAccountsCount(): Promise<number> {
    await page.getByRole('link', { name: 'Clients › Unreconciled items' }).click();
    await page.getByRole('heading', { name: 'Unreconciled items' }).waitFor();
    const range = page.getByText(/of \d+ accounts$/);
    await range.waitFor();
    return Number(/of (\d+) accounts$/.exec((await range.textContent()) ?? '')![1]);
  }

  it('reconciles by hand, removes, auto-reconciles selected accounts, sees the list shrink, undoes, and sees it back', async () => {
    // Sign in.
    await signIn(page, base, owner);

    // Open an account.
    await page.getByRole('link', { name: 'Owner of A100' }).click();
    await page.getByRole('heading', { name: /Owner of A100/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orgs/pine-rec/accounts/A100');

    // Reconcile the payment by hand over both items (the editor suggests them, oldest first).
    await page.getByRole('button', { name: 'Reconcile P1…' }).click();
    const editor = page.getByRole('dialog', { name: 'Reconcile payment P1' });
    expect(await editor.getByLabel('Amount for I1').inputValue()).toBe('50.00');
    expect(await editor.getByLabel('Amount for I2').inputValue()).toBe('30.00');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf('P1')).toBe('full');
    expect(await statusOf('I1')).toBe('full');
    expect(await statusOf('I2')).toBe('full');

    // Remove one of those reconciliations: the trash button, then confirm.
    await page.getByRole('button', { name: 'Show reconciliations of I1' }).click();
    await page.getByRole('button', { name: 'Remove reconciliation of 50.00 from P1 to I1' }).click();
    const confirmRemoval = page.getByRole('dialog', { name: 'Remove this reconciliation?' });
    await confirmRemoval.getByRole('button', { name: 'Remove', exact: true }).click();
    await confirmRemoval.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf('I1')).toBe('none');
    expect(await statusOf('P1')).toBe('partial');
    expect(await statusOf('I2')).toBe('full');

    // Before the run: every account with an open credit is on the Unreconciled items list.
    const before = await unreconciledAccountsCount();
    expect(before).toBe(5);

    // The accounts list, filtered to accounts with unreconciled items; three of them selected.
    await page.getByRole('link', { name: 'Clients › Accounts' }).click();
    await page.getByRole('heading', { name: 'Accounts' }).waitFor();
    await page.getByLabel('Has unreconciled items').check();
    await expect.poll(() => new URL(page.url()).searchParams.get('unreconciled')).toBe('1');
    for (const accountId of ['A200', 'A300', 'A400']) await page.getByLabel(`Select Owner of ${accountId} (${accountId})`).check();
    await expect.poll(() => page.getByText('3 selected').count()).toBe(1);

    // Operations › Auto-reconcile: the preview first.
    await page.getByRole('button', { name: 'Operations' }).click();
    await page.getByRole('menuitem', { name: 'Auto-reconcile selected accounts' }).click();
    const preview = page.getByTestId('run-preview');
    await preview.getByTestId('run-allocations').waitFor();
    expect(await preview.getByTestId('run-accounts').textContent()).toBe('3');
    expect(await preview.getByTestId('run-allocations').textContent()).toBe('5');
    expect(await preview.getByTestId('run-amount').textContent()).toBe('100.00');

    // The run: its progress bar, then its result.
    await preview.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('run-result');
    const bar = result.getByRole('progressbar');
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuemax')).toBe('3');
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('completed');
    expect(await bar.getAttribute('aria-valuenow')).toBe('3');
    expect(await result.getByTestId('run-allocations').textContent()).toBe('5');
    expect(await result.getByTestId('run-amount').textContent()).toBe('100.00');
    expect(await result.textContent()).toContain('Balance owing, no unallocated credits left.');
    await page.screenshot({ path: `${screenshots}auto-reconcile-result.png`, animations: 'disabled' });
    const runPage = page.url();

    // The Unreconciled items list has shrunk: the three accounts' credits are all allocated now.
    expect(await unreconciledAccountsCount()).toBe(before - 3);

    // Back to the run (it is in the address) and undo it.
    await page.goto(runPage);
    await page.getByTestId('run-result').getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, undo the run' }).click();
    await expect.poll(() => page.getByTestId('undo-result').textContent()).toBe('Undone: 5 allocations removed (100.00).');

    // The list is back as it was.
    expect(await unreconciledAccountsCount()).toBe(before);

    // Every write the page made carried an Idempotency-Key, one per action.
    expect(writes.map((write) => write.method)).toEqual(['POST', 'DELETE', 'POST', 'POST', 'POST']);
    expect(writes.every((write) => /^web-[0-9a-f]{32}$/.test(write.key ?? ''))).toBe(true);
    expect(new Set(writes.map((write) => write.key)).size).toBe(writes.length);
  });
});
