import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { generateOrganisation } from '../../src/generate/generate-organisation.ts';
import { createOwner, startServer, type RunningServer } from '../../src/http/server.ts';
import { webBuildExists } from '../../src/http/web-page.ts';
import type { Database } from '../../src/storage/database.ts';

/**
 * The set-up every end-to-end test of the web page shares: the real server on PGlite in memory,
 * seeded by the test, serving the built page to Debian's Chromium (never a browser a tool
 * downloads). Without Chromium the tests are skipped, saying why.
 */
export const chromiumPath = process.env.TALLY_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumPresent = existsSync(chromiumPath);
if (!chromiumPresent) console.warn(`[web e2e] skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set TALLY_CHROMIUM)`);

/**
 * Where the tests' screenshots land: `test-results/screenshots/` (not committed), or, with
 * `TALLY_SCREENSHOTS=docs` (`npm run screenshots`), `docs/screenshots/`, which the README shows. A
 * plain `npm test` thus leaves the working tree as it found it.
 */
export const screenshots = fileURLToPath(new URL(process.env.TALLY_SCREENSHOTS === 'docs' ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url));

/** Fills the empty database and returns the organisation the owner belongs to. */
export type Seeder = (database: Database) => Promise<bigint>;

/** A generated organisation (tally generate) as the seed. */
export function generatedOrganisation(options: { slug: string; accountsCount: number; seed: number }): Seeder {
  return async (database) => {
    const generated = await generateOrganisation(database, { ...options, actor: 'system:test' });
    if (!generated.ok) throw new Error(generated.refusal.message);
    return generated.value.organisation.id;
  };
}

/** Who signs in: the owner the fixture creates. */
export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/**
 * Opens `address` signed out, which leads to the sign-in form; signs in there and waits for the
 * page it then returns to, known by its heading (the accounts list unless told otherwise).
 */
export async function signIn(page: Page, address: string, credentials: Credentials, landingHeading: string | RegExp = 'Accounts'): Promise<void> {
  await page.goto(address);
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: landingHeading }).waitFor();
}

/** A session of the API for the test's own requests, apart from the browser's. */
export interface ApiSession {
  /** The session cookie, as a request's `cookie` header. */
  readonly cookie: string;
  /** For the `x-csrf-token` header of writes. */
  readonly csrfToken: string;
  signOut(): Promise<void>;
}

export async function openApiSession(base: string, credentials: Credentials): Promise<ApiSession> {
  const answer = await fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: credentials.email, password: credentials.password }) });
  if (!answer.ok) throw new Error(`sign-in refused: ${answer.status} ${await answer.text()}`);
  const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrf_token: csrfToken } = (await answer.json()) as { csrf_token: string };
  return {
    cookie,
    csrfToken,
    async signOut() {
      await fetch(`${base}/api/v1/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } });
    },
  };
}

export interface BrowserFixture {
  readonly server: RunningServer;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

export async function openBrowserFixture(options: {
  seed: Seeder;
  owner: Credentials;
  viewport: { width: number; height: number };
}): Promise<BrowserFixture> {
  if (!webBuildExists()) throw new Error('dist/web is missing: run `npm run build:web` (npm test does it first)');
  const server = await startServer(
    { port: 0, host: '127.0.0.1', database: { dataDirectory: 'memory' }, adminEmail: options.owner.email, adminPassword: options.owner.password, secureCookies: false, jobLeaseMs: 30_000, runBatchAccounts: 100, logLevel: 'warn' },
    async (database) => {
      await createOwner(database, await options.seed(database), options.owner.email, options.owner.password);
      return null;
    },
  );
  const address = server.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: options.viewport, locale: 'en-CA' });
  // The page copies API tokens to the clipboard; the tests read it back.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  await mkdir(screenshots, { recursive: true });
  return {
    server,
    base,
    browser,
    page,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}
