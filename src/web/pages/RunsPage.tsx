import { runsApi, type RunListed } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from '../components/Link.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';
import { RunProgress } from '../components/RunProgress.tsx';
import { strategyKeys } from '../components/RunStrategyChoice.tsx';
import { SkeletonRows } from '../components/Skeleton.tsx';
import { usePageTitle } from '../page-title.ts';

const scopeKeys: Record<string, MessageKey> = { account: 'runScopeAccount', accounts: 'runScopeAccounts', filter: 'runScopeFilter', all: 'runScopeAll' };
export const runStatusKeys: Record<RunListed['status'], MessageKey> = {
  queued: 'runQueued',
  running: 'runRunning',
  completed: 'runCompleted',
  cancelled: 'runCancelled',
  failed: 'runFailed',
  undone: 'runStatusUndone',
};

/**
 * Every run of the organisation, newest first (previews are not runs): when, who, what it
 * covered, how, how it ended, what it allocated. A run opens on its own page with its result.
 */
export function RunsPage({ org }: { org: string }) {
  const { t, money, number, dateTime } = useI18n();
  usePageTitle(t('runsTitle'));
  const location = useLocation();
  const paging = pagingOf(location.query);
  const update = (next: Paging) => {
    const query = new URLSearchParams();
    writePaging(query, next);
    navigate(paths.runs(org, query));
  };
  const { loaded, reload } = useLoaded(`${org}|${paging.page}|${paging.pageSize}`, () => runsApi.list(org, paging));
  const page = loaded.status === 'ready' ? loaded.value : null;
  return (
    <section aria-labelledby="runs-title">
      <div className="page-head">
        <p className="breadcrumb">{t('operations')}</p>
        <h1 id="runs-title">{t('runsTitle')}</h1>
        <p className="muted">{t('runsIntro')}</p>
      </div>
      {loaded.status === 'error' && <LoadError message={loaded.message} onRetry={reload} />}
      <div className="table-wrap" aria-busy={loaded.status === 'loading'}>
        <table className="data-table runs-table">
          <caption className="visually-hidden">{t('runsTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('runNumber')}</th>
              <th scope="col">{t('runStarted')}</th>
              <th scope="col">{t('runWho')}</th>
              <th scope="col">{t('runScope')}</th>
              <th scope="col">{t('runStrategy')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col" className="number">{t('runAccounts')}</th>
              <th scope="col" className="number">{t('runAllocations')}</th>
              <th scope="col" className="number">{t('amount')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.status === 'loading' && <SkeletonRows columns={9} />}
            {page && page.runs.length === 0 && (
              <tr>
                <td colSpan={9} className="muted">{t('runsNone')}</td>
              </tr>
            )}
            {page?.runs.map((run) => (
              <tr key={run.run_id} data-run={run.run_id}>
                <td>
                  <Link to={paths.run(org, run.run_id)} aria-label={t('runOpen', { id: run.run_id })}>
                    #{run.run_id}
                  </Link>
                </td>
                <td className="nowrap">
                  <time dateTime={run.started_at}>{dateTime(run.started_at)}</time>
                </td>
                <td>{run.actor}</td>
                <td>{t(scopeKeys[run.scope] ?? 'runScopeAll')}</td>
                <td>{t(strategyKeys[run.strategy])}</td>
                <td data-testid="run-status">
                  <span className={`run-state run-state-${run.status}`}>{t(runStatusKeys[run.status])}</span>
                  {run.retry_at && <span className="muted small"> {t('runRetrying', { when: dateTime(run.retry_at) })}</span>}
                  {(run.status === 'failed' || run.retry_at) && run.error && <span className="muted small" title={run.error}> {t('runFailedReason', { reason: run.error })}</span>}
                </td>
                <td className="number">{number(run.accounts_total)}</td>
                <td className="number">{number(run.allocations_count)}</td>
                <td className="number">{money(run.allocated)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager paging={paging} shown={page} rangeKey="runsShowing" pageSizeKey="runsPageSize" onChange={update} />
    </section>
  );
}

/** One run on its own page: its progress or result, Undo while it has allocations in force, and what it allocated, per account. */
export function RunPage({ org, runId }: { org: string; runId: string }) {
  const { t } = useI18n();
  usePageTitle(t('runResultTitle', { id: runId }));
  return (
    <section aria-labelledby="run-panel-title">
      <Link to={paths.runs(org)} className="back-link">‹ {t('runBackToRuns')}</Link>
      <RunProgress org={org} runId={runId} onClose={() => navigate(paths.runs(org))} onChanged={() => undefined} showLists />
    </section>
  );
}
