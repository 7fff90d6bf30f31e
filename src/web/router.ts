import { useSyncExternalStore } from 'react';

/** A tiny history-API router: the address bar is the state, so reload and Back keep the view. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): { path: string; query: URLSearchParams } {
  const current = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(current, window.location.origin);
  return { path: url.pathname, query: url.searchParams };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const listener of listeners) listener();
}

export type Route =
  | { readonly name: 'sign-in' }
  | { readonly name: 'home' }
  | { readonly name: 'accounts'; readonly org: string }
  | { readonly name: 'account'; readonly org: string; readonly account: string }
  | { readonly name: 'unreconciled'; readonly org: string }
  | { readonly name: 'audit'; readonly org: string }
  | { readonly name: 'settings'; readonly org: string }
  | { readonly name: 'runs'; readonly org: string }
  | { readonly name: 'run'; readonly org: string; readonly run: string }
  | { readonly name: 'invitation' }
  | { readonly name: 'reports'; readonly org: string; readonly report: ReportName }
  | { readonly name: 'not-found' };

/** The reports the Reports page shows, one at a time: /orgs/{org}/reports and /orgs/{org}/reports/rl24. */
export type ReportName = 'collections' | 'rl24';

export function matchRoute(path: string): Route {
  if (path === '/' || path === '') return { name: 'home' };
  if (path === '/sign-in') return { name: 'sign-in' };
  if (path === '/invitation') return { name: 'invitation' };
  const parts = path.split('/').filter(Boolean).map((part) => decodeURIComponent(part));
  if (parts[0] === 'orgs' && parts[1] && parts[2] === 'accounts') {
    if (parts.length === 3) return { name: 'accounts', org: parts[1] };
    if (parts.length === 4 && parts[3]) return { name: 'account', org: parts[1], account: parts[3] };
  }
  if (parts[0] === 'orgs' && parts[1] && parts.length === 3 && parts[2] === 'unreconciled') return { name: 'unreconciled', org: parts[1] };
  if (parts[0] === 'orgs' && parts[1] && parts.length === 3 && parts[2] === 'audit') return { name: 'audit', org: parts[1] };
  if (parts[0] === 'orgs' && parts[1] && parts.length === 3 && parts[2] === 'settings') return { name: 'settings', org: parts[1] };
  if (parts[0] === 'orgs' && parts[1] && parts[2] === 'runs') {
    if (parts.length === 3) return { name: 'runs', org: parts[1] };
    if (parts.length === 4 && parts[3]) return { name: 'run', org: parts[1], run: parts[3] };
  }
  if (parts[0] === 'orgs' && parts[1] && parts[2] === 'reports') {
    if (parts.length === 3) return { name: 'reports', org: parts[1], report: 'collections' };
    if (parts.length === 4 && parts[3] === 'rl24') return { name: 'reports', org: parts[1], report: 'rl24' };
  }
  return { name: 'not-found' };
}

export const paths = {
  accounts: (org: string, query?: URLSearchParams) => `/orgs/${encodeURIComponent(org)}/accounts${query && query.toString() ? `?${query.toString()}` : ''}`,
  /** The billing page of an account; with a document, that document is found and shown there. */
  account: (org: string, account: string, document?: string) => `/orgs/${encodeURIComponent(org)}/accounts/${encodeURIComponent(account)}${document ? `?document=${encodeURIComponent(document)}` : ''}`,
  settings: (org: string) => `/orgs/${encodeURIComponent(org)}/settings`,
  unreconciled: (org: string, query?: URLSearchParams) => `/orgs/${encodeURIComponent(org)}/unreconciled${query && query.toString() ? `?${query.toString()}` : ''}`,
  audit: (org: string, query?: URLSearchParams) => `/orgs/${encodeURIComponent(org)}/audit${query && query.toString() ? `?${query.toString()}` : ''}`,
  runs: (org: string, query?: URLSearchParams) => `/orgs/${encodeURIComponent(org)}/runs${query && query.toString() ? `?${query.toString()}` : ''}`,
  reports: (org: string, report: ReportName = 'collections', query?: URLSearchParams) =>
    `/orgs/${encodeURIComponent(org)}/reports${report === 'rl24' ? '/rl24' : ''}${query && query.toString() ? `?${query.toString()}` : ''}`,
  run: (org: string, run: string) => `/orgs/${encodeURIComponent(org)}/runs/${encodeURIComponent(run)}`,
  /** An invitation link: its secret in the fragment, which browsers never send to a server. */
  invitation: (token: string) => `/invitation#${encodeURIComponent(token)}`,
};

/** A link that routes in the page on a plain click and behaves as a normal link otherwise. */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>, to: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(to);
}
