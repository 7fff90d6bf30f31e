import { useState, type FormEvent } from 'react';
import { reportsApi } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from '../components/Link.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';
import { SkeletonRows } from '../components/Skeleton.tsx';
import { removalReasonLabels, sourceLabels } from '../audit-labels.ts';
import { usePageTitle } from '../page-title.ts';
import { rolePermits, useRoleCatalogue } from '../role-catalogue.ts';

interface AuditState extends Paging {
  readonly accountId: string;
  readonly runId: string;
  readonly from: string;
  readonly to: string;
  readonly actor: string;
}

/** The filters and page live in the address (?account=&run=&page=&size=). */
function readState(query: URLSearchParams): AuditState {
  return {
    accountId: query.get('account') ?? '',
    runId: query.get('run') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
    actor: query.get('who') ?? '',
    ...pagingOf(query),
  };
}

function writeState(state: AuditState): URLSearchParams {
  const query = new URLSearchParams();
  if (state.accountId) query.set('account', state.accountId);
  if (state.runId) query.set('run', state.runId);
  if (state.from) query.set('from', state.from);
  if (state.to) query.set('to', state.to);
  if (state.actor) query.set('who', state.actor);
  writePaging(query, state);
  return query;
}

export function AuditPage({ org, role }: { org: string; role: string | undefined }) {
  const { t, money, dateTime } = useI18n();
  usePageTitle(t('auditTitle'));
  const catalogue = useRoleCatalogue(org);
  const mayDownload = catalogue.status === 'ready' && rolePermits(catalogue.roles, role, 'read_reports');
  const location = useLocation();
  const state = readState(location.query);
  const [accountText, setAccountText] = useState(state.accountId);
  const [runText, setRunText] = useState(state.runId);
  const [fromText, setFromText] = useState(state.from);
  const [toText, setToText] = useState(state.to);
  const [actorText, setActorText] = useState(state.actor);
  const filter = { accountId: state.accountId || undefined, runId: state.runId || undefined, from: state.from || undefined, to: state.to || undefined, actor: state.actor || undefined };

  const update = (change: Partial<AuditState>) => navigate(paths.audit(org, writeState({ ...state, page: 1, ...change })));

  const { loaded, reload } = useLoaded(`${org}|${state.accountId}|${state.runId}|${state.from}|${state.to}|${state.actor}|${state.page}|${state.pageSize}`, () =>
    reportsApi.audit(org, { ...filter, page: state.page, pageSize: state.pageSize }),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update({ accountId: accountText.trim(), runId: runText.trim(), from: fromText, to: toText, actor: actorText.trim() });
  };
  const clear = () => {
    setAccountText('');
    setRunText('');
    setFromText('');
    setToText('');
    setActorText('');
    update({ accountId: '', runId: '', from: '', to: '', actor: '' });
  };
  const filtering = Boolean(state.accountId || state.runId || state.from || state.to || state.actor);

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
        <label className="field">
          <span>{t('auditFrom')}</span>
          <input type="date" value={fromText} onChange={(event) => setFromText(event.target.value)} />
        </label>
        <label className="field">
          <span>{t('auditTo')}</span>
          <input type="date" value={toText} onChange={(event) => setToText(event.target.value)} />
        </label>
        <label className="field">
          <span>{t('auditUser')}</span>
          <input type="text" value={actorText} onChange={(event) => setActorText(event.target.value)} />
        </label>
        <div className="audit-filter-buttons">
          <button type="submit" className="button primary">{t('auditApply')}</button>
          {filtering && (
            <button type="button" className="button secondary" onClick={clear}>{t('auditClear')}</button>
          )}
          {mayDownload && (
            <a className="button secondary download" href={reportsApi.auditCsvAddress(org, filter)} download>
              {t('downloadCsv')}
            </a>
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
            {loaded.status === 'loading' && <SkeletonRows columns={10} />}
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
                <td data-testid="audit-source">{t(sourceLabels[event.source])}</td>
                <td className="mono">
                  {event.run_id ? (
                    <button type="button" className="link-button" onClick={() => { setRunText(event.run_id ?? ''); update({ runId: event.run_id ?? '' }); }}>
                      {event.run_id}
                    </button>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-testid="audit-removal-reason">{event.removal_reason ? t(removalReasonLabels[event.removal_reason]) : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <Pager paging={state} shown={page} rangeKey="auditShowing" pageSizeKey="auditPageSize" onChange={(paging) => update(paging)} />
    </section>
  );
}
