import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api.ts';
import { useI18n, type Translate } from '../i18n.tsx';

/**
 * What the sections of the Settings page share: data loaded from the server (a section that
 * cannot load it shows why instead of its content), changes made to it with their refusal or
 * confirmation in words, announced politely.
 */

/** A settings refusal in words, in the page's language (the server's message kept for detail). */
export function settingsErrorText(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('settingsErrorOther', { message: String(error) });
  if (error.code === 'last_owner_cannot_leave') return t('settingsErrorLastOwner');
  if (error.status === 403) return t('settingsErrorForbidden');
  return t('settingsErrorOther', { message: error.message });
}

/** A section's data from the server: null until loaded; `reload` asks again after a change. `load` must be stable (module level). */
export function useSectionData<Data>(org: string, load: (org: string) => Promise<Data>): { data: Data | null; setData: (data: Data) => void; loadError: string | null; reload: () => void } {
  const { t } = useI18n();
  const [data, setData] = useState<Data | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const reload = useCallback(() => {
    load(org).then(setData, (caught: unknown) => setLoadError(settingsErrorText(caught, t)));
    // The language only words a later error; a new language is no reason to load again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [org, load]);
  useEffect(reload, [reload]);
  return { data, setData, loadError, reload };
}

/**
 * One change at a time: `busy` while it runs, then its refusal (`error`) or the confirmation it
 * returns (`done`, or nothing to say). `announce` confirms a change made elsewhere (a dialog).
 */
export function useSettingsChange(): { busy: boolean; error: string | null; done: string | null; change: (action: () => Promise<string | null>) => Promise<void>; announce: (done: string) => void } {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const change = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await action());
    } catch (caught) {
      setError(settingsErrorText(caught, t));
    } finally {
      setBusy(false);
    }
  };
  const announce = (message: string) => {
    setError(null);
    setDone(message);
  };
  return { busy, error, done, change, announce };
}

/** A section of the Settings page: its title, then its content, or why its list could not be loaded. */
export function SettingsSection({ id, title, loadError, children }: { id: string; title: string; loadError?: string | null; children: ReactNode }) {
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {loadError ? (
        <p className="notice" role="alert">
          {loadError}
        </p>
      ) : (
        children
      )}
    </section>
  );
}

/** A section's table: its headings, then "Loading…" until the rows arrive, `empty` when there are none, or the rows. */
export function SettingsTable<Item>({ className, headings, items, empty, row }: { className: string; headings: readonly string[]; items: readonly Item[] | null; empty?: string; row: (item: Item) => ReactNode }) {
  const { t } = useI18n();
  const message = items === null ? t('loading') : items.length === 0 ? empty : undefined;
  return (
    <div className="table-wrap">
      <table className={`data-table ${className}`}>
        <thead>
          <tr>
            {headings.map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {message && (
            <tr>
              <td colSpan={headings.length} className="muted">
                {message}
              </td>
            </tr>
          )}
          {items?.map(row)}
        </tbody>
      </table>
    </div>
  );
}

/** The outcome of a section's last change, announced politely. */
export function ChangeOutcome({ error, done }: { error: string | null; done: string | null }) {
  return (
    <div aria-live="polite">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {done && <p className="settings-done">{done}</p>}
    </div>
  );
}
