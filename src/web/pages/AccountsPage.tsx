import { useEffect, useMemo, useRef, useState } from 'react';
import { accountSorts, api, type AccountSort } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { navigate, paths, useLocation } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from '../components/Link.tsx';
import { LoadError } from '../components/LoadError.tsx';
import { OperationsMenu } from '../components/OperationsMenu.tsx';
import { RunPanel, type RunRequest } from '../components/RunPanel.tsx';
import { Pager, pagingOf, writePaging, type Paging } from '../components/Pager.tsx';
import { SearchField } from '../components/SearchField.tsx';
import { SortSelect } from '../components/SortSelect.tsx';
import type { RunScope } from '../api.ts';
import { useOrganisationSettings } from '../organisation-settings.ts';
import { usePageTitle } from '../page-title.ts';
import { SkeletonRows } from '../components/Skeleton.tsx';
import { NothingMatches } from '../components/NothingMatches.tsx';
import { ReconciliationOffBanner } from '../components/ReconciliationOffBanner.tsx';

const sortLabels: Record<AccountSort, MessageKey> = {
  owner: 'sortOwner',
  owner_desc: 'sortOwnerDesc',
  account: 'sortAccount',
  account_desc: 'sortAccountDesc',
  created: 'sortCreated',
  created_desc: 'sortCreatedDesc',
  balance_desc: 'sortBalanceDesc',
  balance: 'sortBalance',
  unreconciled_desc: 'sortUnreconciledDesc',
};

interface ListState extends Paging {
  readonly search: string;
  readonly unreconciled: boolean;
  readonly sort: AccountSort;
}

/** The list's state lives in the address (?search=&unreconciled=1&sort=&page=&size=). */
function readState(query: URLSearchParams): ListState {
  const sort = query.get('sort') as AccountSort | null;
  return {
    search: query.get('search') ?? '',
    unreconciled: query.get('unreconciled') === '1',
    sort: sort && accountSorts.includes(sort) ? sort : 'owner',
    ...pagingOf(query),
  };
}

function writeState(state: ListState): URLSearchParams {
  const query = new URLSearchParams();
  if (state.search) query.set('search', state.search);
  if (state.unreconciled) query.set('unreconciled', '1');
  if (state.sort !== 'owner') query.set('sort', state.sort);
  writePaging(query, state);
  return query;
}

/** Hand-picked accounts (kept across pages), or every account matching the filter across pages. */
type Selection = { readonly kind: 'accounts'; readonly ids: ReadonlySet<string> } | { readonly kind: 'matching' };
const noSelection: Selection = { kind: 'accounts', ids: new Set() };

