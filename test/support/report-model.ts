/**
 * An independent model of the two reports (domain: Reports), written from the allocations' side
 * rather than the documents', with none of src/core's report code: the property test holds the
 * SQL and the core rules to it. Its answers are text lines, compared as they are.
 */
import type { ReportLedger } from '../../src/core/report-ledger.ts';

type Doc = ReportLedger['documents'][number];

const at = (instant: Date | null) => (instant === null ? Infinity : instant.getTime());

function snapshot(ledger: ReportLedger, asOf: Date) {
  const t = asOf.getTime();
  const byId = new Map(ledger.documents.map((doc) => [doc.id, doc]));
  const stands = (doc: Doc) => at(doc.createdAt) <= t && !(at(doc.voidedAt) <= t);
  const moneyInDay = (doc: Doc): string | null => {
    if (!stands(doc)) return null;
    if (doc.kind === 'deposit') return doc.date;
    // Never scheduled (no collection instant): money in from the instant it was recorded.
    if (doc.kind === 'payment' && !doc.scheduled && !(doc.collectedAt !== null && doc.collectedAt.getTime() > t)) return doc.collectedOn ?? doc.date;
    return null;
  };
  const refundDay = (doc: Doc): string | null => (doc.kind === 'refund' && stands(doc) ? doc.date : null);
  const alive = ledger.allocations.filter((a) => at(a.createdAt) <= t && at(a.removedAt) > t);
  return { byId, moneyInDay, refundDay, alive };
}

const lineName = (code: string) => (code === '' ? 'no_ledger_code|' : `ledger_code|${code}`);

/** Summary lines `line|code|collected|refunded` (ledger codes by code, then no code, unallocated, total), detail parts `day|account|document|counterpart|line|code|amount` in report order, and the unallocated document count. */
export function modelCollections(ledger: ReportLedger, from: string, to: string, asOf: Date): { summary: string[]; parts: string[]; unallocatedDocuments: number } {
  const { byId, moneyInDay, refundDay, alive } = snapshot(ledger, asOf);
  const within = (day: string | null) => day !== null && from <= day && day <= to;
  const pairs = new Map<string, { day: string; doc: Doc; counterpart: string | null; line: string; amount: bigint }>();
  const addPart = (day: string, doc: Doc, counterpart: string | null, line: string, amount: bigint) => {
    const key = `${doc.id}>${counterpart ?? ''}`;
    const found = pairs.get(key);
    if (found) found.amount += amount;
    else pairs.set(key, { day, doc, counterpart, line, amount });
  };
  for (const a of alive) {
    const credit = byId.get(a.creditId)!;
    const debit = byId.get(a.debitId)!;
    const inDay = moneyInDay(credit);
    if (within(inDay)) addPart(inDay!, credit, debit.id, debit.kind === 'item' ? lineName(debit.ledgerCode) : 'unallocated|', a.amountMinor);
    const outDay = refundDay(debit);
    if (within(outDay)) {
      const item = credit.kind === 'cancellation' ? byId.get(credit.cancelledItemId!)! : null;
      addPart(outDay!, debit, credit.id, item ? lineName(item.ledgerCode) : 'unallocated|', -a.amountMinor);
    }
  }
  let collected = 0n;
  let refunded = 0n;
  let unallocatedDocuments = 0;
  for (const doc of ledger.documents) {
    const inDay = moneyInDay(doc);
    const outDay = refundDay(doc);
    const day = within(inDay) ? inDay : within(outDay) ? outDay : null;
    if (day === null) continue;
    if (day === inDay) collected += doc.amountMinor;
    else refunded += doc.amountMinor;
    let used = 0n;
    for (const part of pairs.values()) if (part.doc.id === doc.id) used += part.amount < 0n ? -part.amount : part.amount;
    if (used < doc.amountMinor) {
      unallocatedDocuments += 1;
      addPart(day, doc, null, 'unallocated|', (day === inDay ? 1n : -1n) * (doc.amountMinor - used));
    }
  }
  const sums = new Map<string, { collected: bigint; refunded: bigint }>();
  for (const part of pairs.values()) {
    const sum = sums.get(part.line) ?? { collected: 0n, refunded: 0n };
    if (part.amount > 0n) sum.collected += part.amount;
    else sum.refunded -= part.amount;
    sums.set(part.line, sum);
  }
  const rank = (line: string) => (line.startsWith('ledger_code|') ? 0 : line.startsWith('no_ledger_code') ? 1 : 2);
  const summary = [...sums.entries()]
    .filter(([, sum]) => sum.collected !== 0n || sum.refunded !== 0n)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([line, sum]) => `${line}|${sum.collected}|${sum.refunded}`);
  summary.push(`total||${collected}|${refunded}`);
  const ordered = [...pairs.values()].sort((a, b) =>
    a.day !== b.day ? (a.day < b.day ? -1 : 1)
      : a.doc.id !== b.doc.id ? (a.doc.id < b.doc.id ? -1 : 1)
        : a.counterpart === b.counterpart ? 0 : a.counterpart === null ? 1 : b.counterpart === null ? -1 : a.counterpart < b.counterpart ? -1 : 1);
  return { summary, parts: ordered.map((part) => `${part.day}|${part.doc.accountId}|${part.doc.id}|${part.counterpart ?? ''}|${part.line}|${part.amount}`), unallocatedDocuments };
}

