import { useMemo, useState } from 'react';
import { api, type AccountStatement, type OpenReason } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { paths } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { StatusIcon } from '../components/StatusIcon.tsx';
import { OperationsMenu } from '../components/OperationsMenu.tsx';
import { RunPanel, type RunRequest } from '../components/RunPanel.tsx';
import { DocumentTable } from '../components/DocumentTable.tsx';
import { sideOf } from '../allocation-editor-model.ts';
import { useLoaded } from '../use-loaded.ts';
import { useOrganisationSettings } from '../organisation-settings.ts';
import { ReconciliationOffBanner } from '../components/ReconciliationOffBanner.tsx';
import { SkeletonBlock } from '../components/Skeleton.tsx';
import { usePageTitle } from '../page-title.ts';
import { useLocation } from '../router.ts';

const reasonLabels: Record<OpenReason, MessageKey> = {
  in_agreement: 'reasonInAgreement',
  credit_on_account: 'reasonCreditOnAccount',
  balance_owing: 'reasonBalanceOwing',
  unreconciled: 'reasonUnreconciled',
};

const isZero = (amount: string) => amount.replace(/[-0.]/g, '') === '';

/**
 * How many credits and how many charges still have a remainder: the documents behind the two open
 * totals. Invoices are left out (their items are counted) and so are voided documents.
 */
function openDocumentCounts(statement: AccountStatement): { credits: number; charges: number } {
  let credits = 0;
  let charges = 0;
  for (const document of statement.documents) {
    if (document.kind === 'invoice' || document.voided || isZero(document.remaining)) continue;
    const side = sideOf(document.kind);
    if (side === 'credit') credits += 1;
    else if (side === 'debit') charges += 1;
  }
  return { credits, charges };
}

/**
 * Client billing for one account: balance, what is left open and why, Operations › Reconcile
 * account (the same preview, run and undo as the accounts list, for this account only), and the
 * documents newest first.
 */
export function AccountPage({ org, accountId }: { org: string; accountId: string }) {
  const { t, money } = useI18n();
  const { loaded, reload: reloadStatement } = useLoaded(`${org}|${accountId}`, () => api.account(org, accountId));
  const [notice, setNotice] = useState('');
  const [runRequest, setRunRequest] = useState<RunRequest | null>(null);
  const settings = useOrganisationSettings(org);
  const reconciliationEnabled = settings?.reconciliation_enabled ?? true;
  // After a reconciliation is saved or removed, or a run or its undo ends: the statement is fetched again.
  const reload = (message: string) => {
    setNotice(message);
    reloadStatement();
  };

  const statement = loaded.status === 'ready' ? loaded.value : null;
  const openCounts = useMemo(() => (statement ? openDocumentCounts(statement) : null), [statement]);
  usePageTitle(statement ? `${statement.owner_name} · ${t('clientBilling')}` : t('clientBilling'));
  // A link to one document (from Unreconciled items) opens the page filtered to it.
  const linkedDocument = useLocation().query.get('document') ?? '';
  const currency = settings?.currency ?? '';

  if (loaded.status === 'loading') return <SkeletonBlock label={t('loading')} />;
  if (loaded.status === 'error' || !statement || !openCounts) {
    return (
      <>
        <Link to={paths.accounts(org)} className="back-link">‹ {t('backToAccounts')}</Link>
        <p className="form-error" role="alert">{loaded.status === 'error' ? loaded.message : ''}</p>
      </>
    );
  }
  const owing = !statement.balance.startsWith('-') && !isZero(statement.balance);
  return (
    <section aria-labelledby="account-title">
      <Link to={paths.accounts(org)} className="back-link">‹ {t('backToAccounts')}</Link>
      <div className="page-head">
        <p className="breadcrumb">
          {t('clients')} › {t('clientBilling')}
        </p>
        <h1 id="account-title">
          {statement.owner_name} <span className="muted mono heading-id">{statement.account_id}</span>
        </h1>
        {statement.owner_email && <p className="muted">{statement.owner_email}</p>}
      </div>

      {!reconciliationEnabled && <ReconciliationOffBanner org={org} mayChange={false} />}
      <div className="account-operations">
        <div className="account-operations-bar">
          <OperationsMenu
            label={t('operations')}
            disabledReason={reconciliationEnabled ? undefined : t('reconciliationOffReason')}
            items={[
              {
                id: 'reconcile-account',
                label: t('opsReconcileAccount'),
                onSelect: () => setRunRequest({ scope: { account_ids: [statement.account_id] }, title: t('scopeThisAccount', { id: statement.account_id }) }),
              },
            ]}
          />
        </div>
        <RunPanel org={org} request={runRequest} onClose={() => setRunRequest(null)} onChanged={() => reload(t('accountReloaded'))} />
      </div>

      <div className="summary-cards">
        <div className="card">
          <p className="card-label">{t('balance')}</p>
          <p className={`card-value ${owing ? 'owing' : 'credit'}`} data-testid="balance">
            {money(statement.balance)} <span className="currency">{currency}</span>
          </p>
        </div>
        <div className="card">
          <p className="card-label">{t('openCredit')}</p>
          <p className="card-value" data-testid="open-credit">
            {money(statement.open_credit)} <span className="currency">{currency}</span>
          </p>
        </div>
        <div className="card">
          <p className="card-label">{t('openDebit')}</p>
          <p className="card-value" data-testid="open-debit">
            {money(statement.open_debit)} <span className="currency">{currency}</span>
          </p>
        </div>
        <div className={`card reason reason-${statement.open_reason}`}>
          <p className="card-label">{t('whatIsOpen')}</p>
          <p className="card-text" data-testid="open-reason">{t(reasonLabels[statement.open_reason])}</p>
          {statement.open_reason !== 'in_agreement' && (
            <p className="muted card-detail" data-testid="open-counts">
              {t('openDocumentsCounts', { credits: openCounts.credits, charges: openCounts.charges })}
            </p>
          )}
        </div>
      </div>

      <h2>
        {t('documents')} <span className="muted heading-count" data-testid="documents-count">· {t('documentsCount', { count: statement.documents.length })}</span>
      </h2>
      <ul className="legend" aria-label={t('status')}>
        {(['full', 'partial', 'none', 'post-dated', 'void'] as const).map((status) => (
          <li key={status}>
            <StatusIcon status={status} showLabel />
          </li>
        ))}
      </ul>
      <p className={notice ? 'notice-success' : 'visually-hidden'} role="status" data-testid="account-notice">{notice}</p>
      <DocumentTable key={linkedDocument} org={org} statement={statement} onChanged={reload} reconciliationEnabled={reconciliationEnabled} linkedDocument={linkedDocument} />
    </section>
  );
}
