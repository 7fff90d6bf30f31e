import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent } from 'react';
import { defaultRangeExtractor, useWindowVirtualizer, type Range } from '@tanstack/react-virtual';
import type { AccountStatement, StatementAllocation, StatementDocument } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { canReconcile } from '../allocation-editor-model.ts';
import { descriptionOf, kindLabels } from '../document-labels.ts';
import { StatusIcon } from './StatusIcon.tsx';
import { AllocationEditor, RemoveAllocationDialog } from './AllocationEditor.tsx';
import { DocumentReconciliations } from './DocumentReconciliations.tsx';
import { ariaRowCountOf, ariaRowIndexOf, sliceWithGaps, withPinnedIndexes } from './document-table-layout.ts';
import { useMediaQuery, useNarrowScreen } from '../narrow-screen.ts';
import { DocumentFilterFields, filterDocuments, isFiltering, noDocumentFilter, type DocumentFilter } from './DocumentFilter.tsx';

/** A row with a small "Reconcile…" button, before it is measured; measured rows replace the guess. */
const documentRowEstimatePx = 44;
/** Rows rendered beyond each edge of the view, so Tab and fast scrolling find rows already there. */
const documentRowsOverscan = 12;
/** Below this width the reconciled amount folds away (the remainder says what is left). */
const mediumWindowQuery = '(max-width: 1100px)';

const isZero = (amount: string) => amount.replace(/[-0.]/g, '') === '';

/**
 * The documents of an account, newest first, in a real table of which only the rows in view (and a
 * few beyond) are in the page, so an account with thousands of documents scrolls smoothly. The page
 * itself scrolls (the table has no scrolled box of its own, like any long list on the web): the
 * rows in view are worked out from the window's scroll position and the table's place in the page,
 * and the header row sticks to the top of the window. The table states its full row count
 * (aria-rowcount) and each row its place (aria-rowindex); a document's "+" shows its
 * reconciliations, which makes rows of varying height, so every rendered document is measured.
 */
