/**
 * Random ledgers of one account for property tests: invoices with items (some of amount zero),
 * refunds, payments, deposits, credits and cancellations, dated within a few days so that ties on
 * the date are common, with references to earlier invoices, items and refunds, and manual
 * allocations made before auto-reconcile. A ledger is plain data (`LedgerSpec`), written in
 * creation order, so the same ledger can be fed to the pure planner, to the reference model and
 * through the services to a database.
 */
import fc from 'fast-check';
import type { CalendarDate } from '../../src/core/calendar-date.ts';
import type { OpenCredit, OpenDebit } from '../../src/core/allocation-plan.ts';
import type { CreditKind } from '../../src/core/document-kinds.ts';
import type { ModelCredit, ModelDebit } from './reference-model.ts';

export type SpecReference = { readonly kind: 'invoice' | 'item' | 'refund'; readonly key: string };

export type SpecEvent =
  | { readonly kind: 'invoice'; readonly key: string; readonly date: string; readonly items: readonly { readonly key: string; readonly amountMinor: bigint }[] }
  | { readonly kind: 'refund'; readonly key: string; readonly date: string; readonly amountMinor: bigint }
  | {
      readonly kind: 'receipt';
      readonly creditKind: CreditKind;
      readonly key: string;
      readonly date: string;
      readonly amountMinor: bigint;
      readonly reference: SpecReference | null;
      readonly scheduled: boolean;
    };

export interface SpecManualLine {
  readonly creditKey: string;
  readonly debitKey: string;
  readonly amountMinor: bigint;
}

export interface LedgerSpec {
  /** In creation order. */
  readonly events: readonly SpecEvent[];
  /** Manual allocations made before auto-reconcile, in one request; they always fit. */
  readonly manual: readonly SpecManualLine[];
}

const dates = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'] as const;

const amountArbitrary = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: 40n }), weight: 6 },
  { arbitrary: fc.bigInt({ min: 41n, max: 400n }), weight: 2 },
  { arbitrary: fc.constantFrom(100n, 250n, 500n), weight: 1 },
);
const itemAmountArbitrary = fc.oneof({ arbitrary: fc.constant(0n), weight: 1 }, { arbitrary: amountArbitrary, weight: 6 });
const dateArbitrary = fc.constantFrom(...dates);

type RawEvent =
  | { readonly t: 'invoice'; readonly date: string; readonly items: bigint[] }
  | { readonly t: 'refund'; readonly date: string; readonly amountMinor: bigint }
  | { readonly t: 'receipt'; readonly creditKind: CreditKind; readonly date: string; readonly amountMinor: bigint; readonly referTo: 'none' | 'invoice' | 'item' | 'refund'; readonly pick: number; readonly scheduled: boolean };

const rawEventArbitrary: fc.Arbitrary<RawEvent> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('invoice' as const), date: dateArbitrary, items: fc.array(itemAmountArbitrary, { minLength: 1, maxLength: 3 }) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('refund' as const), date: dateArbitrary, amountMinor: amountArbitrary }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('receipt' as const),
      creditKind: fc.constantFrom<CreditKind>('payment', 'payment', 'deposit', 'credit', 'cancellation'),
      date: dateArbitrary,
      amountMinor: amountArbitrary,
      referTo: fc.constantFrom('none', 'none', 'invoice', 'item', 'refund'),
      pick: fc.nat(),
      scheduled: fc.boolean(),
    }),
    weight: 4,
  },
);

const rawManualArbitrary = fc.array(fc.record({ credit: fc.nat(), debit: fc.nat(), amount: fc.nat() }), { maxLength: 4 });

/**
 * Turns raw random choices into a ledger the services accept: references name documents created
 * earlier; a cancellation names an item with something left to cancel (else it becomes a plain
 * credit); only payments are scheduled; manual allocations fit both remainders.
 */
