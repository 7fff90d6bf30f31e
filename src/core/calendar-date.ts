import { accepted, refused, type Outcome } from './outcome.ts';

/** A calendar date written YYYY-MM-DD. Dates compare correctly as strings in this form. */
export type CalendarDate = string & { readonly __brand: 'CalendarDate' };

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseCalendarDate(text: string): Outcome<CalendarDate> {
  const match = datePattern.exec(text);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    // Date.UTC normalises impossible dates (Feb 30 -> Mar 2); a round trip tells them apart.
    const probe = new Date(Date.UTC(year, month - 1, day));
    if (year >= 1900 && probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day) {
      return accepted(text as CalendarDate);
    }
  }
  return refused('date_is_invalid', `"${text}" is not a calendar date written YYYY-MM-DD`, { values: { text } });
}

export function compareCalendarDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
