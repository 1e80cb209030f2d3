/**
 * The daily-KPI check on a planted anomaly: a weekly-seasonal conversion rate (deterministic
 * pseudo-noise, no RNG) with a 40 % drop on one day must be flagged by all three detectors, and
 * nothing else by two of them; a drop followed by two days 7 % low is reported as one episode of
 * three days; a step 8 % down that the KPI holds is reported by the level shift alone.
 */
import { describe, expect, it } from 'vitest';
import { detectDailyKpiAnomalies } from './detect-daily-kpi-anomalies.ts';
import { DAY_MS, toEpochMs } from './to-epoch-ms.ts';

const start = toEpochMs('2024-01-01');
const weekly = [1.1, 1.05, 1, 1, 0.95, 0.8, 0.85];
const kpi = Array.from({ length: 84 }, (_, d) => ({
  t: start + d * DAY_MS,
  value:
    0.03 * weekly[d % 7] * (1 + 0.02 * Math.sin(d * 2.1) + 0.015 * Math.cos(d * 0.7)) * (d === 70 ? 0.6 : 1),
}));

describe('detectDailyKpiAnomalies', () => {
  it('flags the planted drop, with all three detectors agreeing, and nothing else', () => {
    const r = detectDailyKpiAnomalies(kpi, { subject: 'conversion/email' });
    expect(r.skipped).toEqual([]);
    expect(r.anomalies.map((a) => a.at)).toEqual(['2024-03-11']);
    const [a] = r.anomalies;
    expect(a).toMatchObject({ subject: 'conversion/email', direction: 'neg', votes: 3 });
    expect(a.evidence.expected).toBeGreaterThan(a.evidence.value);
    expect(a.playbook).toMatch(/freshness/);
  });

  it('a drop that lingers is reported for the days it lasts (departure episode)', () => {
    const level: Record<number, number> = { 70: 0.6, 71: 0.93, 72: 0.93 };
    const flat = Array.from({ length: 84 }, (_, d) => ({
      t: start + d * DAY_MS,
      value: 0.03 * (1 + 0.02 * Math.sin(d * 2.1) + 0.015 * Math.cos(d * 0.7)) * (level[d] ?? 1),
    }));
    const r = detectDailyKpiAnomalies(flat, { subject: 'conversion/email' });
    expect(r.anomalies.map((a) => [a.at, a.direction, a.detectors.length])).toEqual([
      ['2024-03-11', 'neg', 4],
      ['2024-03-12', 'neg', 1],
      ['2024-03-13', 'neg', 1],
    ]);
    expect(r.anomalies[1].detectors).toEqual(['departure-episode']);
    expect(r.anomalies[2].evidence.details).toMatchObject({
      role: 'persists',
      episode_from: '2024-03-11',
      episode_to: '2024-03-13',
    });
    // Without episodes only the drop itself is kept by the vote.
    const voted = detectDailyKpiAnomalies(flat, { subject: 'conversion/email', episodes: false });
    expect(voted.anomalies.map((a) => a.at)).toEqual(['2024-03-11']);
  });

  it('a step the KPI holds is reported by the level shift, which no vote needs', () => {
    // 8 % lower from day 70 to the end: within the noise of single days for the vote on day 71.
    const stepped = Array.from({ length: 84 }, (_, d) => ({
      t: start + d * DAY_MS,
      value: 0.03 * (1 + 0.02 * Math.sin(d * 2.1) + 0.015 * Math.cos(d * 0.7)) * (d >= 70 ? 0.92 : 1),
    }));
    const r = detectDailyKpiAnomalies(stepped, { subject: 'conversion/email' });
    expect(r.anomalies.map((a) => [a.at, a.direction, a.detectors.join('+')])).toEqual([
      ['2024-03-12', 'neg', 'level-shift'],
      ['2024-03-15', 'neg', 'same-weekday-z+trailing-robust-z'],
    ]);
    expect(r.anomalies[0].evidence.details).toMatchObject({ held_from: '2024-03-12', held_to: '2024-03-15' });
    const off = detectDailyKpiAnomalies(stepped, { subject: 'conversion/email', levelShift: false });
    expect(off.anomalies.map((a) => a.at)).toEqual(['2024-03-15']);
  });

  it('a short new segment skips S-H-ESD and says why', () => {
    const r = detectDailyKpiAnomalies(kpi.slice(0, 12));
    expect(r.skipped.map((s) => s.detector)).toEqual(['seasonal-hybrid-esd']);
    expect(r.anomalies).toEqual([]);
  });
});
