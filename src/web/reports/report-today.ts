import { useOrganisationSettings } from '../organisation-settings.ts';
import { todayIn } from './report-periods.ts';

/**
 * Today in the organisation's time zone (its settings say which), or in the browser's until the
 * settings are known: the presets and the default year follow the organisation's calendar.
 */
export function useOrganisationToday(org: string): string {
  const settings = useOrganisationSettings(org);
  const zone = settings?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return todayIn(zone, new Date());
}
