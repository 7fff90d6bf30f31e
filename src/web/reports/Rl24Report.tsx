import { useState, type FormEvent } from 'react';
import { reportApi, rl24BlockerReasons, type Rl24BlockerReason } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from '../components/Link.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';
import { SearchField } from '../components/SearchField.tsx';
import { SkeletonRows } from '../components/Skeleton.tsx';
import { NothingMatches } from '../components/NothingMatches.tsx';
import { CsvDownload } from '../components/CsvDownload.tsx';
import { AsOfField } from './AsOfField.tsx';
import { instantOfLocalTime, localTimeOfInstant } from './report-periods.ts';
import { blockerReasonLabels, documentBlockerReasons } from './report-labels.ts';
import { useOrganisationToday } from './report-today.ts';

/** Blockers shown at once under each reason; more are a page turn away. */
const blockersPageSize = 10;

/** The report's state lives in the address (?year=&as_of=&search=&page=&size=). */
interface Rl24State extends Paging {
  readonly year: number;
  readonly asOf: string;
  readonly search: string;
}

const yearPattern = /^\d{4}$/;

function readState(query: URLSearchParams, today: string): Rl24State {
  const year = query.get('year') ?? '';
  return {
    year: yearPattern.test(year) ? Number(year) : Number(today.slice(0, 4)),
    asOf: query.get('as_of') ?? '',
    search: query.get('search') ?? '',
    ...pagingOf(query),
  };
}

function writeState(state: Rl24State): URLSearchParams {
  const query = new URLSearchParams();
  query.set('year', String(state.year));
  if (state.asOf) query.set('as_of', state.asOf);
  if (state.search) query.set('search', state.search);
  writePaging(query, state);
  return query;
}

