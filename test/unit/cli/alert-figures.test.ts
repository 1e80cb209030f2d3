import { describe, expect, it } from 'vitest';
import type { Output } from '../../../src/cli/output.ts';
import { alertFigures, progressFromEvents } from '../../../src/cli/progress.ts';
import { evaluateAlert } from '../../../src/orchestrator/evaluate-alert.ts';
import { alertBlocks } from '../../../src/report/index.ts';

describe('alertFigures', () => {
  it('prints a breached share so that it does not read like its threshold', () => {
    expect(alertFigures({ value: 0.01027, threshold: 0.01, unit: 'share', direction: 'above' })).toBe(
      '1.03% vs threshold 1.00% (above the maximum)',
    );
    expect(alertFigures({ value: 0.029, threshold: 0.01, unit: 'share', direction: 'above' })).toBe(
      '2.9% vs threshold 1.0% (above the maximum)',
    );
    expect(alertFigures({ value: 0.24999, threshold: 0.25, direction: 'below' })).toBe(
      '24.999% vs threshold 25.000% (below the minimum)',
    );
  });

  it('prints hours with "h", widening the decimals as shares do', () => {
    expect(alertFigures({ value: 50.73, threshold: 12, unit: 'hours', direction: 'above' })).toBe(
      '50.7 h vs threshold 12.0 h (above the maximum)',
    );
    expect(alertFigures({ value: 12.04, threshold: 12, unit: 'hours', direction: 'above' })).toBe(
      '12.04 h vs threshold 12.00 h (above the maximum)',
    );
  });

  it('prints counts and ratios as numbers', () => {
    expect(alertFigures({ value: 1, threshold: 0, unit: 'count', direction: 'above' })).toBe(
      '1 vs threshold 0 (above the maximum)',
    );
    expect(alertFigures({ value: 1.237, threshold: 1.2, unit: 'ratio', direction: 'above' })).toBe(
      '1.24 vs threshold 1.20 (above the maximum)',
    );
  });
});

describe('the warning line of a breached alert', () => {
  const warningOf = (input: Parameters<typeof evaluateAlert>[0]): string[] => {
    const evaluation = evaluateAlert(input, null, {
      escalationLadder: [],
      roster: { roles: {} },
      asOf: '2026-11-30',
    });
    const warnings: string[] = [];
    const out = { warn: (m: string) => warnings.push(m) } as unknown as Output;
    progressFromEvents(out)({ type: 'alert', task_id: 't', evaluation, at: '2026-11-30T00:00:00Z' });
    return warnings;
  };

  it('says what the figures measure, so that they have a definition and a unit', () => {
    expect(
      warningOf({
        id: 'freshness.billing_events',
        metric: 'hours since the latest billing_events data',
        value: 50.73,
        threshold: 12,
        direction: 'above',
        unit: 'hours',
      }),
    ).toEqual([
      'alert freshness.billing_events (hours since the latest billing_events data): 50.7 h vs threshold 12.0 h (above the maximum) — breached',
    ]);
    expect(
      warningOf({
        id: 'compliance_blockers',
        metric: 'lint errors + consent violations + unflagged PII in captured payloads',
        value: 7,
        threshold: 0,
        direction: 'above',
        unit: 'count',
      }),
    ).toEqual([
      'alert compliance_blockers (lint errors + consent violations + unflagged PII in captured payloads): 7 vs threshold 0 (above the maximum) — breached',
    ]);
  });

  it('names the id alone when the metric only repeats it', () => {
    expect(
      warningOf({
        id: 'roas',
        metric: 'roas',
        value: 1.1,
        threshold: 1.5,
        direction: 'below',
        unit: 'ratio',
      }),
    ).toEqual(['alert roas: 1.10 vs threshold 1.50 (below the minimum) — breached']);
  });
});

describe('an alert whose value only stands in for a figure (detail)', () => {
  // a freshness alert on a source without rows: no lag to measure, a stand-in value that breaches
  const input = {
    id: 'freshness.outcomes',
    metric: 'hours since the latest outcomes data',
    value: 1e9,
    threshold: 12,
    direction: 'above' as const,
    unit: 'hours' as const,
    detail: 'no rows in outcomes',
  };
  const evaluation = evaluateAlert(input, null, {
    escalationLadder: [],
    roster: { roles: {} },
    asOf: '2026-11-30',
  });

  it('is kept on the evaluation and breaches', () => {
    expect(evaluation).toMatchObject({ detail: 'no rows in outcomes', breached: true });
    const plain = evaluateAlert({ ...input, detail: undefined }, null, {
      escalationLadder: [],
      roster: { roles: {} },
      asOf: '2026-11-30',
    });
    expect('detail' in plain).toBe(false);
  });

  it('the warning line and the report callout say the detail, never the stand-in number', () => {
    const warnings: string[] = [];
    const out = { warn: (m: string) => warnings.push(m) } as unknown as Output;
    progressFromEvents(out)({ type: 'alert', task_id: 'issues', evaluation, at: '2026-11-30T00:00:00Z' });
    expect(warnings).toEqual(['alert freshness.outcomes: no rows in outcomes — breached']);
    const [block] = alertBlocks([evaluation]);
    expect(block).toMatchObject({
      text: 'freshness.outcomes: no rows in outcomes — breached (1 as-of date in a row).',
    });
    expect(JSON.stringify([warnings, block])).not.toMatch(/1000000000|1e\+?9/);
  });

  it('a report callout of hours says "h"', () => {
    const [block] = alertBlocks([{ ...evaluation, detail: undefined, value: 37, threshold: 6 }]);
    expect(block).toMatchObject({
      text: 'freshness.outcomes: 37 h vs guardrail 6 h — breached (1 as-of date in a row).',
    });
  });
});
