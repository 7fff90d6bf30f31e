import { useCallback, useSyncExternalStore } from 'react';

/** Phones: the header folds its navigation and shortens its labels below this width. */
const narrowQuery = '(max-width: 700px)';

/** Whether the window matches a CSS media query, followed as the window is resized. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (listener: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', listener);
      return () => list.removeEventListener('change', listener);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}

export function useNarrowScreen(): boolean {
  return useMediaQuery(narrowQuery);
}
