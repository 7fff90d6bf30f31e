import { useI18n } from '../i18n.tsx';

/** An empty list's row: with a search, it says so and offers to clear it; without, `empty`. */
export function NothingMatches({ columns, search, empty, onClear }: { columns: number; search: string; empty: string; onClear: () => void }) {
  const { t } = useI18n();
  return (
    <tr>
      <td colSpan={columns} className="muted" data-testid="no-match">
        {search ? t('noMatchFor', { search }) : empty}{' '}
        {search && (
          <button type="button" className="link-button" onClick={onClear}>
            {t('clearSearch')}
          </button>
        )}
      </td>
    </tr>
  );
}
