/**
 * The dashboard's headline lift names its arm and verdict: on the demo, personalized +31.9 % over
 * the holdout is inconclusive, and the card said only "31.9%", which reads as a measured win.
 */
import { describe, expect, it } from 'vitest';
import type { MetricComparison, VariantPerformance } from '../../analyses/personalization/index.ts';
import { formatSigned, renderDashboardMarkdown } from '../../report/index.ts';
import { bestLiftKpi } from './dashboard.ts';

function arm(variant: string, lift: number | null, verdict: MetricComparison['verdict']): VariantPerformance {
  const c: MetricComparison = {
    metric: 'conversion_rate',
    value: 0.1,
    holdoutValue: 0.08,
    difference: 0.02,
    lift,
    scale: lift === null ? null : 'relative',
    ci: null,
    pValue: null,
    adjustedPValue: null,
    adjustedCi: null,
    verdict,
    error: null,
    note: null,
  };
  return {
    dimension: 'all',
    segment: 'all',
    variant,
    isHoldout: false,
    users: 100,
    engagedUsers: 50,
    converters: 10,
    engagementRate: 0.5,
    conversionRate: 0.1,
    revenuePerUser: null,
    holdout: 'holdout',
    comparisons: [c],
  };
}

describe('bestLiftKpi', () => {
  it('gives the best lift with its arm and verdict', () => {
    expect(
      bestLiftKpi([arm('default', -0.022, 'inconclusive'), arm('personalized', 0.319, 'inconclusive')]),
    ).toEqual({
      label: 'Best conversion lift vs holdout',
      value: 0.319,
      format: 'percent',
      signed: true,
      note: 'personalized, verdict: inconclusive',
    });
    expect(bestLiftKpi([arm('a', 0.5, 'better'), arm('b', 0.2, 'inconclusive')]).note).toBe(
      'a, verdict: better',
    );
  });

  it('prints a lift with its sign, as the absolute fallback and the tables do (it read "31.9%")', () => {
    const kpi = bestLiftKpi([arm('personalized', 0.319, 'inconclusive')]);
    const md = renderDashboardMarkdown(
      { title: 't', generatedAt: '2026-12-07T00:00:00Z', runId: 'r', kpis: [kpi], sections: [] },
      { detail: 'summary' },
    );
    expect(md).toContain('**Best conversion lift vs holdout:** +31.9%');
    const worse = bestLiftKpi([arm('default', -0.022, 'inconclusive')]);
    expect(formatSigned(worse.value, worse.format)).toBe('\u22122.2%');
  });
});
