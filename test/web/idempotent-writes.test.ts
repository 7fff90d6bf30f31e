import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allocationApi, ApiError, settingsApi } from '../../src/web/api.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/**
 * The web page's API client (src/web/api.ts) against the real HTTP app on PGlite, through a
 * network that can lose answers: the request reaches the server and is done, but the page never
 * hears back. Every write must carry one Idempotency-Key per user action, so that neither the
 * automatic retry, nor the operator pressing the button again, nor a double click does it twice.
 */
describe('Idempotency-Key on the web page’s writes', () => {
  let test: TestDatabase;
  let http: HttpFixture;
  const realFetch = globalThis.fetch;
  /** Every request that reached the server: its method, key, and whether the server replayed an earlier answer. */
  let sent: { method: string; key: string | undefined; replayed: boolean }[] = [];
  /** How many of the next answers the network loses (after the server has acted). */
  let answersToLose = 0;

  beforeAll(async () => {
    test = await dialects[0]!.open();
    http = await httpFixture(test.database, { slug: 'idempotent-web' });
    await http.request('POST', '/accounts', { account_id: 'A-1', owner_name: 'Owner' });
    await http.request('POST', '/invoices', { invoice_id: 'INV-1', account_id: 'A-1', date: '2026-09-01', items: [{ item_id: 'I-1', amount: '50.00' }] });
    await http.request('POST', '/receipts', { receipt_id: 'P-1', account_id: 'A-1', date: '2026-09-01', kind: 'payment', amount: '50.00' });
    // The page's relative /api/v1 calls go to the app, signed in with the owner's API token.
    globalThis.fetch = async (input, init) => {
      const headers: Record<string, string> = { ...(init?.headers as Record<string, string>), authorization: `Bearer ${http.tokens.owner}` };
      const answer = await http.app.inject({ method: (init?.method ?? 'GET') as 'GET', url: String(input), headers, ...(typeof init?.body === 'string' ? { payload: init.body } : {}) });
      sent.push({ method: init?.method ?? 'GET', key: headers['idempotency-key'], replayed: answer.headers['idempotent-replayed'] === 'true' });
      if (answersToLose > 0) {
        answersToLose -= 1;
        throw new TypeError('Failed to fetch');
      }
      return new Response(answer.statusCode === 204 ? null : answer.body, { status: answer.statusCode, headers: { 'content-type': String(answer.headers['content-type'] ?? 'application/json') } });
    };
  });
  afterEach(() => {
    sent = [];
    answersToLose = 0;
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await http.app.close();
    await test.drop();
  });

  const allocatedOfPayment = async () => ((await http.request('GET', '/accounts/A-1')).json().documents as { document_id: string; allocated: string }[]).find((document) => document.document_id === 'P-1')!.allocated;
  const posts = () => sent.filter((request) => request.method === 'POST');

  it('retries a write whose answer was lost with the same key, and the server does it once', async () => {
    answersToLose = 1;
    const answer = await allocationApi.allocate('idempotent-web', [{ receipt_id: 'P-1', target_id: 'I-1', amount: '1.00' }]);
    expect(answer.allocation_ids).toHaveLength(1);
    expect(posts().map((request) => request.replayed)).toEqual([false, true]);
    expect(new Set(posts().map((request) => request.key)).size).toBe(1);
    expect(posts()[0]!.key).toMatch(/^web-[0-9a-f]{32}$/);
    expect(await allocatedOfPayment()).toBe('1.00');
  });

  it('keeps the key when the operator tries again after the retries failed too', async () => {
    answersToLose = 3;
    const failure = await allocationApi.allocate('idempotent-web', [{ receipt_id: 'P-1', target_id: 'I-1', amount: '2.00' }]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(0);
    expect(posts()).toHaveLength(3);
    // The operator presses Save again, the network is back: the server answers with the first outcome.
    await allocationApi.allocate('idempotent-web', [{ receipt_id: 'P-1', target_id: 'I-1', amount: '2.00' }]);
    expect(posts().map((request) => request.replayed)).toEqual([false, true, true, true]);
    expect(new Set(posts().map((request) => request.key)).size).toBe(1);
    expect(await allocatedOfPayment()).toBe('3.00');
  });

  it('makes a double submit one action', async () => {
    const line = { receipt_id: 'P-1', target_id: 'I-1', amount: '4.00' };
    const [first, second] = await Promise.all([allocationApi.allocate('idempotent-web', [line]), allocationApi.allocate('idempotent-web', [line])]);
    expect(second.allocation_ids).toEqual(first.allocation_ids);
    expect(new Set(posts().map((request) => request.key)).size).toBe(1);
    expect(await allocatedOfPayment()).toBe('7.00');
  });

  it('starts a new action once the last one was answered, even for the same request', async () => {
    const line = { receipt_id: 'P-1', target_id: 'I-1', amount: '0.50' };
    await allocationApi.allocate('idempotent-web', [line]);
    await allocationApi.allocate('idempotent-web', [line]);
    expect(new Set(posts().map((request) => request.key)).size).toBe(2);
    expect(await allocatedOfPayment()).toBe('8.00');
  });

  it('starts a new action after a refusal, which the server would otherwise replay', async () => {
    const tooMuch = [{ receipt_id: 'P-1', target_id: 'I-1', amount: '500.00' }];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const failure = await allocationApi.allocate('idempotent-web', tooMuch).catch((error: unknown) => error);
      expect(failure).toMatchObject({ status: 409, code: 'exceeds_credit_remaining' });
    }
    expect(posts().map((request) => request.replayed)).toEqual([false, false]);
    expect(new Set(posts().map((request) => request.key)).size).toBe(2);
  });

  it('sends a key on PATCH and DELETE too, and leaves their retry to the operator', async () => {
    await settingsApi.setReconciliation('idempotent-web', true);
    expect(sent[0]).toMatchObject({ method: 'PATCH', key: expect.stringMatching(/^web-/) });
    const [allocationId] = (await allocationApi.allocate('idempotent-web', [{ receipt_id: 'P-1', target_id: 'I-1', amount: '1.00' }])).allocation_ids;
    answersToLose = 1;
    const failure = await allocationApi.remove('idempotent-web', allocationId!).catch((error: unknown) => error);
    expect((failure as ApiError).status).toBe(0);
    expect(sent.filter((request) => request.method === 'DELETE')).toHaveLength(1);
    expect(sent.at(-1)!.key).toMatch(/^web-/);
  });
});
