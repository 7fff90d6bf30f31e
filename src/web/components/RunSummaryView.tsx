import type { LeftOpenReason, RunSummary } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';

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
export function RunSummaryView({ summary, planned = false }: { summary: RunSummary; planned?: boolean }) {
  const { t, money } = useI18n();
  const leftOpen = Object.entries(summary.accounts_left_open).filter(([, count]) => count > 0) as [LeftOpenReason, number][];
  const allocations = summary.planned_allocations?.slice(0, listedMax) ?? [];
  return (
    <div className="run-summary">
      <dl className="figures">
        <div>
          <dt>{t('runAccounts')}</dt>
          <dd data-testid="run-accounts">{summary.accounts_total}</dd>
        </div>
        <div>
          <dt>{planned ? t('runAllocationsPlanned') : t('runAllocations')}</dt>
          <dd data-testid="run-allocations">{summary.allocations_count}</dd>
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
      {planned && allocations.length > 0 && (
        <>
          <h3>{t('runPlannedAllocations', { shown: allocations.length, count: summary.allocations_count })}</h3>
          <table className="nested-table">
            <thead>
              <tr>
                <th scope="col">{t('receipt')}</th>
                <th scope="col">{t('target')}</th>
                <th scope="col" className="number">{t('amount')}</th>
              </tr>
            </thead>
            <tbody>
              {allocations.map((allocation, index) => (
                <tr key={`${allocation.receipt_id}-${allocation.target_id}-${index}`}>
                  <td className="mono">{allocation.receipt_id}</td>
                  <td className="mono">{allocation.target_id}</td>
                  <td className="number">{money(allocation.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
