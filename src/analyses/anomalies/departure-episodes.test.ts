/**
 * Departure episodes on a hand-worked series: a 9, 10, 11 cycle has median 10 and MAD 1 over any
 * 21 days (scale 1.4826), and stays so while at most a few departing days are in the window (the
 * counts are worked out in the comments), so every z below is exact by hand:
 * value = 10 + 1.4826·z.
 */
import { describe, expect, it } from 'vitest';
import { AnomalyInputError } from './anomaly-input-error.ts';
import { departureEpisodes } from './departure-episodes.ts';
import { DAY_MS, formatTime, toEpochMs } from './to-epoch-ms.ts';

const start = toEpochMs('2024-01-01');
const day = (d: number) => formatTime(start + d * DAY_MS);
const planted: Record<number, number> = {
  // days 6..26 hold seven of each value: z(27) = 1.5, the onset.
  27: 1.5,
  // window 7..27: 6 nines, 7 tens, 7 elevens and 12.22 → median 10, MAD 1.
  28: 2,
  // window 8..28: 6 / 6 / 7 and two high values → still 10 and 1: the trigger.
  29: 6,
  // window 9..29: 6 / 6 / 6 and three high → 10 and 1.
  30: 3,
  // day 31 is the cycle's 10 (z = 0): the episode ends on day 30.
  // A dip short of the trigger, alone (window 34..54 is the plain cycle).
  55: -4,
  // Window 39..59: 4.07, 7 nines, 6 tens, 7 elevens → 10 and 1; persists but never triggers.
  60: 1.3,
};
const series = Array.from({ length: 63 }, (_, d) => ({
  t: start + d * DAY_MS,
  value: d in planted ? 10 + 1.4826 * planted[d] : [9, 10, 11][d % 3],
}));

describe('departureEpisodes', () => {
  it('flags the run around a trigger: onset, trigger and the days it persists, nothing else', () => {
    const r = departureEpisodes(series, { step: DAY_MS, subject: 'cpc' });
    expect(r.points[0].at).toBe(day(14)); // minHistory 14
    expect(r.episodes).toHaveLength(1);
    expect(r.episodes[0]).toMatchObject({
      from: day(27),
      to: day(30),
      days: 4,
      direction: 'pos',
      peak: day(29),
    });
    expect(r.episodes[0].peakZ).toBeCloseTo(6, 9);
    expect(r.anomalies.map((a) => a.at)).toEqual([day(27), day(28), day(29), day(30)]);
    const z = r.anomalies.map((a) => a.evidence.score);
    [1.5, 2, 6, 3].forEach((x, i) => expect(z[i]).toBeCloseTo(x, 9));
    expect(r.anomalies.map((a) => a.evidence.details?.role)).toEqual([
      'onset',
      'onset',
      'trigger',
      'persists',
    ]);
    expect(r.anomalies.map((a) => a.evidence.threshold)).toEqual([1.25, 1.25, 5, 1.25]);
    const trigger = r.anomalies[2];
    expect(trigger).toMatchObject({ subject: 'cpc', direction: 'pos', severity: 'warn' });
    expect(trigger.evidence).toMatchObject({
      detector: 'departure-episode',
      expected: 10,
      window: { from: day(8), to: day(28), points: 21 },
    });
    expect(trigger.evidence.details).toMatchObject({
      episode_from: day(27),
      episode_to: day(30),
      episode_days: 4,
    });
    expect(trigger.playbook).toMatch(/first day of the episode/);
  });

  it('honours trigger, persist and direction', () => {
    expect(departureEpisodes(series, { step: DAY_MS, trigger: 6.5 }).anomalies).toEqual([]);
    expect(departureEpisodes(series, { step: DAY_MS, trigger: 3.9 }).episodes.map((e) => e.peak)).toEqual([
      day(29),
      day(55),
    ]);
    const strict = departureEpisodes(series, { step: DAY_MS, persist: 1.9 });
    expect(strict.anomalies.map((a) => a.at)).toEqual([day(28), day(29), day(30)]);
    expect(departureEpisodes(series, { step: DAY_MS, direction: 'neg' }).anomalies).toEqual([]);
    expect(
      departureEpisodes(series, { step: DAY_MS, direction: 'neg', trigger: 3.9 }).episodes,
    ).toMatchObject([{ from: day(55), to: day(55), days: 1, direction: 'neg' }]);
  });

  it('a missing day does not end a run (absent, not normal)', () => {
    const gappy = series.filter((_, d) => d !== 28);
    const r = departureEpisodes(gappy, { step: DAY_MS });
    expect(r.anomalies.map((a) => a.at)).toEqual([day(27), day(29), day(30)]);
    expect(r.anomalies[1].evidence.window).toEqual({ from: day(8), to: day(27), points: 20 });
  });

  it('rejects persist above trigger', () => {
    expect(() => departureEpisodes(series, { trigger: 2, persist: 3 })).toThrow(AnomalyInputError);
  });
});
