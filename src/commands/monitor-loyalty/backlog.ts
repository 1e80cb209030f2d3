import type { KitRun, OwnerRef } from '../kit/index.ts';
import type { ExperimentsOutput } from './experiments-stage.ts';
import type { MonitorLoyaltyContext } from './inputs.ts';
import type { KpiOutput } from './kpi-stage.ts';
import type { LiabilityOutput } from './liability-stage.ts';
import type { ModelsOutput } from './models-stage.ts';
import { money6 } from './money6.ts';
import type { InsightsOutput, SegmentLine } from './segments-stage.ts';
import { fmtCount, moneyShort, percentText } from '../../report/index.ts';

/** One item of the action plan: evidence, owner (with fallback), ETA and a projected lift from the data. */
export interface BacklogItem {
  id: string;
  priority: 'high' | 'medium' | 'low';
  title: string;
  evidence: string;
  owner: OwnerRef;
  eta: string;
  /** Money at stake (reporting currency). */
  value_at_stake: number;
  /** Projected lift (reporting currency), and how it was computed. */
  projected_lift: number;
  lift_basis: string;
}

type Run = KitRun<MonitorLoyaltyContext>;
type Draft = Omit<BacklogItem, 'priority' | 'owner' | 'eta'> & { role: string; urgent: boolean };

/** Money in the reporting currency: its decimals below 1,000, whole units from 1,000 up ('5.30', '20,709'). */
const money = (run: Run, x: number) => moneyShort(x, run.ws.currency.reporting);
const pct = (x: number) => percentText(x);
/** `1 member`, `1,234 members`. */
const members = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'member' : 'members'}`;
const DAY = 86_400_000;
const KEYWORDS: Record<string, string[]> = {
  'upgrade-opportunity': ['upgrade'],
  'downgrade-risk': ['downgrade', 'retain'],
  'win-back': ['win-back', 'winback', 'win_back', 'lapsed'],
  'expiring-points': ['expir'],
  'never-redeemed': ['redeem', 'first-redemption'],
};

/** The purchase-rate lift an experiment of the workspace measured for a play, if one tested it. */
function measuredRate(
  e: ExperimentsOutput | undefined,
  segment: string,
): { rate: number; id: string } | null {
  for (const r of e?.readouts ?? []) {
    const text = `${r.id} ${r.name}`.toLowerCase();
    if (!KEYWORDS[segment]?.some((k) => text.includes(k))) continue;
    const m = r.metrics.find((x) => x.name === 'purchased');
    const v = m?.variants[0];
    if (m && v) return { rate: Math.max(0, v.mean - m.control.mean), id: r.id };
  }
  return null;
}

function segmentDraft(run: Run, s: SegmentLine, e: ExperimentsOutput | undefined): Draft | null {
  if (s.unavailable || s.size === 0) return null;
  const play = run.inputs.config.plays[s.segment];
  const measured = measuredRate(e, s.segment);
  const rate = measured?.rate ?? play.response_rate;
  return {
    id: s.segment,
    title: `${s.segment.replace(/-/g, ' ')}: ${members(s.size)} — ${s.play}`,
    evidence: `${members(s.size)}, ${money(run, s.value_at_stake)} at stake (${s.value_definition}).`,
    role: play.owner,
    urgent: false,
    value_at_stake: s.value_at_stake,
    projected_lift: money6(s.value_at_stake * rate),
    lift_basis: measured
      ? `value at stake × ${pct(rate)}, the purchase-rate lift measured by experiment ${measured.id}`
      : `value at stake × ${pct(rate)}, the assumed response rate loyalty.plays.${s.segment}.response_rate (gtm.yaml; no experiment of the workspace tested this play)`,
  };
}

function liabilityDraft(run: Run, l: LiabilityOutput): Draft[] {
  const out: Draft[] = [];
  const finance = run.inputs.config.owners.finance;
  if (l.change !== null && l.change_rate !== null && l.change_rate > l.spike_threshold)
    out.push({
      id: 'liability-spike',
      title: `Points liability up ${pct(l.change_rate)} since the previous run: review issuance and book the change`,
      evidence: `liability ${money(run, l.liability)} vs ${money(run, l.previous?.liability ?? 0)} on ${l.previous?.as_of}; outstanding ${fmtCount(l.outstanding_points)} points at ${l.value_per_point} per point, expected redemption ${pct(l.expected_redemption_rate)}.`,
      role: finance,
      urgent: true,
      value_at_stake: Math.abs(l.change),
      projected_lift: 0,
      lift_basis: 'a finance action: the change is booked, no revenue lift',
    });
  if (l.overdue)
    out.push({
      id: 'overdue-points',
      title: 'Points past their expiry date without an expire entry: run the expiry job',
      evidence: `${fmtCount(l.overdue.points)} points of ${members(l.overdue.members)} in lots past their expiry date have no expire row in the ledger; they are left out of the liability here (breakage) and of the members' balances (KPI tables, segments), but the ledger still counts them.`,
      role: finance,
      urgent: false,
      value_at_stake: l.overdue.value,
      projected_lift: 0,
      lift_basis: 'a data fix: the liability already leaves the overdue points out, no revenue lift',
    });
  if (l.stale_pending)
    out.push({
      id: 'stale-pending-points',
      title: 'Pending points past their confirmation period: confirm or reverse them',
      evidence: `${fmtCount(l.stale_pending.points)} points of ${members(l.stale_pending.members)} have been pending for more than ${l.stale_pending.days} days with no earn row for their order; they are left out of the pending points and the liability here, but the ledger still holds them as pending.`,
      role: finance,
      urgent: false,
      value_at_stake: l.stale_pending.value,
      projected_lift: 0,
      lift_basis: 'a data fix: the liability already leaves the stale pending points out, no revenue lift',
    });
  return out;
}

