import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The build writes the @stdlib distributions as one file beside the compiled distributions module
// (scripts/build.mjs); `npm test` builds before the tests run.
const prebuilt = fileURLToPath(
  new URL('../../../dist/analyses/experiments/stdlib-dists.cjs', import.meta.url),
);
const load = createRequire(import.meta.url);

describe('the prebuilt @stdlib distributions', () => {
  it('exist after the build and give exactly the packages’ values', () => {
    expect(existsSync(prebuilt), 'run `npm run build` first').toBe(true);
    const d = load(prebuilt) as {
      normal: {
        cdf(x: number, m: number, s: number): number;
        quantile(p: number, m: number, s: number): number;
      };
      t: { cdf(x: number, k: number): number; quantile(p: number, k: number): number };
      chisquare: { cdf(x: number, k: number): number };
    };
    const normal = load('@stdlib/stats-base-dists-normal') as typeof d.normal;
    const t = load('@stdlib/stats-base-dists-t') as typeof d.t;
    const chisquare = load('@stdlib/stats-base-dists-chisquare') as typeof d.chisquare;
    for (const x of [-40, -8.3, -1.96, -0.5, 0, 0.25, 1.2816, 3.1, 12]) {
      expect(d.normal.cdf(x, 0, 1)).toBe(normal.cdf(x, 0, 1));
      for (const k of [1, 2.5, 7.5, 30, 1e4]) {
        expect(d.t.cdf(x, k)).toBe(t.cdf(x, k));
        if (x > 0) expect(d.chisquare.cdf(x, k)).toBe(chisquare.cdf(x, k));
      }
    }
    for (const p of [1e-12, 0.001, 0.025, 0.5, 0.975, 0.999999]) {
      expect(d.normal.quantile(p, 0, 1)).toBe(normal.quantile(p, 0, 1));
      expect(d.t.quantile(p, 7.5)).toBe(t.quantile(p, 7.5));
    }
  });
});
