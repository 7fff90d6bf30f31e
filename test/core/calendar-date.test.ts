import { describe, expect, it } from 'vitest';
import { compareCalendarDates, parseCalendarDate, type CalendarDate } from '../../src/core/calendar-date.ts';

describe('parseCalendarDate', () => {
  it.each(['2024-02-29', '2026-02-28', '2026-12-31', '2026-01-01', '2000-02-29', '1900-01-01', '9999-12-31'])('accepts %s', (text) => {
    expect(parseCalendarDate(text)).toEqual({ ok: true, value: text });
  });

  it.each([
    '2026-02-30',
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-32',
    '2026-1-5',
    '26-01-05',
    '2026/01/05',
    '2026-01-05T00:00:00Z',
    ' 2026-01-05',
    '2026-01-05 ',
    '',
    '0999-01-01',
    'yesterday',
  ])('refuses %j with date_is_invalid, quoting the input', (text) => {
    const outcome = parseCalendarDate(text);
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'date_is_invalid' } });
    if (!outcome.ok) expect(outcome.refusal.message).toContain(`"${text}"`);
  });
});

describe('compareCalendarDates', () => {
  it('orders dates chronologically', () => {
    const date = (text: string) => text as CalendarDate;
    expect(compareCalendarDates(date('2026-01-09'), date('2026-01-10'))).toBe(-1);
    expect(compareCalendarDates(date('2026-02-01'), date('2026-01-31'))).toBe(1);
    expect(compareCalendarDates(date('2025-12-31'), date('2026-01-01'))).toBe(-1);
    expect(compareCalendarDates(date('2026-03-03'), date('2026-03-03'))).toBe(0);
  });
});
