import { useId, useState } from 'react';
import { useI18n } from '../i18n.tsx';
import { Modal } from './Modal.tsx';

/**
 * Asks before a destructive step, Cancel first (focused). The step's own error is shown in the
 * dialog, in words `errorText` chooses, so the operator can try again or cancel.
 */
export function ConfirmDialog({
  title,
  question,
  confirm,
  onClose,
  action,
  errorText,
}: {
  title: string;
  question: string;
  confirm: string;
  onClose: () => void;
  action: () => Promise<void>;
  errorText: (error: unknown) => string;
}) {
  const { t } = useI18n();
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  }
  return (
    <Modal titleId={titleId} onClose={onClose} className="confirm-dialog">
      <h2 id={titleId}>{title}</h2>
      <p>{question}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button secondary" onClick={onClose} autoFocus>
          {t('editorCancel')}
        </button>
        <button type="button" className="button danger" disabled={busy} onClick={() => void run()}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
