import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/outcome.ts';
import { csvInputFileOfText } from '../../src/csv/import-files.ts';
import { importCsvFiles } from '../../src/csv/import-ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { chromiumPresent, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials, type Seeder } from './browser-fixture.ts';

/**
 * Issue 10's story on the Reports page, in Chromium against the real server: an account imported
 * with an RL-24-eligible item and a payment left unallocated; the payment's money shows under
 * *unallocated* and as a blocker of the RL-24 slips; the administrator follows the blocker to the
 * account, reconciles the payment, comes back, and sees the money move to its ledger code, the
 * slip appear and the blocker go; the report as of the earlier instant is still what it was. The
 * same in French for the words; and at a phone's width.
 */
interface PageGlobals {
  document: { documentElement: { lang: string; scrollWidth: number } };
}

const owner: Credentials = { email: 'owner@maple-care.example', password: 'reports story password' };
const slug = 'maple-care';
const year = '2026';
const collectionsAddress = `/orgs/${slug}/reports?from=${year}-01-01&to=${year}-12-31`;
const rl24Address = `/orgs/${slug}/reports/rl24?year=${year}`;

/**
 * A100: Léa's childcare (4100, RL-24) paid by P1, which nobody has reconciled yet.
 * A200: swim lessons (4200), paid and reconciled. A300: Noah's childcare, paid and reconciled,
 * but Noah has no birth date: a blocker that stays all along.
 */
const seed: Seeder = async (database) => {
  const organisation = unwrap(await createOrganisation(database, { slug, name: 'Maple Daycare' }));
  const files = {
    'accounts.csv': ['account_id,owner_name,owner_email', 'A100,"Tremblay, Marie",marie@example.org', 'A200,"Roy, Paul",paul@example.org', 'A300,"Gagnon, Anne",anne@example.org'],
    'participants.csv': ['participant_id,account_id,name,birth_date', 'K1,A100,Léa Tremblay,2020-04-02', 'K3,A300,Noah Gagnon,'],
    'invoices.csv': [
      'invoice_id,account_id,date,item_id,description,ledger_code,amount,participant_id,rl24_eligible',
      `INV-1,A100,${year}-03-01,I1,Daycare March,4100,120.00,K1,true`,
      `INV-2,A200,${year}-02-01,I2,Swim lessons,4200,50.00,,false`,
      `INV-3,A300,${year}-04-01,I3,Daycare April,4100,30.00,K3,true`,
    ],
    'receipts.csv': [
      'receipt_id,account_id,date,kind,amount,method,reference,scheduled',
      `P1,A100,${year}-03-03,payment,120.00,card,,false`,
      `P2,A200,${year}-02-02,payment,50.00,cash,,false`,
      `P3,A300,${year}-04-02,payment,30.00,card,,false`,
    ],
    'allocations.csv': ['receipt_id,target_id,amount', 'P2,I2,50.00', 'P3,I3,30.00'],
  };
  unwrap(await importCsvFiles({ database, organisation, actor: 'system:test' }, Object.entries(files).map(([name, lines]) => csvInputFileOfText(name, `${lines.join('\n')}\n`))));
  return organisation.id;
};

