import { allocateInOrder } from '../core/allocation-plan.ts';
import { assert } from '../core/assert.ts';
import type { CreditKind, DebitKind, PaymentMethod } from '../core/document-kinds.ts';
import type { AmountMinor } from '../core/money.ts';
import { randomForStream, type SeededRandom } from './seeded-random.ts';

/**
 * The synthetic organisation, made in memory one chunk of accounts at a time, as columns ready
 * for `insert ... select from unnest(...)`. Rows point at each other by their index in the chunk
 * (an item at its invoice, a cancellation at its item, an allocation at its two documents); the
 * writer turns indexes into ids reserved from the identity sequences.
 *
 * Each account tells a plausible story over three years: a family (the owner and one to three
 * participants) buys registrations, camps and memberships; some invoices are paid in full at
 * checkout, some by installments (later ones still scheduled), some partly, some not yet; items
 * get cancelled and refunded; deposits and goodwill credits arrive. What the system would have
 * allocated by itself (checkout and installment plans equal to the invoice) is allocated; the
 * rest is left open for auto-reconcile.
 *
 * So that both reports (collections by ledger code, RL-24 slips) and every RL-24 blocker have
 * something to show, each account also draws from a second stream of its own: a few children
 * without a birth date or too old for the slip, a few items entered without a ledger code or
 * (childcare) without their child, and the refunds of cancelled items, most covered by their
 * cancellation as an administrator reconciles them when refunding, some partly, some not at all.
 * Drawing these from their own stream left everything else an account had before (its documents,
 * amounts, dates and the allocations made at checkout) exactly as it was for the same seed.
 */

/** The first day of the synthetic history. */
export const historyStartDate = '2024-01-01';
/** The synthetic "today": documents are dated up to it; installments due after it are still scheduled. */
export const historyAsOfDate = '2026-11-20';

const dayMs = 86_400_000;
const historyStartDay = Date.parse(`${historyStartDate}T00:00:00Z`) / dayMs;
const historyAsOfDay = Date.parse(`${historyAsOfDate}T00:00:00Z`) / dayMs;

/**
 * An account's second stream (the report features above) is the stream numbered this much above
 * the account's number: beyond any account number (generateAccountsMax is ten million), so no two
 * streams of an organisation are the same.
 */
export const reportFeaturesStreamOffset = 2 ** 40;
/** Percent of participants without a birth date (RL-24: participant_without_birth_date). */
export const participantWithoutBirthDatePercent = 3;
/** Percent of participants born 2004–2007, over age for the slips of 2024 to 2026 (participant_over_age). */
export const participantOverAgePercent = 3;
const overAgeBirthFirstDay = Date.parse('2004-01-01T00:00:00Z') / dayMs;
const overAgeBirthLastDay = Date.parse('2007-12-31T00:00:00Z') / dayMs;
/** Percent of priced items entered without a ledger code (the collections' *no ledger code* line). */
export const itemWithoutLedgerCodePercent = 3;
/**
 * Percent of the childcare (RL-24-eligible) items on invoices paid at checkout or by installments
 * that were entered without their child (eligible_item_without_participant, with money on them).
 */
export const eligibleItemWithoutParticipantPercent = 4;
/** How the refund of a cancelled item is covered by its cancellation (refund_not_fully_covered for the last two). */
const refundCoverageWeights: readonly (readonly ['whole' | 'part' | 'none', number])[] = [['whole', 70], ['part', 10], ['none', 20]];

const dateTexts = new Map<number, string>();
/** A day number (days since 1970-01-01) as YYYY-MM-DD. */
function dateOfDay(day: number): string {
  let text = dateTexts.get(day);
  if (text === undefined) {
    text = new Date(day * dayMs).toISOString().slice(0, 10);
    dateTexts.set(day, text);
  }
  return text;
}

/** The same day of the month `months` later (clamped to the month's last day), as a day number. */
function addMonths(day: number, months: number): number {
  const date = new Date(day * dayMs);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(date.getUTCDate(), lastDay)) / dayMs;
}

