/**
 * Performance tables (summary.md, dashboard): the interval shown is the one before the correction,
 * the verdict the one after it. On a hand-built workspace (h-per23) personalized converted 83 of
 * 334 against the holdout's 68 of 400: a lift of +46.2 %, 95 % interval +4.3 % to +88.0 % (by hand:
 * delta method, Welch df 664.9), p = 0.0306 (t = lift / se), but 0.0705 after the BH correction over
 * the table's 12 comparisons, so "inconclusive". The row read "+4.3% to +88.0% | inconclusive" with
 * no word why; the verdict now names both p-values.
 */
import { describe, expect, it } from 'vitest';
import type { MetricComparison, VariantPerformance } from '../../analyses/personalization/index.ts';
import { perfRow } from './dashboard.ts';

const BH = { alpha: 0.05, name: 'bh' };

function arm(c: Partial<MetricComparison>): VariantPerformance {
  return {
    dimension: 'all',
    segment: 'all',
    variant: 'personalized',
    isHoldout: false,
    users: 334,
    engagedUsers: 186,
    converters: 83,
    engagementRate: 186 / 334,
    conversionRate: 83 / 334,
    revenuePerUser: 23.27,
    holdout: 'holdout',
    comparisons: [
      {
        metric: 'conversion_rate',
        value: 83 / 334,
        holdoutValue: 0.17,
        difference: 83 / 334 - 0.17,
        lift: 0.461782317717506,
        scale: 'relative',
        ci: [0.04327371331224106, 0.8802909221227709],
        pValue: 0.030622351039672643,
        adjustedPValue: 0.0704639133277898,
        adjustedCi: [-0.038559465683642435, 0.9621241011186544],
        verdict: 'inconclusive',
        error: null,
        note: null,
        ...c,
      },
    ],
  };
}

describe('performance table rows: interval before, verdict after the correction', () => {
  it('an inconclusive verdict the correction decided names both p-values', () => {
    const row = perfRow(arm({}), BH);
    expect(row.interval).toBe('+4.3% to +88.0%');
    expect(row.verdict).toBe('inconclusive (p 0.031; 0.07 after the BH correction)');
  });

  it('leaves other verdicts as they are', () => {
    expect(perfRow(arm({ pValue: 0.2, adjustedPValue: 0.3, ci: [-0.2, 0.9] }), BH).verdict).toBe(
      'inconclusive',
    );
    expect(perfRow(arm({ pValue: 0.001, adjustedPValue: 0.004, verdict: 'better' }), BH).verdict).toBe(
      'better',
    );
    // not in the family (below the minimum sample): no adjusted p
    expect(
      perfRow(arm({ adjustedPValue: null, adjustedCi: null, verdict: 'too few users' }), BH).verdict,
    ).toBe('too few users');
  });
});