function kpiDraft(run: Run, k: KpiOutput): Draft | null {
  const o = k.overall;
  const threshold = run.inputs.inputs.alert_threshold;
  if (o.active_member_rate === null || o.active_member_rate >= threshold || o.active_members === 0)
    return null;
  const gap = Math.ceil(threshold * o.members - o.active_members);
  const perActive = o.revenue / o.active_members;
  return {
    id: 'active-member-rate',
    title: `Active member rate ${pct(o.active_member_rate)} is below ${pct(threshold)}: re-engage inactive members`,
    evidence: `${o.active_members.toLocaleString('en-US')} of ${members(o.members)} earned or redeemed in the window; ${gap.toLocaleString('en-US')} more are needed to reach the threshold.`,
    role: run.inputs.config.owners.insights,
    urgent: true,
    value_at_stake: gap * perActive,
    projected_lift: gap * perActive,
    lift_basis: 'members missing to the threshold × member revenue per active member in the window',
  };
}

function experimentDrafts(run: Run, e: ExperimentsOutput | undefined): Draft[] {
  return (e?.readouts ?? []).flatMap((r): Draft[] => {
    const rev = r.metrics.find((m) => m.name === 'revenue');
    const v = rev?.variants.find((x) => x.name === r.recommendation.variant) ?? rev?.variants[0];
    if (!rev || !v || !['ship', 'roll back'].includes(r.recommendation.action)) return [];
    const perMember = v.mean - rev.control.mean;
    const liab = r.metrics.find((m) => m.name === 'points_liability');
    const extra = liab ? (liab.variants.find((x) => x.name === v.name)?.mean ?? 0) - liab.control.mean : 0;
    const ship = r.recommendation.action === 'ship';
    return [
      {
        id: `experiment-${r.id}`,
        // the next test starts with the same action ("Roll back double of …; test …"): it goes in the
        // evidence, so the title does not say the action twice
        title: `${ship ? 'Ship' : 'Roll back'} ${v.name} of ${r.name}`,
        evidence: `${r.recommendation.reasons.join(' ')} Revenue per member ${money(run, v.mean)} vs ${money(run, rev.control.mean)} (control, ${rev.control.n} members). Next test: ${r.next_test}`,
        role: run.inputs.config.owners.experiments,
        urgent: !ship,
        // a roll back: the guardrail is liability per unit of revenue, so the liability the variant
        // adds is that ratio's excess over control × the variant's revenue
        value_at_stake: ship ? Math.abs(perMember) * rev.control.n : Math.abs(extra) * v.mean * v.n,
        projected_lift: ship ? Math.max(0, perMember) * rev.control.n : 0,
        lift_basis: ship
          ? 'revenue per member lift × members still in control (extending the winner to them)'
          : "a roll back: the liability per unit of revenue the variant adds over control × the variant's revenue is at stake, no lift",
      },
    ];
  });
}

/** Priority by value at stake (share of the backlog's total), raised for breached guardrails. */
function priorityOf(d: Draft, total: number): BacklogItem['priority'] {
  if (d.urgent || (total > 0 && d.value_at_stake >= 0.2 * total)) return 'high';
  return total > 0 && d.value_at_stake >= 0.05 * total ? 'medium' : 'low';
}

/**
 * The action plan: one item per segment to act on, liability and KPI breaches, experiment
 * decisions and model warnings, each with evidence, an owner from the roster (fallbacks recorded),
 * an ETA and a projected lift; ordered by value at stake.
 */
export function buildBacklog(
  run: Run,
  o: {
    kpis: KpiOutput;
    liability: LiabilityOutput;
    models: ModelsOutput;
    insights: InsightsOutput;
    experiments?: ExperimentsOutput;
  },
): BacklogItem[] {
  const drafts: Draft[] = [
    ...o.insights.segments
      .map((s) => segmentDraft(run, s, o.experiments))
      .filter((d): d is Draft => d !== null),
    ...liabilityDraft(run, o.liability),
    ...[kpiDraft(run, o.kpis)].filter((d): d is Draft => d !== null),
    ...experimentDrafts(run, o.experiments),
    ...o.models.warnings.map((w, i): Draft => ({
      id: `model-${i + 1}`,
      title: 'Check the churn and value models',
      evidence: w,
      role: run.inputs.config.owners.insights,
      urgent: false,
      value_at_stake: 0,
      projected_lift: 0,
      lift_basis: 'a data-quality action: no lift',
    })),
  ];
  const total = drafts.reduce((s, d) => s + d.value_at_stake, 0);
  const days = { high: 7, medium: 14, low: 28 };
  const asOf = Date.parse(`${run.asOfDay}T00:00:00Z`);
  return drafts
    .sort(
      (a, b) =>
        Number(b.urgent) - Number(a.urgent) ||
        b.value_at_stake - a.value_at_stake ||
        a.id.localeCompare(b.id),
    )
    .map(({ role, urgent: _u, ...d }) => {
      const priority = priorityOf({ role, urgent: _u, ...d }, total);
      return {
        ...d,
        priority,
        owner: run.owner(role),
        eta: new Date(asOf + days[priority] * DAY).toISOString().slice(0, 10),
      };
    });
}
