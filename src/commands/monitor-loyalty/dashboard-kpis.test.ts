/**
 * The overall KPI table of summary.md and dashboard.html: the window's row, then the window before
 * it. CSAT is measured in the window only (result.json's kpis.overall.previous has none), so the
 * earlier window's row must not show the window's CSAT.
 */
import { describe, expect, it } from 'vitest';
import { buildMonitorLoyaltyDashboard, executiveSummary, windowKpiRows } from './dashboard.ts';
import type { MonitorLoyaltyResult } from './result.ts';

const values = (members: number, active: number) => ({
  members,
  enrolled: 3,
  active_members: active,
  active_member_rate: active / members,
  order_earning_rate: 0.9,
  redemption_rate: 0.5,
  reward_usage: 0.4,
  breakage_rate: 0.1,
  cost_per_point: 0.008,
  orders: 12,
  revenue: 600,
  purchasing_members: 8,
  aov: 50,
  frequency: 1.5,
  revenue_per_member_customer: 75,
  points_earned: 1000,
  points_redeemed: 500,
  points_expired: 100,
});

/** The parts of a result the dashboard reads, around a window with CSAT responses. */
function result(): MonitorLoyaltyResult {
  const row = (key: string) => ({
    ...values(20, 7),
    key,
    previous: values(18, 9),
    outstanding_points: 4000,
    pending_points: 200,
    csat: { csat: 0.736, meanScore: 3.9, responses: 129 },
  });
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
    inputs: { alert_threshold: 0.25, window: '30d', detail: 'full', dimensions: ['tier'], experiments: [] },
    kpis: {
      overall: {
        ...row('all'),
        enrollment_rate: null,
        previous_enrollment_rate: null,
        eligible_customers: 0,
        member_vs_non_member: {},
        non_member: {},
      },
      by_dimension: { tier: [row('Gold')] },
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
      unknown_tiers: [],
      id_case: { member_groups: 0, members: [], orders: 0, order_customers: [], warnings: [] },
    },
  } as unknown as MonitorLoyaltyResult;
}

describe('the overall KPI table (window, then the window before it)', () => {
  it("shows the window's CSAT on its row only; the earlier window's row has its own KPIs and no CSAT", () => {
    const d = buildMonitorLoyaltyDashboard(result());
    const section = d.sections.find((s) => s.title === 'KPIs and trends')!;
    const table = section.blocks.find((b) => b.kind === 'table' && b.title.startsWith('KPIs (window'));
    expect(table?.kind).toBe('table');
    const rows = table && table.kind === 'table' ? table.rows : [];
    expect(rows.map((x) => [x.key, x.members, x.active_member_rate, x.csat])).toEqual([
      ['this 30d', 20, 7 / 20, 0.736],
      ['previous 30d', 18, 9 / 18, null],
    ]);
    // the same rows, cost per point written to 4 decimals (below)
    expect(windowKpiRows(result()).map((x) => ({ ...x, cost_per_point: '0.0080' }))).toEqual(rows);
  });

  it('prints cost per point to 4 decimals, as the terminal does (two decimals read 0.014375 as 0.01)', () => {
    const r = result();
    r.kpis.overall = { ...r.kpis.overall, cost_per_point: 0.014375 };
    r.kpis.overall.previous = { ...r.kpis.overall.previous, cost_per_point: 0.0182 };
    const d = buildMonitorLoyaltyDashboard(r);
    const section = d.sections.find((s) => s.title === 'KPIs and trends')!;
    const table = section.blocks.find((b) => b.kind === 'table' && b.title.startsWith('KPIs (window'));
    const rows = table && table.kind === 'table' ? table.rows : [];
    expect(rows.map((x) => x.cost_per_point)).toEqual(['0.0144', '0.0182']);
    const columns = table && table.kind === 'table' ? table.columns : [];
    expect(columns.find((c) => c.key === 'cost_per_point')?.format).toBe('text');
  });

  it("labels the earlier window as the run resolved it: a quarter's is not 'previous quarter'", () => {
    // --window quarter at 2026-11-30: the window is 1 Oct – 1 Dec, the one before it the 61 days from
    // 1 August (not Q3); the row read 'previous quarter' (s18 new-user review)
    const r = result();
    const q = {
      ...r,
      window: {
        label: 'quarter',
        start: '2026-10-01T00:00:00.000Z',
        end: '2026-12-01T00:00:00.000Z',
        days: 61,
      },
      previous_window: {
        label: '61d before the quarter',
        start: '2026-08-01T00:00:00.000Z',
        end: '2026-10-01T00:00:00.000Z',
        days: 61,
      },
    } as MonitorLoyaltyResult;
    expect(windowKpiRows(q).map((x) => x.key)).toEqual(['this quarter', '61d before the quarter']);
  });

  it('drill-downs show each group with its CSAT share', () => {
    const d = buildMonitorLoyaltyDashboard(result());
    const drill = d.sections.find((s) => s.title === 'Drill-downs by dimension')!.blocks[0];
    expect(drill.kind === 'table' && drill.rows.map((x) => [x.key, x.csat])).toEqual([['Gold', 0.736]]);
  });
});

