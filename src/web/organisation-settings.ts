import { useEffect, useState } from 'react';
import { settingsApi, type OrganisationSettings } from './api.ts';

/**
 * The organisation's settings (GET /settings, readable by every member), asked once per
 * organisation and page load and shared by every page that shows whether reconciliation is on.
 * A change made in Settings replaces the shared copy, so every page follows at once.
 */
const known = new Map<string, OrganisationSettings>();
const pending = new Map<string, Promise<OrganisationSettings>>();
const listeners = new Set<() => void>();

function load(org: string): Promise<OrganisationSettings> {
  let request = pending.get(org);
  if (!request) {
    request = settingsApi.settings(org).then((settings) => {
      known.set(org, settings);
      return settings;
    });
    pending.set(org, request);
    request.catch(() => pending.delete(org));
  }
  return request;
}

/** Replaces the shared copy after a change the server confirmed. */
export function settingsChanged(org: string, settings: OrganisationSettings): void {
  known.set(org, settings);
  pending.set(org, Promise.resolve(settings));
  for (const listener of listeners) listener();
}

/** The settings, or null until they are known (or when they cannot be read). */
export function useOrganisationSettings(org: string | undefined): OrganisationSettings | null {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((version) => version + 1);
    listeners.add(listener);
    if (org && !known.has(org)) load(org).then(listener, () => undefined);
    return () => {
      listeners.delete(listener);
    };
  }, [org]);
  return org ? (known.get(org) ?? null) : null;
}
