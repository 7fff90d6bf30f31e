import { useId } from 'react';
import { useI18n } from '../i18n.tsx';

/** The optional "as of" of a report: a local date and time (the browser's), empty for now. */
export function AsOfField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useI18n();
  const hintId = useId();
  return (
    <label className="field">
      <span>{t('asOf')}</span>
      <input type="datetime-local" value={value} aria-describedby={hintId} onChange={(event) => onChange(event.target.value)} />
      <small id={hintId} className="field-hint">{t('asOfHint')}</small>
    </label>
  );
}
