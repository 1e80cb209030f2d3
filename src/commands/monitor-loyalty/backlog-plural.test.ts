/**
 * Backlog titles and evidence count members with the right noun: a segment of one member read
 * "downgrade risk: 1 members" (s18 new-user review).
 */
import { describe, expect, it } from 'vitest';
import { buildBacklog } from './backlog.ts';

type Args = Parameters<typeof buildBacklog>;

const run = {
  ws: { currency: { reporting: 'USD' } },
  asOfDay: '2026-11-30',
  owner: (role: string) => ({ role, person: null, fallback_used: null }),
  inputs: {
    inputs: { alert_threshold: 0.5 },
    config: {
      owners: { finance: 'finance', insights: 'insights' },
      plays: { 'downgrade-risk': { owner: 'crm', response_rate: 0.1 } },
    },
  },
} as unknown as Args[0];

const segment = (size: number) => ({
  segment: 'downgrade-risk',
  size,
  value_at_stake: 800,
  value_definition: 'tier value',
  play: 'nudge to requalify',
  thresholds: {},
  unavailable: null,
  by_dimension: {},
});

const outputs = (size: number, overdueMembers: number) =>
  ({
    kpis: { overall: { active_member_rate: 0, active_members: 0, members: 1, revenue: 0 } },
    liability: {
      change: null,
      change_rate: null,
      spike_threshold: 0.1,
      overdue: { points: 100, members: overdueMembers, value: 1 },
      stale_pending: null,
    },
    models: { warnings: [] },
    insights: { segments: [segment(size)], members: [] },
  }) as unknown as Args[1];

describe('monitor-loyalty backlog: member counts', () => {
  it('one member is "1 member"', () => {
    const items = buildBacklog(run, outputs(1, 1));
    const seg = items.find((i) => i.id === 'downgrade-risk')!;
    expect(seg.title).toBe('downgrade risk: 1 member — nudge to requalify');
    expect(seg.evidence.startsWith('1 member, ')).toBe(true);
    expect(items.find((i) => i.id === 'overdue-points')!.evidence).toContain('points of 1 member in lots');
  });

  it('more are "members", with thousands separators', () => {
    const items = buildBacklog(run, outputs(1234, 2));
    expect(items.find((i) => i.id === 'downgrade-risk')!.title).toBe(
      'downgrade risk: 1,234 members — nudge to requalify',
    );
    expect(items.find((i) => i.id === 'overdue-points')!.evidence).toContain('points of 2 members in lots');
  });
});
