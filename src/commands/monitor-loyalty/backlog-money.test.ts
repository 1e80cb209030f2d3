/**
 * Backlog evidence: money in the reporting currency with its decimals below 1,000, whole units from
 * 1,000 up (a liability of USD 5.30 read "liability 5 vs 4"); points stay a whole count. Expected
 * strings are written by hand: 530 points × 0.01 = 5.30, previous 400 × 0.01 = 4.00.
 */
import { describe, expect, it } from 'vitest';
import { buildBacklog } from './backlog.ts';

type Args = Parameters<typeof buildBacklog>;

const run = (currency: string) =>
  ({
    ws: { currency: { reporting: currency } },
    asOfDay: '2026-11-30',
    owner: (role: string) => ({ role, person: null, fallback_used: null }),
    inputs: {
      inputs: { alert_threshold: 0.5 },
      config: {
        owners: { finance: 'finance', insights: 'insights' },
        plays: { 'downgrade-risk': { owner: 'crm', response_rate: 0.1 } },
      },
    },
  }) as unknown as Args[0];

const outputs = (valueAtStake: number, liability: number, previous: number) =>
  ({
    kpis: { overall: { active_member_rate: 0, active_members: 0, members: 1, revenue: 0 } },
    liability: {
      liability,
      previous: { liability: previous, as_of: '2026-10-31' },
      change: liability - previous,
      change_rate: (liability - previous) / previous,
      spike_threshold: 0.1,
      outstanding_points: 53000,
      value_per_point: 0.01,
      expected_redemption_rate: 1,
      overdue: null,
      stale_pending: null,
    },
    models: { warnings: [] },
    insights: {
      segments: [
        {
          segment: 'downgrade-risk',
          size: 3,
          value_at_stake: valueAtStake,
          value_definition: 'tier value',
          play: 'nudge to requalify',
          thresholds: {},
          unavailable: null,
          by_dimension: {},
        },
      ],
      members: [],
    },
  }) as unknown as Args[1];

const evidence = (currency: string, o: Args[1]) => {
  const items = buildBacklog(run(currency), o);
  return {
    segment: items.find((i) => i.id === 'downgrade-risk')!.evidence,
    spike: items.find((i) => i.id === 'liability-spike')!.evidence,
  };
};

describe('monitor-loyalty backlog: money in the currency', () => {
  it('USD: cents below 1,000, whole from 1,000 up; points a count', () => {
    const e = evidence('USD', outputs(12.5, 5.3, 4));
    expect(e.segment).toBe('3 members, 12.50 at stake (tier value).');
    expect(e.spike).toBe(
      'liability 5.30 vs 4.00 on 2026-10-31; outstanding 53,000 points at 0.01 per point, expected redemption 100.0%.',
    );
    expect(evidence('USD', outputs(20709.4, 1234.5, 999.5)).spike).toMatch(/^liability 1,235 vs 999\.50 on /);
  });

  it('JPY without decimals, KWD with three', () => {
    expect(evidence('JPY', outputs(12.5, 530.4, 400)).spike).toMatch(/^liability 530 vs 400 on /);
    expect(evidence('JPY', outputs(12.5, 530.4, 400)).segment).toBe('3 members, 13 at stake (tier value).');
    expect(evidence('KWD', outputs(12.5, 5.3, 4)).spike).toMatch(/^liability 5\.300 vs 4\.000 on /);
  });
});
