import type { StatementAllocation } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { sourceLabels } from '../audit-labels.ts';
import { paths } from '../router.ts';
import { Link } from './Link.tsx';

/**
 * What "+" shows under a document: its reconciliations (credit, charge, amount, source and run,
 * who and when), each with a trash button that asks before removing it.
 */
export function DocumentReconciliations({ org, allocations, onRemove }: { org: string; allocations: readonly StatementAllocation[]; onRemove: (allocation: StatementAllocation) => void }) {
  const { t, money, dateTime } = useI18n();
  if (allocations.length === 0) return <p className="muted">{t('noReconciliations')}</p>;
  // On a narrow screen this small table scrolls sideways inside its row; the document table does not scroll.
  return (
    <div className="nested-scroll">
      <table className="nested-table">
        <caption className="visually-hidden">{t('reconciliations')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('receipt')}</th>
            <th scope="col">{t('target')}</th>
            <th scope="col" className="number">{t('amount')}</th>
            <th scope="col">{t('source')}</th>
            <th scope="col">{t('by')}</th>
            <th scope="col">{t('auditWhen')}</th>
            <th scope="col"><span className="visually-hidden">{t('documentActions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {allocations.map((allocation) => {
            const removeLabel = t('removeReconciliation', { amount: money(allocation.amount), receipt: allocation.receipt_id, target: allocation.target_id });
            return (
              <tr key={allocation.allocation_id}>
                <td className="mono">{allocation.receipt_id}</td>
                <td className="mono">{allocation.target_id}</td>
                <td className="number">{money(allocation.amount)}</td>
                <td>
                  {sourceLabels[allocation.source as keyof typeof sourceLabels] ? t(sourceLabels[allocation.source as keyof typeof sourceLabels]) : allocation.source}
                  {allocation.run_id ? (
                    <>
                      {' '}
                      <Link to={paths.run(org, allocation.run_id)}>#{allocation.run_id}</Link>
                    </>
                  ) : null}
                </td>
                <td className="muted">{allocation.created_by}</td>
                <td className="nowrap" data-testid="reconciliation-when">{dateTime(allocation.created_at)}</td>
                <td>
                  <button type="button" className="icon-button trash-button" aria-label={removeLabel} title={removeLabel} onClick={() => onRemove(allocation)}>
                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                      <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.8 9.5h6.4L12 4M6.6 6.5v5M9.4 6.5v5" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
                    </svg>
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
