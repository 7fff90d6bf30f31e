import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsvFolder } from '../../src/csv/import-ledger.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { exportText, uniqueSlug } from '../fixtures/csv/csv-fixtures.ts';

// 20,000 rows in all, enough to cross the batch boundaries of every writer and the export's pages.
const accountsCount = 2_000;
const invoicesCount = 3_000;
const itemsPerInvoice = 2;
const receiptsCount = 10_000;
const allocationsCount = 2_000;

/** A few seconds on a quiet machine; generous so that a busy CI machine does not fail it. */
const streamingTestTimeoutMs = 180_000;

/** Writes a file line by line through a stream, as a large export from another system would arrive. */
async function writeLines(path: string, header: string, count: number, line: (index: number) => string): Promise<void> {
  const output = createWriteStream(path);
  output.write(`${header}\n`);
  for (let index = 0; index < count; index += 1) {
    if (!output.write(`${line(index)}\n`)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'finish');
}

/**
 * A generated folder: accounts, two-item invoices (30.00 and 20.00), receipts (receipt k pays 30.00
 * on account k mod accounts, like invoice k, and every second one names that invoice) and
 * allocations of the first receipts to the first item of their invoice.
 */
async function generateFolder(folder: string): Promise<void> {
  const accountOf = (index: number) => `A-${index % accountsCount}`;
  await writeLines(join(folder, 'accounts.csv'), 'account_id,owner_name,owner_email', accountsCount, (index) => `A-${index},Owner ${index},owner${index}@example.com`);
  await writeLines(join(folder, 'invoices.csv'), 'invoice_id,account_id,date,item_id,amount', invoicesCount * itemsPerInvoice, (row) => {
    const invoice = Math.floor(row / itemsPerInvoice);
    const position = row % itemsPerInvoice;
    return `INV-${invoice},${accountOf(invoice)},2026-01-${String(1 + (invoice % 28)).padStart(2, '0')},INV-${invoice}-${position},${position === 0 ? '30.00' : '20.00'}`;
  });
  await writeLines(join(folder, 'receipts.csv'), 'receipt_id,account_id,date,kind,amount,reference', receiptsCount, (index) =>
    `R-${index},${accountOf(index)},2026-02-01,payment,30.00,${index % 2 === 0 && index < invoicesCount ? `INV-${index}` : ''}`);
  // Receipt k (k < invoices) pays the first item of invoice k, which is on the same account.
  await writeLines(join(folder, 'allocations.csv'), 'receipt_id,target_id,amount', allocationsCount, (index) => `R-${index},INV-${index}-0,30.00`);
}

for (const dialect of dialects) {
  describe(`CSV streaming on ${dialect.name}`, () => {
    let test: TestDatabase;
    let folder: string;
    beforeAll(async () => {
      test = await dialect.open();
      folder = await mkdtemp(join(tmpdir(), 'tally-csv-streaming-'));
      await generateFolder(folder);
    });
    afterAll(async () => {
      await test.drop();
      await rm(folder, { recursive: true, force: true });
    });

    it('imports 20,000 generated rows in batches and exports every status page by page', async () => {
      let lastProgress: [number, number] = [0, 0];
      let progressCalls = 0;
      const summary = unwrap(await importCsvFolder(test.database, { slug: uniqueSlug('stream'), actor: 'test' }, folder, {
        onProgress: (bytesRead, bytesTotal) => {
          progressCalls += 1;
          lastProgress = [bytesRead, bytesTotal];
        },
      }));
      expect(summary.files.map((file) => `${file.fileName}:${file.created}:${file.existing}`)).toEqual([
        `accounts.csv:${accountsCount}:0`,
        `invoices.csv:${invoicesCount * itemsPerInvoice}:0`,
        `receipts.csv:${receiptsCount}:0`,
        `allocations.csv:${allocationsCount}:0`,
      ]);
      expect(progressCalls).toBeGreaterThan(1);
      expect(lastProgress[0]).toBe(lastProgress[1]);

      const context = { database: test.database, organisation: summary.organisation, actor: 'test' };
      const statuses = (await exportText(context, 'statuses')).trimEnd().split('\n');
      expect(statuses.length).toBe(1 + invoicesCount + invoicesCount * itemsPerInvoice + receiptsCount);
      expect(statuses).toContain('INV-0,invoice,50.00,30.00,partial');
      expect(statuses).toContain('INV-0-0,item,30.00,30.00,full');
      expect(statuses).toContain(`INV-${invoicesCount - 1}-0,item,30.00,0.00,none`);
      expect(statuses).toContain('R-0,payment,30.00,30.00,full');
      expect(statuses).toContain(`R-${receiptsCount - 1},payment,30.00,0.00,none`);
      const invoiceRows = (await exportText(context, 'invoices')).trimEnd().split('\n');
      expect(invoiceRows.length).toBe(1 + invoicesCount * itemsPerInvoice);
      expect(invoiceRows[1]).toBe('INV-0,A-0,2026-01-01,INV-0-0,,,30.00,,false');
    }, streamingTestTimeoutMs);
  });
}
