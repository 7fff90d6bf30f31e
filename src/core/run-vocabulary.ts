/**
 * The words of auto-reconcile runs shared by every layer: where a run is in its life, and which
 * pass of the rules (core/allocation-plan.ts) made an allocation.
 */
export const runStatuses = ['queued', 'running', 'completed', 'failed', 'cancelled', 'undone'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** The passes of auto-reconcile, in the order they run. */
export const allocationPasses = ['referenced_debit', 'referenced_invoice', 'oldest_first'] as const;
export type AllocationPass = (typeof allocationPasses)[number];