describe('the executive summary counts the backlog in words', () => {
  it('says "1 backlog item" for one item (it said "1 backlog items"), "2 backlog items" for two', () => {
    const item = { title: 'Win back lapsed Gold members' };
    const one = executiveSummary({ ...result(), backlog: [item] } as unknown as MonitorLoyaltyResult);
    expect(one).toContain('1 backlog item; first: Win back lapsed Gold members');
    const two = executiveSummary({ ...result(), backlog: [item, item] } as unknown as MonitorLoyaltyResult);
    expect(two).toContain('2 backlog items; first:');
  });

  it('ends the first item with a full stop before the next sentence (it ran on into "Data quality: …")', () => {
    const bare = { title: 'Active member rate 40.0% is below 50.0%: re-engage inactive members' };
    const r = result();
    const overdue = {
      points: 450,
      value: 4.5,
      members: 2,
      finding: '450 points … are past their expiry date',
    };
    const text = executiveSummary({
      ...r,
      backlog: [bare],
      liability: { ...r.liability, overdue },
    } as unknown as MonitorLoyaltyResult);
    expect(text).toContain(
      'first: Active member rate 40.0% is below 50.0%: re-engage inactive members. Data quality: 450 points',
    );
    // a title that already ends a sentence (a segment's, ending with its play) gets no second stop
    const played = { title: 'never redeemed: 3 members — Trigger a first-redemption offer.' };
    const once = executiveSummary({ ...r, backlog: [played] } as unknown as MonitorLoyaltyResult);
    expect(once).toContain('first: never redeemed: 3 members — Trigger a first-redemption offer.');
    expect(once).not.toContain('offer..');
  });
});

describe('counts of one in the dashboard are singular', () => {
  it('1 CSAT response, 1 member moved up a tier, 1 member holds an unknown tier', () => {
    const r = result();
    const one = {
      ...r,
      kpis: {
        ...r.kpis,
        overall: { ...r.kpis.overall, csat: { csat: 1, meanScore: 5, responses: 1 } },
        tier_migration: { ...r.kpis.tier_migration, upgraded: 1 },
      },
      members: { ...r.members, unknown_tiers: [{ tier: 'Platnum', members: 1, suggestion: 'Platinum' }] },
    } as unknown as MonitorLoyaltyResult;
    const text = JSON.stringify(buildMonitorLoyaltyDashboard(one));
    expect(text).toContain('"note":"1 response"');
    expect(text).toContain('1 member moved up a tier');
    expect(executiveSummary(one)).toContain('Data quality: 1 member holds a tier no tier rule describes');
  });
});

describe("the summary's money has the currency's minor units below 1,000 (ISO 4217), whole units above", () => {
  it.each([
    ['USD', 'USD 5.90', 'USD 3,094'],
    ['JPY', 'JPY 6', 'JPY 3,094'],
    ['KWD', 'KWD 5.900', 'KWD 3,094'],
    ['CLF', 'CLF 5.9000', 'CLF 3,094'],
  ])('%s: %s, %s', (currency, small, large) => {
    const r = result();
    r.currency = currency;
    r.liability.liability = 5.9;
    r.liability.revenue_released = 3094.2;
    const text = executiveSummary(r);
    expect(text).toContain(`Points liability ${small} (`);
    expect(text).toContain(`; ${large} of deferred revenue released`);
  });
});

describe('signed changes in summary.md and dashboard.html (h-fmt24)', () => {
  // a fall of 3.1% since the previous run read "-3.1%" (ASCII) in the summary, and the liability
  // section's change "EUR 12.50 (3.1%)" carried no sign at all; the model check's "(-3.6%)" in the
  // terminal was "(3.6%)" on the dashboard
  const texts = (patch: (r: MonitorLoyaltyResult) => void) => {
    const r = result();
    r.liability = {
      ...r.liability,
      liability: 391.25,
      previous: { as_of: '2026-10-15', liability: 403.75 },
      change: -12.5,
      change_rate: -12.5 / 403.75,
    } as MonitorLoyaltyResult['liability'];
    r.models = {
      ...r.models,
      holdout: { predicted: 742.54, actual: 770, relative_error: (742.54 - 770) / 770 },
    } as MonitorLoyaltyResult['models'];
    patch(r);
    const d = buildMonitorLoyaltyDashboard(r);
    return [
      executiveSummary(r),
      ...d.sections.flatMap((s) => [s.intro ?? '', ...s.blocks.map((b) => JSON.stringify(b))]),
    ].join('\n');
  };

  it('a fall prints "−" (U+2212), the money change too', () => {
    const t = texts(() => {});
    expect(t).toContain('\u22123.1% since the previous run');
    expect(t).toContain('Change since the previous run (2026-10-15): \u2212EUR 12.50 (\u22123.1%)');
    expect(t).toContain('770 happened (\u22123.6%)');
  });

  it('a rise prints "+", no change no sign', () => {
    const up = texts((r) => {
      r.liability = { ...r.liability, change: 12.5, change_rate: 12.5 / 391.25 };
    });
    expect(up).toContain('+3.2% since the previous run');
    expect(up).toContain('Change since the previous run (2026-10-15): +EUR 12.50 (+3.2%)');
    const flat = texts((r) => {
      r.liability = { ...r.liability, change: 0, change_rate: 0 };
    });
    expect(flat).toContain(', 0.0% since the previous run');
    expect(flat).toContain('Change since the previous run (2026-10-15): EUR 0.00 (0.0%)');
  });
});
