import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';
import { ledgerFixture } from '../support/ledger-fixture.ts';

/**
 * Manual reconciliation on the client billing page, end to end: the real server (PGlite in memory)
 * with one small account built through the services — invoice INV-1 of two items (I1 50.00,
 * I2 30.00) and one unallocated payment P1 of 80.00 — driven in Debian's Chromium.
 */
const owner: Credentials = { email: 'owner@lake-club.example', password: 'another long enough password' };

describe.skipIf(!chromiumPresent)('manual reconciliation in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      seed: async (database) => {
        const fixture = await ledgerFixture(database, { slug: 'lake-club' });
        await fixture.account('A100');
        await fixture.invoice('INV-1', 'A100', '2026-01-10', [['I1', '50.00'], ['I2', '30.00']]);
        await fixture.receipt('P1', 'A100', '2026-01-12', 'payment', '80.00');
        return fixture.context.organisation.id;
      },
      owner,
      viewport: { width: 1280, height: 860 },
    });
    ({ base, page } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const statusOf = (documentId: string) => page.locator(`tr[data-document="${documentId}"] .status`).getAttribute('data-status');
  const remainderOf = (documentId: string) => page.locator(`tr[data-document="${documentId}"] td`).nth(8).textContent();

  it('reconciles a payment over two items by hand, then removes one reconciliation', async () => {
    await signIn(page, `${base}/orgs/lake-club/accounts/A100`, owner, /Owner of A100/);
    expect(await statusOf('I1')).toBe('none');
    expect(await statusOf('I2')).toBe('none');
    // Only documents with a remainder can be reconciled; the invoice itself cannot.
    expect(await page.getByRole('button', { name: 'Reconcile INV-1…' }).count()).toBe(0);

    // The editor, from the payment: both items, oldest first, pre-filled with the suggestion.
    await page.getByRole('button', { name: 'Reconcile P1…' }).click();
    const editor = page.getByRole('dialog', { name: 'Reconcile payment P1' });
    await editor.waitFor();
    const i1 = editor.getByLabel('Amount for I1');
    const i2 = editor.getByLabel('Amount for I2');
    expect(await i1.inputValue()).toBe('50.00');
    expect(await i2.inputValue()).toBe('30.00');
    expect(await editor.locator('tr[data-line]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-line')))).toEqual(['I1', 'I2']);
    expect(await editor.getByTestId('editor-total').textContent()).toBe('80.00 of 80.00');
    const save = editor.getByRole('button', { name: 'Save' });
    expect(await save.isEnabled()).toBe(true);
    await page.screenshot({ path: `${screenshots}manual-reconciliation.png` });

    // More than I1's remainder: the error is next to the field, tied to it, and Save is disabled.
    await i1.fill('50.01');
    await expect.poll(() => i1.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await i1.getAttribute('aria-describedby');
    expect(await page.locator(`#${describedBy}`).textContent()).toBe('More than this document’s remainder (50.00).');
    expect(await save.isDisabled()).toBe(true);
    // Too many decimals, likewise.
    await i1.fill('1.234');
    await expect.poll(() => page.locator(`#${describedBy}`).textContent()).toBe('Too many decimals for the currency.');
    expect(await save.isDisabled()).toBe(true);

    // Fixed: I1 in full, I2 in part.
    await i1.fill('50.00');
    await i2.fill('20.00');
    await expect.poll(() => i1.getAttribute('aria-invalid')).toBe(null);
    expect(await editor.getByTestId('editor-total').textContent()).toBe('70.00 of 80.00');
    await save.click();
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf('I1')).toBe('full');
    await expect.poll(() => statusOf('I2')).toBe('partial');
    expect(await statusOf('P1')).toBe('partial');
    expect(await remainderOf('I2')).toBe('10.00');
    expect(await remainderOf('P1')).toBe('10.00');

    // '+' on I1, remove its reconciliation after confirming: I1 is open again, P1 has it back.
    await page.getByRole('button', { name: 'Show reconciliations of I1' }).click();
    await page.getByRole('button', { name: 'Remove reconciliation of 50.00 from P1 to I1' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove this reconciliation?' });
    await confirm.waitFor();
    // Cancelling keeps it.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await statusOf('I1')).toBe('full');
    await page.getByRole('button', { name: 'Remove reconciliation of 50.00 from P1 to I1' }).click();
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf('I1')).toBe('none');
    expect(await remainderOf('I1')).toBe('50.00');
    expect(await remainderOf('P1')).toBe('60.00');
    expect(await statusOf('I2')).toBe('partial');
    expect(await page.getByTestId('account-notice').textContent()).toBe('Reconciliation removed.');
  });
});
