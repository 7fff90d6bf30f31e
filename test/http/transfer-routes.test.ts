import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

/** A multipart/form-data body with one part per file, as a browser or curl -F sends it. */
function multipart(files: Record<string, string>): { payload: string; contentType: string } {
  const boundary = 'tally-test-boundary';
  const parts = Object.entries(files).map(([name, content]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const dialect of dialects) {
  describe(`CSV import and export over HTTP on ${dialect.name}`, () => {
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

    const upload = (files: Record<string, string>) => {
      const body = multipart(files);
      return http.app.inject({ method: 'POST', url: `/api/v1/orgs/${http.organisation.slug}/imports`, headers: { authorization: `Bearer ${http.tokens.owner}`, 'content-type': body.contentType }, payload: body.payload });
    };
    const files = {
      'accounts.csv': 'account_id,owner_name,owner_email\nA-1,Marie Tremblay,marie@example.org\n',
      'invoices.csv': 'invoice_id,account_id,date,item_id,description,ledger_code,amount,participant_id,rl24_eligible\nINV-1,A-1,2026-09-01,I-1,Swim,SWIM,60.00,,false\n',
      'receipts.csv': 'receipt_id,account_id,date,kind,amount,method,reference,scheduled\nP-1,A-1,2026-09-02,payment,60,card,,\n',
      'allocations.csv': 'receipt_id,target_id,amount\nP-1,I-1,60.00\n',
    };

    it('imports uploaded files, idempotently, and exports statuses as CSV', async () => {
      const first = await upload(files);
      expect(first.statusCode).toBe(200);
      expect(first.json().files).toEqual([
        { file: 'accounts.csv', created: 1, existing: 0 },
        { file: 'invoices.csv', created: 1, existing: 0 },
        { file: 'receipts.csv', created: 1, existing: 0 },
        { file: 'allocations.csv', created: 1, existing: 0 },
      ]);
      const again = await upload(files);
      expect(again.json().files.map((file: { existing: number }) => file.existing)).toEqual([1, 1, 1, 1]);
      const exported = await http.request('GET', '/exports/statuses', undefined, { role: 'accountant' });
      expect(exported.headers['content-type']).toContain('text/csv');
      expect(exported.body.trim().split('\n').sort()).toEqual(
        ['I-1,item,60.00,60.00,full', 'INV-1,invoice,60.00,60.00,full', 'P-1,payment,60.00,60.00,full', 'document_id,kind,amount,allocated,status'].sort(),
      );
    });

    it('refuses a bad row with file:line:column and writes nothing', async () => {
      const response = await upload({ 'accounts.csv': 'account_id,owner_name\nA-2,Jean\n', 'receipts.csv': 'receipt_id,account_id,date,kind,amount\nP-2,A-2,2026-09-02,payment,1.234\n' });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'amount_has_too_many_decimals', details: { path: 'receipts.csv:2:amount' } });
      expect((await http.request('GET', '/accounts/A-2')).statusCode).toBe(404);
    });

    it('refuses a JSON body on the upload route', async () => {
      const response = await http.request('POST', '/imports', { accounts: 'x' });
      expect(response.statusCode).toBe(415);
    });

    it('neutralises would-be formulas in the list downloads too (one writer for every CSV file)', async () => {
      const response = await upload({
        'accounts.csv': 'account_id,owner_name\n@F-1,"=HYPERLINK(""http://evil.example"")"\n',
        'receipts.csv': 'receipt_id,account_id,date,kind,amount\n+F-P,@F-1,2026-09-02,credit,5\n',
      });
      expect(response.statusCode).toBe(200);
      const unreconciled = await http.request('GET', '/unreconciled.csv?search=evil', undefined, { role: 'accountant' });
      expect(unreconciled.body).toContain(`'@F-1,"'=HYPERLINK(""http://evil.example"")",'+F-P,credit,2026-09-02,5.00,5.00\n`);
    });
  });
}
