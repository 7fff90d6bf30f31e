import { useI18n } from '../i18n.tsx';
import { paths } from '../router.ts';
import { Link } from './Link.tsx';

/** Where the work happens: reconciliation is off for the organisation, so nothing can be allocated. */
export function ReconciliationOffBanner({ org, mayChange }: { org: string; mayChange: boolean }) {
  const { t } = useI18n();
  return (
    <div className="banner-warning" role="status" data-testid="reconciliation-off">
      <strong>{t('reconciliationOffBanner')}</strong> {t('reconciliationOffReason')}{' '}
      {mayChange && <Link to={paths.settings(org)}>{t('reconciliationOffChange')}</Link>}
    </div>
  );
}
