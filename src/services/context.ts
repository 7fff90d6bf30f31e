import type { Organisation } from './organisations.ts';
import type { Database } from '../storage/database.ts';
import { violatedInvariant } from '../storage/database-invariants.ts';
import { RefusalError, type Outcome } from '../core/outcome.ts';

/** Who acts, in which organisation, on which database: the first argument of every service. */
export interface TallyContext {
  readonly database: Database;
  readonly organisation: Organisation;
  /** Recorded in the audit trail: a user's email, `cli:<login>`, or `system`. */
  readonly actor: string;
}

/**
 * The boundary of every service: refusals thrown to unwind a transaction become outcomes, and the
 * database's own invariant checks (the last line of defence against a race) become the refusal
 * they stand for. Anything else is a bug and propagates.
 */
export async function outcomeOf<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof RefusalError) return { ok: false, refusal: error.refusal };
    const invariant = violatedInvariant(error);
    if (invariant === 'allocatedWithinAmount') {
      return {
        ok: false,
        refusal: { code: 'allocation_exceeds_remaining', message: "The allocation would exceed a document's remainder; nothing was written" },
      };
    }
    if (invariant === 'voidHasNoAllocation') {
      return { ok: false, refusal: { code: 'document_is_void', message: 'A document was voided while it was being allocated; nothing was written' } };
    }
    if (invariant === 'organisationKeepsAnOwner') {
      return { ok: false, refusal: { code: 'last_owner_cannot_leave', message: 'An organisation keeps at least one owner', path: 'role' } };
    }
    if (invariant === 'accountTotalWithinLimit') {
      return { ok: false, refusal: { code: 'account_total_is_too_large', message: "The write would take an account's total past the most one account may hold; nothing was written" } };
    }
    throw error;
  }
}
