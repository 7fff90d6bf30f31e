import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import { unwrap } from '../../src/core/outcome.ts';
import { collectionReport } from '../../src/core/report-collections.ts';
import type { ReportPeriod } from '../../src/core/report-input.ts';
import { rl24Report } from '../../src/core/report-rl24.ts';
import { reportRecords, reportColumns, type ReportRequest } from '../../src/csv/report-downloads.ts';
import { runAutoReconcile } from '../../src/services/auto-reconcile.ts';
import type { TallyContext } from '../../src/services/context.ts';
import { allocate, collectPayment, createAccount, createInvoice, createParticipant, createReceipt, createRefund, removeAllocation, voidPayment } from '../../src/services/ledger.ts';
import { createOrganisation } from '../../src/services/organisations.ts';
import { inReportTransaction } from '../../src/services/reports.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { ledgerSpecArbitrary, type LedgerSpec } from '../support/random-ledger.ts';
import { readReportLedger } from '../support/report-ledger-rows.ts';
import { modelCollections, modelRl24 } from '../support/report-model.ts';

/**
 * The reports' SQL against the core rules and against an independent model (test/support/
 * report-model.ts), on random organisations: accounts with participants (some without a birth
 * date, some over age), items with ledger codes, RL-24 flags and children, refunds, payments
 * (some scheduled), deposits, credits, cancellations and manual allocations; then auto-reconcile;
 * then collections, voids and removals. Every summary line, detail part, slip line and blocker is
 * compared as of the instant after each stage. And a report asked as of the first instant is the
 * same, byte for byte, before and after everything that followed.
 */
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2_147_483_647;
const runsOverride = process.env.PROPERTY_RUNS ? Number(process.env.PROPERTY_RUNS) : undefined;
// Each organisation is about thirty writes and thirty reports; PROPERTY_RUNS=300 is the soak (docs/reports.md).
const runsByDialect = { pglite: runsOverride ?? 40, postgres: runsOverride ?? 60, citus: runsOverride ?? 10 } as const;
console.log(`report-property: fast-check seed ${seed}`);

// The random ledgers' four days, moved to straddle two year ends.
const dayOf = { '2026-03-01': '2025-12-31', '2026-03-02': '2026-01-01', '2026-03-03': '2026-12-31', '2026-03-04': '2027-01-01' } as unknown as Record<string, CalendarDate>;
const days = Object.values(dayOf);
const ledgerCodes = ['', 'GL-A', 'GL-B'];
// Around the 2026 boundary: born on January 1 of 2010 is under 16 in 2026; the day before is not.
const birthDates = [null, '2010-01-01', '2009-12-31', '2018-05-05'] as const;

const accountArbitrary = (index: number) => fc.record({
  spec: ledgerSpecArbitrary(`a${index}-`, { maxEvents: 8 }),
  participants: fc.array(fc.constantFrom(...birthDates), { maxLength: 2 }),
  // Per item, in order: ledger code, child (an index into the participants, or none), RL-24 flag.
  items: fc.array(fc.record({ code: fc.nat(2), child: fc.nat(2), eligible: fc.boolean() }), { minLength: 12, maxLength: 12 }),
});

const organisationArbitrary = fc.record({
  accounts: fc.tuple(accountArbitrary(0), accountArbitrary(1), accountArbitrary(2)),
  collect: fc.array(fc.record({ pick: fc.nat(), day: fc.nat(3) }), { maxLength: 3 }),
  void: fc.array(fc.nat(), { maxLength: 2 }),
  remove: fc.array(fc.nat(), { maxLength: 3 }),
  periods: fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 2 }),
  otherYear: fc.constantFrom(2025, 2027),
});
type Organisation = typeof organisationArbitrary extends fc.Arbitrary<infer T> ? T : never;

