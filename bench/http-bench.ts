/**
 * The HTTP part of `npm run bench`: requests per second and p99 latency of the API on PostgreSQL,
 * for reading an account and for a manual allocation, beside the same server answering its health
 * route (a bare `select 1`), as a ratio. autocannon drives a real listening server on 127.0.0.1.
 */
import autocannon from 'autocannon';
import { unwrap } from '../src/core/outcome.ts';
import { buildApp } from '../src/http/app.ts';
import { addUser } from '../src/services/access/users.ts';
import { createApiToken } from '../src/services/access/api-tokens.ts';
import { writeAccounts, writeInvoiceItems, writeReceipts } from '../src/storage/ledger-writer.ts';
import { createOrganisation } from '../src/services/organisations.ts';
import type { CalendarDate } from '../src/core/calendar-date.ts';
import { createPostgresTestDatabase } from '../test/support/dialects.ts';

/** Accounts the allocation requests spread over, so they measure the API rather than one row lock. */
export const httpBenchAccounts = 200;
export const httpBenchDurationSeconds = 10;
export const httpBenchConnections = 20;

export interface HttpFigure {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly latencyP99Ms: number;
  readonly non2xx: number;
}

async function measure(name: string, options: autocannon.Options): Promise<HttpFigure> {
  const result = await autocannon({ connections: httpBenchConnections, duration: httpBenchDurationSeconds, ...options });
  return { name, requestsPerSecond: result.requests.average, latencyP99Ms: result.latency.p99, non2xx: result.non2xx };
}

export async function benchHttp(serverUrl: string): Promise<HttpFigure[]> {
  const scratch = await createPostgresTestDatabase(serverUrl, httpBenchConnections);
  const database = scratch.database;
  try {
    const organisation = unwrap(await createOrganisation(database, { slug: 'bench' }));
    // Each account: one large invoice item and one large payment, so every allocation request of
    // one cent succeeds for the whole run. Written set-based, through the same writers as import.
    const numbers = Array.from({ length: httpBenchAccounts }, (_, index) => index);
    const anyRow = () => 'bench';
    await database.transaction(async (transaction) => {
      await writeAccounts(transaction, organisation.id, numbers.map((index) => ({ accountId: `A${index}`, ownerName: `Owner ${index}`, ownerEmail: '' })), anyRow);
      await writeInvoiceItems(transaction, organisation.id, numbers.map((index) => ({
        invoiceId: `INV-${index}`, accountId: `A${index}`, date: '2026-01-01' as CalendarDate, itemId: `I-${index}`, description: 'Season pass',
        ledgerCode: 'GL-1', amountMinor: 100_000_000n, participantId: null, rl24Eligible: false,
      })), anyRow);
      await writeReceipts(transaction, organisation.id, numbers.map((index) => ({
        receiptId: `P-${index}`, accountId: `A${index}`, date: '2026-01-02' as CalendarDate, kind: 'payment' as const, amountMinor: 100_000_000n, method: 'cash' as const, reference: '', scheduled: false,
      })), anyRow);
    });
    process.stderr.write('http bench: data ready\n');
    const member = unwrap(await addUser(database, organisation.id, { email: 'bench@example.org', password: 'a long enough password', role: 'owner' })).user;
    const token = unwrap(await createApiToken(database, organisation.id, { name: 'bench', role: 'owner' }, { actor: member.email, userId: member.id })).token;
    const app = await buildApp({ database });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let sequence = 0;
    const figures = [
      await measure('health (select 1)', { url: `${base}/api/health` }),
      await measure('read an account', {
        url: base,
        headers,
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/v1/orgs/bench/accounts/A${(sequence += 1) % httpBenchAccounts}` }) }],
      }),
      await measure('manual allocation', {
        url: base,
        headers,
        requests: [{
          method: 'POST',
          path: '/api/v1/orgs/bench/allocations',
          setupRequest: (request) => {
            const index = (sequence += 1) % httpBenchAccounts;
            return { ...request, body: JSON.stringify({ lines: [{ receipt_id: `P-${index}`, target_id: `I-${index}`, amount: '0.01' }] }) };
          },
        }],
      }),
    ];
    await app.close();
    return figures;
  } finally {
    await scratch.drop();
  }
}

export function printHttpFigures(figures: readonly HttpFigure[]): void {
  const baseline = figures[0]!;
  process.stdout.write('\nHTTP API on PostgreSQL (autocannon, 127.0.0.1, ' + `${httpBenchConnections} connections, ${httpBenchDurationSeconds} s each)\n`);
  process.stdout.write(`${'request'.padEnd(22)}${'req/s'.padStart(10)}${'p99 ms'.padStart(10)}${'non-2xx'.padStart(10)}${'vs select 1'.padStart(14)}\n`);
  for (const figure of figures) {
    const ratio = figure === baseline ? '1.00x' : `${(baseline.requestsPerSecond / figure.requestsPerSecond).toFixed(2)}x slower`;
    process.stdout.write(`${figure.name.padEnd(22)}${figure.requestsPerSecond.toFixed(0).padStart(10)}${figure.latencyP99Ms.toFixed(1).padStart(10)}${String(figure.non2xx).padStart(10)}${ratio.padStart(14)}\n`);
  }
}
