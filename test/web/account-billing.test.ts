import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { csvInputFileOfText } from '../../src/csv/import-files.ts';
import { importCsvFiles } from '../../src/csv/import-ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import type { Database } from '../../src/storage/database.ts';
import { ariaRowCountOf, ariaRowIndexOf, sliceWithGaps, withPinnedIndexes } from '../../src/web/components/document-table-layout.ts';
import { chromiumPresent, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';

/**
 * Client billing of one account, end to end: a virtualised list of 5,000 documents (only a window
 * of rows in the page, the oldest reachable and its "+" working), dates and amounts in French, and
 * Operations › Reconcile account (preview, run, result, undo). The real server on PGlite in memory,
 * seeded by a CSV import, driven in Debian's Chromium; skipped, saying why, without Chromium.
 */
const owner: Credentials = { email: 'owner@river-camp.example', password: 'a long enough password for billing' };
const slug = 'river-camp';

/** A5000: 1,250 invoices of two items, 1,249 payments and the oldest document, P-OLDEST. */
const invoicesCount = 1_250;
const documentsCount = invoicesCount * 3 + (invoicesCount - 1) + 1;

const dayAfter = (startIso: string, days: number) => new Date(Date.parse(`${startIso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function billingCsvFiles() {
  const invoices = ['invoice_id,account_id,date,item_id,description,ledger_code,amount'];
  const receipts = ['receipt_id,account_id,date,kind,amount,method'];
  for (let number = 1; number <= invoicesCount; number += 1) {
    const date = dayAfter('2020-01-01', number);
    invoices.push(`INV-${number},A5000,${date},INV-${number}-1,Swimming lessons,GL-SWIM,60.00`);
    invoices.push(`INV-${number},A5000,${date},INV-${number}-2,Day camp,GL-CAMP,40.00`);
    if (number < invoicesCount) receipts.push(`P-${number},A5000,${date},payment,100.00,card`);
  }
  // Years older than everything else, so it is the last row of the newest-first list.
  receipts.push('P-OLDEST,A5000,2015-03-14,payment,1234.50,cheque');
  // The small account for Operations › Reconcile account: a payment of 60.00 over items of 50.00 and 30.00.
  invoices.push('INV-B,B100,2026-01-10,B1,Swim club membership,GL-SWIM,50.00', 'INV-B,B100,2026-01-10,B2,Swim cap,GL-SHOP,30.00');
  receipts.push('PB,B100,2026-01-12,payment,60.00,cash');
  return [
    csvInputFileOfText('accounts.csv', 'account_id,owner_name,owner_email\nA5000,Nadia Tremblay,nadia@example.org\nB100,Luc Gagnon,luc@example.org\n'),
    csvInputFileOfText('invoices.csv', `${invoices.join('\n')}\n`),
    csvInputFileOfText('receipts.csv', `${receipts.join('\n')}\n`),
    csvInputFileOfText('allocations.csv', 'receipt_id,target_id,amount\nP-OLDEST,INV-1-1,60.00\n'),
  ];
}

async function seedBilling(database: Database): Promise<bigint> {
  const organisation = unwrap(await createOrganisation(database, { slug, name: 'River Camp' }));
  unwrap(await importCsvFiles({ database, organisation, actor: 'system:test' }, billingCsvFiles()));
  return organisation.id;
}

/** The page's globals, typed for the functions run inside the page (the tests compile without the DOM library). */
interface PageRect {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
}
interface PageElement {
  readonly parentElement: PageElement | null;
  readonly tagName: string;
  readonly className: string;
  getBoundingClientRect(): PageRect;
  querySelector(selector: string): PageElement | null;
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}
interface PageGlobals {
  readonly window: { scrollTo(options: { top: number }): void; readonly scrollY: number; readonly innerHeight: number };
  readonly document: { readonly documentElement: PageElement & { readonly scrollHeight: number }; readonly activeElement: PageElement | null; querySelector(selector: string): PageElement | null; elementFromPoint(x: number, y: number): PageElement | null };
  getComputedStyle(element: PageElement): { readonly overflowX: string; readonly overflowY: string };
}

describe('document table layout', () => {
  it('puts a gap row of the right height before, between and after the rendered rows', () => {
    const rows = [
      { index: 3, start: 140, end: 180 },
      { index: 4, start: 180, end: 300 },
      { index: 9, start: 500, end: 540 },
    ];
    expect(sliceWithGaps(rows, 20, 1000).map((slice) => (slice.kind === 'gap' ? slice.heightPx : `row ${slice.row.index}`))).toEqual([120, 'row 3', 'row 4', 200, 'row 9', 460]);
    expect(sliceWithGaps([{ index: 0, start: 20, end: 60 }], 20, 60).map((slice) => slice.kind)).toEqual(['row']);
    expect(sliceWithGaps([], 20, 400)).toEqual([{ kind: 'gap', key: 'gap-end', heightPx: 380 }]);
  });

  it('keeps pinned rows rendered, in order, once, and only real ones', () => {
    expect(withPinnedIndexes([10, 11, 12], [2, null, 11, 99], 50)).toEqual([2, 10, 11, 12]);
    expect(withPinnedIndexes([0, 1], [60, -1], 50)).toEqual([0, 1]);
  });

  it('numbers rows for screen readers: header 1, documents from 2, open reconciliation rows counted', () => {
    expect(ariaRowIndexOf(0, [])).toBe(2);
    expect(ariaRowIndexOf(4999, [])).toBe(5001);
    // Documents 3 and 7 are expanded: document 7 comes after one open panel, document 8 after two.
    expect(ariaRowIndexOf(3, [3, 7])).toBe(5);
    expect(ariaRowIndexOf(7, [3, 7])).toBe(10);
    expect(ariaRowIndexOf(8, [3, 7])).toBe(12);
    expect(ariaRowCountOf(5000, 0)).toBe(5001);
    expect(ariaRowCountOf(5000, 2)).toBe(5003);
  });
});

describe.skipIf(!chromiumPresent)('client billing in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    fixture = await openBrowserFixture({ seed: seedBilling, owner, viewport: { width: 1280, height: 900 } });
    ({ base, page } = fixture);
    // React's warnings and uncaught errors fail the tests (refused requests are the API's to report).
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
    });
    await signIn(page, `${base}/orgs/${slug}/accounts`, owner);
  }, 120_000);

  afterAll(async () => {
    await fixture?.close();
  });

  const rowOf = (documentId: string) => page.locator(`tr[data-document="${documentId}"]`);
  const statusOf = (documentId: string) => rowOf(documentId).locator('.status').getAttribute('data-status');

  /** The page's own scrolling: the window, not a box inside it. */
  const scrollWindowTo = (topPx: number) => page.evaluate((top) => (globalThis as unknown as PageGlobals).window.scrollTo({ top }), topPx);
  const windowScrollY = () => page.evaluate(() => (globalThis as unknown as PageGlobals).window.scrollY);
  const pageHeight = () => page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollHeight);

  /**
   * No blank band where rows should be: just under the sticky header, in the middle and at the
   * bottom of the window (or of the table, when its end is in view), the element on screen belongs
   * to a rendered document (not to a gap row). Gap rows of the wrong height, or a window of rows
   * computed for another scroll position, would show blank.
   */
  async function rowsFillTheView(): Promise<boolean> {
    return page.evaluate(() => {
      const { window, document } = globalThis as unknown as PageGlobals;
      const table = document.querySelector('table.document-table')!;
      const box = table.getBoundingClientRect();
      const headerBottom = table.querySelector('thead th')!.getBoundingClientRect().bottom;
      const bottom = Math.min(box.bottom, window.innerHeight) - 4;
      const x = box.left + 60;
      return [headerBottom + 4, (headerBottom + bottom) / 2, bottom].every((y) => Boolean(document.elementFromPoint(x, y)?.closest('tbody[data-index]')));
    });
  }

  /** The page's height once rendering and measuring have stopped changing it. */
  async function settledPageHeight(): Promise<number> {
    let previous = -1;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const current = await pageHeight();
      if (current === previous) return current;
      previous = current;
    }
    throw new Error('the document list kept changing height');
  }

  it('shows 5,000 documents with only a window of rows in the page, reaches the oldest, opens its "+", and speaks French', async () => {
    await page.goto(`${base}/orgs/${slug}/accounts/A5000`);
    await page.getByRole('heading', { name: /Nadia Tremblay/ }).waitFor();
    const table = page.locator('table.documents');
    const newestPayment = `P-${invoicesCount - 1}`;
    await rowOf(newestPayment).waitFor();

    // The table says how many rows it has; the page holds only a window of them.
    expect(documentsCount).toBe(5_000);
    expect(await page.getByTestId('documents-count').textContent()).toBe('· 5,000 documents');
    expect(await table.getAttribute('aria-rowcount')).toBe('5001');
    const rendered = await page.locator('tr[data-document]').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    expect(await table.locator('thead tr').getAttribute('aria-rowindex')).toBe('1');
    expect(await page.locator('tr[data-document]').first().getAttribute('aria-rowindex')).toBe('2');
    // Newest first: the newest invoice and its items, then the day before's payment, invoice and items.
    const firstRows = await page.locator('tr[data-document]').evaluateAll((rows) => rows.slice(0, 5).map((row) => `${row.getAttribute('data-document')}@${row.getAttribute('aria-rowindex')}`));
    expect(firstRows).toEqual([`INV-${invoicesCount}@2`, `INV-${invoicesCount}-1@3`, `INV-${invoicesCount}-2@4`, `${newestPayment}@5`, `INV-${invoicesCount - 1}@6`]);
    expect(await rowsFillTheView()).toBe(true);

    // The page scrolls, not a box of its own: no element between the table and the page clips or
    // scrolls it, the page is as tall as 5,000 rows, and scrolling the window moves the rows under
    // a header row that sticks to the top of the window.
    const scrollingAncestors = await table.evaluate((element: PageElement) => {
      const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
      const found: string[] = [];
      for (let node = element.parentElement; node && node !== document.documentElement; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (![style.overflowX, style.overflowY].every((overflow) => overflow === 'visible')) found.push(`${node.tagName}.${node.className}: ${style.overflowX} ${style.overflowY}`);
      }
      return found;
    });
    expect(scrollingAncestors).toEqual([]);
    const viewportHeightPx = page.viewportSize()!.height;
    expect(await pageHeight()).toBeGreaterThan(documentsCount * 30);
    const headerCell = table.locator('thead th').nth(2);
    expect((await headerCell.boundingBox())!.y).toBeGreaterThan(100);
    await scrollWindowTo(3 * viewportHeightPx);
    await expect.poll(windowScrollY).toBeGreaterThan(2 * viewportHeightPx);
    await expect.poll(async () => (await headerCell.boundingBox())!.y).toBe(0);
    await expect.poll(() => rowOf(`INV-${invoicesCount}`).count()).toBe(0);
    await expect.poll(rowsFillTheView).toBe(true);
    // The row under the header is one far below the first screen, numbered in its place.
    const rowUnderHeader = await page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      const header = document.querySelector('table.document-table thead th')!.getBoundingClientRect();
      return document.elementFromPoint(header.left + 60, header.bottom + 4)?.closest('tbody[data-index]')?.querySelector('tr[data-document]')?.getAttribute('aria-rowindex');
    });
    expect(Number(rowUnderHeader)).toBeGreaterThan(viewportHeightPx / 44);

    // From the keyboard: Tab walks the rows past the first screen, the window follows the focus and
    // the focused button is not hidden under the sticky header.
    await scrollWindowTo(0);
    await page.getByRole('button', { name: `Show reconciliations of INV-${invoicesCount}-1` }).focus();
    for (let press = 0; press < 60; press += 1) await page.keyboard.press('Tab');
    const focusedPlace = await page.evaluate(() => {
      const { window, document } = globalThis as unknown as PageGlobals;
      const active = document.activeElement!;
      const box = active.getBoundingClientRect();
      const header = document.querySelector('table.document-table thead th')!.getBoundingClientRect();
      return { row: Number(active.closest('tr[data-document]')?.getAttribute('aria-rowindex')), inView: box.top >= header.bottom && box.bottom <= window.innerHeight, scrolled: window.scrollY > 0 };
    });
    expect(focusedPlace).toEqual({ row: expect.any(Number), inView: true, scrolled: true });
    expect(focusedPlace.row).toBeGreaterThan(viewportHeightPx / 44 + 5);
    await scrollWindowTo(0);

    // What is left open, and why: both sides, with how many documents each.
    expect(await page.getByTestId('open-reason').textContent()).toBe('Unallocated credits and open charges remain; reconcile the account.');
    expect(await page.getByTestId('open-counts').textContent()).toBe('Credits open: 1,250 · charges open: 2,499');

    // The middle of the list: another window, and still no blank band.
    await scrollWindowTo((await pageHeight()) / 2);
    await expect.poll(() => rowOf(newestPayment).count()).toBe(0);
    await expect.poll(rowsFillTheView).toBe(true);
    expect(await page.locator('tr[data-document]').count()).toBeLessThan(200);

    // The bottom: the oldest document is the last row, number 5,001.
    const oldest = rowOf('P-OLDEST');
    await expect
      .poll(async () => {
        await scrollWindowTo(await pageHeight());
        return oldest.count();
      })
      .toBe(1);
    expect(await oldest.getAttribute('aria-rowindex')).toBe('5001');
    expect(await oldest.getByTestId('document-date').textContent()).toBe('Mar 14, 2015');
    expect(await oldest.getByTestId('document-amount').textContent()).toBe('1,234.50');
    expect(await page.locator('tr[data-document]').count()).toBeLessThan(200);

    // Its "+", from the keyboard: the reconciliation made at import, with when it was made.
    const plus = page.getByRole('button', { name: 'Show reconciliations of P-OLDEST' });
    await plus.focus();
    await page.keyboard.press('Enter');
    const panel = page.locator('#doc-P-OLDEST-allocations');
    await panel.waitFor();
    expect(await page.getByRole('button', { name: 'Hide reconciliations of P-OLDEST' }).getAttribute('aria-expanded')).toBe('true');
    expect(await panel.getAttribute('aria-rowindex')).toBe('5002');
    expect(await table.getAttribute('aria-rowcount')).toBe('5002');
    expect(await panel.locator('tbody tr td').nth(1).textContent()).toBe('INV-1-1');
    expect(await panel.locator('tbody tr td').nth(2).textContent()).toBe('60.00');
    expect(await panel.locator('tbody tr td').nth(3).textContent()).toBe('Import');
    expect(await panel.getByTestId('reconciliation-when').textContent()).toMatch(/20\d\d/);
    expect(await panel.getByRole('button', { name: 'Remove reconciliation of 60.00 from P-OLDEST to INV-1-1' }).count()).toBe(1);
    // Scrolled to the end with the taller row open: its panel is in view and rows fill the window.
    await scrollWindowTo(await pageHeight());
    await expect.poll(rowsFillTheView).toBe(true);
    const panelBox = (await panel.boundingBox())!;
    expect(panelBox.y + panelBox.height).toBeLessThanOrEqual(viewportHeightPx + 1);
    // Focus stays on the "+" (now "−") after the row re-rendered.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('aria-label'))).toBe('Hide reconciliations of P-OLDEST');

    // Far up the list again: the focused row is kept in the page, far from the window, so the focus is not lost.
    await scrollWindowTo(0);
    await rowOf(newestPayment).waitFor();
    expect(await oldest.count()).toBe(1);
    expect(await oldest.getAttribute('aria-rowindex')).toBe('5001');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('aria-label'))).toBe('Hide reconciliations of P-OLDEST');

    // The list's height before a row far above is opened, at a place whose rows (and those a few
    // hundred pixels above, where the window moves when the list above grows) are all measured.
    await page.getByRole('heading', { name: /Nadia Tremblay/ }).click();
    const middleOffsetPx = 100_000;
    await scrollWindowTo(middleOffsetPx - 400);
    await settledPageHeight();
    await scrollWindowTo(middleOffsetPx);
    const heightBeforePx = await settledPageHeight();

    // A row at the top opened by click: the numbering counts both open panels.
    await scrollWindowTo(0);
    await page.getByRole('button', { name: `Show reconciliations of ${newestPayment}` }).click();
    const newestPanel = page.locator(`#doc-${newestPayment}-allocations`);
    await newestPanel.getByText('Not reconciled with anything yet.').waitFor();
    expect(await table.getAttribute('aria-rowcount')).toBe('5003');
    expect(await newestPanel.getAttribute('aria-rowindex')).toBe('6');
    expect(await rowOf(`INV-${invoicesCount - 1}`).getAttribute('aria-rowindex')).toBe('7');
    const panelHeightPx = (await newestPanel.boundingBox())!.height;
    expect(panelHeightPx).toBeGreaterThan(20);

    // Scrolled away from it (the focus left its row, so it is not kept), the opened row is measured:
    // the list grew by its panel's height, no more, no less (an estimate would not have changed it).
    await page.getByRole('heading', { name: /Nadia Tremblay/ }).click();
    await scrollWindowTo(middleOffsetPx);
    await expect.poll(() => rowOf(newestPayment).count()).toBe(0);
    const heightAfterPx = await settledPageHeight();
    expect(Math.abs(heightAfterPx - heightBeforePx - panelHeightPx)).toBeLessThanOrEqual(2);

    await scrollWindowTo(0);
    await page.getByRole('button', { name: `Hide reconciliations of ${newestPayment}` }).click();

    // In French: the date, payment method and amount of the oldest document, the count of documents.
    await scrollWindowTo(await pageHeight());
    await oldest.waitFor();
    expect(await oldest.getByTestId('document-description').textContent()).toBe('Cheque');
    await page.getByLabel('Language').selectOption('fr');
    await expect.poll(() => oldest.getByTestId('document-date').textContent()).toBe('14 mars 2015');
    expect(await oldest.getByTestId('document-description').textContent()).toBe('Chèque');
    expect(await oldest.getByTestId('document-amount').textContent()).toMatch(/^1\s234,50$/);
    expect(await page.getByTestId('documents-count').textContent()).toMatch(/^· 5\s000 documents$/);
    expect(await page.getByRole('heading', { level: 2, name: /Documents \(plus récents d’abord\)/ }).count()).toBe(1);
    await page.getByLabel('Langue').selectOption('en');
    await expect.poll(() => oldest.getByTestId('document-date').textContent()).toBe('Mar 14, 2015');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('reconciles one account from Operations › Reconcile account: preview, run, result, statuses, undo', async () => {
    await page.goto(`${base}/orgs/${slug}/accounts/B100`);
    await page.getByRole('heading', { name: /Luc Gagnon/ }).waitFor();
    await rowOf('PB').waitFor();
    const statuses = () => Promise.all(['INV-B', 'B1', 'B2', 'PB'].map((id) => statusOf(id)));
    expect(await statuses()).toEqual(['none', 'none', 'none', 'none']);
    expect(await page.getByTestId('open-reason').textContent()).toBe('Unallocated credits and open charges remain; reconcile the account.');
    expect(await page.getByTestId('open-counts').textContent()).toBe('Credits open: 1 · charges open: 2');
    expect(await rowOf('B1').getByTestId('document-date').textContent()).toBe('Jan 10, 2026');

    // Operations › Reconcile account: the preview of this account only, oldest first.
    await page.getByRole('button', { name: 'Operations' }).click();
    await page.getByRole('menuitem', { name: 'Reconcile account' }).click();
    const preview = page.getByTestId('run-preview');
    await preview.getByTestId('run-allocations').waitFor();
    expect(await preview.getByRole('heading', { level: 2 }).textContent()).toBe('Preview: auto-reconcile this account (B100)');
    expect(await preview.getByTestId('run-accounts').textContent()).toBe('1');
    expect(await preview.getByTestId('run-allocations').textContent()).toBe('2');
    expect(await preview.getByTestId('run-amount').textContent()).toBe('60.00');
    expect(await preview.locator('.run-summary > ul.left-open li').textContent()).toBe('1 account — Balance owing, no unallocated credits left.');
    const planned = await preview.getByTestId('run-allocations-table').locator('tbody tr').evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('td')].slice(1, 4).map((cell) => cell.querySelector('.mono')?.textContent ?? cell.textContent).join(' ')));
    expect(planned).toEqual(['PB B1 50.00', 'PB B2 10.00']);
    // A preview writes nothing.
    expect(await statuses()).toEqual(['none', 'none', 'none', 'none']);

    // Run: progress, then the result; the page reloads its documents with their new statuses.
    await preview.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('run-result');
    await result.getByRole('progressbar').waitFor();
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('completed');
    expect(await result.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
    expect(await result.getByRole('progressbar').getAttribute('aria-valuemax')).toBe('1');
    expect(await result.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('1 of 1 account');
    expect(await result.getByTestId('run-allocations').textContent()).toBe('2');
    const runId = new URL(page.url()).searchParams.get('run');
    expect(runId).toMatch(/^\d+$/);
    expect(new URL(page.url()).pathname).toBe(`/orgs/${slug}/accounts/B100`);
    await expect.poll(statuses).toEqual(['partial', 'full', 'partial', 'full']);
    expect(await page.getByTestId('open-reason').textContent()).toBe('Balance owing, no unallocated credits left.');
    expect(await page.getByTestId('open-counts').textContent()).toBe('Credits open: 0 · charges open: 1');
    expect(await page.getByTestId('account-notice').textContent()).toBe('The documents were reloaded.');
    await page.getByRole('button', { name: 'Show reconciliations of B1' }).click();
    expect(await page.locator('#doc-B1-allocations tbody tr td').nth(3).textContent()).toBe(`Auto-reconcile #${runId}`);
    // The whole story in one picture: the run's result above the account's new statuses.
    await page.setViewportSize({ width: 1280, height: 1300 });
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.waitForTimeout(400); // the progress bar's width transition (0.3 s) has ended
    await page.screenshot({ path: `${screenshots}account-billing-operations.png` });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Undo, confirmed: the statuses are as they were.
    await result.getByRole('button', { name: 'Undo' }).click();
    const confirm = page.getByRole('alertdialog');
    expect(await confirm.textContent()).toContain('Remove the 2 allocations (60.00)');
    await confirm.getByRole('button', { name: 'Yes, undo the run' }).click();
    await expect.poll(() => page.getByTestId('undo-result').textContent()).toBe('Undone: 2 allocations removed (60.00).');
    await expect.poll(statuses).toEqual(['none', 'none', 'none', 'none']);
    expect(await page.getByTestId('open-reason').textContent()).toBe('Unallocated credits and open charges remain; reconcile the account.');
    expect(await page.locator('#doc-B1-allocations').getByText('Not reconciled with anything yet.').count()).toBe(1);

    // Close: the run leaves the address, the page stays on this account.
    await result.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('');
    expect(await page.getByTestId('run-result').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  /** The accessible name of the element holding the keyboard focus. */
  const focusedLabel = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('aria-label'));
  /** Whether `element` is wholly inside the visible part of the scrolled box. */
  async function isInView(element: Locator, scroller: Locator): Promise<boolean> {
    const box = (await element.boundingBox())!;
    const view = (await scroller.boundingBox())!;
    return box.y >= view.y && box.y + box.height <= view.y + view.height;
  }
  /** The line of the editor at `index`, oldest first: INV-1-2 (INV-1-1 was reconciled at import), then both items of each later invoice. */
  const lineAt = (index: number) => (index === 0 ? 'INV-1-2' : `INV-${Math.floor((index + 3) / 2)}-${index % 2 === 1 ? 1 : 2}`);

  it('reconciles a payment by hand against 2,499 open charges: a window of lines, Tab beyond it, amounts kept out of view, saved at once', async () => {
    await page.goto(`${base}/orgs/${slug}/accounts/A5000`);
    const payment = `P-${invoicesCount - 1}`;
    await page.getByRole('button', { name: `Reconcile ${payment}…` }).click();
    const editor = page.getByRole('dialog', { name: `Reconcile payment ${payment}` });
    await editor.waitFor();
    const scroller = editor.getByRole('region', { name: '2,499 open documents, oldest first' });
    const lineRows = editor.locator('tr[data-line]');
    const amountOf = (documentId: string) => editor.getByLabel(`Amount for ${documentId}`, { exact: true });

    // It says how many open charges it lists; only a window of them is in the page.
    expect(await editor.getByTestId('editor-lines-count').textContent()).toBe('2,499 open documents, oldest first');
    expect(await editor.locator('table').getAttribute('aria-rowcount')).toBe('2501');
    await lineRows.first().waitFor();
    expect(await lineRows.count()).toBeGreaterThan(5);
    expect(await lineRows.count()).toBeLessThan(200);
    // Oldest first, with the suggestion: the payment's 100.00 over the two oldest open items.
    expect(await lineRows.evaluateAll((rows) => rows.slice(0, 3).map((row) => `${row.getAttribute('data-line')}@${row.getAttribute('aria-rowindex')}`))).toEqual(['INV-1-2@2', 'INV-2-1@3', 'INV-2-2@4']);
    expect(await amountOf('INV-1-2').inputValue()).toBe('40.00');
    expect(await amountOf('INV-2-1').inputValue()).toBe('60.00');
    expect(await amountOf('INV-2-2').inputValue()).toBe('');
    expect(await editor.getByTestId('editor-total').textContent()).toBe('100.00 of 100.00');

    // Tab through 40 amounts, past the lines rendered when the editor opened.
    const initiallyRendered = await lineRows.count();
    expect(initiallyRendered).toBeLessThan(40);
    await amountOf('INV-1-2').focus();
    for (let press = 0; press < 40; press += 1) await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe(`Amount for ${lineAt(40)}`);
    expect(await isInView(amountOf(lineAt(40)), scroller)).toBe(true);

    // Scrolled far away, the line being edited stays in the page, the last one before a gap; Tab
    // from it brings the next line (not rendered until then) into the page and into view.
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
    await expect.poll(() => editor.locator(`tr[data-line="${lineAt(39)}"]`).count()).toBe(0);
    expect(await editor.locator(`tr[data-line="${lineAt(41)}"]`).count()).toBe(0);
    expect(await editor.locator(`tr[data-line="${lineAt(40)}"]`).getAttribute('aria-rowindex')).toBe('42');
    expect(await focusedLabel()).toBe(`Amount for ${lineAt(40)}`);
    await page.keyboard.press('Tab');
    await expect.poll(focusedLabel).toBe(`Amount for ${lineAt(41)}`);
    await expect.poll(() => isInView(amountOf(lineAt(41)), scroller)).toBe(true);
    // Shift+Tab, likewise, from the first rendered line.
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
    await expect.poll(() => editor.locator(`tr[data-line="${lineAt(40)}"]`).count()).toBe(0);
    await page.keyboard.press('Shift+Tab');
    await expect.poll(focusedLabel).toBe(`Amount for ${lineAt(40)}`);
    await expect.poll(() => isInView(amountOf(lineAt(40)), scroller)).toBe(true);

    // An amount changed at the top, then the last line, at the end of the list.
    await scroller.evaluate((element) => element.scrollTo({ top: 0 }));
    await amountOf('INV-2-1').fill('25.00');
    await expect.poll(() => editor.getByTestId('editor-total').textContent()).toBe('65.00 of 100.00');
    // The line being edited stays in the page wherever the list scrolls; once the focus has left it, it goes.
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
    await expect.poll(() => editor.locator('tr[data-line="INV-2-2"]').count()).toBe(0);
    expect(await editor.locator('tr[data-line="INV-2-1"]').count()).toBe(1);
    await scroller.focus();
    const lastLine = editor.locator(`tr[data-line="INV-${invoicesCount}-2"]`);
    await expect
      .poll(async () => {
        await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
        return lastLine.count();
      })
      .toBe(1);
    expect(await lastLine.getAttribute('aria-rowindex')).toBe('2500');
    expect(await editor.locator('tr[data-line="INV-2-1"]').count()).toBe(0);
    expect(await lineRows.count()).toBeLessThan(200);
    const last = amountOf(`INV-${invoicesCount}-2`);
    const save = editor.getByRole('button', { name: 'Save' });
    // More than the line's remainder: the message at the line, and how many lines are wrong below the list.
    await last.fill('40.01');
    await expect.poll(() => last.getAttribute('aria-invalid')).toBe('true');
    expect(await editor.locator(`#${await last.getAttribute('aria-describedby')}`).textContent()).toBe('More than this document’s remainder (40.00).');
    expect(await editor.getByTestId('editor-invalid-lines').textContent()).toBe('1 line has an amount that cannot be saved.');
    expect(await save.isDisabled()).toBe(true);
    // Within the line but over what the payment has left.
    await last.fill('40.00');
    await expect.poll(() => last.getAttribute('aria-invalid')).toBe(null);
    expect(await editor.getByTestId('editor-invalid-lines').count()).toBe(0);
    expect(await editor.getByTestId('editor-total').textContent()).toBe('105.00 of 100.00');
    expect(await editor.getByText('The total is more than what is left to reconcile (100.00).').count()).toBe(1);
    expect(await save.isDisabled()).toBe(true);
    await last.fill('35.00');
    await expect.poll(() => editor.getByTestId('editor-total').textContent()).toBe('100.00 of 100.00');
    expect(await save.isEnabled()).toBe(true);

    // Back at the top, the amounts typed there are still there: they live in the editor, not in the inputs.
    await scroller.focus();
    await scroller.evaluate((element) => element.scrollTo({ top: 0 }));
    await expect.poll(() => amountOf('INV-2-1').count()).toBe(1);
    expect(await amountOf('INV-2-1').inputValue()).toBe('25.00');
    expect(await amountOf('INV-1-2').inputValue()).toBe('40.00');
    expect(await lastLine.count()).toBe(0);

    // Only the lines with an amount, to review what will be saved; then every line again.
    const onlyWithAmount = editor.getByRole('checkbox', { name: 'Show only lines with an amount' });
    await onlyWithAmount.check();
    await expect.poll(() => editor.getByTestId('editor-lines-count').textContent()).toBe('Lines with an amount: 3 of 2,499 open documents');
    expect(await lineRows.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-line')))).toEqual(['INV-1-2', 'INV-2-1', `INV-${invoicesCount}-2`]);
    expect(await editor.locator('table').getAttribute('aria-rowcount')).toBe('5');
    expect(await last.inputValue()).toBe('35.00');
    await onlyWithAmount.uncheck();
    await expect.poll(() => editor.getByTestId('editor-lines-count').textContent()).toBe('2,499 open documents, oldest first');
    expect(await editor.locator('table').getAttribute('aria-rowcount')).toBe('2501');

    // Saved at once: the payment is used up, the newest invoice's last item is paid in part.
    await save.click();
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => statusOf(payment)).toBe('full');
    await expect.poll(() => page.getByTestId('account-notice').textContent()).toBe('Reconciliation saved.');
    expect(await statusOf(`INV-${invoicesCount}-2`)).toBe('partial');
    expect(await rowOf(`INV-${invoicesCount}-2`).locator('td').nth(8).textContent()).toBe('5.00');
    await page.getByRole('button', { name: `Show reconciliations of ${payment}` }).click();
    const panel = page.locator(`#doc-${payment}-allocations`);
    await panel.locator('tbody tr').first().waitFor();
    const made = await panel.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].slice(1, 3).map((cell) => cell.textContent).join(' ')));
    expect(made.sort()).toEqual(['INV-1-2 40.00', `INV-${invoicesCount}-2 35.00`, 'INV-2-1 25.00']);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
