import { useI18n } from '../i18n.tsx';

/** Why a list could not be fetched, with Try again. */
export function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div className="form-error" role="alert">
      {message}{' '}
      <button type="button" className="button secondary" onClick={onRetry}>
        {t('retry')}
      </button>
    </div>
  );
}
