import { useEffect } from 'react';

/** The browser tab names the page: "Accounts · Tally". */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Tally`;
  }, [title]);
}