export function buildLedgerSpec(prefix: string, raw: readonly RawEvent[], rawManual: readonly { credit: number; debit: number; amount: number }[]): LedgerSpec {
  const events: SpecEvent[] = [];
  const invoices: string[] = [];
  const items: { key: string; amountMinor: bigint }[] = [];
  const refunds: string[] = [];
  const cancelled = new Map<string, bigint>();
  let counter = 0;
  const nextKey = (kind: string) => `${prefix}${kind}${(counter += 1)}`;
  for (const event of raw) {
    if (event.t === 'invoice') {
      const invoiceKey = nextKey('INV');
      const invoiceItems = event.items.map((amountMinor) => ({ key: nextKey('I'), amountMinor }));
      events.push({ kind: 'invoice', key: invoiceKey, date: event.date, items: invoiceItems });
      invoices.push(invoiceKey);
      items.push(...invoiceItems);
      continue;
    }
    if (event.t === 'refund') {
      const key = nextKey('RF');
      events.push({ kind: 'refund', key, date: event.date, amountMinor: event.amountMinor });
      refunds.push(key);
      continue;
    }
    let creditKind = event.creditKind;
    let amountMinor = event.amountMinor;
    let reference: SpecReference | null = null;
    if (creditKind === 'cancellation') {
      const cancellable = items.filter((item) => item.amountMinor - (cancelled.get(item.key) ?? 0n) > 0n);
      const item = cancellable[event.pick % Math.max(cancellable.length, 1)];
      if (item) {
        const room = item.amountMinor - (cancelled.get(item.key) ?? 0n);
        amountMinor = 1n + ((amountMinor - 1n) % room);
        cancelled.set(item.key, (cancelled.get(item.key) ?? 0n) + amountMinor);
        reference = { kind: 'item', key: item.key };
      } else {
        creditKind = 'credit';
      }
    }
    if (creditKind !== 'cancellation' && event.referTo !== 'none') {
      const pool = event.referTo === 'invoice' ? invoices : event.referTo === 'item' ? items.map((item) => item.key) : refunds;
      const key = pool[event.pick % Math.max(pool.length, 1)];
      if (key !== undefined) reference = { kind: event.referTo, key };
    }
    events.push({ kind: 'receipt', creditKind, key: nextKey('R'), date: event.date, amountMinor, reference, scheduled: creditKind === 'payment' && event.scheduled });
  }
  const creditsLeft = new Map<string, bigint>();
  const debitsLeft = new Map<string, bigint>();
  for (const event of events) {
    if (event.kind === 'receipt') creditsLeft.set(event.key, event.amountMinor);
    if (event.kind === 'refund') debitsLeft.set(event.key, event.amountMinor);
    if (event.kind === 'invoice') for (const item of event.items) if (item.amountMinor > 0n) debitsLeft.set(item.key, item.amountMinor);
  }
  const creditKeys = [...creditsLeft.keys()];
  const debitKeys = [...debitsLeft.keys()];
  const manual: SpecManualLine[] = [];
  const pairs = new Set<string>();
  for (const line of rawManual) {
    const creditKey = creditKeys[line.credit % Math.max(creditKeys.length, 1)];
    const debitKey = debitKeys[line.debit % Math.max(debitKeys.length, 1)];
    if (creditKey === undefined || debitKey === undefined || pairs.has(`${creditKey}>${debitKey}`)) continue;
    const room = creditsLeft.get(creditKey)! < debitsLeft.get(debitKey)! ? creditsLeft.get(creditKey)! : debitsLeft.get(debitKey)!;
    if (room === 0n) continue;
    const amountMinor = 1n + (BigInt(line.amount) % room);
    pairs.add(`${creditKey}>${debitKey}`);
    creditsLeft.set(creditKey, creditsLeft.get(creditKey)! - amountMinor);
    debitsLeft.set(debitKey, debitsLeft.get(debitKey)! - amountMinor);
    manual.push({ creditKey, debitKey, amountMinor });
  }
  return { events, manual };
}

export function ledgerSpecArbitrary(prefix: string, options: { maxEvents?: number } = {}): fc.Arbitrary<LedgerSpec> {
  return fc
    .tuple(fc.array(rawEventArbitrary, { minLength: 1, maxLength: options.maxEvents ?? 12 }), rawManualArbitrary)
    .map(([raw, rawManual]) => buildLedgerSpec(prefix, raw, rawManual));
}

