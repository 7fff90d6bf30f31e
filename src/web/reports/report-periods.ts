import { periodOfYear } from '../../core/report-input.ts';

/**
 * The period presets of the collections report and the default year of RL-24, worked out from
 * "today" in the organisation's time zone (a report's days are the organisation's days, so a
 * browser in another zone must not move the month). Pure: the instant comes in, dates come out.
 */

/** A calendar period, first and last day inclusive, written YYYY-MM-DD. */
export interface ReportPeriod {
  readonly from: string;
  readonly to: string;
}

export const periodPresets = ['this_month', 'last_month', 'this_year', 'last_year'] as const;
export type PeriodPreset = (typeof periodPresets)[number];

/** Today's date (YYYY-MM-DD) at `instant` in `timeZone` (an IANA zone such as America/Toronto). */
export function todayIn(timeZone: string, instant: Date): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

const twoDigits = (value: number) => String(value).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const monthPeriod = (year: number, month: number): ReportPeriod => ({
  from: `${year}-${twoDigits(month)}-01`,
  to: `${year}-${twoDigits(month)}-${twoDigits(lastDayOfMonth(year, month))}`,
});
const yearPeriod = (year: number): ReportPeriod => periodOfYear(year);

/** The period a preset names, seen from `today` (YYYY-MM-DD). */
export function presetPeriod(preset: PeriodPreset, today: string): ReportPeriod {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  switch (preset) {
    case 'this_month':
      return monthPeriod(year, month);
    case 'last_month':
      return month === 1 ? monthPeriod(year - 1, 12) : monthPeriod(year, month - 1);
    case 'this_year':
      return yearPeriod(year);
    case 'last_year':
      return yearPeriod(year - 1);
  }
}

/** Which preset a period is, if any (so the page shows the preset chosen). */
export function presetOf(period: ReportPeriod, today: string): PeriodPreset | null {
  return periodPresets.find((preset) => {
    const candidate = presetPeriod(preset, today);
    return candidate.from === period.from && candidate.to === period.to;
  }) ?? null;
}

/**
 * An "as of" typed in a datetime-local field (the browser's own time, no zone) as the instant the
 * API takes, and back. Empty means now.
 */
export function instantOfLocalTime(localTime: string): string | undefined {
  if (!localTime) return undefined;
  const instant = new Date(localTime);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}

export function localTimeOfInstant(instant: string): string {
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}T${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
}
