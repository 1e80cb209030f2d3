/**
 * Invariant tables: properties every correct implementation must have, checked over a grid of
 * deterministic pseudo-random inputs (seeded, so a failure reproduces).
 */
import { describe, expect, it } from 'vitest';
import { bayesianEffect } from './bayesian-effect.ts';
import { benjaminiHochberg } from './benjamini-hochberg.ts';
import { effectMoments } from './effect-moments.ts';
import { holmBonferroni } from './holm-bonferroni.ts';
import { sequentialTest } from './sequential-test.ts';
import type { ArmData, DifferenceType, EffectMoments, MeanArm } from './types.ts';
import { welchTTest } from './welch-t-test.ts';

/** Park–Miller generator: deterministic, good enough to spread test inputs. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function meanArm(random: () => number, n: number, mu: number, sd: number): MeanArm {
  // Sufficient statistics of n values with sample mean ≈ mu and sample sd ≈ sd.
  const mean = mu * (0.9 + 0.2 * random());
  const variance = (sd * (0.8 + 0.4 * random())) ** 2;
  return { kind: 'mean', n, sum: mean * n, sumSquares: variance * (n - 1) + mean ** 2 * n };
}

function moments(a: ArmData, b: ArmData, difference: DifferenceType): EffectMoments {
  const r = effectMoments(a, b, difference);
  if (!r.ok) throw new Error(r.reason);
  return r.moments;
}

const random = rng(20240607);
const cases = Array.from({ length: 40 }, (_, i) => {
  const n = 20 + Math.floor(random() * 5000);
  const a = meanArm(random, n, 5, 3);
  const b = meanArm(random, n + Math.floor(random() * 200), 5, 3);
  const proportionA: ArmData = { kind: 'proportion', n, sum: Math.round(n * (0.05 + 0.4 * random())) };
  const proportionB: ArmData = { kind: 'proportion', n, sum: Math.round(n * (0.05 + 0.4 * random())) };
  return { i, a, b, proportionA, proportionB };
});

describe('probabilities are in [0, 1] and risks are non-negative', () => {
  it.each(cases)('case $i', ({ a, b, proportionA, proportionB }) => {
    for (const [x, y] of [
      [a, b],
      [proportionA, proportionB],
    ] as const) {
      for (const difference of ['relative', 'absolute'] as const) {
        const m = moments(x, y, difference);
        for (const alternative of ['two-sided', 'greater', 'less'] as const) {
          for (const p of [
            welchTTest(m, { alpha: 0.05, alternative }).pValue,
            sequentialTest(m, { alpha: 0.05, alternative }).pValue,
          ]) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
        }
        const bayes = bayesianEffect(m, { alpha: 0.05 });
        expect(bayes.chanceToWin).toBeGreaterThanOrEqual(0);
        expect(bayes.chanceToWin).toBeLessThanOrEqual(1);
        expect(bayes.risk[0]).toBeGreaterThanOrEqual(0);
        expect(bayes.risk[1]).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe('chance to win of B over A and of A over B sum to 1', () => {
  it.each(cases)('case $i', ({ a, b }) => {
    const ab = bayesianEffect(moments(a, b, 'absolute'), { alpha: 0.05 }).chanceToWin;
    const ba = bayesianEffect(moments(b, a, 'absolute'), { alpha: 0.05 }).chanceToWin;
    expect(ab + ba).toBeCloseTo(1, 12);
  });

  it.each(cases.slice(0, 10))(
    'lower-is-better flips the chance to win and swaps the risks (case $i)',
    ({ a, b }) => {
      const m = moments(a, b, 'relative');
      const up = bayesianEffect(m, { alpha: 0.05 });
      const down = bayesianEffect(m, { alpha: 0.05, lowerIsBetter: true });
      expect(up.chanceToWin + down.chanceToWin).toBeCloseTo(1, 12);
      expect(down.risk).toEqual([up.risk[1], up.risk[0]]);
    },
  );
});

describe('intervals shrink as n grows', () => {
  const grow = (arm: MeanArm, k: number): MeanArm => ({
    ...arm,
    n: arm.n * k,
    sum: arm.sum * k,
    sumSquares: arm.sumSquares * k,
  });
  it.each(cases.slice(0, 12))('case $i', ({ a, b }) => {
    const widths = [1, 2, 4, 8].map((k) => {
      const m = moments(grow(a, k), grow(b, k), 'relative');
      const width = (ci: readonly [number, number]) => ci[1] - ci[0];
      return [
        width(welchTTest(m, { alpha: 0.05 }).ci),
        width(sequentialTest(m, { alpha: 0.05 }).ci),
        width(bayesianEffect(m, { alpha: 0.05 }).ci),
      ];
    });
    for (let k = 1; k < widths.length; k++) {
      widths[k].forEach((w, method) => expect(w).toBeLessThan(widths[k - 1][method]));
    }
  });
});

describe('one-sided p is half the two-sided p in the direction of the estimate', () => {
  it.each(cases)('case $i', ({ a, b }) => {
    const m = moments(a, b, 'relative');
    const two = welchTTest(m, { alpha: 0.05 }).pValue;
    const towards = welchTTest(m, { alpha: 0.05, alternative: m.estimate > 0 ? 'greater' : 'less' }).pValue;
    const away = welchTTest(m, { alpha: 0.05, alternative: m.estimate > 0 ? 'less' : 'greater' }).pValue;
    expect(towards).toBeCloseTo(two / 2, 12);
    expect(away).toBeCloseTo(1 - two / 2, 12);
  });
});

describe('Holm ≥ Benjamini–Hochberg ≥ raw', () => {
  const r = rng(7);
  const families = Array.from({ length: 30 }, (_, i) => ({
    i,
    p: Array.from({ length: 1 + Math.floor(r() * 12) }, () => (r() < 0.3 ? r() * 0.01 : r())),
  }));
  it.each(families)('family $i', ({ p }) => {
    const holm = holmBonferroni(p);
    const bh = benjaminiHochberg(p);
    p.forEach((raw, k) => {
      expect(bh[k]).toBeGreaterThanOrEqual(raw - 1e-15);
      expect(holm[k]).toBeGreaterThanOrEqual(bh[k] - 1e-15);
      expect(holm[k]).toBeLessThanOrEqual(1);
    });
  });
});
