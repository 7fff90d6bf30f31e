import { isSqlError } from './database.ts';

/**
 * The one place that recognises the database's own invariant refusals in a driver error, by
 * SQLSTATE and constraint name. The name is read from the error's `constraint` field when the
 * server sent one, else from its message: on a Citus cluster an error raised on a worker's shard
 * reaches the client with its SQLSTATE and message but without the `constraint` and `table`
 * fields, and its message names the shard (`document_balance_102040`), not the table. An error
 * raised while Citus writes the rows of an INSERT … SELECT into the shards (a run's batch) comes
 * back with SQLSTATE XX000 instead of its own; its message still says what PostgreSQL said
 * (`violates check constraint "…"`), and that phrasing with the name is recognised instead.
 */
export const databaseInvariants = {
  /** document_balance CHECK: a document's allocated total within [0, amount]. */
  allocatedWithinAmount: { sqlState: '23514', constraint: 'document_allocated_within_amount' },
  /** document_balance CHECK: nothing allocated to a voided document. */
  voidHasNoAllocation: { sqlState: '23514', constraint: 'document_void_has_no_allocation' },
  /** account CHECK (0065): the account's total of each side within accountTotalMinorMax. */
  accountTotalWithinLimit: { sqlState: '23514', constraint: 'account_total_within_limit' },
  /** allocation_after_insert: the credit is a credit of the allocation's organisation and account. */
  allocationCreditKey: { sqlState: '23503', constraint: 'allocation_org_id_account_id_credit_id_credit_side_fkey' },
  /** allocation_after_insert: the debit is a debit of the allocation's organisation and account. */
  allocationDebitKey: { sqlState: '23503', constraint: 'allocation_org_id_account_id_debit_id_debit_side_fkey' },
  /** allocation_after_insert: the run is a run of the allocation's organisation. */
  allocationRunKey: { sqlState: '23503', constraint: 'allocation_org_id_run_id_fkey' },
  /** membership_keeps_an_owner: a statement left an organisation without an owner. */
  organisationKeepsAnOwner: { sqlState: '23514', constraint: 'membership_keeps_an_owner' },
} as const;

export type DatabaseInvariant = keyof typeof databaseInvariants;

/**
 * PostgreSQL's messages name the constraint in double quotes after the word "constraint"
 * (`violates check constraint "x"`, `violates foreign key constraint "x"`, and Tally's own triggers
 * raise theirs the same way).
 */
const constraintInMessage = /\bconstraint "([^"]+)"/;

/** The constraint a driver error names: its `constraint` field, else the name in its message. */
export function constraintOf(error: unknown): string | null {
  if (!isSqlError(error)) return null;
  if (error.constraint) return error.constraint;
  return constraintInMessage.exec(error.message)?.[1] ?? null;
}

/** How PostgreSQL words a violation of each kind, before the constraint's quoted name. */
const violationWording: Readonly<Record<string, string>> = { '23514': 'violates check constraint', '23503': 'violates foreign key constraint' };
/** The SQLSTATE Citus gives an error it relays from a shard while copying rows into it. */
const relayedFromShard = 'XX000';

/** Which of the database's invariants refused, or null for any other error. */
export function violatedInvariant(error: unknown): DatabaseInvariant | null {
  if (!isSqlError(error)) return null;
  const constraint = constraintOf(error);
  for (const [name, invariant] of Object.entries(databaseInvariants)) {
    if (constraint !== invariant.constraint) continue;
    if (error.code === invariant.sqlState) return name as DatabaseInvariant;
    if (error.code === relayedFromShard && error.message.includes(`${violationWording[invariant.sqlState]} "${invariant.constraint}"`)) return name as DatabaseInvariant;
  }
  return null;
}
