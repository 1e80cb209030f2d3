import { describe, expect, it } from 'vitest';
import { splitPartnerLists, splitSourcedByPartner } from './partner-lists.ts';

describe('splitPartnerLists', () => {
  it('splits a list equally, adds to the partners own credit, and keeps totals', () => {
    const lines = splitPartnerLists([
      {
        key: 'acme',
        pipeline: 100,
        revenue: 10,
        opportunities: 1,
        won: 1,
        touches: 2,
        pipeline_ci: [90, 110],
      },
      { key: 'acme|beta|gamma', pipeline: 300, revenue: 30, opportunities: 1.5, won: 0.75, touches: 4 },
      {
        key: 'house',
        pipeline: 50,
        revenue: 0,
        opportunities: 0.5,
        won: 0,
        touches: 1,
        pipeline_ci: [40, 60],
      },
    ]);
    // acme: 100 + 300/3; beta and gamma 100 each; each listed partner counts the list's 4 touches
    expect(lines).toEqual([
      { key: 'acme', pipeline: 200, revenue: 20, opportunities: 1.5, won: 1.25, touches: 6 },
      { key: 'beta', pipeline: 100, revenue: 10, opportunities: 0.5, won: 0.25, touches: 4 },
      { key: 'gamma', pipeline: 100, revenue: 10, opportunities: 0.5, won: 0.25, touches: 4 },
      {
        key: 'house',
        pipeline: 50,
        revenue: 0,
        opportunities: 0.5,
        won: 0,
        touches: 1,
        pipeline_ci: [40, 60],
      },
    ]);
    expect(lines.reduce((s, l) => s + l.pipeline, 0)).toBe(450);
  });

  it('leaves lines without lists as they are', () => {
    const l = [{ key: 'acme', pipeline: 1, revenue: 0, opportunities: 1, won: 0, touches: 1 }];
    expect(splitPartnerLists(l)).toEqual(l);
  });
});

describe('splitSourcedByPartner', () => {
  it('gives each partner of a registering list an equal share of the sourced deal', () => {
    expect(
      splitSourcedByPartner({
        'acme|beta': { opportunities: 1, pipeline: 1000, revenue: 400 },
        beta: { opportunities: 2, pipeline: 500, revenue: 0 },
      }),
    ).toEqual({
      acme: { opportunities: 0.5, pipeline: 500, revenue: 200 },
      beta: { opportunities: 2.5, pipeline: 1000, revenue: 200 },
    });
  });
});
