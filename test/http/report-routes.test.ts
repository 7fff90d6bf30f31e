import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { reportLedgerFiles as ledger } from '../fixtures/report-ledger.ts';

/** A multipart/form-data body with one part per file. */
function multipart(files: Record<string, string>): { payload: string; contentType: string } {
  const boundary = 'tally-report-boundary';
  const parts = Object.entries(files).map(([name, content]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`);
  return { payload: `${parts.join('')}--${boundary}--\r\n`, contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const dialect of dialects) {
  describe(`Reports over HTTP on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    let before: string;
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
      before = new Date(Date.now() - 1000).toISOString();
      const body = multipart(ledger);
      const imported = await http.app.inject({ method: 'POST', url: `/api/v1/orgs/${http.organisation.slug}/imports`, headers: { authorization: `Bearer ${http.tokens.owner}`, 'content-type': body.contentType }, payload: body.payload });
      expect(imported.statusCode).toBe(200);
    });
    afterAll(async () => {
      await http.app.close();
      await test.drop();
    });

    it('sums collections by ledger code, the lines adding up to the total', async () => {
      const response = await http.request('GET', '/reports/collections?from=2026-01-01&to=2026-12-31', undefined, { role: 'accountant' });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ from: '2026-01-01', to: '2026-12-31', currency: 'CAD', unallocated_document_count: 1 });
      expect(body.lines).toEqual([
        { line: 'ledger_code', ledger_code: 'CAMP', collected: '40.00', refunded: '0.00', net: '40.00' },
        { line: 'ledger_code', ledger_code: 'SWIM', collected: '100.00', refunded: '10.00', net: '90.00' },
        { line: 'no_ledger_code', ledger_code: null, collected: '20.00', refunded: '0.00', net: '20.00' },
        { line: 'unallocated', ledger_code: null, collected: '30.00', refunded: '0.00', net: '30.00' },
        { line: 'total', ledger_code: null, collected: '190.00', refunded: '10.00', net: '180.00' },
      ]);
    });

    it('answers the summary and the detail as CSV with a file name', async () => {
      const summary = await http.request('GET', '/reports/collections?from=2026-01-01&to=2026-12-31', undefined, { headers: { accept: 'text/csv' } });
      expect(summary.headers['content-type']).toContain('text/csv');
      expect(summary.headers['content-disposition']).toBe(`attachment; filename="collections-${http.organisation.slug}-2026-01-01-2026-12-31.csv"`);
      expect(summary.body).toBe('line,ledger_code,collected,refunded,net\nledger_code,CAMP,40.00,0.00,40.00\nledger_code,SWIM,100.00,10.00,90.00\nno_ledger_code,,20.00,0.00,20.00\nunallocated,,30.00,0.00,30.00\ntotal,,190.00,10.00,180.00\n');
      const detail = await http.request('GET', '/reports/collections?from=2026-01-01&to=2026-12-31&detail=true', undefined, { headers: { accept: 'text/csv' } });
      expect(detail.body).toBe([
        'day,account_id,document_id,kind,method,counterpart_id,invoice_id,ledger_code,participant_id,line,amount',
        '2026-03-02,A-1,P-1,payment,card,I-1,INV-1,SWIM,K-1,ledger_code,100.00',
        '2026-03-02,A-1,P-1,payment,card,I-2,INV-1,,K-2,no_ledger_code,20.00',
        '2026-03-05,A-1,P-2,deposit,,,,,,unallocated,30.00',
        '2026-04-01,A-1,R-1,refund,cheque,C-1,INV-1,SWIM,K-1,ledger_code,-10.00',
        '2026-05-02,A-2,P-3,payment,cash,I-3,INV-2,CAMP,K-3,ledger_code,40.00',
      ].join('\n') + '\n');
    });

    it('pages the detail of one line in JSON', async () => {
      const response = await http.request('GET', '/reports/collections?from=2026-01-01&to=2026-12-31&detail=true&line=ledger_code&ledger_code=SWIM&page=1&page_size=10');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ page: 1, page_size: 10, total_count: 2 });
      expect(response.json().parts.map((part: { document_id: string; amount: string }) => `${part.document_id} ${part.amount}`)).toEqual(['P-1 100.00', 'R-1 -10.00']);
    });

    it('gives the RL-24 slip lines and their blockers', async () => {
      const slips = await http.request('GET', '/reports/rl24?year=2026');
      expect(slips.statusCode).toBe(200);
      expect(slips.json()).toMatchObject({ year: 2026, totals: { slip_count: 3, amount: '150.00' }, total_count: 3 });
      expect(slips.json().slips).toEqual([
        { account_id: 'A-1', owner_name: 'Marie Tremblay', participant_id: 'K-1', participant_name: 'Léa Tremblay', birth_date: '2018-04-02', paid: '100.00', refunded: '10.00', amount: '90.00' },
        { account_id: 'A-1', owner_name: 'Marie Tremblay', participant_id: 'K-2', participant_name: 'Noé Tremblay', birth_date: null, paid: '20.00', refunded: '0.00', amount: '20.00' },
        { account_id: 'A-2', owner_name: 'Jean Roy', participant_id: 'K-3', participant_name: 'Zoé Roy', birth_date: '2005-01-01', paid: '40.00', refunded: '0.00', amount: '40.00' },
      ]);
      const searched = await http.request('GET', '/reports/rl24?year=2026&search=zoé');
      expect(searched.json()).toMatchObject({ totals: { slip_count: 3 }, total_count: 1 });
      const blockers = await http.request('GET', '/reports/rl24/blockers?year=2026');
      expect(blockers.json().reasons).toEqual([
        { reason: 'money_not_fully_allocated', count: 1, amount: '30.00' },
        { reason: 'participant_without_birth_date', count: 1, amount: '20.00' },
        { reason: 'participant_over_age', count: 1, amount: '40.00' },
      ]);
      const csv = await http.request('GET', '/reports/rl24/blockers?year=2026', undefined, { headers: { accept: 'text/csv' } });
      expect(csv.body).toBe('account_id,id,reason,amount\nA-1,P-2,money_not_fully_allocated,30.00\nA-1,K-2,participant_without_birth_date,20.00\nA-2,K-3,participant_over_age,40.00\n');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="rl24-blockers-${http.organisation.slug}-2026.csv"`);
    });

    it('answers as of an instant before anything was recorded: nothing but the total', async () => {
      const response = await http.request('GET', `/reports/collections?from=2026-01-01&to=2026-12-31&as_of=${encodeURIComponent(before)}`);
      expect(response.json().lines).toEqual([{ line: 'total', ledger_code: null, collected: '0.00', refunded: '0.00', net: '0.00' }]);
      expect(response.json().as_of).toBe(before);
    });

    it('writes report CSV cells that a spreadsheet would run as formulas neutralised, amounts as numbers', async () => {
      expect((await http.request('POST', '/accounts', { account_id: '=HYPERLINK("https://example.org")', owner_name: '@SUM(A1)' })).statusCode).toBe(201);
      expect((await http.request('POST', '/receipts', { receipt_id: '+D-9', account_id: '=HYPERLINK("https://example.org")', date: '2027-01-10', kind: 'deposit', amount: '5.00' })).statusCode).toBe(201);
      const detail = await http.request('GET', '/reports/collections?from=2027-01-01&to=2027-12-31&detail=true', undefined, { headers: { accept: 'text/csv' } });
      expect(detail.body.split('\n')[1]).toBe(`2027-01-10,"'=HYPERLINK(""https://example.org"")",'+D-9,deposit,,,,,,unallocated,5.00`);
    });

    it('refuses a reversed period, a bad instant and a bad year, naming the field; and a viewer', async () => {
      const reversed = await http.request('GET', '/reports/collections?from=2026-12-31&to=2026-01-01');
      expect(reversed.statusCode).toBe(400);
      expect(reversed.json().error).toMatchObject({ code: 'report_period_is_reversed', details: { path: 'from' } });
      const impossible = await http.request('GET', '/reports/collections?from=2026-02-30&to=2026-03-01');
      expect(impossible.json().error).toMatchObject({ code: 'date_is_invalid', details: { path: 'from' } });
      const instant = await http.request('GET', '/reports/rl24?year=2026&as_of=yesterday');
      expect(instant.json().error).toMatchObject({ code: 'instant_is_invalid', details: { path: 'as_of' } });
      const year = await http.request('GET', '/reports/rl24/blockers?year=26');
      expect(year.statusCode).toBe(400);
      const viewer = await http.request('GET', '/reports/rl24?year=2026', undefined, { role: 'viewer' });
      expect(viewer.statusCode).toBe(403);
    });
  });
}
