import { Type, type Static } from 'typebox';
import { allocationSources, documentKinds } from '../core/document-kinds.ts';

/**
 * The wire shapes of the Unreconciled items and Audit lists. Routes validate with them and the web
 * page takes its types from them (`Static<typeof …>`). Pure: TypeBox only.
 */
const paged = { total: Type.Integer(), page: Type.Integer(), page_size: Type.Integer() };

export const UnreconciledAccountView = Type.Object({
  account_id: Type.String(),
  owner_name: Type.String(),
  remaining: Type.String({ description: 'credits left to allocate and refunds left to cover, together' }),
  credit_remaining: Type.String({ description: 'what is left to allocate of its payments, deposits, credits and cancellations' }),
  refund_remaining: Type.String({ description: 'what is left to cover of its refunds' }),
  documents: Type.Array(Type.Object({ document_id: Type.String(), kind: Type.Enum(documentKinds), date: Type.String(), amount: Type.String(), remaining: Type.String() })),
});
export const UnreconciledResponse = Type.Object({ ...paged, accounts: Type.Array(UnreconciledAccountView) });

export const AuditEventView = Type.Object({
  allocation_id: Type.String(),
  action: Type.Enum(['allocated', 'removed']),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  source: Type.Enum(allocationSources),
  run_id: Type.Union([Type.String(), Type.Null()], { description: "the run's number in the organisation" }),
  removal_reason: Type.Union([Type.Enum(['manual', 'undo', 'void']), Type.Null()]),
  account_id: Type.String(),
  receipt_id: Type.String(),
  target_id: Type.String(),
  amount: Type.String(),
});
export const AuditResponse = Type.Object({ ...paged, events: Type.Array(AuditEventView) });

export type UnreconciledBody = Static<typeof UnreconciledResponse>;
export type AuditBody = Static<typeof AuditResponse>;
