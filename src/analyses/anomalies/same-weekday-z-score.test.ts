/**
 * Same-weekday robust z, hand-computed. Mondays of 2024 (01-01 is a Monday) take 100, 102, 98, 101,
 * 99, 100, 103, 97 then 130 (02-26); the other days are a flat 50 except two Tuesdays.
 * Eight-week baseline of the ninth Monday: sorted 97 98 99 100 100 101 102 103 → median 100;
 * |deviations| 0 0 1 1 2 2 3 3 → MAD 1.5 → scale 1.4826 × 1.5 = 2.2239; z = 30 / 2.2239 = 13.4898.
 * Four-week baseline: 99 100 103 97 → median 99.5, |dev| .5 .5 3.5 2.5 → MAD 1.5; z = 30.5 / 2.2239.
 */
import { describe, expect, it } from 'vitest';
import { AnomalyInputError } from './anomaly-input-error.ts';
import { sameWeekdayZScore } from './same-weekday-z-score.ts';
import { DAY_MS, toEpochMs } from './to-epoch-ms.ts';

const start = toEpochMs('2024-01-01');
const mondays = [100, 102, 98, 101, 99, 100, 103, 97, 130];
const series = Array.from({ length: 63 }, (_, d) => {
  let value = d % 7 === 0 ? mondays[d / 7] : 50;
  if (d === 7 * 8 + 1) value = 53; // Tuesday 2024-02-27: flat history → scale floor 0.01 × 50 = 0.5, z = 6
  if (d === 7 * 7 + 1) value = 50.2; // Tuesday 2024-02-20: z = 0.4, not flagged
  return { t: start + d * DAY_MS, value };
});

describe('sameWeekdayZScore', () => {
  it('eight weeks: the ninth Monday scores 30 / (1.4826 × 1.5)', () => {
    const { points, anomalies } = sameWeekdayZScore(series, { subject: 'kpi' });
    const monday = points.find((p) => p.at === '2024-02-26');
    expect(monday).toMatchObject({ value: 130, baseline: 100, history: 8, flagged: true });
    expect(monday?.scale).toBeCloseTo(2.2239, 12);
    expect(monday?.z).toBeCloseTo(30 / 2.2239, 10);
    const a = anomalies.find((x) => x.at === '2024-02-26');
    expect(a).toMatchObject({ subject: 'kpi', direction: 'pos', severity: 'error' });
    expect(a?.evidence).toMatchObject({
      detector: 'same-weekday-z',
      value: 130,
      expected: 100,
      threshold: 3.5,
    });
    expect(a?.evidence.window).toEqual({ from: '2024-01-01', to: '2024-02-19', points: 8 });
    expect(a?.playbook).toMatch(/same weekday/);
  });

  it('four weeks: baseline 99.5, z = 30.5 / 2.2239', () => {
    const monday = sameWeekdayZScore(series, { weeks: 4 }).points.find((p) => p.at === '2024-02-26');
    expect(monday?.baseline).toBe(99.5);
    expect(monday?.z).toBeCloseTo(30.5 / 2.2239, 10);
  });

  it('flat history: the scale floor (1 % of the baseline) keeps z finite', () => {
    const points = sameWeekdayZScore(series).points;
    expect(points.find((p) => p.at === '2024-02-27')).toMatchObject({ scale: 0.5, flagged: true });
    expect(points.find((p) => p.at === '2024-02-27')?.z).toBeCloseTo(6, 12);
    expect(points.find((p) => p.at === '2024-02-20')?.z).toBeCloseTo(0.4, 10);
    expect(points.find((p) => p.at === '2024-02-20')?.flagged).toBe(false);
  });

  it('needs minHistory same weekdays; absent weeks are skipped, not zero', () => {
    const points = sameWeekdayZScore(series).points;
    expect(points[0].at).toBe('2024-01-22'); // three Mondays before it
    const holes = series.filter((p) => p.t !== toEpochMs('2024-02-19') && p.t !== toEpochMs('2024-02-12'));
    const monday = sameWeekdayZScore(holes).points.find((p) => p.at === '2024-02-26');
    expect(monday?.history).toBe(6); // 100 102 98 101 99 100 → median 100
    expect(monday?.baseline).toBe(100);
  });

  it('direction: neg ignores spikes; thresholds and weeks are validated', () => {
    expect(sameWeekdayZScore(series, { direction: 'neg' }).anomalies).toHaveLength(0);
    expect(() => sameWeekdayZScore(series, { weeks: 0 })).toThrow(AnomalyInputError);
    expect(() => sameWeekdayZScore(series, { threshold: -1 })).toThrow(/threshold/);
  });
});