describe.skipIf(!chromiumPresent)('the Reports page in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    fixture = await openBrowserFixture({ seed, owner, viewport: { width: 1280, height: 1000 } });
    ({ base, page } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** A summary line's figure, as the table shows it. */
  const figure = (line: string, column: 'collected' | 'refunded' | 'net', ledgerCode?: string) =>
    page.locator(`.collections-table tr[data-line="${line}"]${ledgerCode ? `[data-ledger-code="${ledgerCode}"]` : ''} td[data-column="${column}"]`).textContent();
  /** Clicks a CSV download and reads the file the browser saved. */
  async function downloaded(label: string): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).first().click()]);
    return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
  }
  let asOfBeforeReconciling = '';

  it('shows the unallocated payment apart, with its count, its parts and the way to the unreconciled items; the summary as a table, a chart and CSV', async () => {
    await signIn(page, base, owner);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Collections by ledger code' }).waitFor();
    // The period by its fields, so the test does not depend on today's date.
    await page.getByLabel('First day').fill(`${year}-01-01`);
    await page.getByLabel('Last day').fill(`${year}-12-31`);
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('to')).toBe(`${year}-12-31`);
    await expect.poll(() => figure('unallocated', 'net')).toBe('120.00');
    expect(await figure('ledger_code', 'collected', '4100')).toBe('30.00');
    expect(await figure('ledger_code', 'net', '4200')).toBe('50.00');
    expect(await figure('total', 'collected')).toBe('200.00');

    const apart = page.getByTestId('unallocated-apart');
    expect(await apart.getByTestId('unallocated-collected').textContent()).toBe('120.00');
    expect(await apart.getByTestId('unallocated-count').textContent()).toContain('1 payment, deposit or refund of the period is not fully reconciled');
    expect(await apart.getByRole('link', { name: 'Open the unreconciled items' }).getAttribute('href')).toBe(`/orgs/${slug}/unreconciled`);

    // The chart is one image with a title and a description that states every figure.
    const chart = page.getByRole('img', { name: /Net by ledger code/ });
    expect(await chart.locator('desc').textContent()).toContain('Unallocated: net 120.00 (collected 120.00, refunded 0.00).');
    expect(await chart.locator('g[data-line="unallocated"]').count()).toBe(1);
    asOfBeforeReconciling = (await page.getByTestId('report-as-of').locator('time').getAttribute('datetime'))!;
    await page.screenshot({ path: `${screenshots}reports-collections.png`, fullPage: true });

    // The unallocated line's parts, opened from the keyboard: the payment, linking to its account.
    await page.getByRole('button', { name: 'Parts of Unallocated' }).first().focus();
    await page.keyboard.press('Enter');
    const parts = page.locator('#collections-parts');
    await parts.locator('tr[data-document="P1"]').waitFor();
    expect(await parts.getByRole('heading').textContent()).toBe('Parts of Unallocated');
    expect(await parts.locator('tr[data-document="P1"] td.number').textContent()).toBe('120.00');
    expect(await parts.getByRole('link', { name: 'P1' }).getAttribute('href')).toBe(`/orgs/${slug}/accounts/A100?document=P1`);

    // The summary and every part as CSV, read with Accept: text/csv.
    const summaryCsv = await downloaded('Download the summary (CSV)');
    expect(summaryCsv.name).toMatch(/\.csv$/);
    expect(summaryCsv.text.split(/\r?\n/)[0]).toBe('line,ledger_code,collected,refunded,net');
    expect(summaryCsv.text).toContain('unallocated,,120.00,0.00,120.00');
    const detailCsv = await downloaded('Download every part (CSV)');
    expect(detailCsv.text.split(/\r?\n/)[0]).toBe('day,account_id,document_id,kind,method,counterpart_id,invoice_id,ledger_code,participant_id,line,amount');
    expect(detailCsv.text).toContain(`${year}-03-03,A100,P1,payment,card,,,,,unallocated,120.00`);
  });

  it('lists the RL-24 blockers in words, follows one to its account, reconciles it, and sees the slip come and the blocker go', async () => {
    await page.getByRole('link', { name: 'RL-24 slips' }).click();
    await page.getByRole('heading', { name: 'RL-24 slips', level: 1 }).waitFor();
    await page.getByLabel('Year').fill(year);
    await page.getByRole('button', { name: 'Show' }).click();
    const money = page.locator('section[data-reason="money_not_fully_allocated"]');
    await money.locator('tr[data-id="P1"]').waitFor();
    expect(await money.getByRole('heading').textContent()).toContain('Money not fully reconciled');
    expect(await money.locator('tr[data-id="P1"] td.number').textContent()).toBe('120.00');
    const birth = page.locator('section[data-reason="participant_without_birth_date"]');
    expect(await birth.getByRole('heading').textContent()).toContain('Child without a birth date');
    expect(await birth.locator('tr[data-id="K3"]').count()).toBe(1);
    expect(await page.getByTestId('rl24-slip-count').textContent()).toBe('1');
    expect(await page.getByTestId('rl24-total-amount').textContent()).toBe('30.00');
    await page.screenshot({ path: `${screenshots}reports-rl24.png`, fullPage: true });

    const slipsCsv = await downloaded('Download the slips (CSV)');
    expect(slipsCsv.text.split(/\r?\n/)[0]).toBe('account_id,owner_name,participant_id,participant_name,birth_date,paid,refunded,amount');
    const blockersCsv = await downloaded('Download the blockers (CSV)');
    expect(blockersCsv.text).toContain('A100,P1,money_not_fully_allocated,120.00');

    // Follow the blocker to the account and reconcile the payment there.
    await money.getByRole('link', { name: 'Open account A100' }).click();
    await page.getByRole('heading', { name: /Tremblay/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('document')).toBe('P1');
    await page.getByRole('button', { name: 'Reconcile P1…' }).click();
    const editor = page.getByRole('dialog', { name: 'Reconcile payment P1' });
    expect(await editor.getByLabel('Amount for I1').inputValue()).toBe('120.00');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('tr[data-document="P1"] .status').getAttribute('data-status')).toBe('full');

    // Back on the report: the slip is there and only the birth date is left to fix.
    await page.goBack();
    await page.getByRole('heading', { name: 'RL-24 slips', level: 1 }).waitFor();
    await expect.poll(() => page.locator('section[data-reason="money_not_fully_allocated"]').count()).toBe(0);
    await page.locator('section[data-reason="participant_without_birth_date"]').waitFor();
    await expect.poll(() => page.getByTestId('rl24-slip-count').textContent()).toBe('2');
    expect(await page.getByTestId('rl24-total-amount').textContent()).toBe('150.00');
    const slip = page.locator('.slips-table tr[data-account="A100"][data-participant="K1"]');
    expect(await slip.locator('td.number').allTextContents()).toEqual(['120.00', '0.00', '120.00']);
    // The search narrows the slips and says so when nothing matches.
    await page.getByLabel('Search').fill('Noah');
    await expect.poll(() => page.locator('.slips-table tbody tr[data-participant]').count()).toBe(1);
    await page.getByLabel('Search').fill('nobody at all');
    await page.getByTestId('no-match').waitFor();
  });

  it('moves the money from unallocated to its ledger code, still shows the earlier instant as it stood, and says when a period is empty or reversed', async () => {
    await page.goto(`${base}${collectionsAddress}`);
    await expect.poll(() => figure('ledger_code', 'collected', '4100')).toBe('150.00');
    expect(await page.locator('.collections-table tr[data-line="unallocated"]').count()).toBe(0);
    expect(await page.getByTestId('unallocated-none').textContent()).toBe('Everything collected and refunded in this period is reconciled.');
    expect(await figure('total', 'collected')).toBe('200.00');

    // As of the instant read before reconciling, the report is what it was then.
    await page.goto(`${base}${collectionsAddress}&as_of=${encodeURIComponent(asOfBeforeReconciling)}`);
    await expect.poll(() => figure('unallocated', 'net')).toBe('120.00');
    expect(await figure('ledger_code', 'collected', '4100')).toBe('30.00');

    // A period without money says so; a reversed one shows the server's refusal, naming the days.
    await page.goto(`${base}/orgs/${slug}/reports?from=2025-01-01&to=2025-12-31`);
    expect(await page.getByTestId('collections-empty').textContent()).toBe('No money came in or went out in this period.');
    expect(await page.getByRole('img', { name: /Net by ledger code/ }).count()).toBe(0);
    await page.goto(`${base}/orgs/${slug}/reports?from=${year}-12-31&to=${year}-01-01`);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain(`${year}-12-31`);
  });

  it('is in French: the words of both reports and of the blockers, amounts written the French way', async () => {
    await page.goto(`${base}${collectionsAddress}`);
    await page.getByLabel('Language').first().selectOption('fr');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang)).toBe('fr');
    await page.getByRole('heading', { name: 'Encaissements par code de grand livre' }).waitFor();
    expect(await page.getByRole('link', { name: 'Rapports' }).count()).toBe(1);
    expect(await page.getByRole('group', { name: 'Période' }).getByRole('button').allTextContents()).toEqual(['Ce mois-ci', 'Le mois dernier', 'Cette année', 'L’an dernier']);
    expect(await page.locator('.collections-table thead').textContent()).toContain('Encaissé');
    await expect.poll(() => figure('ledger_code', 'collected', '4100')).toBe('150,00');
    await page.goto(`${base}${rl24Address}`);
    await page.getByRole('heading', { name: 'Relevés 24', level: 1 }).waitFor();
    const birth = page.locator('section[data-reason="participant_without_birth_date"]');
    await birth.waitFor();
    expect(await birth.getByRole('heading').textContent()).toContain('Enfant sans date de naissance');
    expect(await birth.textContent()).toContain('Saisissez la date de naissance de l’enfant');
    await page.screenshot({ path: `${screenshots}reports-rl24-fr.png`, fullPage: true });
    await page.getByLabel('Langue').first().selectOption('en');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.lang)).toBe('en');
  });

  it('is usable on a phone: nothing wider than the screen, the chart and the figures in view, Reports in the menu', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}${collectionsAddress}`);
    await expect.poll(() => figure('ledger_code', 'collected', '4100')).toBe('150.00');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const element of [page.getByRole('img', { name: /Net by ledger code/ }), page.locator('.collections-table tr[data-line="total"] td[data-column="net"]'), page.getByRole('button', { name: 'Show' })]) {
      await element.scrollIntoViewIfNeeded();
      const box = await element.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    }
    await page.screenshot({ path: `${screenshots}phone-reports.png`, fullPage: true });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Reports' }).waitFor();
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.goto(`${base}${rl24Address}`);
    await page.locator('section[data-reason="participant_without_birth_date"] tr[data-id="K3"]').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 1000 });
  });
});