const firstNames = [
  'Emma', 'Liam', 'Olivia', 'Noah', 'Charlotte', 'William', 'Alice', 'Thomas', 'Léa', 'Jacob', 'Florence', 'Nathan', 'Chloé', 'Félix',
  'Zoé', 'Samuel', 'Rosalie', 'Gabriel', 'Juliette', 'Raphaël', 'Maya', 'Adam', 'Amelia', 'Arthur', 'Sofia', 'Louis', 'Mia', 'Ethan',
  'Ava', 'Leo', 'Nora', 'Hugo', 'Clara', 'Jules', 'Lily', 'Victor', 'Eva', 'Mathis', 'Anna', 'Elliot',
] as const;
const lastNames = [
  'Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné', 'Ouellet', 'Pelletier', 'Bélanger',
  'Lévesque', 'Bergeron', 'Leblanc', 'Paquette', 'Girard', 'Simard', 'Boucher', 'Smith', 'Brown', 'Wilson', 'Martin', 'Taylor',
  'Campbell', 'Anderson', 'Li', 'Nguyen', 'Singh', 'Patel', 'Kim', 'Chen', 'Haddad', 'Diallo', 'Rossi', 'Silva', 'Kowalski', 'Murphy',
  "O'Brien",
] as const;

interface CatalogueEntry {
  readonly description: string;
  readonly ledgerCode: string;
  readonly dollarsMinimum: number;
  readonly dollarsMaximum: number;
  /** Registered for one participant (a child) rather than for the family. */
  readonly forParticipant: boolean;
  /** Childcare (camps, after-school care) qualifies for the Quebec RL-24 slip. */
  readonly rl24Eligible: boolean;
}

const catalogue: readonly (readonly [CatalogueEntry, number])[] = [
  [{ description: 'Swimming lessons', ledgerCode: 'REG-AQUATICS', dollarsMinimum: 60, dollarsMaximum: 180, forParticipant: true, rl24Eligible: false }, 20],
  [{ description: 'Soccer season', ledgerCode: 'REG-SPORTS', dollarsMinimum: 80, dollarsMaximum: 220, forParticipant: true, rl24Eligible: false }, 14],
  [{ description: 'Dance class', ledgerCode: 'REG-ARTS', dollarsMinimum: 70, dollarsMaximum: 200, forParticipant: true, rl24Eligible: false }, 10],
  [{ description: 'Day camp, one week', ledgerCode: 'CAMP-DAY', dollarsMinimum: 150, dollarsMaximum: 320, forParticipant: true, rl24Eligible: true }, 15],
  [{ description: 'Camp extended care', ledgerCode: 'CAMP-CARE', dollarsMinimum: 30, dollarsMaximum: 90, forParticipant: true, rl24Eligible: true }, 8],
  [{ description: 'After-school program', ledgerCode: 'CHILDCARE', dollarsMinimum: 200, dollarsMaximum: 600, forParticipant: true, rl24Eligible: true }, 7],
  [{ description: 'Annual membership', ledgerCode: 'MEMBERSHIP', dollarsMinimum: 25, dollarsMaximum: 120, forParticipant: false, rl24Eligible: false }, 12],
  [{ description: 'Family membership', ledgerCode: 'MEMBERSHIP', dollarsMinimum: 90, dollarsMaximum: 250, forParticipant: false, rl24Eligible: false }, 5],
  [{ description: 'Equipment rental', ledgerCode: 'RENTAL', dollarsMinimum: 10, dollarsMaximum: 40, forParticipant: false, rl24Eligible: false }, 7],
];
const waivedFee: CatalogueEntry = { description: 'Registration fee (waived)', ledgerCode: 'ADMIN-FEE', dollarsMinimum: 0, dollarsMaximum: 0, forParticipant: false, rl24Eligible: false };

const deskMethods: readonly PaymentMethod[] = ['cash', 'cheque', 'card', 'eft', 'other'];
const onlineMethods: readonly PaymentMethod[] = ['online', 'card'];
const installmentMethods: readonly PaymentMethod[] = ['eft', 'card', 'online'];

/** How an invoice is settled when it is created. */
type Settlement = 'checkout' | 'installments' | 'partial' | 'unpaid';
const settlementWeights: readonly (readonly [Settlement, number])[] = [['checkout', 24], ['installments', 18], ['partial', 26], ['unpaid', 32]];

/**
 * Who made a generated allocation: the system at checkout or for an installment plan, or an
 * administrator by hand (a refund covered by the cancellation it pays back).
 */
type AllocationSource = 'checkout' | 'installments' | 'manual';