export function Rl24Report({ org }: { org: string }) {
  const { t, money, number, date, dateTime } = useI18n();
  const location = useLocation();
  const today = useOrganisationToday(org);
  const state = readState(location.query, today);
  const query = { year: state.year, asOf: state.asOf || undefined };
  const update = (change: Partial<Rl24State>, replace = false) => navigate(paths.reports(org, 'rl24', writeState({ ...state, page: 1, ...change })), { replace });

  const [yearText, setYearText] = useState(String(state.year));
  const [asOfText, setAsOfText] = useState(localTimeOfInstant(state.asOf));
  const [shown, setShown] = useState(`${state.year}|${state.asOf}`);
  if (shown !== `${state.year}|${state.asOf}`) {
    setShown(`${state.year}|${state.asOf}`);
    setYearText(String(state.year));
    setAsOfText(localTimeOfInstant(state.asOf));
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (yearPattern.test(yearText)) update({ year: Number(yearText), asOf: instantOfLocalTime(asOfText) ?? '' });
  };

  const slipsLoad = useLoaded(`${org}|${state.year}|${state.asOf}|${state.search}|${state.page}|${state.pageSize}`, () =>
    reportApi.rl24(org, { ...query, search: state.search || undefined, page: state.page, pageSize: state.pageSize }),
  );
  const blockersLoad = useLoaded(`${org}|${state.year}|${state.asOf}`, () => reportApi.rl24Blockers(org, { ...query, page: 1, pageSize: blockersPageSize }));
  const slips = slipsLoad.loaded.status === 'ready' ? slipsLoad.loaded.value : null;
  const blockers = blockersLoad.loaded.status === 'ready' ? blockersLoad.loaded.value : null;
  const reasons = blockers ? rl24BlockerReasons.flatMap((reason) => blockers.reasons.filter((entry) => entry.reason === reason && entry.count > 0)) : [];
  const blockerCount = reasons.reduce((count, entry) => count + entry.count, 0);

  return (
    <div className="rl24-report">
      <form className="toolbar report-form" onSubmit={submit}>
        <label className="field">
          <span>{t('year')}</span>
          <input type="text" inputMode="numeric" pattern="[0-9]{4}" required maxLength={4} className="year-input" value={yearText} onChange={(event) => setYearText(event.target.value)} />
        </label>
        <AsOfField value={asOfText} onChange={setAsOfText} />
        <button type="submit" className="button primary">{t('showReport')}</button>
      </form>

      <div className="report-meta">
        {slips && (
          <p className="muted" data-testid="report-as-of">
            <time dateTime={slips.as_of}>{t('reportStandsAt', { when: dateTime(slips.as_of) })}</time>
          </p>
        )}
        <div className="report-downloads">
          <CsvDownload address={reportApi.rl24CsvAddress(org, query)} fileName={`rl24-${org}-${state.year}.csv`} label={t('downloadSlipsCsv')} />
          <CsvDownload address={reportApi.rl24BlockersCsvAddress(org, query)} fileName={`rl24-blockers-${org}-${state.year}.csv`} label={t('downloadBlockersCsv')} />
        </div>
      </div>

      <div className="summary-cards rl24-totals" aria-busy={slipsLoad.loaded.status === 'loading'}>
        <div className="card">
          <p className="card-label">{t('rl24SlipCount')}</p>
          <p className="card-value" data-testid="rl24-slip-count">{slips ? number(slips.totals.slip_count) : <span className="skeleton-bar" />}</p>
        </div>
        <div className="card">
          <p className="card-label">{t('rl24TotalAmount')}</p>
          <p className="card-value" data-testid="rl24-total-amount">{slips ? money(slips.totals.amount) : <span className="skeleton-bar" />}</p>
        </div>
      </div>

      <section className="rl24-blockers" aria-labelledby="blockers-title" aria-busy={blockersLoad.loaded.status === 'loading'}>
        <h2 id="blockers-title">{t('blockersTitle')}</h2>
        {blockersLoad.loaded.status === 'error' && <LoadError message={blockersLoad.loaded.message} onRetry={blockersLoad.reload} />}
        {blockersLoad.loaded.status === 'loading' && <span className="skeleton-bar wide" role="status" aria-label={t('loading')} data-testid="skeleton" />}
        {blockers && reasons.length === 0 && <p className="notice notice-success" data-testid="blockers-none">{t('blockersNone')}</p>}
        {blockers && reasons.length > 0 && <p className="notice notice-warning">{t('blockersIntro', { count: blockerCount })}</p>}
        {reasons.map((entry) => (
          <BlockerGroup key={entry.reason} org={org} year={state.year} asOf={state.asOf} reason={entry.reason} count={entry.count} amount={entry.amount} />
        ))}
      </section>

      <section aria-labelledby="slips-title">
        <h2 id="slips-title">{t('rl24Slips', { year: String(state.year) })}</h2>
        {slipsLoad.loaded.status === 'error' && <LoadError message={slipsLoad.loaded.message} onRetry={slipsLoad.reload} />}
        <div className="toolbar" role="search">
          <SearchField search={state.search} placeholder={t('rl24SearchPlaceholder')} onSearch={(search) => update({ search }, true)} />
        </div>
        <div className="table-wrap" aria-busy={slipsLoad.loaded.status === 'loading'}>
          <table className="data-table slips-table">
            <caption className="visually-hidden">{t('rl24Slips', { year: String(state.year) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('accountId')}</th>
                <th scope="col">{t('rl24Payer')}</th>
                <th scope="col">{t('rl24Child')}</th>
                <th scope="col">{t('birthDate')}</th>
                <th scope="col" className="number">{t('paid')}</th>
                <th scope="col" className="number">{t('refunded')}</th>
                <th scope="col" className="number">{t('amount')}</th>
              </tr>
            </thead>
            <tbody>
              {slipsLoad.loaded.status === 'loading' && <SkeletonRows columns={7} />}
              {slips && slips.slips.length === 0 && <NothingMatches columns={7} search={state.search} empty={t('rl24NoSlips')} onClear={() => update({ search: '' })} />}
              {slips?.slips.map((slip) => (
                <tr key={`${slip.account_id}|${slip.participant_id}`} data-account={slip.account_id} data-participant={slip.participant_id}>
                  <td className="mono"><Link to={paths.account(org, slip.account_id)}>{slip.account_id}</Link></td>
                  <td>{slip.owner_name}</td>
                  <td>
                    {slip.participant_name} <span className="mono muted">{slip.participant_id}</span>
                  </td>
                  <td className="nowrap">{slip.birth_date ? <time dateTime={slip.birth_date}>{date(slip.birth_date)}</time> : <span className="muted">—</span>}</td>
                  <td className="number">{money(slip.paid)}</td>
                  <td className="number">{money(slip.refunded)}</td>
                  <td className="number strong">{money(slip.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager paging={state} shown={slips && { total: slips.total_count, page: slips.page, page_size: slips.page_size }} rangeKey="slipsShowing" pageSizeKey="slipsPageSize" onChange={(paging) => update(paging)} />
      </section>
    </div>
  );
}

/** One reason's blockers, in words, each leading to the account (and the document) to fix. */
function BlockerGroup({ org, year, asOf, reason, count, amount }: { org: string; year: number; asOf: string; reason: Rl24BlockerReason; count: number; amount: string }) {
  const { t, money } = useI18n();
  const [paging, setPaging] = useState<Paging>({ page: 1, pageSize: blockersPageSize });
  const { loaded, reload } = useLoaded(`${org}|${year}|${asOf}|${reason}|${paging.page}|${paging.pageSize}`, () =>
    reportApi.rl24Blockers(org, { year, asOf: asOf || undefined, reason, page: paging.page, pageSize: paging.pageSize }),
  );
  const page = loaded.status === 'ready' ? loaded.value : null;
  const labels = blockerReasonLabels[reason];
  const titleId = `blockers-${reason}`;
  const isDocument = documentBlockerReasons.has(reason);
  return (
    <section className="blocker-group card" aria-labelledby={titleId} data-reason={reason}>
      <h3 id={titleId}>
        {t(labels.title)} <span className="badge warn">{t('blockerCount', { count, amount: money(amount) })}</span>
      </h3>
      <p className="muted">{t(labels.action)}</p>
      {loaded.status === 'error' && <LoadError message={loaded.message} onRetry={reload} />}
      <table className="data-table blockers-table">
        <caption className="visually-hidden">{t(labels.title)}</caption>
        <thead>
          <tr>
            <th scope="col">{t('accountId')}</th>
            <th scope="col">{t('concerns')}</th>
            <th scope="col" className="number">{t('amount')}</th>
          </tr>
        </thead>
        <tbody>
          {loaded.status === 'loading' && <SkeletonRows columns={3} rows={Math.min(count, 3)} />}
          {page?.blockers.map((blocker) => (
            <tr key={`${blocker.account_id}|${blocker.id}`} data-account={blocker.account_id} data-id={blocker.id}>
              <td className="mono">
                <Link to={paths.account(org, blocker.account_id, isDocument ? blocker.id : undefined)} aria-label={t('openAccountOf', { account: blocker.account_id })}>
                  {blocker.account_id}
                </Link>
              </td>
              <td className="mono">{blocker.id}</td>
              <td className="number">{money(blocker.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {count > blockersPageSize && <Pager paging={paging} shown={page && { total: page.total_count, page: page.page, page_size: page.page_size }} rangeKey="blockersShowing" pageSizeKey="rowsPerPage" onChange={setPaging} />}
    </section>
  );
}
