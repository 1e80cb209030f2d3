/**
 * Member tiers the tier rules do not know: which tiers count as unknown (members' tiers are matched
 * to the rules trimmed and case-insensitively), the known tier each probably means, and the
 * warnings the report shows (none when every tier is known).
 */
import { describe, expect, it } from 'vitest';
import { buildMonitorLoyaltyDashboard, unknownTierCallouts } from './dashboard.ts';
import { suggestTier, tierSetupOf } from './members-stage.ts';
import type { MonitorLoyaltyResult } from './result.ts';

const rule = (tier: string, rank: number, qualify: number) => ({
  tier,
  rank,
  qualify,
  retain: null,
  measure: 'spend',
  qualification_months: 12,
  qualification_period: 'calendar',
  downgrade_policy: 'end_of_period',
});
const RULES = [rule('Gold', 2, 800), rule('Member', 0, 0), rule('Silver', 1, 300), rule('Platinum', 3, 2000)];

describe('tierSetupOf: tiers the rules do not know', () => {
  it('matches tiers trimmed and ignoring case, and lists each unknown tier once', () => {
    // what the members query returns: distinct trimmed tiers ("Gold", " gOLD " → "gOLD", …)
    const t = tierSetupOf(RULES, ['Gold', 'gOLD', 'SILVER', 'Platnum', 'platnum', 'Diamond', '']);
    expect(t.names).toEqual(['Member', 'Silver', 'Gold', 'Platinum', 'Diamond', 'Platnum']);
    expect(t.unknown).toEqual(['Diamond', 'Platnum']);
    // the summaries' tier index: the names lower-cased, one position per tier
    expect(new Set(t.names.map((n) => n.toLowerCase())).size).toBe(t.names.length);
  });

  it('has no unknown tiers when every member tier is a rule, or when there are no rules', () => {
    expect(tierSetupOf(RULES, [' member ', 'PLATINUM', 'silver']).unknown).toEqual([]);
    const none = tierSetupOf([], ['Gold', 'Platnum']);
    expect(none.unknown).toEqual([]);
    expect(none.names).toEqual(['Gold', 'Platnum']);
  });
});

describe('suggestTier', () => {
  const known = ['Member', 'Silver', 'Gold', 'Platinum', 'Gold Plus'];
  it.each([
    ['Platnum', 'Platinum'], // one letter missing
    ['Plat inum', 'Platinum'], // a space inside
    ['gold_plus', 'Gold Plus'], // underscore for the space
    ['GOLD-PLUS', 'Gold Plus'],
    ['Gld', 'Gold'],
    ['Silvre', 'Silver'], // two letters swapped: two edits in six letters
    ['Members', 'Member'],
  ])('%s → %s', (tier, expected) => expect(suggestTier(tier, known)).toBe(expected));

  it.each(['Diamond', 'VIP', 'Bronze', 'Platinum Elite', 'Go'])('%s → none', (tier) =>
    expect(suggestTier(tier, known)).toBeNull(),
  );
});

/** The parts of a result the dashboard reads for the warnings, around a real-looking base. */
function resultWith(unknown: MonitorLoyaltyResult['members']['unknown_tiers']): MonitorLoyaltyResult {
  const kpi = {
    key: 'all',
    members: 10,
    enrolled: 0,
    active_members: 5,
    active_member_rate: 0.5,
    order_earning_rate: null,
    redemption_rate: null,
    reward_usage: null,
    breakage_rate: null,
    cost_per_point: null,
    orders: 0,
    revenue: 0,
    purchasing_members: 0,
    aov: null,
    frequency: null,
    revenue_per_member_customer: null,
    points_earned: 0,
    points_redeemed: 0,
    points_expired: 0,
    outstanding_points: 0,
    pending_points: 0,
    csat: { csat: null, responses: 0 },
  };
  return {
    program: 'Club',
    currency: 'EUR',
    as_of: '2026-11-15',
    run_id: 'r',
    plan_path: 'p.json',
    window: { label: '30d', start: '2026-10-17T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z', days: 30 },
    previous_window: {
      label: 'previous 30d',
      start: '2026-09-17T00:00:00.000Z',
      end: '2026-10-17T00:00:00.000Z',
      days: 30,
    },
    inputs: {
      alert_threshold: 0.25,
      window: '30d',
      detail: 'summary',
      dimensions: ['tier'],
      experiments: [],
    },
    kpis: {
      overall: {
        ...kpi,
        previous: kpi,
        enrollment_rate: null,
        previous_enrollment_rate: null,
        eligible_customers: 0,
        member_vs_non_member: {},
        non_member: {},
      },
      by_dimension: {},
      tier_mix: [],
      tier_migration: { tiers: [], counts: [], upgraded: 0, downgraded: 0, retained: 0, members: 0 },
      trends: [],
      coverage: { last_activity: null, first_enrolment: null, guardrail_skipped: null, warning: null },
    },
    liability: {
      liability: 0,
      outstanding_points: 0,
      active_points: 0,
      pending_points: 0,
      value_per_point: 0.01,
      expected_redemption_rate: 0.6,
      expected_breakage_rate: 0.4,
      change_rate: null,
      spike_threshold: 0.1,
      previous: null,
      curve: [],
      cohorts: [],
      checks: { unmatched: 0 },
      overdue: null,
      method: 'chain-ladder',
    },
    models: { warnings: [], churn: { by_dimension: {} }, clv: { months: 12, monthly_discount_rate: 0.01 } },
    segments: [],
    segment_members: { rows: 0, per_segment_limit: 100, file: 'x' },
    experiments: null,
    backlog: [],
    alerts: [],
    row_accounting: [],
    rejects: { rows: 0, file: null, top_reasons: [] },
    members: {
      orphans: { ledger_rows: 0, member_orders_without_member: 0 },
      unknown_tiers: unknown,
      id_case: { member_groups: 0, members: [], orders: 0, order_customers: [], warnings: [] },
    },
  } as unknown as MonitorLoyaltyResult;
}

