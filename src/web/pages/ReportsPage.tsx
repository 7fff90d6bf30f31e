import { useI18n } from '../i18n.tsx';
import { paths, type ReportName } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { usePageTitle } from '../page-title.ts';
import { CollectionsReport } from '../reports/CollectionsReport.tsx';
import { Rl24Report } from '../reports/Rl24Report.tsx';

/** Reports: collections by ledger code, and the RL-24 slips with what keeps them from being right. */
export function ReportsPage({ org, report }: { org: string; report: ReportName }) {
  const { t } = useI18n();
  usePageTitle(`${t(report === 'rl24' ? 'reportRl24' : 'reportCollections')} · ${t('reportsTitle')}`);
  const tabs: readonly { readonly name: ReportName; readonly label: string }[] = [
    { name: 'collections', label: t('reportCollections') },
    { name: 'rl24', label: t('reportRl24') },
  ];
  return (
    <section aria-labelledby="reports-title" className="reports-page">
      <div className="page-head">
        <p className="breadcrumb">{t('reportsTitle')}</p>
        <h1 id="reports-title">{t(report === 'rl24' ? 'reportRl24' : 'reportCollections')}</h1>
        <p className="muted">{t('reportsIntro')}</p>
      </div>
      <nav aria-label={t('reportKinds')} className="report-tabs">
        {tabs.map((tab) => (
          <Link key={tab.name} to={paths.reports(org, tab.name)} className={`report-tab${tab.name === report ? ' current' : ''}`} aria-current={tab.name === report ? 'page' : undefined}>
            {tab.label}
          </Link>
        ))}
      </nav>
      {report === 'collections' ? <CollectionsReport org={org} /> : <Rl24Report org={org} />}
    </section>
  );
}