/** The rows of a chunk of accounts, column by column. Indexes point within the chunk. */
export interface SyntheticChunk {
  readonly firstAccountNumber: number;
  readonly accounts: { externalId: string[]; ownerName: string[]; ownerEmail: string[] };
  /** birthDate: null for the few participants whose birth date is not known. */
  readonly participants: { accountIndex: number[]; externalId: string[]; name: string[]; birthDate: (string | null)[] };
  readonly documents: {
    accountIndex: number[];
    kind: ('invoice' | DebitKind | CreditKind)[];
    externalId: string[];
    date: string[];
    amountMinor: AmountMinor[];
    /** Items: the index of their invoice; -1 otherwise. */
    invoiceIndex: number[];
    position: number[];
    description: string[];
    ledgerCode: string[];
    /** -1 when the document is not for one participant. */
    participantIndex: number[];
    rl24Eligible: boolean[];
    method: (PaymentMethod | null)[];
    reference: string[];
    /** The document the reference names; -1 when none (a refund's reference is free text). */
    referenceIndex: number[];
    scheduled: boolean[];
    collectedOn: (string | null)[];
  };
  readonly allocations: { accountIndex: number[]; creditIndex: number[]; debitIndex: number[]; amountMinor: AmountMinor[]; source: AllocationSource[] };
}

function emptyChunk(firstAccountNumber: number): SyntheticChunk {
  return {
    firstAccountNumber,
    accounts: { externalId: [], ownerName: [], ownerEmail: [] },
    participants: { accountIndex: [], externalId: [], name: [], birthDate: [] },
    documents: {
      accountIndex: [], kind: [], externalId: [], date: [], amountMinor: [], invoiceIndex: [], position: [], description: [], ledgerCode: [],
      participantIndex: [], rl24Eligible: [], method: [], reference: [], referenceIndex: [], scheduled: [], collectedOn: [],
    },
    allocations: { accountIndex: [], creditIndex: [], debitIndex: [], amountMinor: [], source: [] },
  };
}

/** A document of one account before it gets its place (creation order) in the chunk. */
interface Draft {
  /** The day the document was entered; documents are created in this order (then in drafting order). */
  readonly createdDay: number;
  readonly kind: 'invoice' | DebitKind | CreditKind;
  readonly externalId: string;
  readonly day: number;
  readonly amountMinor: AmountMinor;
  readonly invoice?: Draft;
  readonly position?: number;
  /** Mutable, like participantIndex: a few childcare items lose their child once the invoice's settlement is known. */
  description?: string;
  readonly ledgerCode?: string;
  participantIndex?: number;
  readonly rl24Eligible?: boolean;
  readonly method?: PaymentMethod | null;
  /** The document named (an invoice, an item); its external id becomes the reference text. */
  readonly target?: Draft;
  /** Free-text reference of a refund. */
  readonly referenceText?: string;
  readonly scheduled?: boolean;
  readonly collectedDay?: number;
  /** Set when the draft is placed in the chunk. */
  index?: number;
}

function priceMinor(random: SeededRandom, entry: CatalogueEntry): AmountMinor {
  if (entry.dollarsMaximum === 0) return 0n;
  const dollars = BigInt(random.integerBetween(entry.dollarsMinimum, entry.dollarsMaximum));
  const cents = random.percent(30) ? BigInt(random.pick([25, 50, 75, 99])) : 0n;
  return dollars * 100n + cents;
}

/** `share` percent of an amount, in whole minor units (rounded down). */
function percentOf(amountMinor: AmountMinor, sharePercent: number): AmountMinor {
  return (amountMinor * BigInt(sharePercent)) / 100n;
}

function padded(accountNumber: number): string {
  return String(accountNumber).padStart(6, '0');
}

/**
 * Appends one account with its participants, documents and the allocations the system would
 * have made at checkout. Draws only from `random`, the account's own stream, and from `features`,
 * its second stream (the report features): a draw from `features` never changes what `random`
 * draws next.
 */