export function AccountsPage({ org }: { org: string }) {
  const { t, money, number } = useI18n();
  usePageTitle(t('accounts'));
  const location = useLocation();
  const state = readState(location.query);

  const [selection, setSelection] = useState<Selection>(noSelection);
  const [runRequest, setRunRequest] = useState<RunRequest | null>(null);
  const [selectionNotice, setSelectionNotice] = useState('');
  const pageCheckbox = useRef<HTMLInputElement>(null);
  const settings = useOrganisationSettings(org);
  const reconciliationEnabled = settings?.reconciliation_enabled ?? true;

  // The address keeps the run being shown (?run=) while the list changes.
  const update = (change: Partial<ListState>, replace = false) => {
    const query = writeState({ ...state, page: 1, ...change });
    const run = location.query.get('run');
    if (run) query.set('run', run);
    navigate(paths.accounts(org, query), { replace });
  };

  // A new search or filter is a new set of matching accounts: the selection starts again.
  const filterKey = `${state.search}|${state.unreconciled}`;
  const [selectionFilter, setSelectionFilter] = useState(filterKey);
  if (selectionFilter !== filterKey) {
    setSelectionFilter(filterKey);
    setSelection(noSelection);
  }

  const { loaded, reload } = useLoaded(`${org}|${state.search}|${state.unreconciled}|${state.sort}|${state.page}|${state.pageSize}`, () =>
    api.accounts(org, { search: state.search || undefined, unreconciled: state.unreconciled, sort: state.sort, page: state.page, pageSize: state.pageSize }),
  );
  const page = loaded.status === 'ready' ? loaded.value : null;

  const isSelected = (accountId: string) => selection.kind === 'matching' || selection.ids.has(accountId);
  const pageIds = useMemo(() => page?.accounts.map((account) => account.account_id) ?? [], [page]);
  const pageSelectedCount = pageIds.filter(isSelected).length;
  const pageFullySelected = pageIds.length > 0 && pageSelectedCount === pageIds.length;
  const selectedCount = selection.kind === 'matching' ? (page?.total ?? 0) : selection.ids.size;
  useEffect(() => {
    if (pageCheckbox.current) pageCheckbox.current.indeterminate = pageSelectedCount > 0 && !pageFullySelected;
  });

  const toggleAccount = (accountId: string, checked: boolean) => {
    const ids = new Set(selection.kind === 'matching' ? pageIds : selection.ids);
    if (checked) ids.add(accountId);
    else ids.delete(accountId);
    setSelection({ kind: 'accounts', ids });
  };
  const togglePage = (checked: boolean) => {
    const ids = new Set(selection.kind === 'matching' ? [] : selection.ids);
    for (const id of pageIds) {
      if (checked) ids.add(id);
      else ids.delete(id);
    }
    setSelection({ kind: 'accounts', ids });
  };
  const selectedScope = (): RunScope =>
    selection.kind === 'matching'
      ? { filter: { ...(state.search ? { search: state.search } : {}), ...(state.unreconciled ? { unreconciled: true } : {}) } }
      : { account_ids: [...selection.ids] };
  const selectedTitle = () => (selection.kind === 'matching' ? t('scopeMatching', { count: page?.total ?? 0 }) : t('scopeSelected', { count: selection.ids.size }));

  return (
    <section aria-labelledby="accounts-title">
      <div className="page-head">
        <p className="breadcrumb">{t('clients')}</p>
        <h1 id="accounts-title">{t('accounts')}</h1>
      </div>
      <div className="toolbar" role="search">
        <SearchField search={state.search} onSearch={(search) => update({ search }, true)} />
        <SortSelect sort={state.sort} sorts={accountSorts} labels={sortLabels} onChange={(sort) => update({ sort })} />
        <label className="checkbox">
          <input type="checkbox" checked={state.unreconciled} onChange={(event) => update({ unreconciled: event.target.checked })} />
          <span>{t('unreconciledOnly')}</span>
        </label>
      </div>

      {!reconciliationEnabled && <ReconciliationOffBanner org={org} mayChange={false} />}
      <div className="selection-bar">
        <OperationsMenu
          label={t('operations')}
          disabledReason={reconciliationEnabled ? undefined : t('reconciliationOffReason')}
          items={[
            { id: 'selected', label: t('opsAutoReconcileSelected'), disabled: selectedCount === 0, onSelect: () => setRunRequest({ scope: selectedScope(), title: selectedTitle() }) },
            { id: 'all', label: t('opsAutoReconcileAll'), onSelect: () => setRunRequest({ scope: { all: true }, title: t('scopeAll') }) },
          ]}
        />
        <span className="muted" aria-live="polite" data-testid="selection-count">
          {selectedCount > 0 ? t('selectionCount', { count: selectedCount }) : selectionNotice || t('opsNothingSelected')}
        </span>
        {selection.kind === 'accounts' && pageFullySelected && page && page.total > selection.ids.size && (
          <button type="button" className="link-button" onClick={() => setSelection({ kind: 'matching' })}>
            {t('selectAllMatching', { count: page.total })}
          </button>
        )}
        {selection.kind === 'matching' && page && <span>{t('allMatchingSelected', { count: page.total })}</span>}
        {selectedCount > 0 && (
          <button type="button" className="link-button" onClick={() => setSelection(noSelection)}>
            {t('clearSelection')}
          </button>
        )}
      </div>

      <RunPanel
        org={org}
        request={runRequest}
        onClose={() => setRunRequest(null)}
        onChanged={reload}
        // The run took the selection: it is cleared, and said so, rather than left meaning another set.
        onStarted={() => {
          if (selection.kind === 'matching' || selection.ids.size > 0) setSelectionNotice(t('runSelectionCleared'));
          setSelection(noSelection);
        }}
      />

      {loaded.status === 'error' && <LoadError message={loaded.message} onRetry={reload} />}

      <div className="table-wrap" aria-busy={loaded.status === 'loading'}>
        <table className="data-table">
          <caption className="visually-hidden">{t('accounts')}</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  className="row-select"
                  ref={pageCheckbox}
                  type="checkbox"
                  aria-label={pageIds.length > 0 ? t('selectPageCount', { count: pageIds.length }) : t('selectPage')}
                  checked={pageFullySelected}
                  disabled={pageIds.length === 0}
                  onChange={(event) => togglePage(event.target.checked)}
                />
                {t('accountOwner')}
              </th>
              <th scope="col">{t('accountId')}</th>
              <th scope="col">{t('ownerEmail')}</th>
              <th scope="col" className="number">{t('balance')}</th>
              <th scope="col" className="number">{t('unreconciled')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded.status === 'loading' && <SkeletonRows columns={5} />}
            {page && page.accounts.length === 0 && <NothingMatches columns={5} search={state.search} empty={t('noAccounts')} onClear={() => update({ search: '' })} />}
            {page?.accounts.map((account) => (
              <tr key={account.account_id} className={isSelected(account.account_id) ? 'selected' : undefined}>
                <td>
                  <input className="row-select" type="checkbox" aria-label={t('selectAccount', { name: `${account.owner_name} (${account.account_id})` })} checked={isSelected(account.account_id)} onChange={(event) => toggleAccount(account.account_id, event.target.checked)} />
                  <Link to={paths.account(org, account.account_id)}>{account.owner_name}</Link>
                </td>
                <td className="mono">{account.account_id}</td>
                <td className="muted">{account.owner_email}</td>
                <td className={`number ${account.balance.startsWith('-') ? 'credit' : ''}`}>{money(account.balance)}</td>
                <td className="number">{account.unreconciled_count > 0 ? <span className="badge warn">{number(account.unreconciled_count)}</span> : <span className="muted">0</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <Pager paging={state} shown={page} rangeKey="showing" pageSizeKey="pageSize" onChange={(paging) => update(paging)} />
    </section>
  );
}
