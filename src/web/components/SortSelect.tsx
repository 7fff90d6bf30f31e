import { useI18n, type MessageKey } from '../i18n.tsx';

/** A list's "Sort by" choice, each order in words. */
export function SortSelect<Sort extends string>({ sort, sorts, labels, onChange }: { sort: Sort; sorts: readonly Sort[]; labels: Record<Sort, MessageKey>; onChange: (sort: Sort) => void }) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{t('sortBy')}</span>
      <select value={sort} onChange={(event) => onChange(event.target.value as Sort)}>
        {sorts.map((option) => (
          <option key={option} value={option}>
            {t<MessageKey>(labels[option])}
          </option>
        ))}
      </select>
    </label>
  );
}
