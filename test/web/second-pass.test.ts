import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { csvInputFileOfText } from '../../src/csv/import-files.ts';
import { importCsvFiles } from '../../src/csv/import-ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { chromiumPresent, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials, type Seeder } from './browser-fixture.ts';

/**
 * The administrator's web page, second pass (issue 13), end to end in Chromium on the real server:
 * run history, previews and results checked line by line, the manual editor on the core's order,
 * the selection after a run, reconciliation off where the work is, French all the way, lists like
 * Amilia's, the small things, and a phone. One hand-made organisation whose every figure is known.
 */
/** What the tests read of the page inside page.evaluate (this project's tests are typed without the DOM). */
interface PageElement {
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  scrollWidth: number;
}
interface PageGlobals {
  document: { activeElement: PageElement | null; documentElement: { lang: string; scrollWidth: number }; querySelector(selector: string): PageElement | null };
}

const owner: Credentials = { email: 'owner@example.org', password: 'a long enough password' };
const slug = 'harbour-swim';

const seed: Seeder = async (database) => {
  const organisation = unwrap(await createOrganisation(database, { slug, name: 'Harbour Swim Club' }));
  const files = {
    'accounts.csv': ['account_id,owner_name,owner_email', 'A-LEV,"Lévesque, Marie",marie@example.org', 'A-LI,"Li, Wei",wei@example.org', 'A-LAV,"Lavoie, Paul",paul@example.org', 'A-ZED,Zed Inc,zed@example.org'],
    // INV-9 is created before INV-10, on the same day: oldest first takes INV-9's item first.
    'invoices.csv': [
      'invoice_id,account_id,date,item_id,description,ledger_code,amount,participant_id,rl24_eligible',
      'INV-9,A-LEV,2026-03-01,I-9,Day camp week 1,CAMP,20.00,,true',
      'INV-10,A-LEV,2026-03-01,I-10,Swim lessons,SWIM,20.00,,false',
      'INV-20,A-LI,2026-03-01,I-20,Swim lessons,SWIM,30.00,,false',
      'INV-30,A-LAV,2026-03-01,I-30,Swim team,TEAM,40.00,,false',
    ],
    'refunds.csv': ['refund_id,account_id,date,amount,method,reference', 'RF-1,A-LEV,2026-03-04,10.00,cheque,'],
    'receipts.csv': [
      'receipt_id,account_id,date,kind,amount,method,reference,scheduled',
      'PAY-1,A-LEV,2026-03-02,payment,25.00,card,,false',
      'PAY-REF,A-LEV,2026-03-03,payment,15.00,card,INV-10,false',
      'C-1,A-LEV,2026-03-05,cancellation,5.00,,I-9,false',
      'S-1,A-LEV,2026-04-01,payment,10.00,online,,true',
      'P-20,A-LI,2026-03-02,payment,30.00,cash,,false',
      'P-30,A-LAV,2026-03-02,payment,10.00,cash,,false',
      'CR-40,A-ZED,2026-03-02,credit,15.00,,,false',
    ],
    // The scheduled installment already covers the refund: its own row is post-dated, not full.
    'allocations.csv': ['receipt_id,target_id,amount', 'S-1,RF-1,10.00'],
  };
  unwrap(await importCsvFiles({ database, organisation, actor: 'system:test' }, Object.entries(files).map(([name, lines]) => csvInputFileOfText(name, `${lines.join('\n')}\n`))));
  return organisation.id;
};

