import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvWriter } from './csv-writer.ts';
import { exportPageRowsMax } from '../core/limits.ts';
import { formatAmountMinor } from '../core/money.ts';
import type { TallyContext } from '../services/context.ts';
import { auditTrailPages, type AuditFilter } from '../services/audit-trail.ts';
import { unreconciledItemsAfter } from '../storage/list-export-sql.ts';

/** The columns of the lists' CSV downloads (docs/csv-formats.md). */
export const unreconciledItemColumns = ['account_id', 'owner_name', 'document_id', 'kind', 'date', 'amount', 'remaining'] as const;
export const auditEventColumns = ['at', 'action', 'actor', 'source', 'run_id', 'removal_reason', 'account_id', 'receipt_id', 'target_id', 'amount', 'allocation_id'] as const;

/** Writes records to `output` as CSV with a header, as `output` takes them, in one read-only repeatable-read transaction. */
async function writeCsv(context: TallyContext, columns: readonly string[], output: Writable, records: (transaction: Parameters<Parameters<TallyContext['database']['transaction']>[0]>[0]) => AsyncGenerator<string[]>): Promise<void> {
  await context.database.transaction(async (transaction) => {
    await transaction.query('set transaction isolation level repeatable read, read only');
    await pipeline(Readable.from(records(transaction)), csvWriter(columns), output);
  });
}

/** The unreconciled items (open credits, uncovered refunds) matching the list's search, one row per document. */
export async function writeUnreconciledItemsCsv(context: TallyContext, search: string | undefined, output: Writable): Promise<void> {
  const { id, minorDigits } = context.organisation;
  await writeCsv(context, unreconciledItemColumns, output, async function* (transaction) {
    let after = { accountKey: 0n, documentKey: 0n };
    for (;;) {
      const rows = await unreconciledItemsAfter(transaction, id, exportPageRowsMax, search?.trim() || null, after);
      for (const row of rows) yield [row.account_id, row.owner_name, row.document_id, row.kind, row.date, formatAmountMinor(row.amount_minor, minorDigits), formatAmountMinor(row.remaining_minor, minorDigits)];
      const last = rows.at(-1);
      if (!last || rows.length < exportPageRowsMax) return;
      after = { accountKey: last.account_key, documentKey: last.document_key };
    }
  });
}

/** The audit trail with the list's filters (account, run, days, who), newest first. */
export async function writeAuditTrailCsv(context: TallyContext, filter: AuditFilter, output: Writable): Promise<void> {
  const { minorDigits } = context.organisation;
  await writeCsv(context, auditEventColumns, output, async function* (transaction) {
    for await (const events of auditTrailPages(transaction, context.organisation, filter, exportPageRowsMax)) {
      for (const event of events) {
        yield [event.at.toISOString(), event.action, event.actor, event.source, event.runId ?? '', event.removalReason ?? '', event.accountId, event.receiptId, event.targetId, formatAmountMinor(event.amountMinor, minorDigits), event.allocationId];
      }
    }
  });
}
