import { useState, type FormEvent } from 'react';
import { reportsApi } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from '../components/Link.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';

interface AuditState extends Paging {
  readonly accountId: string;
  readonly runId: string;
}

/** The filters and page live in the address (?account=&run=&page=&size=). */
function readState(query: URLSearchParams): AuditState {
  return {
    accountId: query.get('account') ?? '',
    runId: query.get('run') ?? '',
    ...pagingOf(query),
  };
}

function writeState(state: AuditState): URLSearchParams {
  const query = new URLSearchParams();
  if (state.accountId) query.set('account', state.accountId);
  if (state.runId) query.set('run', state.runId);
  writePaging(query, state);
  return query;
}

export function AuditPage({ org }: { org: string }) {
  const { t, money, dateTime } = useI18n();
  const location = useLocation();
  const state = readState(location.query);
  const [accountText, setAccountText] = useState(state.accountId);
  const [runText, setRunText] = useState(state.runId);

  const update = (change: Partial<AuditState>) => navigate(paths.audit(org, writeState({ ...state, page: 1, ...change })));

  const { loaded, reload } = useLoaded(`${org}|${state.accountId}|${state.runId}|${state.page}|${state.pageSize}`, () =>
    reportsApi.audit(org, { accountId: state.accountId || undefined, runId: state.runId || undefined, page: state.page, pageSize: state.pageSize }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update({ accountId: accountText.trim(), runId: runText.trim() });
  };
  const clear = () => {
    setAccountText('');
    setRunText('');
    update({ accountId: '', runId: '' });
  };

  const page = loaded.status === 'ready' ? loaded.value : null;

  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <p className="breadcrumb">{t('operations')}</p>
        <h1 id="audit-title">{t('auditTitle')}</h1>
        <p className="muted">{t('auditIntro')}</p>
      </div>
      <form className="toolbar" role="search" onSubmit={submit}>
        <label className="field">
          <span>{t('auditAccountFilter')}</span>
          <input type="text" value={accountText} onChange={(event) => setAccountText(event.target.value)} />
        </label>
        <label className="field">
          <span>{t('auditRunFilter')}</span>
          <input type="text" inputMode="numeric" pattern="[0-9]*" value={runText} onChange={(event) => setRunText(event.target.value)} />
        </label>
        <div className="audit-filter-buttons">
          <button type="submit" className="button primary">{t('auditApply')}</button>
          {(state.accountId || state.runId) && (
            <button type="button" className="button secondary" onClick={clear}>{t('auditClear')}</button>
          )}
        </div>
      </form>

      {loaded.status === 'error' && <LoadError message={loaded.message} onRetry={reload} />}

      <div className="table-wrap" aria-busy={loaded.status === 'loading'}>
        <table className="data-table audit-table">
          <caption className="visually-hidden">{t('auditTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('auditWhen')}</th>
              <th scope="col">{t('auditWho')}</th>
              <th scope="col">{t('auditAction')}</th>
              <th scope="col">{t('accountId')}</th>
              <th scope="col">{t('receipt')}</th>
              <th scope="col">{t('target')}</th>
              <th scope="col" className="number">{t('amount')}</th>
              <th scope="col">{t('source')}</th>
              <th scope="col">{t('auditRun')}</th>
              <th scope="col">{t('auditRemovalReason')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.status === 'loading' && (
              <tr>
                <td colSpan={10} className="muted" role="status">{t('loading')}</td>
              </tr>
            )}
            {page && page.events.length === 0 && (
              <tr>
                <td colSpan={10} className="muted">{t('auditNone')}</td>
              </tr>
            )}
            {page?.events.map((event) => (
              <tr key={`${event.allocation_id}-${event.action}`} data-action={event.action}>
                <td className="nowrap">
                  <time dateTime={event.at}>{dateTime(event.at)}</time>
                </td>
                <td>{event.actor}</td>
                <td>
                  <span className={`badge ${event.action === 'removed' ? 'warn' : 'info'}`}>{t(event.action === 'removed' ? 'auditRemoved' : 'auditAllocated')}</span>
                </td>
                <td className="mono">
                  <Link to={paths.account(org, event.account_id)}>{event.account_id}</Link>
                </td>
                <td className="mono">{event.receipt_id}</td>
                <td className="mono">{event.target_id}</td>
                <td className="number">{money(event.amount)}</td>
                <td>{event.source}</td>
                <td className="mono">
                  {event.run_id ? (
                    <button type="button" className="link-button" onClick={() => { setRunText(event.run_id ?? ''); update({ runId: event.run_id ?? '' }); }}>
                      {event.run_id}
                    </button>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>{event.removal_reason ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <Pager paging={state} shown={page} rangeKey="auditShowing" pageSizeKey="auditPageSize" onChange={(paging) => update(paging)} />
    </section>
  );
}