/** Slip lines `account|participant|paid|refunded|amount` and blockers `reason|account|id|amount`, in report order. */
export function modelRl24(ledger: ReportLedger, year: number, asOf: Date): { slips: string[]; blockers: string[] } {
  const { byId, moneyInDay, refundDay, alive } = snapshot(ledger, asOf);
  const inYear = (day: string | null) => day !== null && day.startsWith(`${year}-`);
  const slips = new Map<string, { account: string; participant: string; paid: bigint; refunded: bigint }>();
  const slip = (account: string, participant: string) => {
    const key = `${account}|${participant}`;
    const found = slips.get(key) ?? { account, participant, paid: 0n, refunded: 0n };
    slips.set(key, found);
    return found;
  };
  const blockers: { reason: number; account: string; id: string; amount: bigint }[] = [];
  const withoutParticipant = new Map<string, bigint>();
  const used = new Map<string, bigint>();
  for (const a of alive) {
    const credit = byId.get(a.creditId)!;
    const debit = byId.get(a.debitId)!;
    used.set(credit.id, (used.get(credit.id) ?? 0n) + a.amountMinor);
    used.set(debit.id, (used.get(debit.id) ?? 0n) + a.amountMinor);
    if (inYear(moneyInDay(credit)) && debit.kind === 'item' && debit.rl24Eligible) {
      if (debit.participantId === null) withoutParticipant.set(debit.id, (withoutParticipant.get(debit.id) ?? 0n) + a.amountMinor);
      else slip(debit.accountId, debit.participantId).paid += a.amountMinor;
    }
    if (inYear(refundDay(debit)) && credit.kind === 'cancellation') {
      const item = byId.get(credit.cancelledItemId!)!;
      if (item.rl24Eligible && item.participantId !== null) slip(item.accountId, item.participantId).refunded += a.amountMinor;
    }
  }
  const eligibleAccounts = new Set(ledger.documents.filter((doc) => doc.kind === 'item' && doc.rl24Eligible && doc.createdAt.getTime() <= asOf.getTime()).map((doc) => doc.accountId));
  for (const doc of ledger.documents) {
    if (!eligibleAccounts.has(doc.accountId)) continue;
    const left = doc.amountMinor - (used.get(doc.id) ?? 0n);
    if (left > 0n && inYear(moneyInDay(doc))) blockers.push({ reason: 0, account: doc.accountId, id: doc.id, amount: left });
    if (left > 0n && inYear(refundDay(doc))) blockers.push({ reason: 1, account: doc.accountId, id: doc.id, amount: left });
  }
  for (const [itemId, amount] of withoutParticipant) blockers.push({ reason: 2, account: byId.get(itemId)!.accountId, id: itemId, amount });
  const lines = [...slips.values()].filter((line) => line.paid !== 0n || line.refunded !== 0n);
  const bornBy = new Date(Date.UTC(year - 16, 0, 1)).toISOString().slice(0, 10);
  for (const line of lines) {
    const birthDate = ledger.participants.find((participant) => participant.id === line.participant)!.birthDate;
    const amount = line.paid - line.refunded;
    if (birthDate === null) blockers.push({ reason: 3, account: line.account, id: line.participant, amount });
    else if (birthDate < bornBy) blockers.push({ reason: 4, account: line.account, id: line.participant, amount });
    if (amount < 0n) blockers.push({ reason: 5, account: line.account, id: line.participant, amount });
  }
  const reasons = ['money_not_fully_allocated', 'refund_not_fully_covered', 'eligible_item_without_participant', 'participant_without_birth_date', 'participant_over_age', 'refunds_exceed_payments'];
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    slips: lines.sort((a, b) => text(a.account, b.account) || text(a.participant, b.participant)).map((line) => `${line.account}|${line.participant}|${line.paid}|${line.refunded}|${line.paid - line.refunded}`),
    blockers: blockers.sort((a, b) => a.reason - b.reason || text(a.account, b.account) || text(a.id, b.id)).map((blocker) => `${reasons[blocker.reason]}|${blocker.account}|${blocker.id}|${blocker.amount}`),
  };
}