function appendAccount(chunk: SyntheticChunk, random: SeededRandom, features: SeededRandom, accountNumber: number): void {
  const accountIndex = chunk.accounts.externalId.length;
  const number = padded(accountNumber);
  const ownerFirstName = random.pick(firstNames);
  const lastName = random.pick(lastNames);
  chunk.accounts.externalId.push(`A${number}`);
  chunk.accounts.ownerName.push(`${ownerFirstName} ${lastName}`);
  chunk.accounts.ownerEmail.push(`${ownerFirstName}.${lastName}.${number}@example.org`.toLowerCase().normalize('NFD').replace(/[^a-z0-9.@]/g, ''));

  const participantIndexes: number[] = [];
  const participantNames: string[] = [];
  const participantsCount = random.pickWeighted([[1, 40], [2, 40], [3, 20]] as const);
  for (let participant = 1; participant <= participantsCount; participant += 1) {
    const name = random.pick(firstNames);
    participantIndexes.push(chunk.participants.externalId.length);
    participantNames.push(name);
    chunk.participants.accountIndex.push(accountIndex);
    chunk.participants.externalId.push(`P${number}-${participant}`);
    chunk.participants.name.push(`${name} ${lastName}`);
    const birthDay = historyStartDay - random.integerBetween(365 * 2, 365 * 15);
    const birthDate = features.pickWeighted([
      ['known', 100 - participantWithoutBirthDatePercent - participantOverAgePercent],
      ['missing', participantWithoutBirthDatePercent],
      ['over age', participantOverAgePercent],
    ] as const);
    chunk.participants.birthDate.push(
      birthDate === 'known' ? dateOfDay(birthDay) : birthDate === 'missing' ? null : dateOfDay(features.integerBetween(overAgeBirthFirstDay, overAgeBirthLastDay)),
    );
  }

  const drafts: Draft[] = [];
  const allocations: { credit: Draft; debit: Draft; amountMinor: AmountMinor; source: AllocationSource }[] = [];
  let receiptNumber = 0;
  const nextReceiptId = (prefix: string) => `${prefix}-${number}-${(receiptNumber += 1)}`;
  const within = (day: number) => day <= historyAsOfDay;
  const historyDays = historyAsOfDay - historyStartDay;

  const invoiceDays = Array.from({ length: random.integerBetween(2, 8) }, () => historyStartDay + random.integerBelow(historyDays + 1)).sort((a, b) => a - b);
  for (const [invoiceNumber, invoiceDay] of invoiceDays.entries()) {
    const invoiceId = `INV-${number}-${invoiceNumber + 1}`;
    const invoice: Draft = { createdDay: invoiceDay, kind: 'invoice', externalId: invoiceId, day: invoiceDay, amountMinor: 0n };
    drafts.push(invoice);
    const items: Draft[] = [];
    const itemsCount = random.pickWeighted([[1, 30], [2, 35], [3, 25], [4, 10]] as const);
    const entries = Array.from({ length: itemsCount }, () => random.pickWeighted(catalogue));
    if (random.percent(10)) entries.push(waivedFee);
    for (const [position, entry] of entries.entries()) {
      const participant = entry.forParticipant ? random.integerBelow(participantIndexes.length) : -1;
      const amountMinor = priceMinor(random, entry);
      const item: Draft = {
        createdDay: invoiceDay, kind: 'item', externalId: `I-${number}-${invoiceNumber + 1}-${position + 1}`, day: invoiceDay,
        amountMinor, invoice, position: position + 1,
        description: participant >= 0 ? `${entry.description} (${participantNames[participant]})` : entry.description,
        ledgerCode: amountMinor > 0n && features.percent(itemWithoutLedgerCodePercent) ? '' : entry.ledgerCode,
        participantIndex: participant >= 0 ? participantIndexes[participant]! : -1, rl24Eligible: entry.rl24Eligible,
      };
      items.push(item);
      drafts.push(item);
    }
    const totalMinor = items.reduce((total, item) => total + item.amountMinor, 0n);
    assert(totalMinor > 0n, 'every invoice has at least one priced item');

    // What the client paid when the invoice was made, and what the system allocated by itself.
    const settlement = random.pickWeighted(settlementWeights);
    const payments: Draft[] = [];
    let allocatedAs: 'checkout' | 'installments' | null = null;
    let paymentMethod: PaymentMethod = random.pick(onlineMethods);
    if (settlement === 'checkout') {
      const split = random.percent(15) && totalMinor >= 2n ? [totalMinor / 2n, totalMinor - totalMinor / 2n] : [totalMinor];
      for (const amountMinor of split) {
        payments.push({ createdDay: invoiceDay, kind: 'payment', externalId: nextReceiptId('R'), day: invoiceDay, amountMinor, method: paymentMethod, target: invoice });
      }
      allocatedAs = 'checkout';
    } else if (settlement === 'installments') {
      // Most plans equal the invoice total; some cover only part of it (the rest paid otherwise) and stay unallocated.
      const plannedMinor = random.percent(85) ? totalMinor : percentOf(totalMinor, random.integerBetween(40, 90));
      const installmentsCount = random.integerBetween(2, 4);
      const installmentMinor = plannedMinor / BigInt(installmentsCount);
      paymentMethod = random.pick(installmentMethods);
      for (let installment = 0; installment < installmentsCount; installment += 1) {
        const dueDay = addMonths(invoiceDay, installment);
        const amountMinor = installment === installmentsCount - 1 ? plannedMinor - installmentMinor * BigInt(installmentsCount - 1) : installmentMinor;
        const collected = within(dueDay);
        payments.push({
          createdDay: invoiceDay, kind: 'payment', externalId: nextReceiptId('R'), day: dueDay, amountMinor, method: paymentMethod, target: invoice,
          scheduled: !collected, ...(collected && installment > 0 ? { collectedDay: dueDay } : {}),
        });
      }
      if (plannedMinor === totalMinor) allocatedAs = 'installments';
    } else if (settlement === 'partial') {
      // A part paid at the desk; the payments may name the invoice, one of its items, or nothing.
      const paidMinor = percentOf(totalMinor, random.integerBetween(20, 90));
      const split = random.percent(35) ? [paidMinor / 2n, paidMinor - paidMinor / 2n] : [paidMinor];
      paymentMethod = random.pick(deskMethods);
      for (const [paymentNumber, amountMinor] of split.entries()) {
        const day = invoiceDay + (paymentNumber === 0 ? random.integerBetween(0, 3) : random.integerBetween(15, 60));
        if (amountMinor <= 0n || !within(day)) continue;
        const naming = random.pickWeighted([['invoice', 55], ['item', 10], ['nothing', 35]] as const);
        const target = naming === 'invoice' ? invoice : naming === 'item' ? items.find((item) => item.amountMinor > 0n) : undefined;
        payments.push({ createdDay: day, kind: 'payment', externalId: nextReceiptId('R'), day, amountMinor, method: paymentMethod, ...(target ? { target } : {}) });
      }
    } else if (random.percent(55)) {
      // Unpaid at first; the client pays later at the desk without saying what for.
      const day = invoiceDay + random.integerBetween(20, 150);
      if (within(day)) {
        const amountMinor = random.percent(50) ? totalMinor : BigInt(random.integerBetween(2, 30)) * 1000n;
        paymentMethod = random.pick(deskMethods);
        payments.push({ createdDay: day, kind: 'payment', externalId: nextReceiptId('R'), day, amountMinor, method: paymentMethod });
      }
    }
    drafts.push(...payments);
    if (allocatedAs !== null) {
      // A few childcare items of an invoice paid at once were entered without their child: money is on them.
      for (const item of items) {
        if (item.rl24Eligible && item.participantIndex! >= 0 && features.percent(eligibleItemWithoutParticipantPercent)) {
          item.participantIndex = -1;
          item.description = item.description!.replace(/ \(.*\)$/, '');
        }
      }
      const remaining = new Map<bigint, AmountMinor>();
      const keyOf = new Map<bigint, Draft>();
      const key = (draft: Draft) => {
        const draftKey = BigInt(keyOf.size);
        keyOf.set(draftKey, draft);
        remaining.set(draftKey, draft.amountMinor);
        return draftKey;
      };
      const creditKeys = payments.map(key);
      const debitKeys = items.map(key);
      for (const planned of allocateInOrder(creditKeys, debitKeys, remaining)) {
        allocations.push({ credit: keyOf.get(planned.creditId)!, debit: keyOf.get(planned.debitId)!, amountMinor: planned.amountMinor, source: allocatedAs });
      }
    }

    // A deposit taken with the purchase, naming the invoice but left for reconciliation.
    if (settlement !== 'checkout' && random.percent(8)) {
      drafts.push({ createdDay: invoiceDay, kind: 'deposit', externalId: nextReceiptId('DP'), day: invoiceDay, amountMinor: percentOf(totalMinor, 25) || 1n, method: random.pick(deskMethods), target: invoice });
    }

    // Cancellations of items (carrying the item's ledger code), refunded when the item had been paid.
    for (const item of items) {
      if (item.amountMinor === 0n || !random.percent(7)) continue;
      const day = invoiceDay + random.integerBetween(5, 120);
      if (!within(day)) continue;
      const amountMinor = random.percent(70) ? item.amountMinor : item.amountMinor / 2n || item.amountMinor;
      const cancellation: Draft = { createdDay: day, kind: 'cancellation', externalId: nextReceiptId('CN'), day, amountMinor, method: null, ledgerCode: item.ledgerCode!, target: item };
      drafts.push(cancellation);
      const refundDay = day + random.integerBetween(3, 21);
      if (allocatedAs !== null && within(refundDay) && random.percent(60)) {
        const refund: Draft = { createdDay: refundDay, kind: 'refund', externalId: nextReceiptId('RF'), day: refundDay, amountMinor, method: paymentMethod, referenceText: cancellation.externalId };
        drafts.push(refund);
        // The administrator who refunds usually reconciles the refund with the cancellation it pays back.
        const coverage = features.pickWeighted(refundCoverageWeights);
        const coveredMinor = coverage === 'whole' ? amountMinor : coverage === 'part' ? amountMinor / 2n : 0n;
        if (coveredMinor > 0n) allocations.push({ credit: cancellation, debit: refund, amountMinor: coveredMinor, source: 'manual' });
      }
    }
  }

  // Money ahead of purchases, and goodwill credits.
  if (random.percent(20)) {
    const day = historyStartDay + random.integerBelow(historyDays + 1);
    drafts.push({ createdDay: day, kind: 'deposit', externalId: nextReceiptId('DP'), day, amountMinor: BigInt(random.integerBetween(5, 20)) * 1000n, method: random.pick(deskMethods) });
  }
  if (random.percent(15)) {
    const day = historyStartDay + random.integerBelow(historyDays + 1);
    drafts.push({ createdDay: day, kind: 'credit', externalId: nextReceiptId('CR'), day, amountMinor: BigInt(random.integerBetween(2, 10)) * 500n, method: null });
  }

  // Creation order: by the day each document was entered, then in drafting order (stable sort),
  // so an invoice precedes its items and a document precedes anything that names it.
  drafts.sort((a, b) => a.createdDay - b.createdDay);
  const documents = chunk.documents;
  for (const draft of drafts) {
    draft.index = documents.externalId.length;
    const target = draft.target;
    assert(!target || target.index !== undefined, 'a document is created after what it names');
    assert(!draft.invoice || draft.invoice.index !== undefined, 'an invoice is created before its items');
    documents.accountIndex.push(accountIndex);
    documents.kind.push(draft.kind);
    documents.externalId.push(draft.externalId);
    documents.date.push(dateOfDay(draft.day));
    documents.amountMinor.push(draft.amountMinor);
    documents.invoiceIndex.push(draft.invoice?.index ?? -1);
    documents.position.push(draft.position ?? 0);
    documents.description.push(draft.description ?? '');
    documents.ledgerCode.push(draft.ledgerCode ?? '');
    documents.participantIndex.push(draft.participantIndex ?? -1);
    documents.rl24Eligible.push(draft.rl24Eligible ?? false);
    documents.method.push(draft.method ?? null);
    documents.reference.push(target?.externalId ?? draft.referenceText ?? '');
    documents.referenceIndex.push(target?.index ?? -1);
    documents.scheduled.push(draft.scheduled ?? false);
    documents.collectedOn.push(draft.collectedDay === undefined ? null : dateOfDay(draft.collectedDay));
  }
  for (const allocation of allocations) {
    chunk.allocations.accountIndex.push(accountIndex);
    chunk.allocations.creditIndex.push(allocation.credit.index!);
    chunk.allocations.debitIndex.push(allocation.debit.index!);
    chunk.allocations.amountMinor.push(allocation.amountMinor);
    chunk.allocations.source.push(allocation.source);
  }
}

/**
 * The accounts numbered firstAccountNumber .. firstAccountNumber + accountsCount - 1 under `seed`.
 * It starts on a later macrotask and yields every `yieldEvery` accounts, so a chunk can be made
 * while the previous one is being written (the event loop keeps serving the connection).
 */
export async function buildSyntheticChunk(seed: number, firstAccountNumber: number, accountsCount: number, yieldEvery = 50): Promise<SyntheticChunk> {
  assert(Number.isSafeInteger(firstAccountNumber) && firstAccountNumber >= 1, 'account numbers start at 1');
  const chunk = emptyChunk(firstAccountNumber);
  // Start on a later turn of the event loop, so a caller can send its queries first.
  await new Promise<void>((resolve) => setImmediate(resolve));
  for (let offset = 0; offset < accountsCount; offset += 1) {
    const accountNumber = firstAccountNumber + offset;
    appendAccount(chunk, randomForStream(seed, accountNumber), randomForStream(seed, reportFeaturesStreamOffset + accountNumber), accountNumber);
    if ((offset + 1) % yieldEvery === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return chunk;
}