/** The ledger as the reference model sees it: open documents (remainder > 0) after the manual allocations. */
export function modelInputOf(spec: LedgerSpec): { credits: ModelCredit[]; debits: ModelDebit[] } {
  const used = new Map<string, bigint>();
  for (const line of spec.manual) {
    used.set(line.creditKey, (used.get(line.creditKey) ?? 0n) + line.amountMinor);
    used.set(line.debitKey, (used.get(line.debitKey) ?? 0n) + line.amountMinor);
  }
  const credits: ModelCredit[] = [];
  const debits: ModelDebit[] = [];
  let creationOrder = 0;
  for (const event of spec.events) {
    creationOrder += 1;
    if (event.kind === 'invoice') {
      const invoice = { key: event.key, creationOrder };
      for (const [index, item] of event.items.entries()) {
        creationOrder += 1;
        const remainingMinor = item.amountMinor - (used.get(item.key) ?? 0n);
        if (remainingMinor > 0n) debits.push({ key: item.key, date: event.date, creationOrder, invoice, position: index + 1, remainingMinor });
      }
    } else if (event.kind === 'refund') {
      const remainingMinor = event.amountMinor - (used.get(event.key) ?? 0n);
      if (remainingMinor > 0n) debits.push({ key: event.key, date: event.date, creationOrder, invoice: null, position: 0, remainingMinor });
    } else {
      const remainingMinor = event.amountMinor - (used.get(event.key) ?? 0n);
      const reference = event.reference === null ? null : { kind: event.reference.kind === 'invoice' ? ('invoice' as const) : ('debit' as const), key: event.reference.key };
      if (remainingMinor > 0n) credits.push({ key: event.key, date: event.date, creationOrder, remainingMinor, reference });
    }
  }
  return { credits, debits };
}

/**
 * The same open documents as the planner's input, with ids that follow creation order (as the
 * database's identity column does), and the way back from ids to keys. Invoice ids are
 * allocated too even though an invoice is never open, so item ids and invoice ids interleave
 * exactly as in the database.
 */
export function plannerInputOf(spec: LedgerSpec): { credits: OpenCredit[]; debits: OpenDebit[]; keyOf: Map<bigint, string> } {
  const { credits, debits } = modelInputOf(spec);
  const idOf = new Map<string, bigint>();
  let creationOrder = 0;
  for (const event of spec.events) {
    idOf.set(event.key, BigInt((creationOrder += 1)));
    if (event.kind === 'invoice') for (const item of event.items) idOf.set(item.key, BigInt((creationOrder += 1)));
  }
  const keyOf = new Map([...idOf].map(([key, id]) => [id, key]));
  return {
    keyOf,
    credits: credits.map((credit) => ({
      id: idOf.get(credit.key)!,
      date: credit.date as CalendarDate,
      remainingMinor: credit.remainingMinor,
      referenceDebitId: credit.reference?.kind === 'debit' ? idOf.get(credit.reference.key)! : null,
      referenceInvoiceId: credit.reference?.kind === 'invoice' ? idOf.get(credit.reference.key)! : null,
    })),
    debits: debits.map((debit) => ({
      id: idOf.get(debit.key)!,
      date: debit.date as CalendarDate,
      invoiceId: debit.invoice ? idOf.get(debit.invoice.key)! : null,
      position: debit.position,
      remainingMinor: debit.remainingMinor,
    })),
  };
}

/** A readable one-line-per-document form of a ledger, for failure messages. */
export function describeLedger(spec: LedgerSpec): string {
  const lines = spec.events.map((event) => {
    if (event.kind === 'invoice') return `${event.key} ${event.date} items ${event.items.map((item) => `${item.key}=${item.amountMinor}`).join(' ')}`;
    if (event.kind === 'refund') return `${event.key} refund ${event.date} ${event.amountMinor}`;
    return `${event.key} ${event.creditKind}${event.scheduled ? ' (scheduled)' : ''} ${event.date} ${event.amountMinor}${event.reference ? ` ref ${event.reference.key}` : ''}`;
  });
  return [...lines, ...spec.manual.map((line) => `manual ${line.creditKey}>${line.debitKey}=${line.amountMinor}`)].join('\n');
}
