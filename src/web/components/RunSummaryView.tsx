import type { LeftOpenReason, RunSummary } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { PlannedLists } from './RunLists.tsx';

const listedMax = 5;
const reasonKeys: Record<LeftOpenReason, MessageKey> = {
  credit_on_account: 'reasonCreditOnAccount',
  balance_owing: 'reasonBalanceOwing',
  unreconciled: 'reasonUnreconciled',
};

/**
 * What a run did (or, `planned`, what its preview would do): accounts, allocations and amount,
 * allocations by pass, the accounts left open and why, and for a preview its first allocations.
 */
export function RunSummaryView({ org, summary, planned = false }: { org: string; summary: RunSummary; planned?: boolean }) {
  const { t, money, number } = useI18n();
  const leftOpen = Object.entries(summary.accounts_left_open).filter(([, count]) => count > 0) as [LeftOpenReason, number][];
  return (
    <div className="run-summary">
      <dl className="figures">
        <div>
          <dt>{t('runAccounts')}</dt>
          <dd data-testid="run-accounts">{number(summary.accounts_total)}</dd>
        </div>
        <div>
          <dt>{planned ? t('runAllocationsPlanned') : t('runAllocations')}</dt>
          <dd data-testid="run-allocations">{number(summary.allocations_count)}</dd>
        </div>
        <div>
          <dt>{t('amount')}</dt>
          <dd data-testid="run-amount">{money(summary.allocated)}</dd>
        </div>
      </dl>
      <p className="muted">
        {t('runByPass', { referencedDebit: summary.allocations_by_pass.referenced_debit, referencedInvoice: summary.allocations_by_pass.referenced_invoice, oldestFirst: summary.allocations_by_pass.oldest_first })}
      </p>
      <h3>{t('runLeftOpen')}</h3>
      {leftOpen.length === 0 ? (
        <p className="muted">{t('runNoneLeftOpen')}</p>
      ) : (
        <ul className="left-open">
          {leftOpen.map(([reason, count]) => (
            <li key={reason}>
              <strong>{t('runAccountsCount', { count })}</strong> — {t(reasonKeys[reason])}
            </li>
          ))}
        </ul>
      )}
      {summary.accounts_left_open_listed.length > 0 && (
        <details>
          <summary>{t('runLeftOpenListed')}</summary>
          <ul className="left-open">
            {summary.accounts_left_open_listed.slice(0, listedMax).map((account) => (
              <li key={account.account_id}>
                <span className="mono">{account.account_id}</span> — {t(reasonKeys[account.reason])} ({t('openCredit')}: {money(account.open_credit)}, {t('openDebit')}: {money(account.open_debit)})
              </li>
            ))}
          </ul>
        </details>
      )}
      {planned && summary.planned_allocations && summary.planned_accounts && (
        <PlannedLists
          org={org}
          accounts={summary.planned_accounts}
          accountsCount={summary.planned_accounts_count ?? summary.planned_accounts.length}
          allocations={summary.planned_allocations}
          allocationsCount={summary.allocations_count}
        />
      )}
    </div>
  );
}