describe.skipIf(!chromiumPresent)('the administrator’s web page, second pass, in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;
  const failedResponses: string[] = [];

  beforeAll(async () => {
    fixture = await openBrowserFixture({ seed, owner, viewport: { width: 1280, height: 1000 } });
    ({ base, page } = fixture);
    page.on('response', (response) => {
      if (response.status() >= 400) failedResponses.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
  }, 180_000);

  afterAll(async () => {
    await fixture?.close();
  });

  const api = async <T,>(path: string): Promise<T> => (await (await page.request.get(`${base}/api/v1/orgs/${slug}${path}`)).json()) as T;
  const rows = () => page.locator('table.data-table tbody tr:not(.skeleton-row)');
  const activeWithin = (selector: string) => page.evaluate((inside) => Boolean((globalThis as unknown as PageGlobals).document.activeElement?.closest(inside)), selector);

  it('signs in without a failing request, lists names as people read them, sorts by balance and by unreconciled items, and offers to clear an empty search', async () => {
    await signIn(page, `${base}/sign-in`, owner);
    expect(failedResponses).toEqual([]);
    await expect.poll(() => rows().count()).toBe(4);
    expect(await page.title()).toBe('Accounts · Tally');
    const accountsLink = page.getByRole('link', { name: 'Clients › Accounts' });
    expect(await accountsLink.getAttribute('aria-current')).toBe('page');
    const names = () => page.locator('table.data-table tbody tr td:first-child a').allTextContents();
    // "Lévesque" between "Lavoie" and "Li", not after "Li".
    await expect.poll(names).toEqual(['Lavoie, Paul', 'Lévesque, Marie', 'Li, Wei', 'Zed Inc']);
    await page.getByLabel('Sort by').selectOption('balance_desc');
    await expect.poll(names).toEqual(['Lavoie, Paul', 'Li, Wei', 'Lévesque, Marie', 'Zed Inc']);
    await page.getByLabel('Sort by').selectOption('unreconciled_desc');
    await expect.poll(names).toEqual(['Lévesque, Marie', 'Lavoie, Paul', 'Li, Wei', 'Zed Inc']);
    await page.getByLabel('Sort by').selectOption('owner');

    await page.getByLabel('Search').fill('nobody here');
    await expect.poll(() => page.getByTestId('no-match').textContent()).toContain('Nothing matches “nobody here”.');
    await page.getByRole('button', { name: 'Clear the search' }).click();
    await expect.poll(() => rows().count()).toBe(4);
    expect(await page.getByLabel('Search').inputValue()).toBe('');
  });

  it('previews with its full lists, runs as run 1 (previews take no number), clears the selection, and finds and undoes the run on the Runs page', async () => {
    expect(await page.getByLabel('Select the 4 accounts on this page').count()).toBe(1);
    await page.getByLabel('Select Li, Wei (A-LI)').check();
    await page.getByLabel('Select Lavoie, Paul (A-LAV)').check();
    await page.getByRole('button', { name: 'Operations' }).click();
    await page.getByRole('menuitem', { name: 'Auto-reconcile selected accounts' }).click();
    const preview = page.getByTestId('run-preview');
    const runButton = preview.getByRole('button', { name: 'Run on 2 accounts' });
    await runButton.waitFor();
    const plannedAccounts = preview.getByTestId('run-accounts-table');
    expect(await plannedAccounts.locator('tbody tr td:first-child').allTextContents()).toEqual(['Lavoie, Paul', 'Li, Wei']);
    const plannedAllocations = preview.getByTestId('run-allocations-table');
    expect(await plannedAllocations.locator('tbody tr').count()).toBe(2);
    expect(await plannedAllocations.getByTestId('allocation-pass').allTextContents()).toEqual(['Oldest first', 'Oldest first']);
    await page.screenshot({ path: `${screenshots}auto-reconcile-lists.png`, fullPage: true });
    await runButton.click();

    const result = page.getByTestId('run-result');
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    expect(new URL(page.url()).searchParams.get('run')).toBe('1');
    expect(await page.getByTestId('selection-count').textContent()).toBe('The run took the selection; it was cleared.');
    expect(await page.locator('input.row-select:checked').count()).toBe(0);

    await page.getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('heading', { name: 'Auto-reconcile runs' }).waitFor();
    expect(await page.getByRole('link', { name: 'Runs' }).getAttribute('aria-current')).toBe('page');
    const runRow = page.locator('tr[data-run="1"]');
    await runRow.waitFor();
    expect(await runRow.getByTestId('run-status').textContent()).toBe('Completed.');
    expect(await runRow.textContent()).toContain(owner.email);
    await page.screenshot({ path: `${screenshots}runs.png` });
    await runRow.getByRole('link', { name: 'Open run 1' }).click();
    await page.getByTestId('run-allocations-table').waitFor();
    expect(await page.title()).toBe('Run 1 · Tally');
    expect(await page.getByTestId('run-allocations-table').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('run-accounts-table').getByRole('link', { name: 'Li, Wei' }).getAttribute('href')).toBe(`/orgs/${slug}/accounts/A-LI`);
    await page.screenshot({ path: `${screenshots}run-result.png`, fullPage: true });
    await page.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, undo the run' }).click();
    await expect.poll(() => page.locator('.run-status').getAttribute('data-status')).toBe('undone');
    await expect.poll(() => page.getByTestId('run-allocations-table').locator('.badge.warn').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Undo' }).count()).toBe(0);
  });

  it('suggests what the payment names first and then oldest first by the core’s order, keeps Tab in the editor, and returns the focus with a visible confirmation', async () => {
    await page.goto(`${base}/orgs/${slug}/accounts/A-LEV`);
    await page.getByRole('heading', { name: /Lévesque, Marie/ }).waitFor();
    expect(await page.title()).toBe('Lévesque, Marie · Client billing · Tally');
    // Small things on the rows: ledger code and RL-24 on items, no stray "·", a scheduled installment post-dated.
    const row = (id: string) => page.locator(`tr[data-document="${id}"]`);
    expect(await row('I-9').getByTestId('ledger-code').textContent()).toBe('CAMP');
    expect(await row('I-9').textContent()).toContain('RL-24');
    expect((await row('C-1').getByTestId('document-description').textContent())?.startsWith('·')).toBe(false);
    expect(await row('S-1').locator('.status').getAttribute('data-status')).toBe('post-dated');

    // PAY-REF names INV-10: its item first, even though INV-9's is older.
    await row('PAY-REF').getByRole('button', { name: 'Reconcile PAY-REF…' }).click();
    let editor = page.getByRole('dialog', { name: 'Reconcile payment PAY-REF' });
    await editor.waitFor();
    expect(await editor.getByTestId('editor-source-reference').textContent()).toContain('INV-10');
    expect(await editor.getByLabel('Amount for I-9').inputValue()).toBe('');
    expect(await editor.getByLabel('Amount for I-10').inputValue()).toBe('15.00');
    await editor.getByRole('button', { name: 'Cancel' }).click();

    // PAY-1 names nothing: oldest first, INV-9's item before INV-10's (not "INV-10" < "INV-9" as text).
    await row('PAY-1').getByRole('button', { name: 'Reconcile PAY-1…' }).click();
    editor = page.getByRole('dialog', { name: 'Reconcile payment PAY-1' });
    await editor.waitFor();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('aria-label'))).toBe('Amount for I-9');
    expect(await editor.locator('tbody tr[data-line]').evaluateAll((lines) => lines.map((line) => line.getAttribute('data-line')))).toEqual(['I-9', 'I-10']);
    expect(await editor.getByLabel('Amount for I-9').inputValue()).toBe('20.00');
    expect(await editor.getByLabel('Amount for I-10').inputValue()).toBe('5.00');
    await editor.getByRole('button', { name: 'Clear all' }).click();
    expect(await editor.getByLabel('Amount for I-9').inputValue()).toBe('');
    await editor.getByRole('button', { name: 'Fill oldest first' }).click();
    expect(await editor.getByLabel('Amount for I-10').inputValue()).toBe('5.00');
    // The editor's filter narrows the lines; a hidden line with an amount is said to be saved too.
    await editor.getByLabel('Id, reference or description').fill('I-10');
    await expect.poll(() => editor.locator('tbody tr[data-line]').count()).toBe(1);
    expect(await editor.getByTestId('editor-hidden-amounts').textContent()).toContain('1 line with an amount is hidden');
    await editor.getByRole('button', { name: 'Clear the filter' }).click();
    // Tab goes round inside the dialog.
    await editor.getByRole('button', { name: 'Save' }).focus();
    for (let step = 0; step < 3; step += 1) await page.keyboard.press('Tab');
    expect(await activeWithin('dialog')).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await activeWithin('dialog')).toBe(true);
    await page.screenshot({ path: `${screenshots}manual-reconciliation-suggestion.png` });
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => editor.count()).toBe(0);
    await expect.poll(() => page.getByTestId('account-notice').textContent()).toBe('Reconciliation saved.');
    expect(await page.getByTestId('account-notice').isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.closest('tr')?.getAttribute('data-document'))).toBe('PAY-1');

    // The document table's filter: by id, type, dates, open only.
    await page.getByLabel('Id, reference or description').fill('INV-9');
    await expect.poll(() => page.getByTestId('document-filter-count').textContent()).toBe('2 of 9 documents');
    await page.getByRole('button', { name: 'Clear the filter' }).click();
    await page.getByLabel('Type').selectOption('payment');
    await page.getByLabel('Open only').check();
    await expect.poll(() => page.getByTestId('document-filter-count').textContent()).toBe('1 of 9 documents');
    await page.getByRole('button', { name: 'Clear the filter' }).click();
  });

  it('lists credits and refunds apart, links receipt ids to the document, and downloads the unreconciled items and the audit trail as CSV', async () => {
    await page.getByRole('link', { name: 'Clients › Unreconciled items' }).click();
    const account = page.locator('tbody[data-account="A-LEV"]');
    await account.waitFor();
    expect(await account.getByTestId('account-totals').textContent()).toContain('Credits to allocate');
    await account.getByRole('link', { name: 'PAY-REF' }).click();
    await page.getByRole('heading', { name: /Lévesque, Marie/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('document')).toBe('PAY-REF');
    await expect.poll(() => page.locator('tr.linked').getAttribute('data-document')).toBe('PAY-REF');

    const unreconciled = await page.request.get(`${base}/api/v1/orgs/${slug}/unreconciled.csv?search=lev`);
    expect(unreconciled.headers()['content-type']).toContain('text/csv');
    const lines = (await unreconciled.text()).trim().split('\n');
    expect(lines[0]).toBe('account_id,owner_name,document_id,kind,date,amount,remaining');
    expect(lines.slice(1).map((line) => line.split(',').at(-5))).toEqual(['PAY-REF', 'C-1']);

    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('audit-source').allTextContents()).toContain('By hand');
    expect(await page.getByTestId('audit-removal-reason').allTextContents()).toContain('Run undone');
    await page.getByLabel('User (email or token)').fill('owner@');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByTestId('audit-source').allTextContents()).not.toContain('Import');
    const download = page.getByRole('link', { name: 'Download CSV' });
    const audit = await page.request.get(`${base}${await download.getAttribute('href')}`);
    const events = (await audit.text()).trim().split('\n');
    expect(events[0]).toBe('at,action,actor,source,run_id,removal_reason,account_id,receipt_id,target_id,amount,allocation_id');
    expect(events.slice(1).every((line) => line.split(',')[2] === owner.email)).toBe(true);
    expect(events.length - 1).toBe((await api<{ total: number }>('/audit?actor=owner%40')).total);
  });

  it('shows reconciliation off where the work is, after a confirmed switch that says its state', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const toggle = page.getByRole('switch', { name: 'Reconciliation: on' });
    await toggle.click();
    await page.getByRole('dialog', { name: 'Turn reconciliation off' }).getByRole('button', { name: 'Turn reconciliation off' }).click();
    await page.getByRole('switch', { name: 'Reconciliation: off' }).waitFor();

    await page.getByRole('link', { name: 'Clients › Accounts' }).click();
    await page.getByTestId('reconciliation-off').waitFor();
    expect(await page.getByRole('button', { name: 'Operations' }).isDisabled()).toBe(true);
    expect(await page.locator('.disabled-reason').first().textContent()).toContain('Nothing can be reconciled while it is off');
    await page.goto(`${base}/orgs/${slug}/accounts/A-LAV`);
    await page.getByTestId('reconciliation-off').waitFor();
    expect(await page.getByRole('button', { name: 'Reconcile P-30…' }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: 'Clients › Unreconciled items' }).click();
    await page.getByTestId('reconciliation-off').waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('switch', { name: 'Reconciliation: off' }).click();
    await page.getByRole('dialog', { name: 'Turn reconciliation on' }).getByRole('button', { name: 'Turn reconciliation on' }).click();
    await page.getByRole('switch', { name: 'Reconciliation: on' }).waitFor();
  });

  it('is French all the way: the page, its lang, the words for codes, and the server’s refusals', async () => {
    await page.getByLabel('Language').first().selectOption('fr');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang)).toBe('fr');
    await page.getByRole('link', { name: 'Audit' }).click();
    await expect.poll(() => page.getByTestId('audit-source').allTextContents()).toContain('À la main');
    expect(await page.getByTestId('audit-removal-reason').allTextContents()).toContain('Exécution défaite');
    await page.goto(`${base}/orgs/${slug}/runs/99`);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Aucune exécution n’a le numéro 99');
    await page.goto(`${base}/orgs/${slug}/accounts/A-LEV`);
    await page.locator('tr[data-document="C-1"]').waitFor();
    // Void and cancellation are two words.
    expect(await page.locator('tr[data-document="C-1"]').textContent()).toContain('Annulation');
    expect(await page.locator('.legend').textContent()).toContain('Invalidé');
    // The French header, whose labels are longer, stays one line on a desktop and on a small laptop.
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 1000 });
      await expect.poll(async () => (await page.locator('header.top-bar').boundingBox())!.height).toBeLessThan(64);
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: `${screenshots}account-billing-fr.png` });
    await page.getByLabel('Langue').first().selectOption('en');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang)).toBe('en');
  });

  it('works on a phone: one-line header, amounts and statuses on the billing page, the editor’s amounts within reach', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/orgs/${slug}/accounts/A-LAV`);
    const row = page.locator('tr[data-document="P-30"]');
    await row.waitFor();
    const header = await page.locator('header.top-bar').boundingBox();
    expect(header!.height).toBeLessThan(64);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('header.top-bar')!.scrollWidth <= 390)).toBe(true);
    for (const cell of [row.locator('.status'), row.getByTestId('document-amount'), row.getByRole('button', { name: 'Reconcile P-30…' })]) {
      const box = await cell.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    // The document table scrolls with the page and fits it: nothing scrolls sideways.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${screenshots}phone-billing.png` });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Runs' }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).click();
    await row.getByRole('button', { name: 'Reconcile P-30…' }).click();
    const amount = page.getByLabel('Amount for I-30');
    await amount.waitFor();
    await amount.scrollIntoViewIfNeeded();
    const box = await amount.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await amount.inputValue()).toBe('10.00');
    // Its remainder is there beside it, in a column of its own (not squeezed into a hidden one).
    const remainder = page.locator('tr[data-line="I-30"] td.number').first();
    const remainderBox = await remainder.boundingBox();
    expect(remainderBox && remainderBox.width > 40 && remainderBox.x + remainderBox.width <= box!.x).toBe(true);
    expect(await remainder.textContent()).toMatch(/^\d[\d,]*\.\d\d$/);
    await page.screenshot({ path: `${screenshots}phone-editor.png` });
    await page.keyboard.press('Escape');
    await page.setViewportSize({ width: 1280, height: 1000 });
  });
});
