import { parseCalendarDate, type CalendarDate } from './calendar-date.ts';
import { accepted, refused, type Outcome } from './outcome.ts';

/**
 * What a report is asked for: a period of days, a calendar year, an instant. Parsed the same way
 * by the command line and the HTTP API, each refusal naming the option or query field.
 */
export interface ReportPeriod {
  readonly from: CalendarDate;
  readonly to: CalendarDate;
}

/** First and last day, both included; the first may not come after the last. */
export function parseReportPeriod(fromText: string, toText: string, names: { from: string; to: string } = { from: 'from', to: 'to' }): Outcome<ReportPeriod> {
  const from = parseCalendarDate(fromText);
  if (!from.ok) return { ok: false, refusal: { ...from.refusal, path: names.from } };
  const to = parseCalendarDate(toText);
  if (!to.ok) return { ok: false, refusal: { ...to.refusal, path: names.to } };
  if (from.value > to.value) {
    return refused('report_period_is_reversed', `The first day ${from.value} comes after the last day ${to.value}`, { path: names.from, values: { from: from.value, to: to.value } });
  }
  return accepted({ from: from.value, to: to.value });
}

const yearPattern = /^[0-9]{4}$/;

/** A calendar year written with four digits (1900 to 9999, the dates Tally takes). */
export function parseReportYear(text: string, name = 'year'): Outcome<number> {
  if (!yearPattern.test(text) || Number(text) < 1900) {
    return refused('year_is_invalid', `"${text}" is not a year written with four digits`, { path: name, values: { text } });
  }
  return accepted(Number(text));
}

/** The period of a calendar year. */
export function periodOfYear(year: number): ReportPeriod {
  return { from: `${year}-01-01` as CalendarDate, to: `${year}-12-31` as CalendarDate };
}

// ISO 8601 date and time with seconds optional, a fraction optional, and a zone: Z or ±HH:MM.
const instantPattern = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?(Z|[+-]([0-9]{2}):([0-9]{2}))$/;

/**
 * An instant written in ISO 8601 with a zone offset or Z ("2026-11-30T12:00:00Z",
 * "2026-11-30T07:00-05:00"). Kept to the millisecond: digits beyond it are dropped.
 */
export function parseInstant(text: string, name = 'as_of'): Outcome<Date> {
  const invalid = () => refused<Date>('instant_is_invalid', `"${text}" is not an instant in ISO 8601 with a zone, such as 2026-11-30T12:00:00Z`, { path: name, values: { text } });
  const match = instantPattern.exec(text);
  if (!match) return invalid();
  const [, day = '', hours = '', minutes = '', seconds = '00', fraction = '', zone = '', zoneHours = '00', zoneMinutes = '00'] = match;
  if (!parseCalendarDate(day).ok || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return invalid();
  if (zone !== 'Z' && (Number(zoneHours) > 23 || Number(zoneMinutes) > 59)) return invalid();
  const milliseconds = fraction.padEnd(3, '0').slice(0, 3);
  const instant = new Date(`${day}T${hours}:${minutes}:${seconds}.${milliseconds}${zone}`);
  return Number.isNaN(instant.getTime()) ? invalid() : accepted(instant);
}
