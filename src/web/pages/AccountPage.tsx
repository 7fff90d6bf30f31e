import { Fragment, useEffect, useState } from 'react';
import { api, ApiError, type AccountStatement, type DocumentKind, type OpenReason, type StatementAllocation, type StatementDocument } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { paths } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { StatusIcon } from '../components/StatusIcon.tsx';
import { AllocationEditor, RemoveAllocationDialog } from '../components/AllocationEditor.tsx';
import { canReconcile } from '../allocation-editor-model.ts';

const kindLabels: Record<DocumentKind, MessageKey> = {
  invoice: 'kindInvoice',
  item: 'kindItem',
  refund: 'kindRefund',
  payment: 'kindPayment',
  deposit: 'kindDeposit',
  credit: 'kindCredit',
  cancellation: 'kindCancellation',
};

const reasonLabels: Record<OpenReason, MessageKey> = {
  in_agreement: 'reasonInAgreement',
  credit_on_account: 'reasonCreditOnAccount',
  balance_owing: 'reasonBalanceOwing',
  unreconciled: 'reasonUnreconciled',
};

type Loaded = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly statement: AccountStatement };

/** Client billing for one account: balance, what is left open and why, documents newest first. */
export function AccountPage({ org, accountId }: { org: string; accountId: string }) {
  const { t, money } = useI18n();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  // Bumped after a reconciliation is saved or removed: the statement is fetched again.
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState('');
  const reload = (message: string) => {
    setNotice(message);
    setVersion((previous) => previous + 1);
  };

  useEffect(() => {
    let current = true;
    api.account(org, accountId).then(
      (statement) => current && setLoaded({ status: 'ready', statement }),
      (error: unknown) => current && setLoaded({ status: 'error', message: error instanceof ApiError ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [org, accountId, version]);

  if (loaded.status === 'loading') return <p role="status">{t('loading')}</p>;
  if (loaded.status === 'error') {
    return (
      <>
        <Link to={paths.accounts(org)} className="back-link">‹ {t('backToAccounts')}</Link>
        <p className="form-error" role="alert">{loaded.message}</p>
      </>
    );
  }
  const statement = loaded.statement;
  const owing = !statement.balance.startsWith('-') && statement.balance.replace(/[0.]/g, '') !== '';
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

      <div className="summary-cards">
        <div className="card">
          <p className="card-label">{t('balance')}</p>
          <p className={`card-value ${owing ? 'owing' : 'credit'}`} data-testid="balance">{money(statement.balance)}</p>
        </div>
        <div className="card">
          <p className="card-label">{t('openCredit')}</p>
          <p className="card-value">{money(statement.open_credit)}</p>
        </div>
        <div className="card">
          <p className="card-label">{t('openDebit')}</p>
          <p className="card-value">{money(statement.open_debit)}</p>
        </div>
        <div className={`card reason reason-${statement.open_reason}`}>
          <p className="card-label">{t('whatIsOpen')}</p>
          <p className="card-text" data-testid="open-reason">{t(reasonLabels[statement.open_reason])}</p>
        </div>
      </div>

      <h2>{t('documents')}</h2>
      <ul className="legend" aria-label={t('status')}>
        {(['full', 'partial', 'none', 'post-dated', 'void'] as const).map((status) => (
          <li key={status}>
            <StatusIcon status={status} showLabel />
          </li>
        ))}
      </ul>
      <p className="visually-hidden" role="status" data-testid="account-notice">{notice}</p>
      <DocumentTable org={org} statement={statement} onChanged={reload} />
    </section>
  );
}

function DocumentTable({ org, statement, onChanged }: { org: string; statement: AccountStatement; onChanged: (notice: string) => void }) {
  const { t, money } = useI18n();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = useState<StatementDocument | null>(null);
  const [removing, setRemoving] = useState<StatementAllocation | null>(null);
  const toggle = (id: string) =>
    setOpen((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allocationsOf = (document: StatementDocument): StatementAllocation[] => statement.allocations.filter((allocation) => allocation.receipt_id === document.document_id || allocation.target_id === document.document_id);

  return (
    <div className="table-wrap">
      <table className="data-table documents">
        <caption className="visually-hidden">{t('documents')}</caption>
        <thead>
          <tr>
            <th scope="col"><span className="visually-hidden">{t('reconciliations')}</span></th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('date')}</th>
            <th scope="col">{t('kind')}</th>
            <th scope="col">{t('document')}</th>
            <th scope="col">{t('description')}</th>
            <th scope="col" className="number">{t('amount')}</th>
            <th scope="col" className="number">{t('allocated')}</th>
            <th scope="col" className="number">{t('remaining')}</th>
            <th scope="col"><span className="visually-hidden">{t('documentActions')}</span></th>
          </tr>
        </thead>
        <tbody>
          {statement.documents.map((document) => {
            const isInvoice = document.kind === 'invoice';
            const expanded = open.has(document.document_id);
            const allocations = isInvoice ? [] : allocationsOf(document);
            const rowId = `doc-${document.document_id}`;
            return (
              <Fragment key={document.document_id}>
                <tr className={`${isInvoice ? 'invoice-row' : document.invoice_id ? 'item-row' : 'document-row'}${document.voided ? ' voided' : ''}`} data-document={document.document_id}>
                  <td className="expander">
                    {!isInvoice && (
                      <button
                        type="button"
                        className="icon-button"
                        aria-expanded={expanded}
                        aria-controls={`${rowId}-allocations`}
                        aria-label={t(expanded ? 'hideReconciliations' : 'showReconciliations', { id: document.document_id })}
                        onClick={() => toggle(document.document_id)}
                      >
                        {expanded ? '−' : '+'}
                      </button>
                    )}
                  </td>
                  <td>
                    <StatusIcon status={document.status} />
                  </td>
                  <td className="nowrap">{document.date}</td>
                  <td>
                    {t(kindLabels[document.kind])}
                    {document.scheduled && <span className="badge info">{t('scheduled')}</span>}
                  </td>
                  <td className="mono">{document.document_id}</td>
                  <td>{document.description || (document.method ? document.method : '')}{document.reference ? <span className="muted"> · {document.reference}</span> : null}</td>
                  <td className="number">{money(document.amount)}</td>
                  <td className="number">{money(document.allocated)}</td>
                  <td className={`number ${document.remaining.replace(/[0.]/g, '') !== '' ? 'strong' : 'muted'}`}>{money(document.remaining)}</td>
                  <td className="actions-cell">
                    {canReconcile(document) && (
                      <button type="button" className="button secondary small" aria-label={t('reconcileLabel', { id: document.document_id })} onClick={() => setEditing(document)}>
                        {t('reconcileAction')}
                      </button>
                    )}
                  </td>
                </tr>
                {expanded && (
                  <tr id={`${rowId}-allocations`} className="allocations-row">
                    <td />
                    <td colSpan={9}>
                      {allocations.length === 0 ? (
                        <p className="muted">{t('noReconciliations')}</p>
                      ) : (
                        <table className="nested-table">
                          <caption className="visually-hidden">{t('reconciliations')}</caption>
                          <thead>
                            <tr>
                              <th scope="col">{t('receipt')}</th>
                              <th scope="col">{t('target')}</th>
                              <th scope="col" className="number">{t('amount')}</th>
                              <th scope="col">{t('source')}</th>
                              <th scope="col">{t('by')}</th>
                              <th scope="col"><span className="visually-hidden">{t('documentActions')}</span></th>
                            </tr>
                          </thead>
                          <tbody>
                            {allocations.map((allocation) => (
                              <tr key={allocation.allocation_id}>
                                <td className="mono">{allocation.receipt_id}</td>
                                <td className="mono">{allocation.target_id}</td>
                                <td className="number">{money(allocation.amount)}</td>
                                <td>{allocation.source}{allocation.run_id ? ` #${allocation.run_id}` : ''}</td>
                                <td className="muted">{allocation.created_by}</td>
                                <td>
                                  <button
                                    type="button"
                                    className="icon-button trash-button"
                                    aria-label={t('removeReconciliation', { amount: money(allocation.amount), receipt: allocation.receipt_id, target: allocation.target_id })}
                                    title={t('removeReconciliation', { amount: money(allocation.amount), receipt: allocation.receipt_id, target: allocation.target_id })}
                                    onClick={() => setRemoving(allocation)}
                                  >
                                    <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
                                      <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.8 9.5h6.4L12 4M6.6 6.5v5M9.4 6.5v5" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
                                    </svg>
                                  </button>
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      )}
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {editing && (
        <AllocationEditor
          key={editing.document_id}
          org={org}
          source={editing}
          documents={statement.documents}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            onChanged(t('editorSaved'));
          }}
        />
      )}
      {removing && (
        <RemoveAllocationDialog
          key={removing.allocation_id}
          org={org}
          allocation={removing}
          onClose={() => setRemoving(null)}
          onRemoved={() => {
            setRemoving(null);
            onChanged(t('reconciliationRemoved'));
          }}
        />
      )}
    </div>
  );
}
