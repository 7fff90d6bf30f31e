/**
 * Which lines of the reconciliation editor are in the page, kept apart from React so it can be
 * checked without a browser. A short list is rendered whole; a long one (thousands of open
 * documents on a large account) only around the view, like the document table.
 */
import { withPinnedIndexes } from './document-table-layout.ts';

/** Up to this many lines every line is rendered; above it only a window of them. */
export const editorLinesRenderedWhole = 50;

/** Whether the editor renders only a window of `count` lines (and offers to show only lines with an amount). */
export function isLongLineList(count: number): boolean {
  return count > editorLinesRenderedWhole;
}

/**
 * The lines to render: all of a short list; of a long one, the virtualiser's window plus the pinned
 * lines (the line holding the focus, the line Tab is moving to). Sorted, without duplicates.
 */
export function renderedLineIndexes(windowIndexes: readonly number[], pinnedIndexes: readonly (number | null)[], count: number): number[] {
  if (!isLongLineList(count)) return Array.from({ length: count }, (_, index) => index);
  return withPinnedIndexes(windowIndexes, pinnedIndexes, count);
}

/**
 * Where Tab (or Shift+Tab) from the amount of line `index` must take the focus when the browser
 * cannot: the neighbouring line, if it exists but is not rendered. Null when the browser's own Tab
 * does the right thing (the neighbour is in the page, or Tab leaves the list).
 */
export function unrenderedTabTarget(index: number, backwards: boolean, count: number, rendered: ReadonlySet<number>): number | null {
  const target = backwards ? index - 1 : index + 1;
  if (target < 0 || target >= count || rendered.has(target)) return null;
  return target;
}
