/**
 * Daily aggregation against R: the daily means of NAB exchange-4_cpc computed in R 4.2.2 with
 * aggregate(value, list(day = substr(timestamp, 1, 10)), mean) are the `data` column of
 * derived/r-stl-nab-exchange-4-cpc-daily-periodic-robust.csv.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import { aggregateDaily } from './aggregate-daily.ts';
import { normalizeSeries } from './normalize-series.ts';
import { formatTime, toEpochMs } from './to-epoch-ms.ts';

const hourly = (file: string) =>
  readFileSync(referencePath('anomalies', 'nab-realAdExchange', file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [t, v] = l.split(',');
      return { t, value: Number(v) };
    });

describe('aggregateDaily', () => {
  it("daily means equal R's aggregate() on NAB exchange-4_cpc", () => {
    const r = readFileSync(
      referencePath('anomalies', 'derived', 'r-stl-nab-exchange-4-cpc-daily-periodic-robust.csv'),
      'utf8',
    )
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[1]));
    const daily = aggregateDaily(hourly('exchange-4_cpc_results.csv'));
    expect(daily.values).toHaveLength(69);
    daily.values.forEach((v, i) => expect(Math.abs(v - r[i])).toBeLessThan(1e-15));
    expect(formatTime(daily.times[0])).toBe('2011-07-01');
    expect(daily.counts[68]).toBe(15);
  });

  it('drops days with fewer than minPoints; repeated timestamps both count', () => {
    const points = hourly('exchange-2_cpc_results.csv');
    const daily = aggregateDaily(points, { minPoints: 12 });
    expect(daily.dropped).toEqual([{ date: '2011-09-02', points: 9 }]);
    const aug24 = points.filter((p) => p.t.startsWith('2011-08-24'));
    const k = Array.from(daily.times).indexOf(toEpochMs('2011-08-24'));
    expect(daily.counts[k]).toBe(aug24.length);
    expect(daily.values[k]).toBeCloseTo(aug24.reduce((s, p) => s + p.value, 0) / aug24.length, 15);
  });

  it('sum, count, min, max, last; reporting-day offset', () => {
    const pts = [
      { t: '2024-01-01T01:00:00Z', value: 2 },
      { t: '2024-01-01T23:30:00Z', value: 5 },
      { t: '2024-01-02T03:00:00Z', value: 1 },
    ];
    expect(Array.from(aggregateDaily(pts, { statistic: 'sum' }).values)).toEqual([7, 1]);
    expect(Array.from(aggregateDaily(pts, { statistic: 'count' }).values)).toEqual([2, 1]);
    expect(Array.from(aggregateDaily(pts, { statistic: 'max' }).values)).toEqual([5, 1]);
    expect(Array.from(aggregateDaily(pts, { statistic: 'last' }).values)).toEqual([5, 1]);
    // New York (UTC−5): 01:00Z is still Dec 31; 23:30Z and 03:00Z are Jan 1.
    const ny = aggregateDaily(pts, { statistic: 'min', utcOffsetMinutes: -300 });
    expect(Array.from(ny.times, formatTime)).toEqual(['2023-12-31', '2024-01-01']);
    expect(Array.from(ny.values)).toEqual([2, 1]);
  });
});

describe('toEpochMs / normalizeSeries', () => {
  it('reads ISO dates and date-times as UTC unless a zone is given', () => {
    expect(toEpochMs('2011-07-01')).toBe(Date.UTC(2011, 6, 1));
    expect(toEpochMs('2011-07-01 00:15:01')).toBe(Date.UTC(2011, 6, 1, 0, 15, 1));
    expect(toEpochMs('2011-07-01 00:15:01.000000')).toBe(Date.UTC(2011, 6, 1, 0, 15, 1));
    expect(toEpochMs('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(toEpochMs('2024-05-01T12:00:00-0530')).toBe(Date.UTC(2024, 4, 1, 17, 30));
    expect(toEpochMs(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(toEpochMs('2024-02-30')).toBeNaN();
    expect(toEpochMs('May 1')).toBeNaN();
  });

  it('sorts, validates and refuses duplicate times', () => {
    const s = normalizeSeries([
      { t: '2024-05-02', value: 3 },
      { t: '2024-05-01', value: 1 },
    ]);
    expect(Array.from(s.values)).toEqual([1, 3]);
    expect(() => normalizeSeries([{ t: '2024-05-01', value: Number.NaN }])).toThrow(/NaN/);
    expect(() =>
      normalizeSeries([
        { t: '2024-05-01', value: 1 },
        { t: '2024-05-01T00:00:00Z', value: 2 },
      ]),
    ).toThrow(/two points/);
    expect(() => normalizeSeries({ times: [1, 2], values: [1] })).toThrow(/2 times but 1 values/);
  });
});
