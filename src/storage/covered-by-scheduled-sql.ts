/**
 * The debits covered by a scheduled installment (what makes a debit post-dated): those with an
 * active allocation from a scheduled credit. Allocations are indexed by credit, not by debit, so
 * they are found from the scheduled credits of the accounts named by `accountCondition` (a SQL
 * condition on `credit.account_id`); an allocation's credit and debit share an account. One
 * definition for the account's statement and the status export. Yields rows of `debit_id`, possibly
 * repeated; `$1` is the organisation.
 */
export function coveredByScheduledSql(accountCondition: string): string {
  return `select a.debit_id
     from document credit
     join allocation a on a.org_id = credit.org_id and a.credit_id = credit.id and a.removed_at is null
     where credit.org_id = $1 and credit.side = 'credit' and credit.scheduled and ${accountCondition}`;
}
