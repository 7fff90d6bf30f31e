import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { allocationApi, ApiError, type StatementDocument } from '../api.ts';
import { useI18n, type Translate } from '../i18n.tsx';
import { counterpartsOf, linesWithAmount, namesEachOther, referenceOf, sideOf, suggest, validate } from '../allocation-editor-model.ts';
import { DocumentFilterFields, filterDocuments, noDocumentFilter, type DocumentFilter } from './DocumentFilter.tsx';
import { descriptionOf, kindLabels } from '../document-labels.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { Modal } from './Modal.tsx';
import { isLongLineList, renderedLineIndexes, unrenderedTabTarget } from './allocation-editor-layout.ts';
import { ariaRowIndexOf, sliceWithGaps } from './document-table-layout.ts';
import { useNarrowScreen } from '../narrow-screen.ts';

/** An API refusal in words, in the page's language (the server's own message kept for detail). */
export function apiErrorText(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('apiErrorOther', { message: String(error) });
  if (error.code === 'exceeds_credit_remaining') return t('apiErrorExceedsCredit', { message: error.message });
  if (error.code === 'exceeds_debit_remaining') return t('apiErrorExceedsDebit', { message: error.message });
  if (error.code === 'reconciliation_disabled') return t('apiErrorDisabled');
  if (error.status === 403) return t('apiErrorForbidden');
  return t('apiErrorOther', { message: error.message });
}

/** A line with its amount input, before it is measured; measured lines (taller with an error) replace the guess. */
const editorLineEstimatePx = 50;
/** Lines rendered beyond each edge of the view of a long list, so Tab and fast scrolling find lines already there. */
const editorLinesOverscan = 10;

/**
 * Manual reconciliation of one document: the other side's open documents, oldest first, pre-filled
 * with the oldest-first suggestion; amounts checked as they are typed; all lines saved at once.
 * Every amount lives in `texts` (the model), never only in an input: a long list (thousands of
 * open documents) renders only the lines around the view, like the document table, and a line
 * scrolled out and back shows what was typed in it.
 */
