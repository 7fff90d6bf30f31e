import { useEffect, useState } from 'react';
import { messageOf } from './api.ts';

/** What a page has fetched: nothing yet, why it failed, or the answer. */
export type Loaded<Value> = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly value: Value };

/**
 * Fetches with `load` when `key` changes and again on `reload()`. While the next answer is awaited
 * the last one stays shown, so a list does not blink at every keystroke or page turn; an answer
 * that comes back after the key changed is dropped, so a slow old answer never replaces a new one.
 */
export function useLoaded<Value>(key: string, load: () => Promise<Value>): { readonly loaded: Loaded<Value>; readonly reload: () => void } {
  const [loaded, setLoaded] = useState<Loaded<Value>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    load().then(
      (value) => current && setLoaded({ status: 'ready', value }),
      (error: unknown) => current && setLoaded({ status: 'error', message: messageOf(error) }),
    );
    return () => {
      current = false;
    };
    // `key` names everything `load` reads; `load` itself is a new function at every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);
  return { loaded, reload: () => setAttempt((value) => value + 1) };
}
