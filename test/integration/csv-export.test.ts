import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTables, ledgerFormats, ledgerTables } from '../../src/csv/csv-formats.ts';
import { csvInputFileOfText } from '../../src/csv/import-files.ts';
import { importCsvFiles, importCsvFolder } from '../../src/csv/import-ledger.ts';
import { unwrap } from '../../src/core/outcome.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { allocate, collectPayment, voidPayment } from '../../src/services/ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { cents } from '../support/ledger-fixture.ts';
import { csvFixtures, exportText, uniqueSlug } from '../fixtures/csv/csv-fixtures.ts';

for (const dialect of dialects) {
  describe(`CSV export on ${dialect.name}`, () => {
    let test: TestDatabase;
    let scratch: string;
    beforeAll(async () => {
      test = await dialect.open();
      scratch = await mkdtemp(join(tmpdir(), 'tally-csv-export-'));
    });
    afterAll(async () => {
      await test.drop();
      await rm(scratch, { recursive: true, force: true });
    });

    const actor = 'test';

    async function importHappy(): Promise<TallyContext> {
      const summary = unwrap(await importCsvFolder(test.database, { slug: uniqueSlug('export'), actor }, csvFixtures.happyLedger));
      return { database: test.database, organisation: summary.organisation, actor };
    }

    /** Every ledger table exported to a fresh folder, as an operator would with `tally export ... > file`. */
    async function exportFolder(context: TallyContext, name: string): Promise<string> {
      const folder = join(scratch, name);
      await mkdir(folder);
      for (const table of ledgerTables) await writeFile(join(folder, ledgerFormats[table].fileName), await exportText(context, table));
      return folder;
    }

    it('round-trips: an exported folder imported into a fresh organisation exports the same, page by page', async () => {
      const original = await importHappy();
      const folder = await exportFolder(original, 'round-trip');
      const copy = unwrap(await importCsvFolder(test.database, { slug: uniqueSlug('copy'), actor }, folder));
      expect(copy.files.map((file) => file.created)).toEqual([3, 3, 7, 1, 7, 7]);
      const copyContext = { database: test.database, organisation: copy.organisation, actor };
      for (const table of exportTables) {
        // Pages of two rows cross page boundaries on both sides of every keyset.
        expect(await exportText(copyContext, table, { pageRowsMax: 2 }), table).toBe(await exportText(original, table));
      }
      // The exported folder imported back into the original changes nothing.
      const again = unwrap(await importCsvFolder(test.database, { slug: original.organisation.slug, actor }, folder));
      expect(again.files.every((file) => file.created === 0)).toBe(true);
    });

    it('writes invoices one row per item in creation order, with exact amounts and quoted text', async () => {
      const context = await importHappy();
      const invoices = await exportText(context, 'invoices');
      expect(invoices.split('\n').slice(0, 4)).toEqual([
        'invoice_id,account_id,date,item_id,description,ledger_code,amount,participant_id,rl24_eligible',
        'INV-1,A-100,2026-01-05,INV-1-1,"Day camp, week 1",GL-4100,150.00,P-1,true',
        'INV-1,A-100,2026-01-05,INV-1-2,Day camp t-shirt,GL-4200,20.00,P-1,false',
        'INV-1,A-100,2026-01-05,INV-1-3,Sibling discount week,GL-4100,0.00,P-2,false',
      ]);
      expect(invoices).toContain('INV-5,A-100,2026-03-01,INV-5-1,"Spring session\ndeposit",GL-4100,80.00,P-2,true\n');
      expect(await exportText(context, 'receipts')).toContain('R-2,A-100,2026-02-05,payment,70.00,card,INV-1,true\nR-3,A-200,2026-01-10,payment,120.00,cash,,false\n');
    });

    it('follows installments and voids: post-dated until collected, a voided payment none and left out of receipts', async () => {
      const context = await importHappy();
      unwrap(await collectPayment(context, 'R-2', '2026-02-05' as CalendarDate));
      const collected = await exportText(context, 'statuses');
      expect(collected).toContain('INV-1,invoice,170.00,170.00,full\n');
      expect(collected).toContain('INV-1-2,item,20.00,20.00,full\n');

      unwrap(await voidPayment(context, 'R-2'));
      const voided = await exportText(context, 'statuses');
      expect(voided).toContain('INV-1,invoice,170.00,100.00,partial\n');
      expect(voided).toContain('INV-1-1,item,150.00,100.00,partial\n');
      expect(voided).toContain('INV-1-2,item,20.00,0.00,none\n');
      expect(voided).toContain('R-2,payment,70.00,0.00,none\n');
      expect(await exportText(context, 'receipts')).not.toContain('R-2,');
    });

    it('exports one allocation row per receipt and target, summing partial allocations and naming their sources', async () => {
      const context = await importHappy();
      unwrap(await allocate(context, [{ creditExternalId: 'R-7', debitExternalId: 'INV-4-1', amountMinor: cents('3.00') }]));
      unwrap(await allocate(context, [{ creditExternalId: 'R-7', debitExternalId: 'INV-4-1', amountMinor: cents('2.50') }]));
      unwrap(await allocate(context, [{ creditExternalId: 'R-4', debitExternalId: 'INV-3-1', amountMinor: cents('10.00') }]));
      const allocations = await exportText(context, 'allocations');
      expect(allocations).toContain('R-4,INV-3-1,40.00,import+manual\n');
      expect(allocations).toContain('R-7,INV-4-1,5.50,manual\n');
      // Summed pairs import again as they are, into a fresh organisation.
      const folder = await exportFolder(context, 'summed-pairs');
      const copy = unwrap(await importCsvFolder(test.database, { slug: uniqueSlug('summed'), actor }, folder));
      const copyContext = { database: test.database, organisation: copy.organisation, actor };
      expect(await exportText(copyContext, 'statuses')).toBe(await exportText(context, 'statuses'));
      expect(await exportText(copyContext, 'allocations')).toContain('R-4,INV-3-1,40.00,import\n');
    });

    it('writes amounts with the currency\'s minor digits, and only a header for an empty table', async () => {
      const organisation = unwrap(await createOrganisation(test.database, { slug: uniqueSlug('yen'), currency: 'JPY' }));
      const context = { database: test.database, organisation, actor };
      expect(await exportText(context, 'receipts')).toBe('receipt_id,account_id,date,kind,amount,method,reference,scheduled\n');
      unwrap(await importCsvFiles(context, [
        csvInputFileOfText('accounts.csv', 'account_id,owner_name\nA-1,Sato Yui\n'),
        csvInputFileOfText('receipts.csv', 'receipt_id,account_id,date,kind,amount\nR-1,A-1,2026-01-05,credit,1500\n'),
      ]));
      expect(await exportText(context, 'statuses')).toBe('document_id,kind,amount,allocated,status\nR-1,credit,1500,0,none\n');
    });

    it('neutralises would-be spreadsheet formulas in every cell it writes, and imports them back as they were stored', async () => {
      const organisation = unwrap(await createOrganisation(test.database, { slug: uniqueSlug('formula') }));
      const context = { database: test.database, organisation, actor };
      // A file as export writes it: "''=1" is the name "'=1", which itself starts with the spreadsheet's text quote.
      unwrap(await importCsvFiles(context, [
        csvInputFileOfText('accounts.csv', [
          'account_id,owner_name,owner_email',
          '"=HYPERLINK(""http://evil.example"",""x"")",+cmd|\' /C calc\'!A0,+tag@example.org',
          '-A-2,\'\'=1,plain@example.org',
          'A-3,-10.00,',
        ].join('\n')),
        csvInputFileOfText('receipts.csv', 'receipt_id,account_id,date,kind,amount\n=R-1,-A-2,2026-01-05,credit,12.50\n'),
      ]));
      const accounts = await exportText(context, 'accounts');
      expect(accounts.split('\n')).toEqual([
        'account_id,owner_name,owner_email',
        '"\'=HYPERLINK(""http://evil.example"",""x"")",\'+cmd|\' /C calc\'!A0,\'+tag@example.org',
        '\'-A-2,\'\'=1,plain@example.org',
        // A plain decimal number stays a number, even in a text column.
        'A-3,-10.00,',
        '',
      ]);
      expect(await exportText(context, 'receipts')).toContain("'=R-1,'-A-2,2026-01-05,credit,12.50,,,false\n");
      expect(await exportText(context, 'statuses')).toContain("'=R-1,credit,12.50,0.00,none\n");

      const folder = await exportFolder(context, 'formulas');
      const copy = unwrap(await importCsvFolder(test.database, { slug: uniqueSlug('formula-copy'), actor }, folder));
      const copyContext = { database: test.database, organisation: copy.organisation, actor };
      for (const table of exportTables) expect(await exportText(copyContext, table), table).toBe(await exportText(context, table));
      const [stored] = await test.database.query<{ external_id: string; owner_name: string }>(
        `select external_id, owner_name from account where org_id = $1 and external_id like '-%'`, [copy.organisation.id],
      );
      expect(stored).toEqual({ external_id: '-A-2', owner_name: "'=1" });
    });

    it('the expected golden files are what a fresh import exports', async () => {
      const context = await importHappy();
      expect(await exportText(context, 'statuses', { pageRowsMax: 3 })).toBe(await readFile(csvFixtures.happyExpectedStatuses, 'utf8'));
    });
  });
}
