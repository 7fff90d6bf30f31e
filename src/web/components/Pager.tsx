import { useI18n, type MessageKey, type PluralKey } from '../i18n.tsx';

/** The page sizes every paged list offers (the API allows them all). */
export const pageSizes = [10, 25, 50, 100] as const;
const pageSizeDefault = 25;

/** Which page of a list is shown, and how long a page is. */
export interface Paging {
  readonly page: number;
  readonly pageSize: number;
}

/** Paging kept in the address (?page=&size=), so reload and Back keep it; anything else means page 1 of 25. */
export function pagingOf(query: URLSearchParams): Paging {
  const page = Number(query.get('page'));
  const size = Number(query.get('size'));
  return {
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: (pageSizes as readonly number[]).includes(size) ? size : pageSizeDefault,
  };
}

/** Writes paging into the address, leaving out what is the default. */
export function writePaging(query: URLSearchParams, paging: Paging): void {
  if (paging.page !== 1) query.set('page', String(paging.page));
  if (paging.pageSize !== pageSizeDefault) query.set('size', String(paging.pageSize));
}

/** What the server answered for a page of a list (every paged list of the API has these). */
export interface ListedPage {
  readonly total: number;
  readonly page: number;
  readonly page_size: number;
}

/**
 * Under a paged list: "1–25 of 40 accounts" for the rows shown (announced politely when it
 * changes), the page size, and previous / next from the page asked for.
 */
export function Pager({
  paging,
  shown,
  rangeKey,
  pageSizeKey,
  onChange,
}: {
  /** The page asked for (the address). */
  paging: Paging;
  /** The page shown: null until the server has answered. */
  shown: ListedPage | null;
  /** A message with {from}, {to} and {count}, the total, which chooses its plural form. */
  rangeKey: PluralKey;
  pageSizeKey: MessageKey;
  /** A new page size starts again at page 1. */
  onChange: (paging: Paging) => void;
}) {
  const { t } = useI18n();
  const pages = shown ? Math.max(1, Math.ceil(shown.total / shown.page_size)) : 1;
  const from = shown && shown.total > 0 ? (shown.page - 1) * shown.page_size + 1 : 0;
  const to = shown ? Math.min(shown.total, shown.page * shown.page_size) : 0;
  return (
    <div className="pager">
      <p className="muted" role="status" aria-live="polite">
        {shown ? t(rangeKey, { from, to, count: shown.total }) : ''}
      </p>
      <div className="pager-controls">
        <label className="inline-field">
          <span>{t(pageSizeKey)}</span>
          <select value={paging.pageSize} onChange={(event) => onChange({ page: 1, pageSize: Number(event.target.value) })}>
            {pageSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button secondary" disabled={paging.page <= 1} onClick={() => onChange({ ...paging, page: paging.page - 1 })}>
          ‹ <span className="visually-hidden">{t('previousPage')}</span>
        </button>
        <span>{t('pageOf', { page: paging.page, pages })}</span>
        <button type="button" className="button secondary" disabled={paging.page >= pages} onClick={() => onChange({ ...paging, page: paging.page + 1 })}>
          <span className="visually-hidden">{t('nextPage')}</span> ›
        </button>
      </div>
    </div>
  );
}
