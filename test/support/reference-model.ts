/**
 * A reference model of auto-reconcile (domain.md, "Auto-reconcile"; docs/DECISIONS.md), written
 * without looking at src/core/allocation-plan.ts or the SQL passes, and kept as plain as possible
 * so that it is obviously right: documents are keyed by their external id, the orders are spelled
 * out as tuples, and money moves one minor unit at a time from the first open credit of a queue
 * to the first open debit of a queue. It is slow on purpose (cost ∝ the amounts), so tests keep
 * amounts small.
 */

export type ModelStrategy = 'reference' | 'fifo';

export interface ModelCredit {
  readonly key: string;
  /** YYYY-MM-DD. */
  readonly date: string;
  /** Creation order of the credit (any increasing number). */
  readonly creationOrder: number;
  /** What is left to allocate, in minor units; > 0. */
  readonly remainingMinor: bigint;
  /** The invoice, item or refund the credit names (a cancellation names its item). */
  readonly reference: { readonly kind: 'invoice' | 'debit'; readonly key: string } | null;
}

export interface ModelDebit {
  readonly key: string;
  readonly date: string;
  /** Creation order of the debit itself. */
  readonly creationOrder: number;
  /** For an invoice item: its invoice and that invoice's creation order. */
  readonly invoice: { readonly key: string; readonly creationOrder: number } | null;
  /** Position of an item on its invoice (1, 2, ...); 0 for a refund. */
  readonly position: number;
  /** What is left to cover, in minor units; > 0. */
  readonly remainingMinor: bigint;
}

export interface ModelAllocation {
  readonly creditKey: string;
  readonly debitKey: string;
  readonly amountMinor: bigint;
}

function compareTuples(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index]!;
    const right = b[index]!;
    if (left < right) return -1;
    if (left > right) return 1;
  }
  return 0;
}

/** Oldest first: date, then creation order. */
export function creditSortKey(credit: ModelCredit): (string | number)[] {
  return [credit.date, credit.creationOrder];
}

/** Oldest first: date, then the invoice's creation order (the refund's own), then position on the invoice. */
export function debitSortKey(debit: ModelDebit): (string | number)[] {
  return [debit.date, debit.invoice ? debit.invoice.creationOrder : debit.creationOrder, debit.position, debit.creationOrder];
}

/**
 * The rules, one pass after another:
 * 1. (strategy reference) each credit naming an item or refund pours into that debit, credits oldest first;
 * 2. (strategy reference) each credit naming an invoice pours into that invoice's items in item order;
 * 3. every credit oldest first pours into every debit oldest first.
 * Returns one entry per (credit, debit) pair that received money, sorted by keys.
 */
export function modelAutoReconcile(credits: readonly ModelCredit[], debits: readonly ModelDebit[], strategy: ModelStrategy): ModelAllocation[] {
  const left = new Map<string, bigint>();
  for (const document of [...credits, ...debits]) {
    if (document.remainingMinor <= 0n) throw new Error(`model input ${document.key} must have something left`);
    if (left.has(document.key)) throw new Error(`model input ${document.key} appears twice`);
    left.set(document.key, document.remainingMinor);
  }
  const creditsOldestFirst = [...credits].sort((a, b) => compareTuples(creditSortKey(a), creditSortKey(b)));
  const debitsOldestFirst = [...debits].sort((a, b) => compareTuples(debitSortKey(a), debitSortKey(b)));
  const moved = new Map<string, bigint>();

  /** Moves one minor unit at a time from the first credit with money left to the first debit with room left. */
  const pour = (creditKeys: readonly string[], debitKeys: readonly string[]): void => {
    let creditIndex = 0;
    let debitIndex = 0;
    while (creditIndex < creditKeys.length && debitIndex < debitKeys.length) {
      const creditKey = creditKeys[creditIndex]!;
      const debitKey = debitKeys[debitIndex]!;
      if (left.get(creditKey) === 0n) {
        creditIndex += 1;
        continue;
      }
      if (left.get(debitKey) === 0n) {
        debitIndex += 1;
        continue;
      }
      left.set(creditKey, left.get(creditKey)! - 1n);
      left.set(debitKey, left.get(debitKey)! - 1n);
      const pair = `${creditKey}\u0000${debitKey}`;
      moved.set(pair, (moved.get(pair) ?? 0n) + 1n);
    }
  };

  if (strategy === 'reference') {
    for (const debit of debitsOldestFirst) {
      const naming = creditsOldestFirst.filter((credit) => credit.reference?.kind === 'debit' && credit.reference.key === debit.key);
      pour(naming.map((credit) => credit.key), [debit.key]);
    }
    const invoiceKeys = new Set(creditsOldestFirst.flatMap((credit) => (credit.reference?.kind === 'invoice' ? [credit.reference.key] : [])));
    for (const invoiceKey of invoiceKeys) {
      const naming = creditsOldestFirst.filter((credit) => credit.reference?.kind === 'invoice' && credit.reference.key === invoiceKey);
      const items = debitsOldestFirst.filter((debit) => debit.invoice?.key === invoiceKey).sort((a, b) => a.position - b.position);
      pour(naming.map((credit) => credit.key), items.map((debit) => debit.key));
    }
  }
  pour(creditsOldestFirst.map((credit) => credit.key), debitsOldestFirst.map((debit) => debit.key));

  return sortAllocations([...moved].map(([pair, amountMinor]) => {
    const [creditKey, debitKey] = pair.split('\u0000') as [string, string];
    return { creditKey, debitKey, amountMinor };
  }));
}

