import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import { jsonDepthMax } from '../../src/http/http-limits.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/** A multipart/form-data body with one part per file, as a browser or curl -F sends it. */
function multipart(files: Record<string, Buffer>): { payload: Buffer; contentType: string } {
  const boundary = 'tally-input-boundary';
  const parts = Object.entries(files).flatMap(([name, content]) => [
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
    content,
    Buffer.from('\r\n'),
  ]);
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const dialect of dialects) {
  describe(`Hostile input bytes over HTTP on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
    });
    afterAll(async () => {
      await http.app.close();
      await test.drop();
    });

    it('answers 400 body_is_too_deep to deeply nested JSON, before authentication, and takes the deepest body Tally allows', async () => {
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const signIn = await http.app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: deep });
      expect(signIn.statusCode).toBe(400);
      expect(signIn.json().error).toMatchObject({ code: 'body_is_too_deep', details: { byte_offset: jsonDepthMax, depth_max: jsonDepthMax } });
      // Deep objects too, and brackets inside strings do not count.
      const objects = `${'{"a":'.repeat(5_000)}"[[[["${'}'.repeat(5_000)}`;
      const write = await http.request('POST', '/accounts', objects);
      expect(write.statusCode).toBe(400);
      expect(write.json().error.code).toBe('body_is_too_deep');
      const bracketsInText = await http.request('POST', '/accounts', { account_id: 'D-1', owner_name: '[['.repeat(100) });
      expect(bracketsInText.statusCode).toBe(201);
    });

    it('refuses a JSON body that is not UTF-8 with the byte offset, line and column, and stores nothing', async () => {
      const body = Buffer.concat([Buffer.from('{"account_id":"U-1",\n"owner_name":"Ren'), Buffer.from([0xe9]), Buffer.from('e"}')]);
      const response = await http.app.inject({
        method: 'POST', url: `/api/v1/orgs/${http.organisation.slug}/accounts`,
        headers: { authorization: `Bearer ${http.tokens.owner}`, 'content-type': 'application/json' }, payload: body,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'text_is_not_utf8', details: { byte_offset: 38, line: 2, column: 18 } });
      expect((await http.request('GET', '/accounts/U-1')).statusCode).toBe(404);
    });

    it('refuses a CSV file that is not UTF-8, naming the file, line and column, and imports nothing', async () => {
      const latin1 = Buffer.concat([Buffer.from('account_id,owner_name\nU-2,Marie\nU-3,Ren'), Buffer.from([0xe9]), Buffer.from('e Tremblay\n')]);
      const body = multipart({ 'accounts.csv': latin1 });
      const response = await http.app.inject({
        method: 'POST', url: `/api/v1/orgs/${http.organisation.slug}/imports`,
        headers: { authorization: `Bearer ${http.tokens.owner}`, 'content-type': body.contentType }, payload: body.payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'text_is_not_utf8', details: { path: 'accounts.csv:3', line: 3, column: 8 } });
      expect((await http.request('GET', '/accounts/U-2')).statusCode).toBe(404);
    });

    it('bounds an upload by the total of its files, not each file, and imports what fits from the files streamed to disk', async () => {
      const uploadBytesMax = 600;
      const app = await buildApp({ database: test.database, importUploadBytesMax: uploadBytesMax });
      try {
        const rows = (prefix: string) => Array.from({ length: 20 }, (_, index) => `${prefix}-${index},Owner ${index}`).join('\n');
        // Each file is under the limit; together they are over it.
        const accounts = Buffer.from(`account_id,owner_name\n${rows('T')}\n`);
        const participants = Buffer.from(`participant_id,account_id,name\n${Array.from({ length: 20 }, (_, index) => `TP-${index},T-${index},Child ${index}`).join('\n')}\n`);
        expect(accounts.length).toBeLessThan(uploadBytesMax);
        expect(participants.length).toBeLessThan(uploadBytesMax);
        expect(accounts.length + participants.length).toBeGreaterThan(uploadBytesMax);
        const send = (files: Record<string, Buffer>) => {
          const body = multipart(files);
          return app.inject({ method: 'POST', url: `/api/v1/orgs/${http.organisation.slug}/imports`, headers: { authorization: `Bearer ${http.tokens.owner}`, 'content-type': body.contentType }, payload: body.payload });
        };
        const tooLarge = await send({ 'accounts.csv': accounts, 'participants.csv': participants });
        expect(tooLarge.statusCode).toBe(413);
        expect(tooLarge.json().error).toMatchObject({ code: 'body_is_too_large', details: { path: 'participants.csv', bytes_max: uploadBytesMax } });
        expect((await http.request('GET', '/accounts/T-0')).statusCode).toBe(404);
        const fits = await send({ 'accounts.csv': accounts });
        expect(fits.statusCode).toBe(200);
        expect(fits.json().files).toEqual([{ file: 'accounts.csv', created: 20, existing: 0 }]);
      } finally {
        await app.close();
      }
    });
  });
}
