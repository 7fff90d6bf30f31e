import { useState } from 'react';
import { runsApi, type DocumentKind, type RunAccount, type RunAllocation } from '../api.ts';
import { kindLabels } from '../document-labels.ts';
import { useI18n, type MessageKey, type Translate } from '../i18n.tsx';
import { paths } from '../router.ts';
import { useLoaded } from '../use-loaded.ts';
import { Link } from './Link.tsx';
import { LoadError } from './LoadError.tsx';
import { Pager, type Paging } from './Pager.tsx';

/** A pass in plain words: what made auto-reconcile choose this pair. */
export function passText(allocation: Pick<RunAllocation, 'pass' | 'receipt_kind'>, t: Translate): string {
  const keys: Record<RunAllocation['pass'], MessageKey> = { referenced_debit: 'passReferencedDebit', referenced_invoice: 'passReferencedInvoice', oldest_first: 'passOldestFirst' };
  if (allocation.pass === 'referenced_debit' && allocation.receipt_kind === 'cancellation') return t('passCancelledItem');
  return t(keys[allocation.pass]);
}

/** The accounts a run (or preview) allocated in: name linking to the billing page, id, allocations, amount. */
export function RunAccountsTable({ org, accounts }: { org: string; accounts: readonly RunAccount[] }) {
  const { t, money, number } = useI18n();
  return (
    <div className="table-wrap">
      <table className="data-table run-accounts" data-testid="run-accounts-table">
        <caption className="visually-hidden">{t('runAccountsList')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('accountOwner')}</th>
            <th scope="col">{t('accountId')}</th>
            <th scope="col" className="number">{t('runAllocations')}</th>
            <th scope="col" className="number">{t('amount')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((account) => (
            <tr key={account.account_id}>
              <td>
                <Link to={paths.account(org, account.account_id)}>{account.owner_name}</Link>
              </td>
              <td className="mono">{account.account_id}</td>
              <td className="number">{number(account.allocations_count)}</td>
              <td className="number">{money(account.allocated)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A run's (or preview's) allocations: account, credit → debit, amount, and the pass in words. */
export function RunAllocationsTable({ org, allocations }: { org: string; allocations: readonly RunAllocation[] }) {
  const { t, money } = useI18n();
  const kind = (value: string) => t(kindLabels[value as DocumentKind] ?? 'document');
  return (
    <div className="table-wrap">
      <table className="data-table run-allocations" data-testid="run-allocations-table">
        <caption className="visually-hidden">{t('runAllocationsList')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('accountOwner')}</th>
            <th scope="col">{t('receipt')}</th>
            <th scope="col">{t('target')}</th>
            <th scope="col" className="number">{t('amount')}</th>
            <th scope="col">{t('runPass')}</th>
          </tr>
        </thead>
        <tbody>
          {allocations.map((allocation, index) => (
            <tr key={`${allocation.receipt_id}>${allocation.target_id}#${index}`} className={allocation.removed ? 'removed' : undefined}>
              <td>
                <Link to={paths.account(org, allocation.account_id)}>{allocation.owner_name}</Link> <span className="mono muted">{allocation.account_id}</span>
              </td>
              <td>
                {kind(allocation.receipt_kind)} <span className="mono">{allocation.receipt_id}</span>
              </td>
              <td>
                → {kind(allocation.target_kind)} <span className="mono">{allocation.target_id}</span>
              </td>
              <td className="number">{money(allocation.amount)}</td>
              <td data-testid="allocation-pass">
                {passText(allocation, t)}
                {allocation.removed && <span className="badge warn">{t('runRemoved')}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const listPageSize = 25;

/** A preview's lists, paged in the page (the preview answered them whole, up to its listing limit). */
export function PlannedLists({ org, accounts, accountsCount, allocations, allocationsCount }: { org: string; accounts: readonly RunAccount[]; accountsCount: number; allocations: readonly RunAllocation[]; allocationsCount: number }) {
  const { t } = useI18n();
  const [accountsPaging, setAccountsPaging] = useState<Paging>({ page: 1, pageSize: listPageSize });
  const [allocationsPaging, setAllocationsPaging] = useState<Paging>({ page: 1, pageSize: listPageSize });
  const slice = <Item,>(items: readonly Item[], paging: Paging) => items.slice((paging.page - 1) * paging.pageSize, paging.page * paging.pageSize);
  if (allocationsCount === 0) return <p className="muted">{t('runPreviewAccountsNone')}</p>;
  return (
    <>
      <h3>{t('runAccountsList')}</h3>
      {accounts.length < accountsCount && <p className="muted">{t('runListedFirst', { shown: accounts.length, count: accountsCount })}</p>}
      <RunAccountsTable org={org} accounts={slice(accounts, accountsPaging)} />
      <Pager paging={accountsPaging} shown={{ total: accounts.length, page: accountsPaging.page, page_size: accountsPaging.pageSize }} rangeKey="runAccountsShowing" pageSizeKey="rowsPerPage" onChange={setAccountsPaging} />
      <h3>{t('runAllocationsList')}</h3>
      {allocations.length < allocationsCount && <p className="muted">{t('runListedFirst', { shown: allocations.length, count: allocationsCount })}</p>}
      <RunAllocationsTable org={org} allocations={slice(allocations, allocationsPaging)} />
      <Pager paging={allocationsPaging} shown={{ total: allocations.length, page: allocationsPaging.page, page_size: allocationsPaging.pageSize }} rangeKey="runAllocationsShowing" pageSizeKey="rowsPerPage" onChange={setAllocationsPaging} />
    </>
  );
}

/** A finished run's lists, each page asked of the server. */
export function RunResultLists({ org, runId, version }: { org: string; runId: string; version: number }) {
  const { t } = useI18n();
  const [accountsPaging, setAccountsPaging] = useState<Paging>({ page: 1, pageSize: listPageSize });
  const [allocationsPaging, setAllocationsPaging] = useState<Paging>({ page: 1, pageSize: listPageSize });
  const accounts = useLoaded(`${org}|${runId}|${accountsPaging.page}|${accountsPaging.pageSize}|${version}`, () => runsApi.accounts(org, runId, accountsPaging));
  const allocations = useLoaded(`${org}|${runId}|${allocationsPaging.page}|${allocationsPaging.pageSize}|${version}`, () => runsApi.allocations(org, runId, allocationsPaging));
  return (
    <>
      <h3>{t('runAccountsList')}</h3>
      {accounts.loaded.status === 'error' && <LoadError message={accounts.loaded.message} onRetry={accounts.reload} />}
      {accounts.loaded.status === 'ready' && <RunAccountsTable org={org} accounts={accounts.loaded.value.accounts} />}
      <Pager paging={accountsPaging} shown={accounts.loaded.status === 'ready' ? accounts.loaded.value : null} rangeKey="runAccountsShowing" pageSizeKey="rowsPerPage" onChange={setAccountsPaging} />
      <h3>{t('runAllocationsList')}</h3>
      {allocations.loaded.status === 'error' && <LoadError message={allocations.loaded.message} onRetry={allocations.reload} />}
      {allocations.loaded.status === 'ready' && <RunAllocationsTable org={org} allocations={allocations.loaded.value.allocations} />}
      <Pager paging={allocationsPaging} shown={allocations.loaded.status === 'ready' ? allocations.loaded.value : null} rangeKey="runAllocationsShowing" pageSizeKey="rowsPerPage" onChange={setAllocationsPaging} />
    </>
  );
}