/** A canonical order for comparing allocation lists whose write order does not matter. */
export function sortAllocations<T extends ModelAllocation>(allocations: readonly T[]): T[] {
  return [...allocations].sort((a, b) => compareTuples([a.creditKey, a.debitKey], [b.creditKey, b.debitKey]));
}

/**
 * Properties every auto-reconcile result must have, whatever the rules: positive amounts, one
 * entry per pair, nothing above a remainder, and after the oldest-first pass at most one side
 * of the account left open. Returns the problems found (empty when all hold).
 */
export function planInvariantProblems(credits: readonly ModelCredit[], debits: readonly ModelDebit[], allocations: readonly ModelAllocation[]): string[] {
  const problems: string[] = [];
  const creditLeft = new Map(credits.map((credit) => [credit.key, credit.remainingMinor]));
  const debitLeft = new Map(debits.map((debit) => [debit.key, debit.remainingMinor]));
  const pairs = new Set<string>();
  for (const allocation of allocations) {
    const pair = `${allocation.creditKey}>${allocation.debitKey}`;
    if (allocation.amountMinor <= 0n) problems.push(`${pair} has a non-positive amount ${allocation.amountMinor}`);
    if (pairs.has(pair)) problems.push(`${pair} appears twice`);
    pairs.add(pair);
    const credit = creditLeft.get(allocation.creditKey);
    const debit = debitLeft.get(allocation.debitKey);
    if (credit === undefined) problems.push(`${pair} names an unknown or closed credit`);
    else creditLeft.set(allocation.creditKey, credit - allocation.amountMinor);
    if (debit === undefined) problems.push(`${pair} names an unknown or closed debit`);
    else debitLeft.set(allocation.debitKey, debit - allocation.amountMinor);
  }
  for (const [key, value] of [...creditLeft, ...debitLeft]) if (value < 0n) problems.push(`${key} is over-allocated by ${-value}`);
  const openCredit = [...creditLeft.values()].reduce((total, value) => total + value, 0n);
  const openDebit = [...debitLeft.values()].reduce((total, value) => total + value, 0n);
  if (openCredit > 0n && openDebit > 0n) problems.push(`both sides left open: credits ${openCredit}, debits ${openDebit}`);
  const totalCredit = credits.reduce((total, credit) => total + credit.remainingMinor, 0n);
  const totalDebit = debits.reduce((total, debit) => total + debit.remainingMinor, 0n);
  const allocated = allocations.reduce((total, allocation) => total + allocation.amountMinor, 0n);
  const expected = totalCredit < totalDebit ? totalCredit : totalDebit;
  if (allocated !== expected) problems.push(`allocated ${allocated}, expected min(credits, debits) = ${expected}`);
  return problems;
}
