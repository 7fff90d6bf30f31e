import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRefusal } from '../../src/cli/cli-output.ts';
import { importCsvFiles, importCsvFolder } from '../../src/csv/import-ledger.ts';
import { csvFolderFiles, csvInputFileOfText } from '../../src/csv/import-files.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { createOrganisation, findOrganisation, setReconciliationEnabled } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { countLedgerRows, csvFixtures, exportText, uniqueSlug } from '../fixtures/csv/csv-fixtures.ts';

const errorCases = (await readdir(csvFixtures.errors, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

const happyCounts = [
  { fileName: 'accounts.csv', created: 3, existing: 0 },
  { fileName: 'participants.csv', created: 3, existing: 0 },
  { fileName: 'invoices.csv', created: 7, existing: 0 },
  { fileName: 'refunds.csv', created: 1, existing: 0 },
  { fileName: 'receipts.csv', created: 7, existing: 0 },
  { fileName: 'allocations.csv', created: 7, existing: 0 },
];

/** Lines of a CSV export without its header, sorted: for comparing content whatever the creation order. */
function sortedRecords(text: string): string[] {
  return text.trimEnd().split('\n').slice(1).sort();
}

for (const dialect of dialects) {
  describe(`CSV import on ${dialect.name}`, () => {
    let test: TestDatabase;
    let scratch: string;
    beforeAll(async () => {
      test = await dialect.open();
      scratch = await mkdtemp(join(tmpdir(), 'tally-csv-import-'));
    });
    afterAll(async () => {
      await test.drop();
      await rm(scratch, { recursive: true, force: true });
    });

    const actor = 'test';

    it('imports a realistic folder: counts per file, statuses and allocations as the golden files say', async () => {
      const summary = unwrap(await importCsvFolder(test.database, { slug: uniqueSlug('happy'), actor }, csvFixtures.happyLedger));
      expect(summary.organisationCreated).toBe(true);
      expect(summary.organisation.currency).toBe('CAD');
      expect(summary.files.map(({ fileName, created, existing }) => ({ fileName, created, existing }))).toEqual(happyCounts);
      const context = { database: test.database, organisation: summary.organisation, actor };
      expect(await exportText(context, 'statuses')).toBe(await readFile(csvFixtures.happyExpectedStatuses, 'utf8'));
      expect(await exportText(context, 'allocations')).toBe(await readFile(csvFixtures.happyExpectedAllocations, 'utf8'));
      const [cancellation] = await test.database.query<{ ledger_code: string }>(
        `select ledger_code from document where org_id = $1 and external_id = 'R-5'`,
        [summary.organisation.id],
      );
      expect(cancellation!.ledger_code).toBe('GL-4300');
    });

    it('changes nothing when the same folder is imported twice', async () => {
      const slug = uniqueSlug('twice');
      const first = unwrap(await importCsvFolder(test.database, { slug, actor }, csvFixtures.happyLedger));
      const context = { database: test.database, organisation: first.organisation, actor };
      const rowsBefore = await countLedgerRows(test.database, first.organisation.id);
      const allocationsBefore = await exportText(context, 'allocations');
      const second = unwrap(await importCsvFolder(test.database, { slug, actor, currency: 'cad' }, csvFixtures.happyLedger));
      expect(second.organisationCreated).toBe(false);
      expect(second.files.map(({ fileName, created, existing }) => ({ fileName, created, existing }))).toEqual(
        happyCounts.map((counts) => ({ fileName: counts.fileName, created: 0, existing: counts.created })),
      );
      expect(await countLedgerRows(test.database, first.organisation.id)).toEqual(rowsBefore);
      expect(await exportText(context, 'allocations')).toBe(allocationsBefore);
      expect(await exportText(context, 'statuses')).toBe(await readFile(csvFixtures.happyExpectedStatuses, 'utf8'));
    });

    it('refuses an id imported again with different content, naming file, line and column, and writes nothing', async () => {
      const slug = uniqueSlug('changed');
      const first = unwrap(await importCsvFolder(test.database, { slug, actor }, csvFixtures.happyLedger));
      const rowsBefore = await countLedgerRows(test.database, first.organisation.id);
      const changed = join(scratch, 'changed');
      await cp(csvFixtures.happyLedger, changed, { recursive: true });
      const receipts = await readFile(join(changed, 'receipts.csv'), 'utf8');
      // A new account in accounts.csv proves that rows before the bad one are not kept either.
      await writeFile(join(changed, 'accounts.csv'), `${await readFile(join(changed, 'accounts.csv'), 'utf8')}A-400,New Owner,\n`);
      await writeFile(join(changed, 'receipts.csv'), receipts.replace('R-3,A-200,2026-01-10,payment,120.00', 'R-3,A-200,2026-01-10,payment,125.00'));
      const outcome = await importCsvFolder(test.database, { slug, actor }, changed);
      expect(outcome.ok).toBe(false);
      if (outcome.ok) return;
      expect(formatRefusal(outcome.refusal)).toBe(
        'error: receipts.csv:4:receipt_id: Receipt R-3 exists with different content (stored as a payment) [id_exists_with_different_content]',
      );
      expect(await countLedgerRows(test.database, first.organisation.id)).toEqual(rowsBefore);
    });

    it('refuses a currency other than the existing organisation\'s', async () => {
      const slug = uniqueSlug('currency');
      unwrap(await importCsvFolder(test.database, { slug, actor, currency: 'CAD' }, csvFixtures.happyLedger));
      const outcome = await importCsvFolder(test.database, { slug, actor, currency: 'JPY' }, csvFixtures.happyLedger);
      expect(outcome.ok ? null : outcome.refusal.code).toBe('value_is_not_allowed');
    });

    it('retries an import into a new organisation that was killed before its commit, even in another currency', async () => {
      const slug = uniqueSlug('stopped');
      // What an import killed before its commit leaves: the organisation it created first, and nothing in it.
      unwrap(await createOrganisation(test.database, { slug, currency: 'EUR' }));
      expect(unwrap(await findOrganisation(test.database, slug)).currency).toBe('EUR');
      const retried = unwrap(await importCsvFolder(test.database, { slug, actor, currency: 'CAD' }, csvFixtures.happyLedger));
      expect(retried.organisation.currency).toBe('CAD');
      expect(retried.files.map((file) => file.created)).toEqual([3, 3, 7, 1, 7, 7]);
    });

    for (const errorCase of errorCases) {
      it(`refuses the folder errors/${errorCase} with its golden message, leaving nothing behind`, async () => {
        const folder = join(csvFixtures.errors, errorCase);
        const slug = uniqueSlug('error');
        const outcome = await importCsvFolder(test.database, { slug, actor }, folder);
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(`${formatRefusal(outcome.refusal)}\n`).toBe(await readFile(join(folder, 'expected-error.txt'), 'utf8'));
        // The organisation created for the import is taken back with everything else.
        expect((await findOrganisation(test.database, slug)).ok).toBe(false);
      });
    }

    it('gives the same result in batches of two rows, with line numbers right in later batches', async () => {
      const batched = unwrap(await importCsvFolder(test.database, { slug: uniqueSlug('batched'), actor }, csvFixtures.happyLedger, { batchRowsMax: 2 }));
      const context = { database: test.database, organisation: batched.organisation, actor };
      expect(sortedRecords(await exportText(context, 'statuses'))).toEqual(sortedRecords(await readFile(csvFixtures.happyExpectedStatuses, 'utf8')));
      // Invoice INV-1 spans two batches; its items keep their order.
      const positions = await test.database.query<{ external_id: string; position: number }>(
        `select item.external_id, item.position from document item join document invoice on invoice.org_id = item.org_id and invoice.id = item.invoice_id
         where item.org_id = $1 and invoice.external_id = 'INV-1' order by item.position`,
        [batched.organisation.id],
      );
      expect(positions.map((row) => `${row.external_id}@${row.position}`)).toEqual(['INV-1-1@1', 'INV-1-2@2', 'INV-1-3@3']);

      const folder = join(csvFixtures.errors, 'line-after-a-multi-line-value');
      const outcome = await importCsvFolder(test.database, { slug: uniqueSlug('batched-error'), actor }, folder, { batchRowsMax: 1 });
      expect(outcome.ok ? '' : `${formatRefusal(outcome.refusal)}\n`).toBe(await readFile(join(folder, 'expected-error.txt'), 'utf8'));
    });

    it('imports files given in memory (an upload), reporting progress in bytes up to the total', async () => {
      const organisation = unwrap(await createOrganisation(test.database, { slug: uniqueSlug('upload') }));
      const accounts = 'account_id,owner_name\nA-1,Marie Tremblay\n';
      const receipts = 'receipt_id,account_id,date,kind,amount\nR-1,A-1,2026-01-05,credit,12.5\n';
      const progress: [number, number][] = [];
      const summary = unwrap(await importCsvFiles({ database: test.database, organisation, actor }, [
        csvInputFileOfText('receipts.csv', receipts),
        csvInputFileOfText('accounts.csv', accounts),
      ], { onProgress: (bytesRead, bytesTotal) => progress.push([bytesRead, bytesTotal]) }));
      expect(summary.files.map((file) => `${file.fileName}:${file.created}`)).toEqual(['accounts.csv:1', 'receipts.csv:1']);
      const bytesTotal = accounts.length + receipts.length;
      expect(progress.at(-1)).toEqual([bytesTotal, bytesTotal]);
      expect(progress.every(([bytesRead], index) => index === 0 || bytesRead >= progress[index - 1]![0])).toBe(true);
    });

    it('names the row of a writer refusal in a later batch by its line in the file', async () => {
      const organisation = unwrap(await createOrganisation(test.database, { slug: uniqueSlug('later-batch') }));
      const invoices = [
        'invoice_id,account_id,date,item_id,amount',
        ...['A-1', 'A-2', 'A-1', 'A-2'].map((accountId, index) => `INV-${index},${accountId},2026-01-05,I-${index},10.00`),
        'INV-9,A-3,2026-01-05,I-9,10.00',
      ].join('\n');
      const outcome = await importCsvFiles({ database: test.database, organisation, actor }, [
        csvInputFileOfText('accounts.csv', 'account_id,owner_name\nA-1,One\nA-2,Two\n'),
        csvInputFileOfText('invoices.csv', invoices),
      ], { batchRowsMax: 2 });
      expect(outcome.ok ? '' : formatRefusal(outcome.refusal)).toBe('error: invoices.csv:6:account_id: No account has the id A-3 [account_not_found]');
      expect(await countLedgerRows(test.database, organisation.id)).toEqual({ accounts: 0, participants: 0, documents: 0, allocations: 0 });
    });

    it('refuses allocations.csv when reconciliation is turned off, naming the file', async () => {
      const created = unwrap(await createOrganisation(test.database, { slug: uniqueSlug('disabled') }));
      const organisation = await setReconciliationEnabled(test.database, created, false);
      const outcome = await importCsvFiles({ database: test.database, organisation, actor }, unwrap(await csvFolderFiles(csvFixtures.happyLedger)));
      expect(outcome.ok ? '' : formatRefusal(outcome.refusal)).toBe('error: allocations.csv: Reconciliation is turned off for this organisation [reconciliation_disabled]');
      expect(await countLedgerRows(test.database, organisation.id)).toEqual({ accounts: 0, participants: 0, documents: 0, allocations: 0 });
    });

    it('refuses a folder that does not exist without creating the organisation', async () => {
      const slug = uniqueSlug('no-folder');
      const outcome = await importCsvFolder(test.database, { slug, actor }, join(scratch, 'does-not-exist'));
      expect(outcome.ok ? null : outcome.refusal.code).toBe('accounts_file_is_missing');
      expect((await findOrganisation(test.database, slug)).ok).toBe(false);
    });
  });
}