describe('the report on unknown tiers', () => {
  const platnum = {
    tier: 'Platnum',
    members: 40000,
    outstanding_points: 1_250_000,
    liability: 7500,
    suggestion: 'Platinum',
    hint: 'if it means Platinum, correct the tier values in sources.members (m.csv); if it is a tier of its own, add a row for it to sources.rules (r.csv)',
  };
  const diamond = { ...platnum, tier: 'Diamond', members: 1, suggestion: null, hint: 'add a row for it' };

  it('warns in the tier section and lists the members under Data quality, with the fix', () => {
    const d = buildMonitorLoyaltyDashboard(resultWith([platnum, diamond]));
    const tier = d.sections.find((s) => s.title === 'Tier mix and tier flow')!;
    expect(tier.summary).toBe(true); // kept in the default (summary) report
    expect(tier.blocks.slice(0, 2)).toEqual([
      {
        kind: 'callout',
        status: 'warn',
        text: '40,000 members (1,250,000 points outstanding, about EUR 7,500 of the liability) hold tier "Platnum", which no tier rule describes — did you mean Platinum? The tier mix and the migration matrix rank it above the rules, and its members are left out of the upgrade-opportunity and downgrade-risk segments. Next: if it means Platinum, correct the tier values in sources.members (m.csv); if it is a tier of its own, add a row for it to sources.rules (r.csv).',
      },
      {
        kind: 'callout',
        status: 'warn',
        text: '1 member (1,250,000 points outstanding, about EUR 7,500 of the liability) holds tier "Diamond", which no tier rule describes. The tier mix and the migration matrix rank it above the rules, and its members are left out of the upgrade-opportunity and downgrade-risk segments. Next: add a row for it.',
      },
    ]);
    const dq = d.sections.find((s) => s.title === 'Data quality and audit')!;
    const list = dq.blocks.find((b) => b.kind === 'list' && b.title === 'Accepted but matching nothing');
    expect(list && list.kind === 'list' && list.items.map((i) => i.text)).toEqual([
      `40000 × members in tier "Platnum", which no tier rule describes (did you mean Platinum?): ranked above the rules in the tier mix and the migration matrix, left out of the upgrade and downgrade segments; ${platnum.hint}`,
      '1 × members in tier "Diamond", which no tier rule describes: ranked above the rules in the tier mix and the migration matrix, left out of the upgrade and downgrade segments; add a row for it',
    ]);
    const summary = d.sections.find((s) => s.title === 'Executive summary')!.blocks[0];
    expect(summary.kind === 'markdown' && summary.text).toContain(
      'Data quality: 40,001 members hold a tier no tier rule describes ("Platnum", did you mean Platinum?; "Diamond"): see Tier mix and tier flow.',
    );
  });

  it('says nothing when every tier is known', () => {
    const r = resultWith([]);
    expect(unknownTierCallouts(r)).toEqual([]);
    const d = buildMonitorLoyaltyDashboard(r);
    expect(JSON.stringify(d)).not.toContain('no tier rule describes');
  });
});
