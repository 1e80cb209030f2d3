/** Volume drop, hand-computed: same-weekday medians of previous weeks. */
import { describe, expect, it } from 'vitest';
import { DAY_MS, toEpochMs } from './to-epoch-ms.ts';
import { volumeDrop } from './volume-drop.ts';

const start = toEpochMs('2024-04-01'); // a Monday
// Mondays 1000, 1100, 900, 1050 then 600 (drop 1 − 600/1025 = 0.4146); other days 500, last Sunday 150.
const mondays = [1000, 1100, 900, 1050, 600];
const series = Array.from({ length: 35 }, (_, d) => ({
  t: start + d * DAY_MS,
  value: d % 7 === 0 ? mondays[d / 7] : d === 34 ? 150 : 500,
}));

describe('volumeDrop', () => {
  it('warn at a 41 % drop against the 4-week same-weekday median (1025)', () => {
    const { checks, anomalies } = volumeDrop(series, { subject: 'events' });
    const monday = checks.find((c) => c.at === '2024-04-29');
    expect(monday).toMatchObject({ count: 600, baseline: 1025, history: 4, status: 'warn' });
    expect(monday?.drop).toBeCloseTo(1 - 600 / 1025, 15);
    const a = anomalies.find((x) => x.at === '2024-04-29');
    expect(a?.evidence).toMatchObject({
      detector: 'volume-drop',
      value: 600,
      expected: 1025,
      threshold: 0.3,
    });
    expect(a?.evidence.window).toEqual({ from: '2024-04-01', to: '2024-04-22', points: 4 });
  });

  it('error at a 70 % drop; ok days are not anomalies', () => {
    const { checks, anomalies } = volumeDrop(series);
    expect(checks.find((c) => c.at === '2024-05-05')).toMatchObject({ baseline: 500, status: 'error' });
    expect(anomalies.map((a) => [a.at, a.severity])).toEqual([
      ['2024-04-29', 'warn'],
      ['2024-05-05', 'error'],
    ]);
  });

  it('needs minHistory weeks; thresholds are configurable and validated', () => {
    expect(volumeDrop(series).checks[0].at).toBe('2024-04-15');
    expect(volumeDrop(series, { warnDrop: 0.5 }).anomalies.map((a) => a.at)).toEqual(['2024-05-05']);
    expect(() => volumeDrop(series, { warnDrop: 0.7, errorDrop: 0.5 })).toThrow(/warnDrop/);
    expect(() => volumeDrop([{ t: start, value: -1 }])).toThrow(/negative/);
  });
});
