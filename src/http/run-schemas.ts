import { Type, type Static } from 'typebox';
import { reconciliationStrategies } from '../core/document-kinds.ts';
import type { OpenReason } from '../core/open-explanation.ts';
import { allocationPasses, runStatuses } from '../core/run-vocabulary.ts';

/**
 * The wire shapes of auto-reconcile runs. Routes validate and document with them, and the web page
 * takes its types from them (`Static<typeof …>`), so the two cannot drift. Pure: TypeBox only.
 */
const literals = <const Values extends string[]>(values: readonly [...Values], description?: string) => Type.Enum(values, description ? { description } : {});

export const RunStrategySchema = literals(reconciliationStrategies, 'reference: references first, then oldest first; fifo: oldest first only');
export const RunStatusSchema = literals(runStatuses);
export const AllocationPassSchema = literals(allocationPasses, 'referenced_debit: the item or refund named on the credit; referenced_invoice: an item of the invoice named on the credit; oldest_first');
export const LeftOpenReasonSchema = literals(['credit_on_account', 'balance_owing', 'unreconciled'] satisfies Exclude<OpenReason, 'in_agreement'>[]);

export const RunAllocationView = Type.Object({
  account_id: Type.String(),
  owner_name: Type.String(),
  receipt_id: Type.String(),
  receipt_kind: Type.String(),
  target_id: Type.String(),
  target_kind: Type.String(),
  amount: Type.String(),
  pass: AllocationPassSchema,
  removed: Type.Boolean({ description: 'removed since (by the run being undone, or by hand)' }),
});

export const RunAccountView = Type.Object({
  account_id: Type.String(),
  owner_name: Type.String(),
  allocations_count: Type.Integer(),
  allocated: Type.String(),
});

export const RunSummaryView = Type.Object({
  run_id: Type.Union([Type.String(), Type.Null()], { description: "the run's number in the organisation; null for a preview" }),
  dry_run: Type.Boolean(),
  strategy: RunStrategySchema,
  accounts_total: Type.Integer(),
  allocations_count: Type.Integer(),
  allocated: Type.String(),
  allocations_by_pass: Type.Object({ referenced_debit: Type.Integer(), referenced_invoice: Type.Integer(), oldest_first: Type.Integer() }),
  accounts_left_open: Type.Object({ credit_on_account: Type.Integer(), balance_owing: Type.Integer(), unreconciled: Type.Integer() }),
  accounts_left_open_listed: Type.Array(
    Type.Object({ account_id: Type.String(), reason: LeftOpenReasonSchema, reason_message: Type.String(), open_credit: Type.String(), open_debit: Type.String() }),
  ),
  planned_allocations: Type.Optional(Type.Array(RunAllocationView, { description: 'a preview: the allocations it would write (the first 10,000)' })),
  planned_accounts: Type.Optional(Type.Array(RunAccountView, { description: 'a preview: the accounts it would allocate in, by owner name (the first 10,000)' })),
  planned_accounts_count: Type.Optional(Type.Integer({ description: 'a preview: how many accounts it would allocate in' })),
});

const runFields = {
  run_id: Type.String({ description: "the run's number in the organisation (1, 2, 3 …)" }),
  status: RunStatusSchema,
  scope: Type.String({ description: 'account, accounts, filter or all' }),
  strategy: RunStrategySchema,
  actor: Type.String({ description: 'who started it' }),
  accounts_total: Type.Integer(),
  accounts_done: Type.Integer(),
  allocations_count: Type.Integer(),
  allocated: Type.String(),
  has_active_allocations: Type.Boolean({ description: 'some of its allocations are still in force: Undo would remove them' }),
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  undone_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  undone_by: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()], { description: 'why it failed, or why its last attempt failed while it waits to be tried again' }),
  retry_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'a failed attempt waits to be tried again: when the next attempt is due' }),
};

export const RunListItem = Type.Object(runFields);
export const RunView = Type.Object({ ...runFields, summary: RunSummaryView });

const paged = { total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() };
export const RunListResponse = Type.Object({ ...paged, runs: Type.Array(RunListItem) });
export const RunAllocationsResponse = Type.Object({ ...paged, allocations: Type.Array(RunAllocationView) });
export const RunAccountsResponse = Type.Object({ ...paged, accounts: Type.Array(RunAccountView) });
export const RunQueuedResponse = Type.Object({ run_id: Type.String(), status: Type.Literal('queued'), accounts_total: Type.Integer() });
export const RunUndoneResponse = Type.Object({ run_id: Type.String(), allocations_removed: Type.Integer(), amount_removed: Type.String() });
export const RunCancelResponse = Type.Object({ status: literals(['cancelled', 'cancelling']) });

export type RunSummaryBody = Static<typeof RunSummaryView>;
export type RunListItemBody = Static<typeof RunListItem>;
export type RunBody = Static<typeof RunView>;
export type RunAllocationBody = Static<typeof RunAllocationView>;
export type RunAccountBody = Static<typeof RunAccountView>;
