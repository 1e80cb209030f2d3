import { describe, expect, it } from 'vitest';
import type { AggregateOutput, DailyKpiRow } from './aggregate-stage.ts';
import { kpiAnomalies, meanShortfallZ, SHARE_DIP_MIN_Z, type IssuesOutput } from './issues-stage.ts';
import type { Run } from './run-scope.ts';

const DAY = 86_400_000;
const START = Date.parse('2026-09-01T00:00:00Z');
const DAYS = 70;
const dayOf = (i: number) => new Date(START + i * DAY).toISOString().slice(0, 10);
/** The window: the last 14 days of the series. */
const window = { start: `${dayOf(DAYS - 14)}T00:00:00.000Z`, end: `${dayOf(DAYS)}T00:00:00.000Z` };
const run = { inputs: { window } } as unknown as Run;

/**
 * 200 users a day, every one of them spending (revenue per user 5.00, then 3.00 on the dip day), the
 * users' revenues spread with standard deviation `sd`; conversions and engagement flat.
 */
function series(sd: number, dipDay: number): DailyKpiRow[] {
  return Array.from({ length: DAYS }, (_, i) => {
    const users = 200;
    const mean = i === dipDay ? 3 : 5 + 0.01 * ((i * 7) % 5);
    // Σr² = (n − 1)·s² + n·mean²
    return {
      day: dayOf(i),
      users,
      engaged: 100,
      converters: 50,
      revenue: mean * users,
      revenue_sum_squares: (users - 1) * sd * sd + users * mean * mean,
    };
  });
}

function dips(rows: DailyKpiRow[]) {
  const a = {
    daily: rows,
    kpiLatest: { engagement: window.end, conversion: window.end, revenue: window.end },
  } as unknown as AggregateOutput;
  const kpis: IssuesOutput['kpis'] = [];
  const found = kpiAnomalies(run, a, kpis).filter((x) => x.subject === 'revenue_per_user');
  return { found, noise: kpis.find((k) => k.kpi === 'revenue_per_user')?.within_noise ?? [] };
}

describe('revenue per user: a dip must exceed the day’s sampling noise', () => {
  it('meanShortfallZ: the standard error of the day’s mean, hand-computed', () => {
    // revenues 0, 10, 0, 30: mean 10, s² = (1000 − 4·100) / 3 = 200, se = √(200/4) = 7.0711
    const row = { day: 'd', users: 4, engaged: 0, converters: 0, revenue: 40, revenue_sum_squares: 1000 };
    expect(meanShortfallZ(10, 25, row)).toBeCloseTo(15 / Math.sqrt(50), 12);
    expect(meanShortfallZ(10, 25, { ...row, users: 1 })).toBeNull();
    expect(meanShortfallZ(10, 25, { ...row, revenue_sum_squares: 400 })).toBeNull(); // no spread
    expect(meanShortfallZ(null, 25, row)).toBeNull();
  });

  it('a 5.00 → 3.00 day with a spread of 20 per user (se 1.41, z 1.41) is within noise, not a dip', () => {
    const dipDay = DAYS - 5;
    const { found, noise } = dips(series(20, dipDay));
    expect(found.map((x) => x.at.slice(0, 10))).not.toContain(dayOf(dipDay));
    const day = noise.find((n) => n.day === dayOf(dipDay));
    expect(day?.users).toBe(200);
    expect(day?.z).toBeGreaterThan(0);
    expect(day?.z).toBeLessThan(SHARE_DIP_MIN_Z);
  });

  it('the same day with a spread of 2 per user (se 0.14) is reported', () => {
    const dipDay = DAYS - 5;
    const { found, noise } = dips(series(2, dipDay));
    expect(found.map((x) => x.at.slice(0, 10))).toContain(dayOf(dipDay));
    expect(noise).toEqual([]);
  });
});
