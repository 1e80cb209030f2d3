/**
 * Level shifts on a hand-worked series: a 9, 10, 11 cycle has median 10 and MAD 1 (scale 1.4826)
 * over any 14 consecutive days, and keeps them with one outlier in the window (worked out in the
 * comments), so each z below is exact by hand: value = 10 + 1.4826·z.
 */
import { describe, expect, it } from 'vitest';
import { AnomalyInputError } from './anomaly-input-error.ts';
import { levelShift } from './level-shift.ts';
import { DAY_MS, formatTime, toEpochMs } from './to-epoch-ms.ts';

const start = toEpochMs('2024-01-01');
const day = (d: number) => formatTime(start + d * DAY_MS);
const planted: Record<number, number> = {
  // A step up held for exactly 4 days; window 16..29 holds 4 nines, 5 tens, 5 elevens → 10 and 1.
  30: 5,
  31: 5,
  32: 5,
  33: 5,
  // A one-day spike: no 4-day median moves.
  45: 20,
  // A step down held for 4 days; window 36..49: 4 nines, 5 tens, 4 elevens and the spike → 10 and 1.
  50: -4.5,
  51: -4.5,
  52: -4.5,
  53: -4.5,
};
const series = Array.from({ length: 63 }, (_, d) => ({
  t: start + d * DAY_MS,
  value: d in planted ? 10 + 1.4826 * planted[d] : [9, 10, 11][d % 3],
}));

describe('levelShift', () => {
  it('flags the first day of each held step, not the spike, not the days whose horizon leaves the step', () => {
    const r = levelShift(series, { subject: 'cpc' });
    // Expanding baseline from 7 values; the last 3 days cannot be judged yet (horizon 4).
    expect(r.points[0]).toMatchObject({ at: day(7), history: 7 });
    expect(r.points[r.points.length - 1].at).toBe(day(59));
    expect(r.points).toHaveLength(53);
    expect(r.anomalies.map((a) => [a.at, a.direction])).toEqual([
      [day(30), 'pos'],
      [day(50), 'neg'],
    ]);
    const [up, down] = r.anomalies;
    expect(up.evidence.score).toBeCloseTo(5, 9);
    expect(down.evidence.score).toBeCloseTo(-4.5, 9);
    expect(up.evidence).toMatchObject({
      detector: 'level-shift',
      expected: 10,
      threshold: 4,
      window: { from: day(16), to: day(29), points: 14 },
      details: { held_from: day(30), held_to: day(33), horizon: 4, confirm: 1 },
    });
    expect(up.evidence.details?.scale).toBeCloseTo(1.4826, 9);
    expect(up.severity).toBe('warn');
    expect(up.playbook).toMatch(/higher level/);
    // Day 31's horizon (31..34) ends on a normal day: its median is the step's, but not held.
    const p31 = r.points.find((p) => p.at === day(31))!;
    expect(p31.z).toBeGreaterThan(4);
    expect(p31.flagged).toBe(false);
  });

  it('direction and threshold', () => {
    expect(levelShift(series, { direction: 'pos' }).anomalies.map((a) => a.at)).toEqual([day(30)]);
    expect(levelShift(series, { direction: 'neg' }).anomalies.map((a) => a.at)).toEqual([day(50)]);
    expect(levelShift(series, { threshold: 4.6 }).anomalies.map((a) => a.at)).toEqual([day(30)]);
    // A horizon of 1 is a plain trailing median/MAD test of each day: the spike and every step day.
    const one = levelShift(series, { horizon: 1, confirm: 0 }).anomalies.map((a) => a.at);
    expect(one).toEqual(expect.arrayContaining([day(30), day(45), day(50)]));
  });

  it('rejects inconsistent options', () => {
    expect(() => levelShift(series, { horizon: 0 })).toThrow(AnomalyInputError);
    expect(() => levelShift(series, { confirm: 5 })).toThrow(/confirm/);
    expect(() => levelShift(series, { window: 5 })).toThrow(/minHistory/);
    expect(levelShift(series.slice(0, 10)).points).toHaveLength(0);
  });
});