export function DocumentTable({ org, statement, onChanged, reconciliationEnabled, linkedDocument = '' }: { org: string; statement: AccountStatement; onChanged: (notice: string) => void; reconciliationEnabled: boolean; /** A document to show: the list starts filtered to it. */ linkedDocument?: string }) {
  const { t, money, date } = useI18n();
  // The page never scrolls sideways: narrower windows leave columns out rather than squeeze them.
  // On a phone, status, document, amount, remainder and actions stay; date, type, description and
  // reconciled go. Left out, not hidden: a hidden column would still take its place in the table.
  const narrow = useNarrowScreen();
  const medium = useMediaQuery(mediumWindowQuery);
  const shows = { date: !narrow, kind: !narrow, description: !narrow, allocated: !medium };
  const columnsCount = 6 + Object.values(shows).filter(Boolean).length;
  const [filter, setFilter] = useState<DocumentFilter>(linkedDocument ? { ...noDocumentFilter, text: linkedDocument } : noDocumentFilter);
  const documents = useMemo(() => filterDocuments(statement.documents, filter), [statement.documents, filter]);
  const kinds = useMemo(() => [...new Set(statement.documents.map((document) => document.kind))], [statement.documents]);
  // After a dialog closes, the focus goes back to its row (its Reconcile… button, or its "+" when
  // nothing is left to reconcile), once the statement it changed has been fetched again.
  const [returnFocus, setReturnFocus] = useState<{ documentId: string; statement: AccountStatement | null } | null>(null);
  const [expandedIds, setExpandedIds] = useState<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = useState<StatementDocument | null>(null);
  const [removing, setRemoving] = useState<(StatementAllocation & { documentId: string }) | null>(null);

  const indexById = useMemo(() => new Map(documents.map((document, index) => [document.document_id, index])), [documents]);
  const allocationsById = useMemo(() => {
    const byDocument = new Map<string, StatementAllocation[]>();
    const add = (documentId: string, allocation: StatementAllocation) => {
      const list = byDocument.get(documentId);
      if (list) list.push(allocation);
      else byDocument.set(documentId, [allocation]);
    };
    for (const allocation of statement.allocations) {
      add(allocation.receipt_id, allocation);
      add(allocation.target_id, allocation);
    }
    return byDocument;
  }, [statement.allocations]);
  // Documents that disappeared after a reload cannot be expanded any more: they leave the count.
  const expandedIndexes = useMemo(
    () => [...expandedIds].map((id) => indexById.get(id)).filter((index): index is number => index !== undefined).sort((a, b) => a - b),
    [expandedIds, indexById],
  );

  const toggle = (id: string) =>
    setExpandedIds((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const tableRef = useRef<HTMLTableElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  // Where the first row starts in the page: below everything above the table and the header row.
  // What is above changes height on its own (a notice, the run panel, the filter's count), so it is
  // read again whenever the page's height changes, not only when this table renders.
  const [listStartPx, setListStartPx] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      const table = tableRef.current;
      if (!table) return;
      const startPx = Math.round(table.getBoundingClientRect().top + window.scrollY + (headRef.current?.offsetHeight ?? 0));
      setListStartPx((previous) => (previous === startPx ? previous : startPx));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);

  // Kept rendered whatever the scroll position: the row holding the focus, the row a dialog returns it to.
  const pinned = useRef<{ focused: number | null; dialog: number | null }>({ focused: null, dialog: null });
  const rangeExtractor = useCallback((range: Range) => withPinnedIndexes(defaultRangeExtractor(range), [pinned.current.focused, pinned.current.dialog], range.count), []);
  const getItemKey = useCallback((index: number) => documents[index]?.document_id ?? index, [documents]);
  const virtualizer = useWindowVirtualizer({
    count: documents.length,
    estimateSize: () => documentRowEstimatePx,
    getItemKey,
    overscan: documentRowsOverscan,
    scrollMargin: listStartPx,
    rangeExtractor,
  });
  const slices = sliceWithGaps(virtualizer.getVirtualItems(), listStartPx, listStartPx + virtualizer.getTotalSize());

  const pinDialogRow = (documentId: string | null) => {
    pinned.current.dialog = documentId === null ? null : (indexById.get(documentId) ?? null);
  };
  /** Closes whichever dialog is open (one at a time); `notice`, when it changed something. */
  const closeDialog = (documentId: string, notice?: string) => {
    setEditing(null);
    setRemoving(null);
    // Waiting for the statement fetched again when something changed; at once otherwise.
    setReturnFocus({ documentId, statement: notice ? statement : null });
    if (notice) onChanged(notice);
  };
  useEffect(() => {
    if (!returnFocus || returnFocus.statement === statement) return;
    const row = tableRef.current?.querySelector(`tr[data-document="${CSS.escape(returnFocus.documentId)}"]`);
    const target = row?.querySelector<HTMLElement>('.actions-cell button') ?? row?.querySelector<HTMLElement>('.expander button');
    target?.focus();
    pinDialogRow(null);
    setReturnFocus(null);
  });
  const onRowFocus = (index: number) => {
    pinned.current.focused = index;
  };
  const onRowBlur = (event: FocusEvent<HTMLTableSectionElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) pinned.current.focused = null;
  };

  return (
    <>
      <DocumentFilterFields filter={filter} onChange={setFilter} kinds={kinds} openOnly />
      {isFiltering(filter) && (
        <p className="muted filter-count" role="status" data-testid="document-filter-count">
          {t('filterShowing', { shown: documents.length, count: statement.documents.length })}
        </p>
      )}
      <div className="table-wrap document-table-wrap" data-testid="document-table-wrap">
        <table ref={tableRef} className="data-table documents document-table" aria-rowcount={ariaRowCountOf(documents.length, expandedIndexes.length)}>
          <caption className="visually-hidden">{t('documents')}</caption>
          <colgroup>
            <col className="column-expander" />
            <col className="column-status" />
            {shows.date && <col className="column-date" />}
            {shows.kind && <col className="column-kind" />}
            <col className="column-document" />
            {shows.description && <col />}
            <col className="column-amount" />
            {shows.allocated && <col className="column-amount" />}
            <col className="column-amount" />
            <col className="column-actions" />
          </colgroup>
          <thead ref={headRef}>
            <tr aria-rowindex={1}>
              <th scope="col"><span className="visually-hidden">{t('reconciliations')}</span></th>
              <th scope="col">{t('status')}</th>
              {shows.date && <th scope="col">{t('date')}</th>}
              {shows.kind && <th scope="col">{t('kind')}</th>}
              <th scope="col">{t('document')}</th>
              {shows.description && <th scope="col">{t('description')}</th>}
              <th scope="col" className="number">{t('amount')}</th>
              {shows.allocated && <th scope="col" className="number">{t('allocated')}</th>}
              <th scope="col" className="number">{t('remaining')}</th>
              <th scope="col"><span className="visually-hidden">{t('documentActions')}</span></th>
            </tr>
          </thead>
          {slices.map((slice) => {
            if (slice.kind === 'gap') {
              return (
                <tbody key={slice.key} className="gap-rows" aria-hidden="true">
                  <tr>
                    <td colSpan={columnsCount} style={{ height: `${slice.heightPx}px` }} />
                  </tr>
                </tbody>
              );
            }
            const index = slice.row.index;
            const document = documents[index]!;
            const isInvoice = document.kind === 'invoice';
            const expanded = !isInvoice && expandedIds.has(document.document_id);
            const rowIndex = ariaRowIndexOf(index, expandedIndexes);
            const panelId = `doc-${document.document_id}-allocations`;
            return (
              <tbody key={slice.row.key} data-index={index} ref={virtualizer.measureElement} onFocus={() => onRowFocus(index)} onBlur={onRowBlur}>
                <tr
                  aria-rowindex={rowIndex}
                  className={`${isInvoice ? 'invoice-row' : document.invoice_id ? 'item-row' : 'document-row'}${document.voided ? ' voided' : ''}${document.document_id === linkedDocument ? ' linked' : ''}`}
                  data-document={document.document_id}
                >
                  <td className="expander">
                    {!isInvoice && (
                      <button
                        type="button"
                        className="icon-button"
                        aria-expanded={expanded}
                        aria-controls={panelId}
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
                  {shows.date && <td className="nowrap" data-testid="document-date">{date(document.date)}</td>}
                  {shows.kind && (
                    <td>
                      {t(kindLabels[document.kind])}
                      {document.scheduled && <span className="badge info">{t('scheduled')}</span>}
                    </td>
                  )}
                  <td className="mono">{document.document_id}</td>
                  {shows.description && (
                    <td data-testid="document-description">
                      {[descriptionOf(document, t), document.reference ? `→ ${document.reference}` : ''].filter(Boolean).join(' · ')}
                      {document.kind === 'item' && document.ledger_code && (
                        <span className="badge ledger" title={t('ledgerCode')} data-testid="ledger-code">
                          {document.ledger_code}
                        </span>
                      )}
                      {document.kind === 'item' && document.rl24_eligible && (
                        <span className="badge rl24" title={t('rl24Eligible')}>
                          RL-24
                        </span>
                      )}
                    </td>
                  )}
                  <td className="number" data-testid="document-amount">{money(document.amount)}</td>
                  {shows.allocated && <td className="number">{money(document.allocated)}</td>}
                  <td className={`number ${isZero(document.remaining) ? 'muted' : 'strong'}`}>{money(document.remaining)}</td>
                  <td className="actions-cell">
                    {canReconcile(document) && (
                      <button
                        type="button"
                        className="button secondary small"
                        disabled={!reconciliationEnabled}
                        title={reconciliationEnabled ? undefined : t('reconciliationOffReason')}
                        aria-label={t('reconcileLabel', { id: document.document_id })}
                        onClick={() => {
                          pinDialogRow(document.document_id);
                          setEditing(document);
                        }}
                      >
                        {t('reconcileAction')}
                      </button>
                    )}
                  </td>
                </tr>
                {expanded && (
                  <tr id={panelId} aria-rowindex={rowIndex + 1} className="allocations-row">
                    <td />
                    <td colSpan={columnsCount - 1}>
                      <DocumentReconciliations
                        org={org}
                        allocations={allocationsById.get(document.document_id) ?? []}
                        onRemove={(allocation) => {
                          pinDialogRow(document.document_id);
                          setRemoving({ ...allocation, documentId: document.document_id });
                        }}
                      />
                    </td>
                  </tr>
                )}
              </tbody>
            );
          })}
        </table>
      </div>
      {editing && (
        <AllocationEditor
          key={editing.document_id}
          org={org}
          source={editing}
          documents={statement.documents}
          onClose={() => closeDialog(editing.document_id)}
          onSaved={() => closeDialog(editing.document_id, t('editorSaved'))}
        />
      )}
      {removing && (
        <RemoveAllocationDialog
          key={removing.allocation_id}
          org={org}
          allocation={removing}
          onClose={() => closeDialog(removing.documentId)}
          onRemoved={() => closeDialog(removing.documentId, t('reconciliationRemoved'))}
        />
      )}
    </>
  );
}
