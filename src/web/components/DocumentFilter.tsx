import { useId } from 'react';
import type { DocumentKind } from '../api.ts';
import { kindLabels } from '../document-labels.ts';
import { useI18n } from '../i18n.tsx';

/** What a list of documents is narrowed to: text in its id, reference or description, a type, dates, open only. */
export interface DocumentFilter {
  readonly text: string;
  readonly kind: string;
  readonly from: string;
  readonly to: string;
  readonly openOnly: boolean;
}

export const noDocumentFilter: DocumentFilter = { text: '', kind: '', from: '', to: '', openOnly: false };

export function isFiltering(filter: DocumentFilter): boolean {
  return filter.text.trim() !== '' || filter.kind !== '' || filter.from !== '' || filter.to !== '' || filter.openOnly;
}

interface FilterableDocument {
  readonly document_id: string;
  readonly kind: string;
  readonly date: string;
  readonly remaining: string;
  readonly reference?: string | null;
  readonly invoice_id?: string | null;
  readonly description?: string | null;
}

const isZero = (amount: string) => amount.replace(/[-0.]/g, '') === '';

/** The documents the filter keeps, in their order. Dates compare as text (YYYY-MM-DD). */
export function filterDocuments<Document extends FilterableDocument>(documents: readonly Document[], filter: DocumentFilter): Document[] {
  if (!isFiltering(filter)) return [...documents];
  const text = filter.text.trim().toLocaleLowerCase();
  return documents.filter((document) => {
    if (text && ![document.document_id, document.reference ?? '', document.invoice_id ?? '', document.description ?? ''].some((field) => field.toLocaleLowerCase().includes(text))) return false;
    if (filter.kind && document.kind !== filter.kind) return false;
    if (filter.from && document.date < filter.from) return false;
    if (filter.to && document.date > filter.to) return false;
    if (filter.openOnly && (document.kind === 'invoice' || isZero(document.remaining))) return false;
    return true;
  });
}

/** The filter's fields: search, type, from, to (and "open only" where lists hold closed documents too). */
export function DocumentFilterFields({ filter, onChange, kinds, openOnly }: { filter: DocumentFilter; onChange: (filter: DocumentFilter) => void; kinds: readonly string[]; openOnly: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const set = (change: Partial<DocumentFilter>) => onChange({ ...filter, ...change });
  return (
    <div className="document-filter" role="search" aria-label={t('filterDocuments')}>
      <label className="field grow">
        <span>{t('filterText')}</span>
        <input type="search" value={filter.text} onChange={(event) => set({ text: event.target.value })} />
      </label>
      <label className="field">
        <span>{t('kind')}</span>
        <select value={filter.kind} onChange={(event) => set({ kind: event.target.value })}>
          <option value="">{t('filterAllKinds')}</option>
          {kinds.map((kind) => (
            <option key={kind} value={kind}>
              {t(kindLabels[kind as DocumentKind])}
            </option>
          ))}
        </select>
      </label>
      <label className="field" htmlFor={`${id}-from`}>
        <span>{t('filterFrom')}</span>
        <input id={`${id}-from`} type="date" value={filter.from} onChange={(event) => set({ from: event.target.value })} />
      </label>
      <label className="field" htmlFor={`${id}-to`}>
        <span>{t('filterTo')}</span>
        <input id={`${id}-to`} type="date" value={filter.to} onChange={(event) => set({ to: event.target.value })} />
      </label>
      {openOnly && (
        <label className="checkbox">
          <input type="checkbox" checked={filter.openOnly} onChange={(event) => set({ openOnly: event.target.checked })} />
          <span>{t('filterOpenOnly')}</span>
        </label>
      )}
      {isFiltering(filter) && (
        <button type="button" className="link-button" onClick={() => onChange(noDocumentFilter)}>
          {t('filterClear')}
        </button>
      )}
    </div>
  );
}
