import { describe, expect, it } from 'vitest';
import { partnersOf, splitPartnerLists, splitSourcedByPartner } from './partner-lists.ts';

const IDS = new Set(['acme', 'beta', 'gamma']);

describe('splitPartnerLists', () => {
  it('splits a list equally, adds to the partners own credit, and keeps totals', () => {
    const lines = splitPartnerLists(
      [
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
      ],
      IDS,
    );
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
    expect(splitPartnerLists(l, IDS)).toEqual(l);
  });
});

describe('partnersOf', () => {
  it('splits only two or more distinct partner ids joined by |', () => {
    expect(partnersOf('acme|beta', IDS)).toEqual(['acme', 'beta']);
    expect(partnersOf('acme|beta|gamma', IDS)).toEqual(['acme', 'beta', 'gamma']);
    expect(partnersOf('acme', IDS)).toEqual(['acme']);
    // unknown partner values kept as written: one value each
    for (const v of [
      'acme|foo',
      'foo|bar',
      'acme|acme',
      'acme||beta',
      'acme|',
      '|acme',
      'ACME|beta',
      'acme | beta',
    ])
      expect(partnersOf(v, IDS), v).toEqual([v]);
    expect(partnersOf('acme|beta', new Set())).toEqual(['acme|beta']);
    // an exact id wins over splitting (gtm.yaml's schema keeps | out of ids; a library caller may not)
    expect(partnersOf('acme|beta', new Set(['acme', 'beta', 'acme|beta']))).toEqual(['acme|beta']);
  });
});

describe('unknown partner values holding a |', () => {
  it('keep their credit whole: no share for a partner, no pseudo-partner', () => {
    const lines = [
      { key: 'acme|foo', pipeline: 300, revenue: 0, opportunities: 1, won: 0, touches: 1 },
      {
        key: 'acme',
        pipeline: 100,
        revenue: 0,
        opportunities: 1,
        won: 0,
        touches: 1,
        pipeline_ci: [90, 110] as [number, number],
      },
    ];
    expect(splitPartnerLists(lines, IDS)).toEqual(lines);
    const mixed = splitPartnerLists(
      [...lines, { key: 'acme|beta', pipeline: 50, revenue: 0, opportunities: 1, won: 0, touches: 2 }],
      IDS,
    );
    expect(mixed).toEqual([
      { key: 'acme|foo', pipeline: 300, revenue: 0, opportunities: 1, won: 0, touches: 1 },
      { key: 'acme', pipeline: 125, revenue: 0, opportunities: 1.5, won: 0, touches: 3 },
      { key: 'beta', pipeline: 25, revenue: 0, opportunities: 0.5, won: 0, touches: 2 },
    ]);
    expect(
      splitSourcedByPartner({ 'acme|foo': { opportunities: 1, pipeline: 10, revenue: 0 } }, IDS),
    ).toEqual({ 'acme|foo': { opportunities: 1, pipeline: 10, revenue: 0 } });
  });
});

describe('splitSourcedByPartner', () => {
  it('gives each partner of a registering list an equal share of the sourced deal', () => {
    expect(
      splitSourcedByPartner(
        {
          'acme|beta': { opportunities: 1, pipeline: 1000, revenue: 400 },
          beta: { opportunities: 2, pipeline: 500, revenue: 0 },
        },
        IDS,
      ),
    ).toEqual({
      acme: { opportunities: 0.5, pipeline: 500, revenue: 200 },
      beta: { opportunities: 2.5, pipeline: 1000, revenue: 200 },
    });
  });
});
