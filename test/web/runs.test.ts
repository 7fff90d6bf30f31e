import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, generatedOrganisation, openApiSession, openBrowserFixture, screenshots, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';

/**
 * Auto-reconcile from Clients › Accounts, end to end: select accounts, preview, run, follow the
 * progress, reload (the run is in the address), undo. The real server on PGlite in memory, a
 * small generated organisation, Debian's Chromium; skipped, saying why, without Chromium.
 */
const owner: Credentials = { email: 'owner@example.org', password: 'a long enough password' };

describe.skipIf(!chromiumPresent)('auto-reconcile from the accounts list in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      seed: generatedOrganisation({ slug: 'maple-rec', accountsCount: 40, seed: 20261121 }),
      owner,
      viewport: { width: 1280, height: 1000 },
    });
    ({ base, page } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  /** Two accounts that a run would reconcile something in (asked of the API with dry runs). */
  async function twoReconcilableAccounts(): Promise<{ accountId: string; ownerName: string }[]> {
    const session = await openApiSession(base, owner);
    const { cookie } = session;
    const list = (await (await fetch(`${base}/api/v1/orgs/maple-rec/accounts?page_size=100&unreconciled=true`, { headers: { cookie } })).json()) as { accounts: { account_id: string; owner_name: string }[] };
    const found: { accountId: string; ownerName: string }[] = [];
    for (const account of list.accounts) {
      const preview = await fetch(`${base}/api/v1/orgs/maple-rec/runs`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ scope: { account_ids: [account.account_id] }, dry_run: true }),
      });
      const summary = (await preview.json()) as { allocations_count: number };
      if (summary.allocations_count > 0) found.push({ accountId: account.account_id, ownerName: account.owner_name });
      if (found.length === 2) break;
    }
    await session.signOut();
    return found;
  }

  it('selects two accounts, previews, runs, survives a reload, and undoes', async () => {
    const targets = await twoReconcilableAccounts();
    expect(targets).toHaveLength(2);

    await signIn(page, `${base}/orgs/maple-rec/accounts`, owner);
    const rows = page.locator('table.data-table tbody tr');
    await expect.poll(() => rows.count()).toBe(25);

    // A full page offers every matching account, across pages: its preview covers all 40.
    await page.getByLabel(/^Select the \d+ accounts? on this page$/).check();
    await page.getByRole('button', { name: 'Select all 40 matching accounts' }).click();
    await page.getByText('All 40 matching accounts are selected.').waitFor();
    await page.getByRole('button', { name: 'Operations' }).click();
    await page.getByRole('menuitem', { name: 'Auto-reconcile selected accounts' }).click();
    await expect.poll(() => page.getByTestId('run-preview').getByTestId('run-accounts').textContent()).toBe('40');
    await page.getByTestId('run-preview').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Clear selection' }).click();
    expect(await page.getByTestId('run-preview').count()).toBe(0);

    await page.getByLabel('Accounts per page').selectOption('50');
    await expect.poll(() => rows.count()).toBe(40);

    const rowOf = (accountId: string) => rows.filter({ has: page.locator('td.mono', { hasText: accountId }) });
    const unreconciledOf = async (accountId: string) => (await rowOf(accountId).locator('td').nth(4).textContent())?.trim() ?? '';
    const before = await Promise.all(targets.map((target) => unreconciledOf(target.accountId)));

    // The page checkbox selects the page, and then offers every matching account; clear it again.
    await page.getByLabel(/^Select the \d+ accounts? on this page$/).check();
    await expect.poll(() => page.getByText('40 selected').count()).toBe(1);
    await page.getByLabel('Has unreconciled items').check();
    await expect.poll(() => page.getByText('Select accounts first', { exact: false }).count()).toBe(1);
    await page.getByLabel('Has unreconciled items').uncheck();
    await expect.poll(() => rows.count()).toBe(40);

    // Two accounts, by their labelled checkboxes (one with the keyboard).
    await page.getByLabel(`Select ${targets[0]!.ownerName} (${targets[0]!.accountId})`).check();
    await page.getByLabel(`Select ${targets[1]!.ownerName} (${targets[1]!.accountId})`).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByText('2 selected').count()).toBe(1);

    // Operations › Auto-reconcile selected accounts, with the keyboard.
    const operations = page.getByRole('button', { name: 'Operations' });
    expect(await operations.getAttribute('aria-haspopup')).toBe('menu');
    expect(await operations.getAttribute('aria-expanded')).toBe('false');
    await operations.focus();
    await page.keyboard.press('ArrowDown');
    expect(await operations.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe('Auto-reconcile selected accounts');
    await page.keyboard.press('Enter');

    // The preview: figures, reasons, a few planned allocations.
    const preview = page.getByTestId('run-preview');
    await preview.getByTestId('run-allocations').waitFor();
    expect(await preview.getByTestId('run-accounts').textContent()).toBe('2');
    const planned = Number(await preview.getByTestId('run-allocations').textContent());
    expect(planned).toBeGreaterThan(0);
    expect(await preview.getByTestId('run-amount').textContent()).toMatch(/\d/);
    expect(await preview.textContent()).toContain('By pass:');
    expect(await preview.getByTestId('run-allocations-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${screenshots}auto-reconcile.png` });

    // Run: progress, then the result; the run is in the address.
    await preview.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('run-result');
    await result.getByRole('progressbar').waitFor();
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('completed');
    const bar = result.getByRole('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe('2');
    expect(await bar.getAttribute('aria-valuemax')).toBe('2');
    expect(await result.getByTestId('run-allocations').textContent()).toBe(String(planned));
    const runId = new URL(page.url()).searchParams.get('run');
    expect(runId).toMatch(/^\d+$/);

    // Reload: the result is still there.
    await page.reload();
    await page.getByTestId('run-result').getByTestId('run-allocations').waitFor();
    expect(await page.getByTestId('run-result').getByTestId('run-allocations').textContent()).toBe(String(planned));
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('2');

    // Undo, confirmed: what was removed is shown and the accounts are as they were.
    await page.getByRole('button', { name: 'Undo' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(`Remove the ${planned} allocations`);
    await confirm.getByRole('button', { name: 'Yes, undo the run' }).click();
    await expect.poll(() => page.getByTestId('undo-result').textContent()).toContain(`${planned} allocations removed`);
    await expect.poll(() => Promise.all(targets.map((target) => unreconciledOf(target.accountId)))).toEqual(before);
    await expect.poll(() => page.locator('.run-status').getAttribute('data-status')).toBe('undone');
    expect(await page.locator('.run-status').textContent()).toMatch(/^Undone: \w{3} \d{1,2}, \d{4}/);
  });
});

/**
 * The rest of a run's life, on a larger organisation (400 accounts, four batches of 100): the
 * strategy chosen in the preview; Run whose answer is lost on the way back (the page retries with
 * the same Idempotency-Key, so one run is queued); Cancel of a queued run; and a run cancelled
 * after its first batch, which keeps what that batch allocated, and Undo of that.
 */
describe.skipIf(!chromiumPresent)('strategy, a lost answer and cancelling runs in Chromium', () => {
  let fixture: BrowserFixture;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    fixture = await openBrowserFixture({
      seed: generatedOrganisation({ slug: 'cedar-camp', accountsCount: 400, seed: 20261123 }),
      owner,
      viewport: { width: 1280, height: 1000 },
    });
    ({ base, page } = fixture);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const sql = (text: string) => fixture.server.database.query(text);
  const runOf = async (runId: string | null) => (await (await page.request.get(`${base}/api/v1/orgs/cedar-camp/runs/${runId}`)).json()) as { status: string; strategy: string; accounts_done: number; allocations_count: number };

  it('previews both strategies, queues one run despite a lost answer, and cancels it while queued', async () => {
    await signIn(page, `${base}/orgs/cedar-camp/accounts`, owner);
    await page.getByRole('button', { name: 'Operations' }).click();
    await page.getByRole('menuitem', { name: 'Auto-reconcile all accounts' }).click();

    // References first by default; oldest first only is previewed again, without the reference pass.
    const preview = page.getByTestId('run-preview');
    await preview.getByTestId('run-allocations').waitFor();
    expect(await preview.getByRole('radio', { name: 'By reference, then oldest first' }).isChecked()).toBe(true);
    const byPass = () => preview.getByText(/^By pass:/).textContent();
    expect(await byPass()).not.toMatch(/^By pass: 0 by reference to a charge, 0 by reference to an invoice,/);
    await preview.getByRole('radio', { name: 'Oldest first only' }).check();
    // Counts in sentences are grouped for the language ("3,017").
    await expect.poll(byPass).toMatch(/^By pass: 0 by reference to a charge, 0 by reference to an invoice, [1-9]\d{0,2}(,\d{3})* oldest first\.$/);
    expect(await preview.getByTestId('run-accounts').textContent()).toBe('400');

    // The worker cannot claim the job (the claim's update is skipped), so the run stays queued.
    await sql(`create function test_hold_jobs() returns trigger language plpgsql as $$ begin return null; end $$`);
    await sql(`create trigger test_hold_jobs before update on job for each row when (old.status = 'queued' and new.status = 'running') execute function test_hold_jobs()`);
    // The answer to Run is lost after the server queued the run; the page's retry carries the same key.
    const startKeys: string[] = [];
    await page.route('**/api/v1/orgs/cedar-camp/runs', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST' || (JSON.parse(request.postData() ?? '{}') as { dry_run?: boolean }).dry_run) return route.continue();
      startKeys.push(request.headers()['idempotency-key'] ?? '');
      if (startKeys.length > 1) return route.continue();
      await route.fetch();
      return route.abort('connectionreset');
    });
    await preview.getByRole('button', { name: 'Run' }).click();
    const result = page.getByTestId('run-result');
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status')).toBe('queued');
    expect(startKeys).toHaveLength(2);
    expect(startKeys[1]).toBe(startKeys[0]);
    await page.unroute('**/api/v1/orgs/cedar-camp/runs');
    const runId = new URL(page.url()).searchParams.get('run');
    const runs = (await (await page.request.get(`${base}/api/v1/orgs/cedar-camp/runs`)).json()) as { total: number; runs: { run_id: string; strategy: string }[] };
    expect(runs.total).toBe(1);
    expect(runs.runs[0]).toMatchObject({ run_id: runId, strategy: 'fifo' });
    expect(await result.locator('.run-times').textContent()).toContain('Strategy: Oldest first only');

    // Cancel: a queued run stops at once, having allocated nothing, so there is nothing to undo.
    await result.getByRole('button', { name: 'Cancel run' }).click();
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status')).toBe('cancelled');
    expect(await result.getByTestId('run-cancelled').textContent()).toBe('Cancelled before anything was allocated.');
    expect(await runOf(runId)).toMatchObject({ status: 'cancelled', accounts_done: 0, allocations_count: 0 });
    expect(await result.getByRole('button', { name: 'Undo' }).count()).toBe(0);
    expect(await result.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    await result.getByRole('button', { name: 'Close' }).click();
    await sql('drop trigger test_hold_jobs on job');
  });

  it('shows a run cancelled mid-way with what it kept, and undoes that', async () => {
    // PGlite runs one statement at a time, so a test cannot reliably press Cancel between two
    // batches; the first batch asks for the cancellation itself, as POST /cancel does.
    await sql(`create function test_cancel_after_batch() returns trigger language plpgsql as $$
      begin update job set cancel_requested = true where org_id = new.org_id and run_id = new.run_id; return new; end $$`);
    await sql('create trigger test_cancel_after_batch after insert on reconciliation_run_batch for each row execute function test_cancel_after_batch()');
    await page.getByRole('button', { name: 'Operations' }).click();
    await page.getByRole('menuitem', { name: 'Auto-reconcile all accounts' }).click();
    const preview = page.getByTestId('run-preview');
    await preview.getByTestId('run-allocations').waitFor();
    await preview.getByRole('button', { name: 'Run' }).click();

    const result = page.getByTestId('run-result');
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('cancelled');
    const runId = new URL(page.url()).searchParams.get('run');
    const cancelled = await runOf(runId);
    expect(cancelled).toMatchObject({ status: 'cancelled', strategy: 'reference', accounts_done: 100 });
    expect(cancelled.allocations_count).toBeGreaterThan(0);
    const allocationsCountText = cancelled.allocations_count.toLocaleString('en-CA');
    expect(await result.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(await result.getByTestId('run-cancelled').textContent()).toMatch(new RegExp(`^Cancelled after 100 of 400 accounts\\. The ${allocationsCountText} allocations \\([\\d,]+\\.\\d{2}\\) made before it stopped are kept; Undo removes them\\.$`));
    await sql('drop trigger test_cancel_after_batch on reconciliation_run_batch');

    await result.getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, undo the run' }).click();
    await expect.poll(() => page.getByTestId('undo-result').textContent()).toContain(`${allocationsCountText} allocations removed`);
    await expect.poll(() => result.locator('.run-status').getAttribute('data-status')).toBe('undone');
    expect((await runOf(runId)).status).toBe('undone');
  });
});