export function AllocationEditor({ org, source, documents, onClose, onSaved }: { org: string; source: StatementDocument; documents: readonly StatementDocument[]; onClose: () => void; onSaved: () => void }) {
  const { t, money, date } = useI18n();
  // On a phone the lines keep the document, its remainder and the amount; date, description and
  // reference are left out of the table (a hidden column would keep its place and shift the cells).
  const narrow = useNarrowScreen();
  const editorColumnsCount = narrow ? 3 : 6;
  const lines = useMemo(() => counterpartsOf(source, documents), [source, documents]);
  const [texts, setTexts] = useState<string[]>(() => suggest(source, lines, documents));
  const [filter, setFilter] = useState<DocumentFilter>(noDocumentFilter);
  // "Show only lines with an amount": the lines that had one when it was ticked, left as they are
  // while it stays ticked, so a line whose amount is being cleared or retyped does not vanish.
  const [onlyLines, setOnlyLines] = useState<readonly number[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [apiError, setApiError] = useState<string | null>(null);
  const check = useMemo(() => validate(source, lines, texts), [source, lines, texts]);
  const isCredit = sideOf(source.kind) === 'credit';
  const titleId = `editor-title-${source.document_id}`;
  const countId = `${titleId}-count`;
  const invalidLinesId = `${titleId}-invalid-lines`;
  const totalErrorId = `${titleId}-total-error`;
  /** The line (index into `lines`) at each position of the table. */
  const shown = useMemo(() => {
    const matching = new Set(filterDocuments(lines, filter).map((line) => lines.indexOf(line)));
    return (onlyLines ?? lines.map((_, index) => index)).filter((index) => matching.has(index));
  }, [onlyLines, lines, filter]);
  /** Lines with an amount that the search hides: they are saved too, so the operator is told. */
  const hiddenWithAmount = useMemo(() => {
    const visible = new Set(shown);
    return texts.filter((text, index) => text.trim() !== '' && !visible.has(index)).length;
  }, [texts, shown]);
  const fill = (strategy: 'fifo' | null) => {
    focusedPosition.current = null;
    setOnlyLines(null);
    setTexts(strategy === null ? lines.map(() => '') : suggest(source, lines, documents, strategy));
  };
  // What a credit names (an invoice, an item): said above the lines, since it is suggested first.
  const named = sideOf(source.kind) === 'credit' && source.reference ? source.reference : null;
  const inputIdOf = (line: StatementDocument) => `allocate-${source.document_id}-${line.document_id}`;

  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  // The lines start below the header row, which is inside the scrolled box (it sticks to its top).
  const [headHeightPx, setHeadHeightPx] = useState(editorLineEstimatePx);
  useLayoutEffect(() => {
    const height = headRef.current?.offsetHeight;
    if (height && height !== headHeightPx) setHeadHeightPx(height);
  });

  // Kept rendered whatever the scroll position: the line holding the focus (being edited), and the
  // line Tab is moving to when it was not rendered (focused once it is, which scrolls it into view).
  const focusedPosition = useRef<number | null>(null);
  const [tabTarget, setTabTarget] = useState<number | null>(null);
  const rangeExtractor = useCallback((range: Range) => renderedLineIndexes(defaultRangeExtractor(range), [focusedPosition.current, tabTarget], range.count), [tabTarget]);
  const getItemKey = useCallback((position: number) => lines[shown[position] ?? -1]?.document_id ?? position, [lines, shown]);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => editorLineEstimatePx,
    getItemKey,
    overscan: editorLinesOverscan,
    scrollMargin: headHeightPx,
    rangeExtractor,
  });
  const placedRows = virtualizer.getVirtualItems();
  const slices = sliceWithGaps(placedRows, headHeightPx, headHeightPx + virtualizer.getTotalSize());
  const renderedPositions = new Set(placedRows.map((row) => row.index));

  // Focus starts on the first amount, where the work is: once, as soon as its line is drawn (the
  // list is drawn after it is measured) and after the dialog opened (which focuses its first control).
  const initialFocusDone = useRef(false);
  useEffect(() => {
    if (initialFocusDone.current) return;
    const first = lines[shown[0] ?? -1];
    const input = first ? document.getElementById(inputIdOf(first)) : null;
    if (first && !input) return;
    input?.focus();
    initialFocusDone.current = true;
  });

  useLayoutEffect(() => {
    if (tabTarget === null) return;
    const line = lines[shown[tabTarget] ?? -1];
    if (line) document.getElementById(inputIdOf(line))?.focus();
    setTabTarget(null);
  });

  /** Tab past the last rendered line (or Shift+Tab before the first) goes to the next line, not out of the list. */
  const onAmountKeyDown = (event: KeyboardEvent<HTMLInputElement>, position: number) => {
    if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = unrenderedTabTarget(position, event.shiftKey, shown.length, renderedPositions);
    if (target === null) return;
    event.preventDefault();
    setTabTarget(target);
  };
  const onLinesBlur = (event: FocusEvent<HTMLTableSectionElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) focusedPosition.current = null;
  };
  const showOnlyWithAmount = (only: boolean) => {
    focusedPosition.current = null;
    setOnlyLines(only ? linesWithAmount(texts) : null);
  };

  async function save() {
    if (!check.valid || saving) return;
    setSaving(true);
    setApiError(null);
    try {
      await allocationApi.allocate(org, check.request);
      onSaved();
    } catch (error) {
      setApiError(apiErrorText(error, t));
      setSaving(false);
    }
  }

  const saveDescribedBy = [check.invalidLinesCount > 0 ? invalidLinesId : null, check.totalError ? totalErrorId : null].filter(Boolean).join(' ');
  return (
    <Modal titleId={titleId} onClose={onClose} className="allocation-editor">
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <h2 id={titleId}>{t('editorTitle', { kind: t(kindLabels[source.kind]).toLowerCase(), id: source.document_id })}</h2>
        <p className="muted">{t(isCredit ? 'editorIntroCredit' : 'editorIntroDebit')}</p>
        {named && <p className="muted" data-testid="editor-source-reference">{t('editorSourceNames', { id: named })}</p>}
        <p className="strong" data-testid="editor-source-remaining">{t('editorSourceRemaining', { amount: money(check.remaining) })}</p>
        {lines.length === 0 ? (
          <p className="notice">{t('editorNoCounterparts')}</p>
        ) : (
          <>
            <DocumentFilterFields filter={filter} onChange={setFilter} kinds={[...new Set(lines.map((line) => line.kind))]} openOnly={false} />
            <div className="editor-fill-actions">
              <button type="button" className="button secondary small" onClick={() => fill('fifo')}>
                {t('editorFillOldestFirst')}
              </button>
              <button type="button" className="button secondary small" onClick={() => fill(null)}>
                {t('editorClearAll')}
              </button>
            </div>
            <div className="editor-lines-bar">
              <p id={countId} data-testid="editor-lines-count">
                {onlyLines ? t('editorLinesWithAmountCount', { shown: shown.length, count: lines.length }) : t('editorLinesCount', { count: lines.length })}
              </p>
              {isLongLineList(lines.length) && (
                <label className="checkbox">
                  <input type="checkbox" checked={onlyLines !== null} onChange={(event) => showOnlyWithAmount(event.target.checked)} />
                  {t('editorOnlyWithAmount')}
                </label>
              )}
            </div>
            {shown.length === 0 ? (
              <p className="notice">{t('editorNoLineWithAmount')}</p>
            ) : (
              <div
                ref={scrollRef}
                className="editor-scroll"
                role="region"
                aria-labelledby={countId}
                // Focusable when long, like the document list: the keyboard can scroll far, then Tab into the lines there.
                tabIndex={isLongLineList(shown.length) ? 0 : undefined}
                data-testid="editor-scroll"
              >
                <table className="data-table editor-table" aria-rowcount={shown.length + 2}>
                  <colgroup>
                    <col className="column-document" />
                    {!narrow && <col className="column-date" />}
                    {!narrow && <col />}
                    {!narrow && <col className="column-reference" />}
                    <col className="column-amount" />
                    <col className="column-input" />
                  </colgroup>
                  <thead ref={headRef}>
                    <tr aria-rowindex={1}>
                      <th scope="col">{t('document')}</th>
                      {!narrow && <th scope="col">{t('date')}</th>}
                      {!narrow && <th scope="col">{t('description')}</th>}
                      {!narrow && <th scope="col">{t('reference')}</th>}
                      <th scope="col" className="number">{t('remaining')}</th>
                      <th scope="col" className="number">{t('amount')}</th>
                    </tr>
                  </thead>
                  <tbody onBlur={onLinesBlur}>
                    {slices.map((slice) => {
                      if (slice.kind === 'gap') {
                        return (
                          <tr key={slice.key} className="gap-row" aria-hidden="true">
                            <td colSpan={editorColumnsCount} style={{ height: `${slice.heightPx}px` }} />
                          </tr>
                        );
                      }
                      const position = slice.row.index;
                      const index = shown[position]!;
                      const line = lines[index]!;
                      const lineCheck = check.lines[index];
                      const error = lineCheck?.error ?? null;
                      const inputId = inputIdOf(line);
                      return (
                        <tr
                          key={slice.row.key}
                          ref={virtualizer.measureElement}
                          data-index={position}
                          aria-rowindex={ariaRowIndexOf(position, [])}
                          data-line={line.document_id}
                          onFocus={() => {
                            focusedPosition.current = position;
                          }}
                        >
                          <td className="mono">
                            {t(kindLabels[line.kind])} {line.document_id}
                          </td>
                          {!narrow && <td className="nowrap">{date(line.date)}</td>}
                          {!narrow && <td>{descriptionOf(line, t)}</td>}
                          {!narrow && (
                            <td className="mono" data-testid="line-reference">
                              {referenceOf(line) ?? ''}
                              {namesEachOther(source, line) && <span className="badge info">{t('editorNamed')}</span>}
                            </td>
                          )}
                          <td className="number">{money(line.remaining)}</td>
                          <td className="number amount-cell">
                            <input
                              id={inputId}
                              type="text"
                              inputMode="decimal"
                              autoComplete="off"
                              className="amount-input"
                              aria-label={t('editorAmountFor', { id: line.document_id })}
                              aria-invalid={error ? true : undefined}
                              aria-describedby={error ? `${inputId}-error` : undefined}
                              value={texts[index] ?? ''}
                              onKeyDown={(event) => onAmountKeyDown(event, position)}
                              onChange={(event) => {
                                const value = event.target.value;
                                setTexts((previous) => previous.map((text, at) => (at === index ? value : text)));
                              }}
                            />
                            {error && (
                              <span id={`${inputId}-error`} className="field-error">
                                {t(error, { max: money(lineCheck?.max ?? '') })}
                              </span>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                  <tfoot>
                    <tr aria-rowindex={shown.length + 2}>
                      <th scope="row" colSpan={editorColumnsCount - 1} className="number">{t('editorTotal')}</th>
                      <td className={`number strong${check.totalError === 'totalOverRemainder' ? ' over' : ''}`} data-testid="editor-total">
                        {t('editorTotalOf', { total: money(check.total), remaining: money(check.remaining) })}
                      </td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            )}
          </>
        )}
        <div aria-live="polite">
          {hiddenWithAmount > 0 && (
            <p className="notice-warning" data-testid="editor-hidden-amounts">
              {t('editorHiddenWithAmount', { count: hiddenWithAmount })}
            </p>
          )}
          {check.invalidLinesCount > 0 && (
            <p className="field-error total-error" id={invalidLinesId} data-testid="editor-invalid-lines">
              {t('editorInvalidLines', { count: check.invalidLinesCount })}
            </p>
          )}
          {check.totalError && lines.length > 0 && (
            <p className="field-error total-error" id={totalErrorId}>
              {t(check.totalError, { remaining: money(check.remaining) })}
            </p>
          )}
        </div>
        {apiError && (
          <p className="form-error" role="alert">
            {apiError}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button secondary" onClick={onClose}>
            {t('editorCancel')}
          </button>
          <button type="submit" className="button primary" disabled={!check.valid || saving} aria-describedby={saveDescribedBy || undefined}>
            {saving ? t('editorSaving') : t('editorSave')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Asks before removing one reconciliation; the removal's own API error is shown in the dialog. */
export function RemoveAllocationDialog({ org, allocation, onClose, onRemoved }: { org: string; allocation: { allocation_id: string; receipt_id: string; target_id: string; amount: string }; onClose: () => void; onRemoved: () => void }) {
  const { t, money } = useI18n();
  return (
    <ConfirmDialog
      title={t('removeTitle')}
      question={t('removeQuestion', { amount: money(allocation.amount), receipt: allocation.receipt_id, target: allocation.target_id })}
      confirm={t('removeConfirm')}
      onClose={onClose}
      action={async () => {
        await allocationApi.remove(org, allocation.allocation_id);
        onRemoved();
      }}
      errorText={(error) => apiErrorText(error, t)}
    />
  );
}
