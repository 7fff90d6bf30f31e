import { useSyncExternalStore } from 'react';

/** Phones: the header folds its navigation and shortens its labels below this width. */
const narrowQuery = '(max-width: 700px)';

function subscribe(listener: () => void): () => void {
  const query = window.matchMedia(narrowQuery);
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}

export function useNarrowScreen(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(narrowQuery).matches);
}
