/**
 * Variant suppression. One-sided p-values checked against R 4.2.2, run offline:
 *   prop.test(4700, 10000, p = 0.5, alternative = "less", correct = FALSE)$p.value = 9.86587645037698e-10 (z = −6)
 *   prop.test(700, 4000, p = 0.25, alternative = "less", correct = FALSE)$p.value = 3.16303413183863e-28
 *   prop.test(1800, 10000, p = 0.2, alternative = "less", correct = FALSE)$p.value = 2.86651571879194e-07
 */
import { describe, expect, it } from 'vitest';
import { variantSuppression, type VariantExposure } from './variant-suppression.ts';

const day = (d: number) => `2024-06-${String(d).padStart(2, '0')}`;

describe('variantSuppression', () => {
  it('significant but within tolerance is not suppression (47 % of a 50/50 split)', () => {
    const r = variantSuppression(
      [
        { variant: 'control', plannedShare: 50 },
        { variant: 'treatment', plannedShare: 50 },
      ],
      [
        { variant: 'control', t: day(1), exposures: 5300 },
        { variant: 'treatment', t: day(1), exposures: 4700 },
      ],
    );
    const treatment = r.variants[1];
    expect(treatment.z).toBeCloseTo(-6, 12);
    expect(Math.abs(treatment.pValue - 9.86587645037698e-10) / 9.86587645037698e-10).toBeLessThan(1e-9);
    expect(treatment.relativeShortfall).toBeCloseTo(0.06, 12);
    expect(treatment.suppressed).toBe(false);
    expect(r.anomalies).toHaveLength(0);
  });

  it('significant and 30 % below plan is suppression', () => {
    const plan = ['a', 'b', 'c', 'd'].map((variant) => ({ variant, plannedShare: 1 }));
    const exposures = [
      { variant: 'a', t: day(1), exposures: 700 },
      { variant: 'b', t: day(1), exposures: 1100 },
      { variant: 'c', t: day(1), exposures: 1100 },
      { variant: 'd', t: day(1), exposures: 1100 },
    ];
    const r = variantSuppression(plan, exposures, { subject: 'hero-banner' });
    expect(r.variants[0].pValue / 3.16303413183863e-28).toBeCloseTo(1, 8);
    expect(r.variants[0].suppressed).toBe(true);
    expect(r.anomalies).toHaveLength(1);
    expect(r.anomalies[0]).toMatchObject({
      subject: 'hero-banner/a',
      direction: 'neg',
      severity: 'warn',
      at: day(1),
    });
    expect(r.anomalies[0].evidence).toMatchObject({
      detector: 'variant-suppression',
      value: 0.175,
      expected: 0.25,
    });
    expect(r.anomalies[0].evidence.score).toBeCloseTo(0.3, 12);
  });

  it('three arms 20/30/50: p-value as R; 10 % short is within tolerance', () => {
    const r = variantSuppression(
      [
        { variant: 'a', plannedShare: 0.2 },
        { variant: 'b', plannedShare: 0.3 },
        { variant: 'c', plannedShare: 0.5 },
      ],
      [
        { variant: 'a', t: day(1), exposures: 1800 },
        { variant: 'b', t: day(1), exposures: 3100 },
        { variant: 'c', t: day(1), exposures: 5100 },
      ],
    );
    expect(r.variants[0].pValue / 2.86651571879194e-7).toBeCloseTo(1, 8);
    expect(r.variants[0].suppressed).toBe(false);
  });

  it('small samples: a large gap without significance is not flagged', () => {
    const r = variantSuppression(
      [
        { variant: 'a', plannedShare: 1 },
        { variant: 'b', plannedShare: 1 },
      ],
      [
        { variant: 'a', t: day(1), exposures: 20 },
        { variant: 'b', t: day(1), exposures: 10 },
      ],
    );
    expect(r.variants[1].relativeShortfall).toBeCloseTo(1 / 3, 12);
    expect(r.variants[1].suppressed).toBe(false);
  });

  it('stalled: zero exposures on the latest days while the other variant runs', () => {
    const exposures: VariantExposure[] = [];
    for (let d = 1; d <= 10; d++) {
      exposures.push({ variant: 'control', t: day(d), exposures: 1000 });
      if (d <= 7) exposures.push({ variant: 'treatment', t: day(d), exposures: 1000 });
      else if (d === 8) exposures.push({ variant: 'treatment', t: day(d), exposures: 0 });
    }
    const plan = [
      { variant: 'control', plannedShare: 1 },
      { variant: 'treatment', plannedShare: 1 },
    ];
    const r = variantSuppression(plan, exposures, { subject: 'exp-42' });
    // 7,000 of 17,000 is 18 % short of plan: within tolerance, but the stall is flagged on its own.
    expect(r.variants[1]).toMatchObject({ zeroDays: 3, stalled: true, suppressed: false });
    const stalled = r.anomalies.find((a) => a.evidence.detector === 'variant-stalled');
    expect(stalled).toMatchObject({ subject: 'exp-42/treatment', severity: 'error', at: day(10) });
    expect(stalled?.evidence.window).toEqual({ from: day(8), to: day(10), points: 3 });
    expect(variantSuppression(plan, exposures, { stalledDays: 4 }).variants[1].stalled).toBe(false);
    // A day with no exposures at all is a pause, not a stall.
    const paused = exposures.filter((e) => e.t !== day(9));
    expect(variantSuppression(plan, paused).variants[1].zeroDays).toBe(1);
  });

  it('rejects unknown variants and empty plans', () => {
    expect(() =>
      variantSuppression([{ variant: 'a', plannedShare: 1 }], [{ variant: 'z', t: day(1), exposures: 1 }]),
    ).toThrow(/not planned/);
    expect(() => variantSuppression([{ variant: 'a', plannedShare: 0 }], [])).toThrow(/sum to 0/);
  });
});
