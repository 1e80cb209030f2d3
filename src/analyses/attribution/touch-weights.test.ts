import { describe, expect, it } from 'vitest';
import { touchWeights } from './touch-weights.ts';

const path = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
const close = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 14));
};

describe('touchWeights', () => {
  it('position-based is 40/20/40, 50/50 for two touches, 100% for one', () => {
    close(touchWeights({ path: path(5) }, 'u-shaped'), [0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]);
    close(touchWeights({ path: path(2) }, 'position-based'), [0.5, 0.5]);
    close(touchWeights({ path: path(1) }, 'position-based'), [1]);
  });

  it('J-shaped and inverse-J use 20/20/60 and 60/20/20 by default, configurable', () => {
    close(touchWeights({ path: path(3) }, 'j-shaped'), [0.2, 0.2, 0.6]);
    close(touchWeights({ path: path(3) }, 'inverse-j'), [0.6, 0.2, 0.2]);
    close(touchWeights({ path: path(2) }, 'j-shaped'), [0.25, 0.75]);
    close(
      touchWeights({ path: path(4) }, 'j-shaped', { jShapedWeights: { first: 0.1, last: 0.7 } }),
      [0.1, 0.1, 0.1, 0.7],
    );
  });

  it('W-shaped gives 30/30/30 to first, lead and opportunity touches and 10 to the rest', () => {
    close(
      touchWeights({ path: path(5), roles: { lead: 2, opportunity: 4 } }, 'w-shaped'),
      [0.3, 0.05, 0.3, 0.05, 0.3],
    );
  });

  it('W-shaped: coinciding milestones add up, missing ones are redistributed over the present ones', () => {
    // lead on the first touch: that touch did both jobs → 60%
    close(
      touchWeights({ path: path(4), roles: { lead: 0, opportunity: 3 } }, 'w-shaped'),
      [0.6, 0.05, 0.05, 0.3],
    );
    // no opportunity yet: its 30 is shared by first and lead in proportion (45/45), 10 over the rest
    close(touchWeights({ path: path(4), roles: { lead: 2 } }, 'w-shaped'), [0.45, 0.05, 0.45, 0.05]);
    // no roles at all: the first touch carries the milestone shares
    close(touchWeights({ path: path(3) }, 'w-shaped'), [0.9, 0.05, 0.05]);
    // every touch is a milestone: the rest share goes to them in proportion
    close(touchWeights({ path: path(3), roles: { lead: 1, opportunity: 2 } }, 'w-shaped'), [
      1 / 3,
      1 / 3,
      1 / 3,
    ]);
  });

  it('full-path (Z-shaped) gives 22.5 × 4 to the milestones and 10 to the rest', () => {
    close(
      touchWeights({ path: path(6), roles: { lead: 1, opportunity: 3, closedWon: 5 } }, 'z-shaped'),
      [0.225, 0.225, 0.05, 0.225, 0.05, 0.225],
    );
  });

  it('time-decay without timestamps halves per step back; with timestamps per half-life', () => {
    close(touchWeights({ path: path(3) }, 'time-decay'), [1 / 7, 2 / 7, 4 / 7]);
    const day = 86_400_000;
    close(
      touchWeights({ path: path(2), timestamps: [0, 7 * day], convertedAt: 14 * day }, 'time-decay', {
        halfLifeDays: 7,
      }),
      [1 / 3, 2 / 3],
    );
    // convertedAt missing: the last touch is the reference
    close(touchWeights({ path: path(2), timestamps: [0, 14 * day] }, 'time-decay', { halfLifeDays: 14 }), [
      1 / 3,
      2 / 3,
    ]);
  });

  it('last-non-direct: last non-direct touch, or the last touch when all are direct', () => {
    close(touchWeights({ path: ['email', 'Direct', 'direct'] }, 'last-non-direct'), [1, 0, 0]);
    close(touchWeights({ path: ['direct', 'direct'] }, 'last-non-direct'), [0, 1]);
    close(touchWeights({ path: ['seo', 'brand'] }, 'last-non-direct', { directChannels: ['brand'] }), [1, 0]);
  });

  it('sums to 1 for every rule model and length', () => {
    for (const model of [
      'first-touch',
      'last-touch',
      'linear',
      'time-decay',
      'position-based',
      'w-shaped',
      'full-path',
      'j-shaped',
      'inverse-j',
    ]) {
      for (let n = 1; n <= 12; n++) {
        const w = touchWeights(
          { path: path(n), roles: n > 3 ? { lead: 1, closedWon: n - 1 } : undefined },
          model,
        );
        expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
        expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('refuses data-driven models, which have no per-touch rule', () => {
    expect(() => touchWeights({ path: path(2) }, 'markov')).toThrow(/rule-based models only/);
  });
});
