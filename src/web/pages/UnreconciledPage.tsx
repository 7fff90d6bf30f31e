import { useEffect, useState } from 'react';
import { ApiError, reportsApi, unreconciledSorts, type DocumentKind, type UnreconciledPage as UnreconciledList, type UnreconciledSort } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';

const sortLabels: Record<UnreconciledSort, MessageKey> = { owner: 'sortOwner', account: 'sortAccount', remaining: 'unrecSortRemaining' };
export const kindLabels: Record<DocumentKind, MessageKey> = {
  invoice: 'kindInvoice',
  item: 'kindItem',
  refund: 'kindRefund',
  payment: 'kindPayment',
  deposit: 'kindDeposit',
  credit: 'kindCredit',
  cancellation: 'kindCancellation',
};

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

type Loaded = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly page: UnreconciledList };

export function UnreconciledPage({ org }: { org: string }) {
  const { t, money, date } = useI18n();
  const location = useLocation();
  const state = readState(location.query);
  const [searchText, setSearchText] = useState(state.search);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  const update = (change: Partial<ListState>, replace = false) => navigate(paths.unreconciled(org, writeState({ ...state, page: 1, ...change })), { replace });

  useEffect(() => {
    if (searchText === state.search) return;
    const timer = setTimeout(() => update({ search: searchText }, true), 250);
    return () => clearTimeout(timer);
  });

  const key = `${org}|${state.search}|${state.sort}|${state.page}|${state.pageSize}|${attempt}`;
  useEffect(() => {
    let current = true;
    setLoaded((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    reportsApi.unreconciled(org, { search: state.search || undefined, sort: state.sort, page: state.page, pageSize: state.pageSize }).then(
      (page) => current && setLoaded({ status: 'ready', page }),
      (error: unknown) => current && setLoaded({ status: 'error', message: error instanceof ApiError ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const page = loaded.status === 'ready' ? loaded.page : null;

  return (
    <section aria-labelledby="unreconciled-title">
      <div className="page-head">
        <p className="breadcrumb">{t('clients')}</p>
        <h1 id="unreconciled-title">{t('unrecTitle')}</h1>
        <p className="muted">{t('unrecIntro')}</p>
      </div>
      <div className="toolbar" role="search">
        <label className="field grow">
          <span>{t('search')}</span>
          <input type="search" value={searchText} placeholder={t('searchPlaceholder')} onChange={(event) => setSearchText(event.target.value)} />
        </label>
        <label className="field">
          <span>{t('sortBy')}</span>
          <select value={state.sort} onChange={(event) => update({ sort: event.target.value as UnreconciledSort })}>
            {unreconciledSorts.map((sort) => (
              <option key={sort} value={sort}>
                {t(sortLabels[sort])}
              </option>
            ))}
          </select>
        </label>
      </div>

      {loaded.status === 'error' && (
        <div className="form-error" role="alert">
          {loaded.message}{' '}
          <button type="button" className="button secondary" onClick={() => setAttempt((value) => value + 1)}>
            {t('retry')}
          </button>
        </div>
      )}

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
              <tr>
                <td colSpan={6} className="muted" role="status">{t('loading')}</td>
              </tr>
            </tbody>
          )}
          {page && page.accounts.length === 0 && (
            <tbody>
              <tr>
                <td colSpan={6} className="muted">{t('unrecNone')}</td>
              </tr>
            </tbody>
          )}
          {page?.accounts.map((account) => (
            <tbody key={account.account_id} className="unreconciled-account" data-account={account.account_id}>
              <tr className="account-row">
                <th scope="rowgroup" colSpan={5}>
                  <Link to={paths.account(org, account.account_id)}>
                    {account.owner_name}
                  </Link>{' '}
                  <span className="mono muted">{account.account_id}</span>
                </th>
                <td className="number strong" title={t('unrecTotalRemaining')}>
                  <span className="visually-hidden">{t('unrecTotalRemaining')} </span>
                  {money(account.remaining)}
                </td>
              </tr>
              {account.documents.map((document) => (
                <tr key={document.document_id} data-document={document.document_id}>
                  <td />
                  <td className="mono">{document.document_id}</td>
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
