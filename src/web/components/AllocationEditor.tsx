import { useMemo, useState } from 'react';
import { allocationApi, ApiError, type StatementDocument } from '../api.ts';
import { useI18n, type Translate } from '../i18n.tsx';
import { counterpartsOf, sideOf, suggest, validate } from '../allocation-editor-model.ts';
import { descriptionOf, kindLabels } from '../document-labels.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { Modal } from './Modal.tsx';

/** An API refusal in words, in the page's language (the server's own message kept for detail). */
export function apiErrorText(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('apiErrorOther', { message: String(error) });
  if (error.code === 'exceeds_credit_remaining') return t('apiErrorExceedsCredit', { message: error.message });
  if (error.code === 'exceeds_debit_remaining') return t('apiErrorExceedsDebit', { message: error.message });
  if (error.code === 'reconciliation_disabled') return t('apiErrorDisabled');
  if (error.status === 403) return t('apiErrorForbidden');
  return t('apiErrorOther', { message: error.message });
}

/**
 * Manual reconciliation of one document: the other side's open documents, oldest first, pre-filled
 * with the oldest-first suggestion; amounts checked as they are typed; all lines saved at once.
 */
export function AllocationEditor({ org, source, documents, onClose, onSaved }: { org: string; source: StatementDocument; documents: readonly StatementDocument[]; onClose: () => void; onSaved: () => void }) {
  const { t, money, date } = useI18n();
  const lines = useMemo(() => counterpartsOf(source, documents), [source, documents]);
  const [texts, setTexts] = useState<string[]>(() => suggest(source, lines));
  const [saving, setSaving] = useState(false);
  const [apiError, setApiError] = useState<string | null>(null);
  const check = validate(source, lines, texts);
  const isCredit = sideOf(source.kind) === 'credit';
  const titleId = `editor-title-${source.document_id}`;

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
        <p className="strong" data-testid="editor-source-remaining">{t('editorSourceRemaining', { amount: money(check.remaining) })}</p>
        {lines.length === 0 ? (
          <p className="notice">{t('editorNoCounterparts')}</p>
        ) : (
          <table className="data-table editor-table">
            <thead>
              <tr>
                <th scope="col">{t('document')}</th>
                <th scope="col">{t('date')}</th>
                <th scope="col">{t('description')}</th>
                <th scope="col" className="number">{t('remaining')}</th>
                <th scope="col" className="number">{t('amount')}</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line, index) => {
                const lineCheck = check.lines[index];
                const error = lineCheck?.error ?? null;
                const inputId = `allocate-${source.document_id}-${line.document_id}`;
                return (
                  <tr key={line.document_id} data-line={line.document_id}>
                    <td className="mono">
                      {t(kindLabels[line.kind])} {line.document_id}
                    </td>
                    <td className="nowrap">{date(line.date)}</td>
                    <td>{descriptionOf(line, t)}</td>
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
              <tr>
                <th scope="row" colSpan={4} className="number">{t('editorTotal')}</th>
                <td className={`number strong${check.totalError === 'totalOverRemainder' ? ' over' : ''}`} data-testid="editor-total">
                  {t('editorTotalOf', { total: money(check.total), remaining: money(check.remaining) })}
                </td>
              </tr>
            </tfoot>
          </table>
        )}
        <div aria-live="polite">
          {check.totalError && lines.length > 0 && (
            <p className="field-error total-error" id={`${titleId}-total-error`}>
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
          <button type="submit" className="button primary" disabled={!check.valid || saving} aria-describedby={check.totalError ? `${titleId}-total-error` : undefined}>
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