async function writeAccount(context: TallyContext, accountId: string, account: Organisation['accounts'][number]): Promise<void> {
  const spec: LedgerSpec = account.spec;
  unwrap(await createAccount(context, { accountId, ownerName: `Owner ${accountId}`, ownerEmail: '' }));
  const participantIds = account.participants.map((_birth, index) => `${accountId}-K${index}`);
  for (const [index, birthDate] of account.participants.entries()) {
    unwrap(await createParticipant(context, { participantId: participantIds[index]!, accountId, name: `Child ${index} of ${accountId}`, birthDate: birthDate as CalendarDate | null }));
  }
  let itemIndex = 0;
  for (const event of spec.events) {
    const date = dayOf[event.date]!;
    if (event.kind === 'invoice') {
      unwrap(await createInvoice(context, { invoiceId: event.key, accountId, date }, event.items.map((item) => {
        const choice = account.items[itemIndex++ % account.items.length]!;
        const participantId = participantIds.length > 0 && choice.child < 2 ? participantIds[choice.child % participantIds.length]! : null;
        return { itemId: item.key, description: item.key, ledgerCode: ledgerCodes[choice.code]!, amountMinor: item.amountMinor, participantId, rl24Eligible: choice.eligible };
      })));
    } else if (event.kind === 'refund') {
      unwrap(await createRefund(context, { refundId: event.key, accountId, date, amountMinor: event.amountMinor, method: 'cheque', reference: '' }));
    } else {
      unwrap(await createReceipt(context, {
        receiptId: event.key, accountId, date, kind: event.creditKind, amountMinor: event.amountMinor,
        method: event.creditKind === 'payment' ? 'card' : null, reference: event.reference?.key ?? '', scheduled: event.scheduled,
      }));
    }
  }
  if (spec.manual.length > 0) unwrap(await allocate(context, spec.manual.map((line) => ({ creditExternalId: line.creditKey, debitExternalId: line.debitKey, amountMinor: line.amountMinor }))));
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 3));
/** An instant strictly between what was written before and what is written after (timestamps are finer than a millisecond). */
async function instantBetween(): Promise<Date> {
  await pause();
  const instant = new Date();
  await pause();
  return instant;
}

const minor = (text: string | null | undefined) => BigInt((text ?? '').replace('.', ''));

async function sqlRows(context: TallyContext, request: ReportRequest): Promise<(string | null)[][]> {
  return inReportTransaction(context, async (transaction) => {
    const rows: (string | null)[][] = [];
    // A batch of three rows, so a ledger's parts cross several fetches of the cursor.
    for await (const record of reportRecords(transaction, context, request, 3)) rows.push(record);
    return rows;
  });
}

const csvOf = (rows: (string | null)[][], table: keyof typeof reportColumns) => [reportColumns[table].join(','), ...rows.map((row) => row.map((cell) => cell ?? '').join(','))].join('\n');

let organisationSequence = 0;

