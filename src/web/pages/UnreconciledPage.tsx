import { reportsApi, unreconciledSorts, type UnreconciledSort } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { kindLabels } from '../document-labels.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from '../components/Link.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';
import { SearchField } from '../components/SearchField.tsx';
import { SortSelect } from '../components/SortSelect.tsx';
import { useOrganisationSettings } from '../organisation-settings.ts';
import { usePageTitle } from '../page-title.ts';
import { SkeletonRows } from '../components/Skeleton.tsx';
import { NothingMatches } from '../components/NothingMatches.tsx';
import { reportsApi as downloads } from '../api.ts';
import { rolePermits, useRoleCatalogue } from '../role-catalogue.ts';
import { ReconciliationOffBanner } from '../components/ReconciliationOffBanner.tsx';

/** "0.00" in the currency's digits of an amount the API wrote ("12.50" → "0.00"). */
const zeroOf = (amount: string) => amount.replace(/\d/g, '0').replace(/^-/, '');

const sortLabels: Record<UnreconciledSort, MessageKey> = { owner: 'sortOwner', account: 'sortAccount', remaining: 'unrecSortRemaining' };

interface ListState extends Paging {
  readonly search: string;
  readonly sort: UnreconciledSort;
}

/** The list's state lives in the address (?search=&sort=&page=&size=), so reload and Back keep it. */
function readState(query: URLSearchParams): ListState {
  const sort = query.get('sort') as UnreconciledSort | null;
  return {
    search: query.get('search') ?? '',
    sort: sort && unreconciledSorts.includes(sort) ? sort : 'owner',
    ...pagingOf(query),
  };
}

function writeState(state: ListState): URLSearchParams {
  const query = new URLSearchParams();
  if (state.search) query.set('search', state.search);
  if (state.sort !== 'owner') query.set('sort', state.sort);
  writePaging(query, state);
  return query;
}

export function UnreconciledPage({ org, role }: { org: string; role: string | undefined }) {
  const { t, money, date } = useI18n();
  const catalogue = useRoleCatalogue(org);
  const mayDownload = catalogue.status === 'ready' && rolePermits(catalogue.roles, role, 'read_reports');
  usePageTitle(t('unrecTitle'));
  const location = useLocation();
  const state = readState(location.query);

  const update = (change: Partial<ListState>, replace = false) => navigate(paths.unreconciled(org, writeState({ ...state, page: 1, ...change })), { replace });

  const { loaded, reload } = useLoaded(`${org}|${state.search}|${state.sort}|${state.page}|${state.pageSize}`, () =>
    reportsApi.unreconciled(org, { search: state.search || undefined, sort: state.sort, page: state.page, pageSize: state.pageSize }),
  );
  const page = loaded.status === 'ready' ? loaded.value : null;
  const settings = useOrganisationSettings(org);

  return (
    <section aria-labelledby="unreconciled-title">
      {settings && !settings.reconciliation_enabled && <ReconciliationOffBanner org={org} mayChange={false} />}
      <div className="page-head">
        <p className="breadcrumb">{t('clients')}</p>
        <h1 id="unreconciled-title">{t('unrecTitle')}</h1>
        <p className="muted">{t('unrecIntro')}</p>
      </div>
      <div className="toolbar" role="search">
        <SearchField search={state.search} onSearch={(search) => update({ search }, true)} />
        <SortSelect sort={state.sort} sorts={unreconciledSorts} labels={sortLabels} onChange={(sort) => update({ sort })} />
        {mayDownload && (
          <a className="button secondary download" href={downloads.unreconciledCsvAddress(org, { search: state.search || undefined, sort: state.sort })} download>
            {t('downloadCsv')}
          </a>
        )}
      </div>

      {loaded.status === 'error' && <LoadError message={loaded.message} onRetry={reload} />}

      <div className="table-wrap" aria-busy={loaded.status === 'loading'}>
        <table className="data-table unreconciled-table">
          <caption className="visually-hidden">{t('unrecTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('accountOwner')}</th>
              <th scope="col">{t('unrecReceiptId')}</th>
              <th scope="col">{t('kind')}</th>
              <th scope="col">{t('date')}</th>
              <th scope="col" className="number">{t('amount')}</th>
              <th scope="col" className="number">{t('remaining')}</th>
            </tr>
          </thead>
          {loaded.status === 'loading' && (
            <tbody>
              <SkeletonRows columns={6} />
            </tbody>
          )}
          {page && page.accounts.length === 0 && (
            <tbody>
              <NothingMatches columns={6} search={state.search} empty={t('unrecNone')} onClear={() => update({ search: '' })} />
            </tbody>
          )}
          {page?.accounts.map((account) => (
            <tbody key={account.account_id} className="unreconciled-account" data-account={account.account_id}>
              <tr className="account-row">
                <th scope="rowgroup" colSpan={4}>
                  <Link to={paths.account(org, account.account_id)}>
                    {account.owner_name}
                  </Link>{' '}
                  <span className="mono muted">{account.account_id}</span>
                </th>
                <td className="number totals" colSpan={2} data-testid="account-totals">
                  {account.credit_remaining !== zeroOf(account.credit_remaining) && (
                    <span className="total-line">
                      {t('unrecCreditsTotal')} <strong>{money(account.credit_remaining)}</strong>
                    </span>
                  )}
                  {account.refund_remaining !== zeroOf(account.refund_remaining) && (
                    <span className="total-line">
                      {t('unrecRefundsTotal')} <strong>{money(account.refund_remaining)}</strong>
                    </span>
                  )}
                </td>
              </tr>
              {account.documents.map((document) => (
                <tr key={document.document_id} data-document={document.document_id}>
                  <td />
                  <td className="mono">
                    <Link to={paths.account(org, account.account_id, document.document_id)}>{document.document_id}</Link>
                  </td>
                  <td>{t(kindLabels[document.kind])}</td>
                  <td className="nowrap">
                    <time dateTime={document.date}>{date(document.date)}</time>
                  </td>
                  <td className="number">{money(document.amount)}</td>
                  <td className="number">{money(document.remaining)}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>

      <Pager paging={state} shown={page} rangeKey="showing" pageSizeKey="pageSize" onChange={(paging) => update(paging)} />
    </section>
  );
}
