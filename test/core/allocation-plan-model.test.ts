import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planAutoReconcile } from '../../src/core/allocation-plan.ts';
import { reconciliationStrategies } from '../../src/core/document-kinds.ts';
import { modelAutoReconcile, planInvariantProblems, sortAllocations, type ModelAllocation } from '../support/reference-model.ts';
import { describeLedger, ledgerSpecArbitrary, modelInputOf, plannerInputOf, type LedgerSpec } from '../support/random-ledger.ts';

/** Replay a failure with FC_SEED=<seed> (fast-check also prints the seed and path of the counterexample). */
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2_147_483_647;
const numRuns = 2_500;
console.log(`allocation-plan-model: fast-check seed ${seed} (${numRuns} ledgers per property)`);

function plannedByKeys(spec: LedgerSpec, strategy: 'reference' | 'fifo'): ModelAllocation[] {
  const { credits, debits, keyOf } = plannerInputOf(spec);
  return sortAllocations(planAutoReconcile(credits, debits, strategy).map((allocation) => ({
    creditKey: keyOf.get(allocation.creditId)!,
    debitKey: keyOf.get(allocation.debitId)!,
    amountMinor: allocation.amountMinor,
  })));
}

describe('planAutoReconcile against the reference model', () => {
  for (const strategy of reconciliationStrategies) {
    it(`agrees with the cent-by-cent model on random ledgers (strategy ${strategy})`, () => {
      fc.assert(
        fc.property(ledgerSpecArbitrary('A'), (spec) => {
          const { credits, debits } = modelInputOf(spec);
          const expected = modelAutoReconcile(credits, debits, strategy);
          const actual = plannedByKeys(spec, strategy);
          expect(actual, describeLedger(spec)).toEqual(expected);
        }),
        { seed, numRuns },
      );
    });

    it(`keeps every invariant: within remainders, one entry per pair, at most one side open (strategy ${strategy})`, () => {
      fc.assert(
        fc.property(ledgerSpecArbitrary('A'), (spec) => {
          const { credits, debits } = modelInputOf(spec);
          expect(planInvariantProblems(credits, debits, plannedByKeys(spec, strategy)), describeLedger(spec)).toEqual([]);
        }),
        { seed, numRuns },
      );
    });
  }

  it('gives identical results for both strategies when no credit names anything, and fifo ignores references', () => {
    fc.assert(
      fc.property(ledgerSpecArbitrary('A'), (spec) => {
        const withoutReferences: LedgerSpec = {
          manual: spec.manual,
          // Cancellations must name an item; turned into plain credits here, which changes nothing for fifo.
          events: spec.events.map((event) => (event.kind === 'receipt' ? { ...event, creditKind: event.creditKind === 'cancellation' ? 'credit' : event.creditKind, reference: null } : event)),
        };
        expect(plannedByKeys(withoutReferences, 'reference')).toEqual(plannedByKeys(withoutReferences, 'fifo'));
        expect(plannedByKeys(spec, 'fifo')).toEqual(plannedByKeys(withoutReferences, 'fifo'));
      }),
      { seed, numRuns: 1_000 },
    );
  });

  it('does not depend on the order the open documents are given in', () => {
    fc.assert(
      fc.property(ledgerSpecArbitrary('A'), fc.constantFrom(...reconciliationStrategies), fc.nat(), (spec, strategy, shuffleSeed) => {
        const { credits, debits } = plannerInputOf(spec);
        const rotate = <T>(list: readonly T[]) => (list.length === 0 ? [...list] : [...list.slice(shuffleSeed % list.length), ...list.slice(0, shuffleSeed % list.length)].reverse());
        const key = (allocations: ReturnType<typeof planAutoReconcile>) => allocations.map((a) => `${a.creditId}>${a.debitId}:${a.amountMinor}`).sort();
        expect(key(planAutoReconcile(rotate(credits), rotate(debits), strategy))).toEqual(key(planAutoReconcile(credits, debits, strategy)));
      }),
      { seed, numRuns: 1_000 },
    );
  });

  it('the model itself gets the hand-worked example of domain.md right (same-day payment goes to the older item)', () => {
    const allocations = modelAutoReconcile(
      [{ key: 'R1', date: '2026-02-01', creationOrder: 5, remainingMinor: 3000n, reference: null }],
      [
        { key: 'I1', date: '2026-01-10', creationOrder: 2, invoice: { key: 'INV-1', creationOrder: 1 }, position: 1, remainingMinor: 5000n },
        { key: 'I2', date: '2026-02-01', creationOrder: 4, invoice: { key: 'INV-2', creationOrder: 3 }, position: 1, remainingMinor: 3000n },
      ],
      'reference',
    );
    expect(allocations).toEqual([{ creditKey: 'R1', debitKey: 'I1', amountMinor: 3000n }]);
  });
});