async function checkOrganisation(database: TestDatabase['database'], organisation: Organisation): Promise<void> {
  organisationSequence += 1;
  const created = unwrap(await createOrganisation(database, { slug: `report-prop-${process.pid}-${organisationSequence}` }));
  const context: TallyContext = { database, organisation: created, actor: 'property-test' };
  const accountIds = organisation.accounts.map((_account, index) => `ACC-${index}`);
  for (const [index, account] of organisation.accounts.entries()) await writeAccount(context, accountIds[index]!, account);

  const periods: ReportPeriod[] = [
    ...organisation.periods.map(([a, b]) => ({ from: days[Math.min(a, b)]!, to: days[Math.max(a, b)]! })),
    { from: '2026-01-01' as CalendarDate, to: '2026-12-31' as CalendarDate },
  ];
  const years = [2026, organisation.otherYear];
  const requestsAt = (asOf: Date): ReportRequest[] => [
    ...periods.flatMap((period) => [{ table: 'collections' as const, period, asOf }, { table: 'collections-detail' as const, period, asOf }]),
    ...years.flatMap((year) => [{ table: 'rl24' as const, year, asOf }, { table: 'rl24-blockers' as const, year, asOf }]),
  ];

  // Stage 1: the ledger as written, with its manual allocations.
  const written = await instantBetween();
  const printedThen = await Promise.all(requestsAt(written).map(async (request) => csvOf(await sqlRows(context, request), request.table)));

  // Stage 2: auto-reconcile every account.
  unwrap(await runAutoReconcile(context, { kind: 'all' }, { strategy: 'reference', dryRun: false }));
  const reconciled = await instantBetween();

  // Stage 3: installments collected, payments voided, allocations removed.
  const payments = await database.query<{ external_id: string; scheduled: boolean }>(
    `select external_id, scheduled from document where org_id = $1 and kind = 'payment' and voided_at is null order by id`, [created.id]);
  const scheduled = payments.filter((payment) => payment.scheduled);
  for (const { pick, day } of organisation.collect) {
    const payment = scheduled.splice(pick % Math.max(scheduled.length, 1), 1)[0];
    if (payment) unwrap(await collectPayment(context, payment.external_id, days[day]!));
  }
  for (const pick of organisation.void) {
    const payment = payments.splice(pick % Math.max(payments.length, 1), 1)[0];
    if (payment) unwrap(await voidPayment(context, payment.external_id));
  }
  const active = await database.query<{ id: bigint }>('select id from allocation where org_id = $1 and removed_at is null order by id', [created.id]);
  for (const pick of organisation.remove) {
    const allocation = active.splice(pick % Math.max(active.length, 1), 1)[0];
    if (allocation) unwrap(await removeAllocation(context, allocation.id));
  }
  const changed = await instantBetween();

  const ledger = await readReportLedger(database, created.id);
  const about = JSON.stringify(ledger, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}` : value));
  for (const [stage, asOf] of [['written', written], ['reconciled', reconciled], ['changed', changed]] as const) {
    for (const request of requestsAt(asOf)) {
      const rows = await sqlRows(context, request);
      const what = `${request.table} as of ${stage} ${JSON.stringify('period' in request ? request.period : request.year)}\n${about}`;
      if (request.table === 'collections' || request.table === 'collections-detail') {
        const core = collectionReport(ledger, request.period, asOf);
        const model = modelCollections(ledger, request.period.from, request.period.to, asOf);
        if (request.table === 'collections') {
          const sql = rows.map(([line, code, collected, refunded, net]) => {
            expect(minor(net), what).toBe(minor(collected) - minor(refunded));
            return line === 'total' ? `total||${minor(collected)}|${minor(refunded)}` : `${line}|${code ?? ''}|${minor(collected)}|${minor(refunded)}`;
          });
          const fromCore = core.lines.map((line) => (line.line === 'total' ? `total||${line.collectedMinor}|${line.refundedMinor}` : `${line.line}|${line.ledgerCode ?? ''}|${line.collectedMinor}|${line.refundedMinor}`));
          expect(sql, `SQL against the model: ${what}`).toEqual(model.summary);
          expect(fromCore, `core against the model: ${what}`).toEqual(model.summary);
          const summary = await inReportTransaction(context, async (transaction) => (await import('../../src/services/reports.ts')).collectionsSummaryIn(transaction, created.id, request.period, asOf));
          expect(summary.unallocatedDocumentCount, what).toBe(model.unallocatedDocuments);
          expect(core.unallocatedDocumentCount, what).toBe(model.unallocatedDocuments);
        } else {
          const sql = rows.map(([day, account, document, _kind, _method, counterpart, _invoice, code, _participant, line, amount]) =>
            `${day}|${account}|${document}|${counterpart ?? ''}|${line}|${code ?? ''}|${minor(amount)}`);
          const fullSql = rows.map((row) => row.map((cell) => cell ?? '').join('|'));
          const fullCore = core.parts.map((part) => [part.day, part.accountId, part.documentId, part.kind, part.method ?? '', part.counterpartId ?? '', part.invoiceId ?? '', part.ledgerCode ?? '', part.participantId ?? '', part.line, `${part.amountMinor < 0n ? '-' : ''}${(part.amountMinor < 0n ? -part.amountMinor : part.amountMinor).toString().padStart(3, '0').replace(/(\d{2})$/, '.$1')}`].join('|'));
          expect(sql, `SQL parts against the model: ${what}`).toEqual(model.parts);
          expect(fullSql, `SQL parts against the core, every column: ${what}`).toEqual(fullCore);
        }
      } else {
        const year = request.year;
        const core = rl24Report(ledger, year, asOf);
        const model = modelRl24(ledger, year, asOf);
        if (request.table === 'rl24') {
          const sql = rows.map(([account, _owner, participant, _name, _birth, paid, refunded, amount]) => `${account}|${participant}|${minor(paid)}|${minor(refunded)}|${minor(amount)}`);
          expect(sql, `SQL slips against the model: ${what}`).toEqual(model.slips);
          expect(core.slips.map((line) => `${line.accountId}|${line.participantId}|${line.paidMinor}|${line.refundedMinor}|${line.amountMinor}`), `core slips against the model: ${what}`).toEqual(model.slips);
          expect(rows.map((row) => [row[1], row[3], row[4]]), what).toEqual(core.slips.map((line) => [line.ownerName, line.participantName, line.birthDate]));
        } else {
          const sql = rows.map(([account, id, reason, amount]) => `${reason}|${account}|${id}|${minor(amount)}`);
          expect(sql, `SQL blockers against the model: ${what}`).toEqual(model.blockers);
          expect(core.blockers.map((blocker) => `${blocker.reason}|${blocker.accountId}|${blocker.id}|${blocker.amountMinor}`), `core blockers against the model: ${what}`).toEqual(model.blockers);
        }
      }
    }
  }

  // Printed again as of the first instant, after reconciliation, collections, voids and removals: the same bytes.
  const printedNow = await Promise.all(requestsAt(written).map(async (request) => csvOf(await sqlRows(context, request), request.table)));
  expect(printedNow, `reports as of ${written.toISOString()} printed again later`).toEqual(printedThen);
}

for (const dialect of dialects) {
  describe(`reports: SQL against the core rules and an independent model on ${dialect.name}`, () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await dialect.open();
    });
    afterAll(async () => {
      await test.drop();
    });

    it(`agree on every line, part, slip line and blocker for ${runsByDialect[dialect.name]} random organisations, as of each stage`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.limitShrink(organisationArbitrary, 50), async (organisation) => {
          await checkOrganisation(test.database, organisation);
        }),
        { seed, numRuns: runsByDialect[dialect.name] },
      );
    }, 1_800_000);
  });
}
