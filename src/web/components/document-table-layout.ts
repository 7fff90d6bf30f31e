/**
 * The arithmetic of the virtualised document table, kept apart from React so it can be checked
 * without a browser: which rows are rendered, what stands in for the others, and the row numbers
 * a screen reader announces.
 */

/** A rendered document as the virtualiser places it, in pixels from the top of the scrolled content. */
export interface PlacedRow {
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

export type TableSlice<Row extends PlacedRow> =
  | { readonly kind: 'gap'; readonly key: string; readonly heightPx: number }
  | { readonly kind: 'row'; readonly row: Row };

/**
 * The rendered rows in order, with an empty gap row standing in for every run of rows that are
 * not rendered (before, between and after them). A real table lays its columns out only from rows
 * in the normal flow, so the rows left out are replaced by their total height rather than by
 * absolutely positioned rows, which would break the table's column layout.
 */
export function sliceWithGaps<Row extends PlacedRow>(rows: readonly Row[], listStartPx: number, listEndPx: number): TableSlice<Row>[] {
  const slices: TableSlice<Row>[] = [];
  let cursorPx = listStartPx;
  for (const row of rows) {
    if (row.start > cursorPx) slices.push({ kind: 'gap', key: `gap-before-${row.index}`, heightPx: row.start - cursorPx });
    slices.push({ kind: 'row', row });
    cursorPx = Math.max(cursorPx, row.end);
  }
  if (listEndPx > cursorPx) slices.push({ kind: 'gap', key: 'gap-end', heightPx: listEndPx - cursorPx });
  return slices;
}

/**
 * The indexes to render: the virtualiser's window plus pinned rows (the row holding the keyboard
 * focus, the row a dialog returns focus to), so scrolling away never removes the focused button
 * from the page. Sorted, without duplicates, within 0 … count − 1.
 */
export function withPinnedIndexes(windowIndexes: readonly number[], pinnedIndexes: readonly (number | null)[], count: number): number[] {
  const indexes = new Set(windowIndexes);
  for (const pinned of pinnedIndexes) if (pinned !== null && pinned >= 0 && pinned < count) indexes.add(pinned);
  return [...indexes].sort((a, b) => a - b);
}

/** How many of the sorted indexes are below `index` (binary search: thousands of rows, any number expanded). */
function countBelow(sortedIndexes: readonly number[], index: number): number {
  let low = 0;
  let high = sortedIndexes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedIndexes[middle]! < index) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * aria-rowindex of a document's row: row 1 is the header, and each expanded document above it
 * adds its reconciliations row. The reconciliations row of an expanded document is the next one.
 */
export function ariaRowIndexOf(documentIndex: number, expandedIndexesSorted: readonly number[]): number {
  return 2 + documentIndex + countBelow(expandedIndexesSorted, documentIndex);
}

/** aria-rowcount of the whole table: the header, every document, every open reconciliations row. */
export function ariaRowCountOf(documentsCount: number, expandedCount: number): number {
  return 1 + documentsCount + expandedCount;
}
