import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { writeReportCsv, type ReportRequest } from '../../src/csv/report-downloads.ts';
import { runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { allocate, checkout, collectPayment, createAccount, createParticipant, createReceipt, createRefund, removeAllocation, voidPayment } from '../../src/services/ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';

const day = (text: string) => text as CalendarDate;

/** The report as CSV text, as the command line and the download write it. */
async function printed(context: TallyContext, request: ReportRequest): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(Buffer.from(chunk)); done(); } });
  await writeReportCsv(context, request, sink);
  return Buffer.concat(chunks).toString('utf8');
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

for (const dialect of dialects) {
  describe(`reports as of an instant on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it('prints a closed period again, byte for byte, after more reconciliation, collections, voids and removals', async () => {
      const organisation = unwrap(await createOrganisation(test.database, { slug: `as-of-${dialect.name}` }));
      const context: TallyContext = { database: test.database, organisation, actor: 'as-of-test' };
      unwrap(await createAccount(context, { accountId: 'A-1', ownerName: 'Marie Tremblay', ownerEmail: '' }));
      unwrap(await createParticipant(context, { participantId: 'K-1', accountId: 'A-1', name: 'Léa', birthDate: day('2018-04-02') }));
      // January: daycare in two installments (one collected now, one scheduled), a card payment on its own, a refund.
      unwrap(await checkout(context, { invoiceId: 'INV-1', accountId: 'A-1', date: day('2026-01-05') }, [
        { itemId: 'I-1', description: 'Daycare', ledgerCode: 'CARE', amountMinor: 20000n, participantId: 'K-1', rl24Eligible: true },
      ], [
        { receiptId: 'P-1', date: day('2026-01-05'), amountMinor: 10000n, method: 'card', scheduled: false },
        { receiptId: 'P-2', date: day('2026-01-20'), amountMinor: 10000n, method: 'card', scheduled: true },
      ]));
      unwrap(await createReceipt(context, { receiptId: 'P-3', accountId: 'A-1', date: day('2026-01-10'), kind: 'payment', amountMinor: 5000n, method: 'cheque', reference: '', scheduled: false }));
      unwrap(await createRefund(context, { refundId: 'R-1', accountId: 'A-1', date: day('2026-01-15'), amountMinor: 1500n, method: 'cheque', reference: '' }));
      unwrap(await createReceipt(context, { receiptId: 'D-1', accountId: 'A-1', date: day('2026-01-12'), kind: 'deposit', amountMinor: 2500n, method: null, reference: '', scheduled: false }));
      const [toRemove] = unwrap(await allocate(context, [{ creditExternalId: 'D-1', debitExternalId: 'R-1', amountMinor: 1500n }])).allocationIds;
      await pause();
      const closedAt = new Date();
      await pause();

      const january = { from: day('2026-01-01'), to: day('2026-01-31') };
      const requests: ReportRequest[] = [
        { table: 'collections', period: january, asOf: closedAt },
        { table: 'collections-detail', period: january, asOf: closedAt },
        { table: 'rl24', year: 2026, asOf: closedAt },
        { table: 'rl24-blockers', year: 2026, asOf: closedAt },
      ];
      const first = await Promise.all(requests.map((request) => printed(context, request)));
      expect(first[0]).toBe('line,ledger_code,collected,refunded,net\nledger_code,CARE,100.00,0.00,100.00\nunallocated,,75.00,15.00,60.00\ntotal,,175.00,15.00,160.00\n');

      // Afterwards: the installment collected in January, the cheque voided, the deposit's allocation
      // removed, auto-reconcile, and a payment recorded late but dated in January.
      unwrap(await collectPayment(context, 'P-2', day('2026-01-20')));
      unwrap(await voidPayment(context, 'P-3'));
      unwrap(await removeAllocation(context, toRemove!));
      unwrap(await runAutoReconcile(context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
      unwrap(await createReceipt(context, { receiptId: 'P-4', accountId: 'A-1', date: day('2026-01-31'), kind: 'payment', amountMinor: 700n, method: 'cash', reference: '', scheduled: false }));

      const again = await Promise.all(requests.map((request) => printed(context, request)));
      expect(again).toEqual(first);
      // Now (not as of the close) the same period reads differently: the test can fail.
      const now = await printed(context, { table: 'collections', period: january, asOf: new Date() });
      expect(now).toBe('line,ledger_code,collected,refunded,net\nledger_code,CARE,200.00,0.00,200.00\nunallocated,,32.00,15.00,17.00\ntotal,,232.00,15.00,217.00\n');
    });
  });
}
