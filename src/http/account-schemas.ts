import { Type, type Static } from 'typebox';
import { documentKinds, paymentMethods } from '../core/document-kinds.ts';
import { openReasons } from '../core/open-explanation.ts';
import { debitStatuses } from '../core/reconciliation-status.ts';

/**
 * The wire shape of one account's statement (GET /accounts/{account}). The route validates its
 * answer with it and the web page takes its types from it (`Static<typeof …>`). Pure: TypeBox only.
 */
export const StatementDocumentView = Type.Object({
  document_id: Type.String(),
  kind: Type.Enum(documentKinds),
  date: Type.String(),
  amount: Type.String(),
  allocated: Type.String(),
  remaining: Type.String(),
  status: Type.Enum([...debitStatuses, 'void'] as const),
  invoice_id: Type.Union([Type.String(), Type.Null()]),
  position: Type.Integer({ description: 'an item’s place on its invoice; 0 otherwise' }),
  creation_order: Type.Integer({ minimum: 1, description: 'the order in which the account’s documents were created (1 first): what “oldest first” orders documents of one date by' }),
  description: Type.String(),
  ledger_code: Type.String(),
  participant_id: Type.Union([Type.String(), Type.Null()]),
  rl24_eligible: Type.Boolean(),
  method: Type.Union([Type.Enum(paymentMethods), Type.Null()]),
  reference: Type.String({ description: 'the invoice, item or refund a credit or refund names, as given' }),
  scheduled: Type.Boolean(),
  voided: Type.Boolean(),
});

export const StatementAllocationView = Type.Object({
  allocation_id: Type.String(),
  receipt_id: Type.String(),
  target_id: Type.String(),
  amount: Type.String(),
  source: Type.String(),
  run_id: Type.Union([Type.String(), Type.Null()], { description: "the run's number in the organisation, for an auto-reconcile allocation" }),
  created_by: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});

export const AccountStatementView = Type.Object({
  account_id: Type.String(),
  owner_name: Type.String(),
  owner_email: Type.String(),
  balance: Type.String(),
  open_credit: Type.String(),
  open_debit: Type.String(),
  open_reason: Type.Enum(openReasons),
  open_reason_message: Type.String(),
  documents: Type.Array(StatementDocumentView),
  allocations: Type.Array(StatementAllocationView),
});

export type AccountStatementBody = Static<typeof AccountStatementView>;
