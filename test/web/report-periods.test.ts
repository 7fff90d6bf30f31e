import { describe, expect, it } from 'vitest';
import { presetOf, presetPeriod, todayIn } from '../../src/web/reports/report-periods.ts';

describe('report period presets', () => {
  it('names this and last month and year, across a year end and a leap February', () => {
    expect(presetPeriod('this_month', '2026-11-30')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetPeriod('last_month', '2026-11-30')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(presetPeriod('last_month', '2027-01-15')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(presetPeriod('last_month', '2028-03-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(presetPeriod('this_month', '2026-02-10')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetPeriod('this_year', '2026-11-30')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(presetPeriod('last_year', '2026-11-30')).toEqual({ from: '2025-01-01', to: '2025-12-31' });
  });

  it('recognises a period as its preset, and a period of its own as none', () => {
    expect(presetOf({ from: '2026-10-01', to: '2026-10-31' }, '2026-11-30')).toBe('last_month');
    expect(presetOf({ from: '2026-10-02', to: '2026-10-31' }, '2026-11-30')).toBeNull();
  });

  it('takes today in the organisation’s zone, not the browser’s', () => {
    // 03:30 UTC on Dec 1 is still Nov 30 in Toronto and already Dec 1 in Paris.
    const instant = new Date('2026-12-01T03:30:00Z');
    expect(todayIn('America/Toronto', instant)).toBe('2026-11-30');
    expect(todayIn('Europe/Paris', instant)).toBe('2026-12-01');
  });
});
