import type { ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPresent, generatedOrganisation, openBrowserFixture, signIn, type BrowserFixture, type Credentials } from './browser-fixture.ts';

/**
 * The built page and the API docs work under the Content-Security-Policy the server sends:
 * Chromium reports every blocked script, style, image or connection on the console.
 */
const owner: Credentials = { email: 'csp-owner@example.org', password: 'a long enough password' };

describe.skipIf(!chromiumPresent)('Content-Security-Policy in Chromium', () => {
  let fixture: BrowserFixture;
  const violations: string[] = [];
  beforeAll(async () => {
    fixture = await openBrowserFixture({ seed: generatedOrganisation({ slug: 'csp-club', accountsCount: 4, seed: 3 }), owner, viewport: { width: 1280, height: 860 } });
    fixture.page.on('console', (message: ConsoleMessage) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
    });
    fixture.page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('serves the page with the policy, and the page signs in and lists accounts without a violation', async () => {
    const answer = await fixture.page.goto(fixture.base);
    const headers = answer!.headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    await signIn(fixture.page, fixture.base, owner);
    await fixture.page.locator('table tbody tr').first().waitFor();
    await fixture.page.locator('table tbody tr').getByRole('link').first().click();
    await fixture.page.getByRole('heading', { level: 1 }).waitFor();
    expect(violations).toEqual([]);
  });

  it('shows the API docs (swagger-ui) under the policy without a violation', async () => {
    const answer = await fixture.page.goto(`${fixture.base}/api/docs`);
    expect(answer!.headers()['content-security-policy']).toBeDefined();
    await fixture.page.getByText('Tally API').first().waitFor();
    await fixture.page.locator('.opblock').first().waitFor();
    expect(violations).toEqual([]);
  });
});
