/**
 * Trailing robust z against a second computation: the seasonal component is R's own
 * (stl(ts(daily means, frequency = 7), s.window = "periodic", robust = TRUE) on NAB exchange-4_cpc,
 * derived/r-stl-nab-exchange-4-cpc-daily-periodic-robust.csv) and the window statistics are
 * recomputed by brute force here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import { DAY_MS, toEpochMs } from './to-epoch-ms.ts';
import { trailingRobustZScore } from './trailing-robust-z-score.ts';

const rows = readFileSync(
  referencePath('anomalies', 'derived', 'r-stl-nab-exchange-4-cpc-daily-periodic-robust.csv'),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',').map(Number));
const start = toEpochMs('2011-07-01');
const series = rows.map(([i, value]) => ({ t: start + i * DAY_MS, value }));

const med = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

describe('trailingRobustZScore', () => {
  it("equals median/MAD of the previous 28 deseasonalised days, with R's seasonal component", () => {
    const { points } = trailingRobustZScore(series, { period: 7, window: 28, minHistory: 14, step: DAY_MS });
    const adjusted = rows.map(([, v, s]) => v - s);
    expect(points).toHaveLength(rows.length - 14);
    for (const p of points) {
      const i = (p.t - start) / DAY_MS;
      const history = adjusted.slice(Math.max(0, i - 28), i);
      const center = med(history);
      let scale = 1.4826 * med(history.map((x) => Math.abs(x - center)));
      scale = Math.max(scale, 0.01 * Math.abs(center + rows[i][2]));
      expect(p.baseline).toBeCloseTo(center + rows[i][2], 12);
      expect(p.z).toBeCloseTo((adjusted[i] - center) / scale, 9);
    }
  });

  it('period 0 scores raw values; evidence names the window', () => {
    const { anomalies } = trailingRobustZScore(series, {
      period: 0,
      window: 14,
      minHistory: 7,
      subject: 'cpc',
    });
    expect(anomalies.length).toBeGreaterThan(0);
    const a = anomalies[0];
    expect(a.evidence).toMatchObject({ detector: 'trailing-robust-z', threshold: 3.5 });
    expect(a.evidence.window.points).toBe(Math.min(14, (a.t - start) / DAY_MS));
  });
});
