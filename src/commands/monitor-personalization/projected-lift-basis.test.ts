/**
 * A rule's error backlog item projects the conversions its errors cost (h-per23: rec_rule, 14
 * error evaluations; personalized 83 of 334 users converting, the holdout 68 of 400: by hand
 * 14 × (0.248503 − 0.17) = 1.0990 conversions). Its basis gave the two rates in percentage points
 * ("(24.85 pp vs 17.00 pp)"), the unit of their difference only.
 */
import { describe, expect, it } from 'vitest';
import type { BacklogItem } from '../../analyses/personalization/index.ts';
import { projectedLift } from './projected-lift.ts';

const row = (variant: string, isHoldout: boolean, users: number, converters: number) => ({
  dimension: 'all',
  segment: 'all',
  variant,
  isHoldout,
  users,
  converters,
});

const inputs = {
  aggregate: {
    performance: {
      rows: [
        row('holdout', true, 400, 68),
        row('default', false, 66, 5),
        row('personalized', false, 334, 83),
      ],
    },
  },
  governance: {
    scan: {
      ruleHealth: {
        rules: [{ rule: 'rec_rule', counts: { error: 14, fallback: 26, default: 26, disabled: 0 } }],
      },
    },
  },
  experiments: { memos: [] },
  issues: {},
} as unknown as Parameters<typeof projectedLift>[1];

describe('projected lift of a rule error item', () => {
  it('gives the rates in percent and their difference in percentage points', () => {
    const item = {
      kind: 'rule-error-rate',
      source: 'governance',
      subject: { rule: 'rec_rule' },
    } as unknown as BacklogItem;
    const { lift } = projectedLift(item, inputs);
    expect(lift!.value).toBeCloseTo(14 * (83 / 334 - 0.17), 12);
    expect(lift!.basis).toBe(
      '14 error evaluations × 7.85 pp conversion lift per exposed user of personalization over the holdout (24.85% vs 17.00% converting)',
    );
  });
});
