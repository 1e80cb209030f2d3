/**
 * The recap's experiment badge agrees with the memo: a test out of reach at this traffic (the
 * memo says "re-plan the test") or whose rule changed during the test (the memo's caution) is a
 * warning, not "OK — keep running".
 */
import { describe, expect, it } from 'vitest';
import { experimentItem } from './dashboard.ts';
import type { ExperimentMemoOut } from './experiments-stage.ts';
import type { MonitorPersonalizationOutputs } from './plan.ts';

const memo = (moreDays: number | null, recheckOn: string | null) =>
  ({
    id: 'exp-hero',
    name: 'exp-hero',
    guidance: { kind: 'keep running', headline: 'Out of reach at this traffic.', moreDays, recheckOn },
  }) as unknown as ExperimentMemoOut;

const outputs = (conflicts: { experiment: string; rule: string; changeId: string }[]) =>
  ({
    governance: { scan: { experimentChanges: { conflicts }, approvals: { changes: [] } } },
  }) as unknown as MonitorPersonalizationOutputs;

describe('monitor-personalization recap: experiment status', () => {
  it('out of reach at this traffic: a warning that says re-plan', () => {
    const item = experimentItem(memo(55428, null), outputs([]));
    expect(item.status).toBe('warn');
    expect(item.text).toBe(
      'exp-hero (exp-hero): keep running (out of reach at this traffic: re-plan the test)',
    );
  });

  it('a rule changed during the test: a warning with the memo caution', () => {
    const item = experimentItem(
      memo(5, '2026-12-05'),
      outputs([
        { experiment: 'exp-hero', rule: 'hero', changeId: 'CH-1' },
        { experiment: 'exp-other', rule: 'nav', changeId: 'CH-9' },
      ]),
    );
    expect(item.status).toBe('warn');
    expect(item.detail).toContain('Caution: hero changed during the test (CH-1)');
  });

  it('in reach and no change: OK', () => {
    expect(experimentItem(memo(5, '2026-12-05'), outputs([])).status).toBe('ok');
  });
});
