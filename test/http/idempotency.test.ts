import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyClaimLeaseSeconds, idempotencyKeyRetentionHours } from '../../src/http/http-limits.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

for (const dialect of dialects) {
  describe(`Idempotency-Key on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
      await http.request('POST', '/accounts', { account_id: 'A-1', owner_name: 'Owner' });
      await http.request('POST', '/invoices', { invoice_id: 'INV-1', account_id: 'A-1', date: '2026-09-01', items: [{ item_id: 'I-1', amount: '50.00' }, { item_id: 'I-2', amount: '50.00' }] });
      await http.request('POST', '/receipts', { receipt_id: 'P-1', account_id: 'A-1', date: '2026-09-01', kind: 'payment', amount: '100.00' });
    });
    afterAll(async () => {
      await http.app.close();
      await test.drop();
    });

    const activeAllocations = async () => (await http.request('GET', '/accounts/A-1')).json().allocations.length as number;

    it('replays the first response for the same key and body, without running again', async () => {
      const body = { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '10.00' }] };
      const first = await http.request('POST', '/allocations', body, { headers: { 'idempotency-key': 'replay-1' } });
      const second = await http.request('POST', '/allocations', body, { headers: { 'idempotency-key': 'replay-1' } });
      expect(first.statusCode).toBe(201);
      expect(second.statusCode).toBe(201);
      expect(second.body).toBe(first.body);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await activeAllocations()).toBe(1);
    });

    it('refuses the same key with a different body and writes nothing', async () => {
      const response = await http.request('POST', '/allocations', { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '11.00' }] }, { headers: { 'idempotency-key': 'replay-1' } });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('idempotency_key_reused');
      expect(await activeAllocations()).toBe(1);
    });

    it('runs concurrent requests with one key once', async () => {
      const body = { lines: [{ receipt_id: 'P-1', target_id: 'I-2', amount: '5.00' }] };
      const responses = await Promise.all(Array.from({ length: 8 }, () => http.request('POST', '/allocations', body, { headers: { 'idempotency-key': 'concurrent-1' } })));
      expect(responses.map((response) => response.statusCode)).toEqual(Array(8).fill(201));
      expect(new Set(responses.map((response) => response.body)).size).toBe(1);
      expect(await activeAllocations()).toBe(2);
    });

    it('replays a refusal too, and keeps keys apart per caller', async () => {
      const body = { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '999.00' }] };
      const first = await http.request('POST', '/allocations', body, { headers: { 'idempotency-key': 'refused-1' } });
      expect(first.json().error.code).toBe('exceeds_credit_remaining');
      const replay = await http.request('POST', '/allocations', body, { headers: { 'idempotency-key': 'refused-1' } });
      expect(replay.body).toBe(first.body);
      const otherCaller = await http.request('POST', '/allocations', { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '1.00' }] }, { role: 'admin', headers: { 'idempotency-key': 'refused-1' } });
      expect(otherCaller.statusCode).toBe(201);
    });

    it('takes over a key left in progress by a request whose process died', async () => {
      const body = { lines: [{ receipt_id: 'P-1', target_id: 'I-2', amount: '1.00' }] };
      const first = await http.request('POST', '/allocations', body, { headers: { 'idempotency-key': 'abandoned-1' } });
      expect(first.statusCode).toBe(201);
      // As if the process had died after claiming the key and before answering, ten minutes ago.
      await test.database.query(`update idempotency_key set status = 'in_progress', response_body = null, created_at = now() - interval '10 minutes' where key = 'abandoned-1'`);
      const retry = await http.request('POST', '/allocations', body, { headers: { 'idempotency-key': 'abandoned-1' } });
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBeUndefined();
    });

    it('honours a key for its 48 hours by its age when looked up, whether or not the prune has run', async () => {
      const first = await http.request('POST', '/accounts', { account_id: 'AGED-1', owner_name: 'Owner' }, { headers: { 'idempotency-key': 'aged-1' } });
      expect(first.statusCode).toBe(201);
      const other = { account_id: 'AGED-2', owner_name: 'Owner' };
      await test.database.query(`update idempotency_key set created_at = now() - make_interval(hours => $1) - interval '1 minute' where key = 'aged-1'`, [idempotencyKeyRetentionHours - 1]);
      expect((await http.request('POST', '/accounts', other, { headers: { 'idempotency-key': 'aged-1' } })).json().error.code).toBe('idempotency_key_reused');
      // Past its retention, with no prune run: the key is gone, the new request runs.
      await test.database.query(`update idempotency_key set created_at = now() - make_interval(hours => $1) - interval '1 minute' where key = 'aged-1'`, [idempotencyKeyRetentionHours]);
      const fresh = await http.request('POST', '/accounts', other, { headers: { 'idempotency-key': 'aged-1' } });
      expect(fresh.statusCode).toBe(201);
      expect(fresh.headers['idempotent-replayed']).toBeUndefined();
      expect((await http.request('GET', '/accounts/AGED-2')).statusCode).toBe(200);
    });

    it('never takes a key from a request that still holds its lease, however long it has run', async () => {
      const body = { account_id: 'LONG-1', owner_name: 'Owner' };
      expect((await http.request('POST', '/accounts', body, { headers: { 'idempotency-key': 'long-1' } })).statusCode).toBe(201);
      // As a request that started an hour ago and still renews its lease would leave its key.
      await test.database.query(
        `update idempotency_key set status = 'in_progress', response_body = null, created_at = now() - interval '1 hour',
           claimed_until = now() + make_interval(secs => $1) where key = 'long-1'`,
        [idempotencyClaimLeaseSeconds],
      );
      const retry = await http.request('POST', '/accounts', body, { headers: { 'idempotency-key': 'long-1' } });
      expect(retry.json().error.code).toBe('idempotency_key_in_progress');
      // Once its lease lapses (its process died), a retry takes it over.
      await test.database.query(`update idempotency_key set claimed_until = now() - interval '1 second' where key = 'long-1'`);
      const takeover = await http.request('POST', '/accounts', body, { headers: { 'idempotency-key': 'long-1' } });
      expect(takeover.statusCode).toBe(200);
      expect(takeover.headers['idempotent-replayed']).toBeUndefined();
    });

    it('refuses a malformed key', async () => {
      const response = await http.request('POST', '/accounts', { account_id: 'A-2', owner_name: 'Owner' }, { headers: { 'idempotency-key': 'x'.repeat(256) } });
      expect(response.json().error.code).toBe('idempotency_key_is_invalid');
    });
  });
}
