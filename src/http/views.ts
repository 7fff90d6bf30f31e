import type { PaymentMethod } from '../core/document-kinds.ts';
import { formatAmountMinor } from '../core/money.ts';
import type { AccountStatement, UnreconciledAccount } from '../services/account-view.ts';
import type { RunAccount, RunAllocation, RunSummary, RunView } from '../services/auto-reconcile.ts';
import type { AccountStatementBody } from './account-schemas.ts';
import type { RunAccountBody, RunAllocationBody, RunListItemBody, RunSummaryBody } from './run-schemas.ts';
import { openReasonMessages } from '../core/open-explanation.ts';

/**
 * JSON views of service results: amounts as decimal strings with exactly the currency's minor
 * digits, ids as the organisation's own ids, field names as in the CSV formats.
 */
export function money(amountMinor: bigint, minorDigits: number): string {
  return formatAmountMinor(amountMinor, minorDigits);
}

export function accountStatementView(statement: AccountStatement, minorDigits: number): AccountStatementBody {
  const amount = (value: bigint) => money(value, minorDigits);
  return {
    account_id: statement.accountId,
    owner_name: statement.ownerName,
    owner_email: statement.ownerEmail,
    balance: amount(statement.balanceMinor),
    open_credit: amount(statement.openCreditMinor),
    open_debit: amount(statement.openDebitMinor),
    open_reason: statement.openReason,
    open_reason_message: openReasonMessages[statement.openReason],
    documents: statement.documents.map((document) => ({
      document_id: document.id,
      kind: document.kind,
      date: document.date,
      amount: amount(document.amountMinor),
      allocated: amount(document.allocatedMinor),
      remaining: amount(document.remainingMinor),
      status: document.voided ? 'void' : document.status,
      invoice_id: document.invoiceId,
      position: document.position,
      creation_order: document.creationOrder,
      description: document.description,
      ledger_code: document.ledgerCode,
      participant_id: document.participantId,
      rl24_eligible: document.rl24Eligible,
      method: document.method as PaymentMethod | null,
      reference: document.reference,
      scheduled: document.scheduled,
      voided: document.voided,
    })),
    allocations: statement.allocations.map((allocation) => ({
      allocation_id: allocation.allocationId,
      receipt_id: allocation.creditId,
      target_id: allocation.debitId,
      amount: amount(allocation.amountMinor),
      source: allocation.source,
      run_id: allocation.runId,
      created_by: allocation.createdBy,
      created_at: allocation.createdAt.toISOString(),
    })),
  };
}

export function unreconciledAccountView(account: UnreconciledAccount, minorDigits: number) {
  return {
    account_id: account.accountId,
    owner_name: account.ownerName,
    remaining: money(account.remainingMinor, minorDigits),
    credit_remaining: money(account.creditRemainingMinor, minorDigits),
    refund_remaining: money(account.refundRemainingMinor, minorDigits),
    documents: account.documents.map((document) => ({
      document_id: document.id,
      kind: document.kind,
      date: document.date,
      amount: money(document.amountMinor, minorDigits),
      remaining: money(document.remainingMinor, minorDigits),
    })),
  };
}

export function runAllocationView(allocation: RunAllocation, minorDigits: number): RunAllocationBody {
  return {
    account_id: allocation.accountId,
    owner_name: allocation.ownerName,
    receipt_id: allocation.creditId,
    receipt_kind: allocation.creditKind,
    target_id: allocation.debitId,
    target_kind: allocation.debitKind,
    amount: money(allocation.amountMinor, minorDigits),
    pass: allocation.pass,
    removed: allocation.removed,
  };
}

export function runAccountView(account: RunAccount, minorDigits: number): RunAccountBody {
  return { account_id: account.accountId, owner_name: account.ownerName, allocations_count: account.allocationsCount, allocated: money(account.allocatedMinor, minorDigits) };
}

export function runSummaryView(summary: RunSummary, minorDigits: number): RunSummaryBody {
  return {
    run_id: summary.runId?.toString() ?? null,
    dry_run: summary.dryRun,
    strategy: summary.strategy,
    accounts_total: summary.accountsTotal,
    allocations_count: summary.allocationsCount,
    allocated: money(summary.allocatedMinor, minorDigits),
    allocations_by_pass: {
      referenced_debit: summary.allocationsByPass.referencedDebit,
      referenced_invoice: summary.allocationsByPass.referencedInvoice,
      oldest_first: summary.allocationsByPass.oldestFirst,
    },
    accounts_left_open: { ...summary.accountsLeftOpen },
    accounts_left_open_listed: summary.accountsLeftOpenListed.map((account) => ({
      account_id: account.accountId,
      reason: account.reason,
      reason_message: openReasonMessages[account.reason],
      open_credit: money(account.openCreditMinor, minorDigits),
      open_debit: money(account.openDebitMinor, minorDigits),
    })),
    ...(summary.plannedAllocations ? { planned_allocations: summary.plannedAllocations.map((allocation) => runAllocationView(allocation, minorDigits)) } : {}),
    ...(summary.plannedAccounts ? { planned_accounts: summary.plannedAccounts.map((account) => runAccountView(account, minorDigits)) } : {}),
    ...(summary.plannedAccountsCount !== undefined ? { planned_accounts_count: summary.plannedAccountsCount } : {}),
  };
}

export function runListItemView(run: Omit<RunView, 'summary'>, minorDigits: number): RunListItemBody {
  return {
    run_id: run.runId.toString(),
    status: run.status,
    scope: run.scope,
    strategy: run.strategy,
    actor: run.actor,
    accounts_total: run.accountsTotal,
    accounts_done: run.accountsDone,
    allocations_count: run.allocationsCount,
    allocated: money(run.allocatedMinor, minorDigits),
    has_active_allocations: run.hasActiveAllocations,
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
    undone_at: run.undoneAt?.toISOString() ?? null,
    undone_by: run.undoneBy,
    error: run.error,
    retry_at: run.retryAt?.toISOString() ?? null,
  };
}
