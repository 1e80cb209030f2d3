import { FRAUD_RULES, weakRingNote } from '../../analyses/fraud/index.ts';
import {
  projectLift,
  type FunnelStage,
  type LiftProjection,
  type ReferralMetrics,
} from '../../analyses/referrals/index.ts';
import type { ReferralsConfig } from '../../workspace/index.ts';
import type { ExperimentReview } from '../shared/experiment-review/index.ts';
import type { Diagnostics } from './diagnostics-stage.ts';
import type { FunnelCountsRow } from './funnel-rows.ts';
import type { PartnerReport } from './partner-stage.ts';
import { ringNumber } from './result.ts';
import type { RiskReview } from './risk-stage.ts';
import { minorDigits, roundMinor } from './query-numbers.ts';
import { moneyShort, percentText, signedPercent } from '../../report/index.ts';

export type BacklogKind =
  'messaging' | 'incentive' | 'enablement' | 'partner-review' | 'fraud-rule' | 'experiment';

/** What an item is projected to bring per window, computed from the run's data, and how. */
export interface ProjectedLift {
  extra_conversions: number | null;
  extra_revenue: number | null;
  /** Rewards not paid (held, clawed back) or cost saved. */
  cost_avoided: number | null;
  /** The computation, in words and numbers. */
  basis: string;
}

/** A backlog item before owner and ETA are attached. */
export interface DraftItem {
  id: string;
  kind: BacklogKind;
  title: string;
  evidence: string;
  projected_lift: ProjectedLift;
  /** Tied to a breached alert of this run. */
  urgent: boolean;
}

const pct = (x: number) => percentText(x);
const n1 = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
/** 'USD 8.44' below 1,000 (the currency's decimals), 'USD 20,709' from 1,000 up. */
const money = (x: number, cur: string) => `${cur} ${moneyShort(x, cur)}`;

const STAGE_WORDS: Record<FunnelStage, { what: string; output: string; base: string; action: string }> = {
  participation: {
    what: 'participation rate',
    output: 'sharing advocates',
    base: 'eligible advocates',
    action: 'Activate more advocates',
  },
  share: {
    what: 'shares per sharing advocate',
    output: 'shares',
    base: 'sharing advocates',
    action: 'Prompt more shares per advocate',
  },
  click: {
    what: 'clicks per share',
    output: 'clicks',
    base: 'shares',
    action: 'Sharpen the share message and link placement',
  },
  signup: {
    what: 'sign-up rate',
    output: 'sign-ups',
    base: 'clicks',
    action: 'Fix the landing and sign-up step',
  },
  conversion: {
    what: 'referral conversion rate',
    output: 'conversions',
    base: 'sign-ups',
    action: 'Strengthen the friend incentive',
  },
};

function funnelItem(
  p: LiftProjection,
  cfg: ReferralsConfig['backlog'],
  cur: string,
  urgent: boolean,
): DraftItem {
  const w = STAGE_WORDS[p.stage];
  const fmt = p.stage === 'click' || p.stage === 'share' ? (x: number) => x.toFixed(2) : pct;
  return {
    id: `funnel-${p.stage}-${p.dimension}-${p.value}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
    kind: p.stage === 'conversion' ? 'incentive' : 'messaging',
    title: `${w.action} for ${p.dimension} ${p.value}: ${w.what} ${fmt(p.rate)} → ${fmt(p.targetRate)}`,
    evidence: `${p.dimension} ${p.value} has ${w.what} ${fmt(p.rate)} over ${Math.round(p.base)} ${w.base}, against the ${p.dimension} median ${fmt(p.median)}.`,
    projected_lift: {
      extra_conversions: p.extraConversions,
      extra_revenue: p.extraRevenue,
      cost_avoided: null,
      basis: `closing ${cfg.lift_fraction * 100}% of the gap to the median: ${Math.round(p.base)} × (${fmt(p.targetRate)} − ${fmt(p.rate)}) = +${n1(p.extraStageOutput)} ${w.output}, × the segment's later-stage rates = +${n1(p.extraConversions)} conversions${p.extraRevenue === null ? '' : `, × revenue per conversion = +${money(p.extraRevenue, cur)}`} per window`,
    },
    urgent,
  };
}

/**
 * The segment of rows without a value for the dimension (the derived tables write `unknown`): a
 * catch-all of missing data, not a segment a play can target. It gets no funnel or regression item
 * and takes no part in a dimension's median (a channel row carries every eligible advocate, so an
 * `unknown` channel with three untracked sign-ups would read as 0% participation and pull the
 * median down).
 */
const isKnownSegment = (s: { dimension: string; value: string }) =>
  s.dimension !== 'program' && s.value.trim().toLowerCase() !== 'unknown';

/** Funnel gaps of the requested dimensions, sized by closing part of the gap to the median. */
export function funnelItems(
  d: Diagnostics,
  cfg: ReferralsConfig['backlog'],
  cur: string,
  conversionAlert: boolean,
): DraftItem[] {
  const rows = d.current.filter(isKnownSegment).map((s) => s.counts);
  return projectLift(rows, { fraction: cfg.lift_fraction, minBase: cfg.min_base })
    .filter((p) => p.extraConversions > 0)
    .slice(0, 6)
    .map((p) => funnelItem(p, cfg, cur, conversionAlert && p.stage === 'conversion'));
}

/** The stage rates a regression is looked for in, with their base count and what follows them. */
const REGRESSION_STAGES: readonly {
  stage: FunnelStage;
  rate: keyof ReferralMetrics;
  base: keyof FunnelCountsRow;
  later: (keyof ReferralMetrics)[];
}[] = [
  {
    stage: 'participation',
    rate: 'participationRate',
    base: 'eligibleAdvocates',
    later: ['shareRate', 'clicksPerShare', 'signupRate', 'conversionRate'],
  },
  { stage: 'click', rate: 'clicksPerShare', base: 'shares', later: ['signupRate', 'conversionRate'] },
  { stage: 'signup', rate: 'signupRate', base: 'clicks', later: ['conversionRate'] },
  { stage: 'conversion', rate: 'conversionRate', base: 'signups', later: [] },
];

/**
 * Segments whose stage rate fell by at least 20% against the previous window (bases ≥ min_base in
 * both): sized by winning back `lift_fraction` of the drop at this window's base, carried down the
 * segment's own later-stage rates. A fall of 40% or more is urgent (high priority).
 */
export function regressionItems(
  d: Diagnostics,
  cfg: ReferralsConfig['backlog'],
  cur: string,
  conversionAlert: boolean,
): DraftItem[] {
  const out: DraftItem[] = [];
  for (const s of d.current.filter(isKnownSegment)) {
    const prev = d.previous.find((x) => x.dimension === s.dimension && x.value === s.value);
    if (!prev) continue;
    for (const st of REGRESSION_STAGES) {
      const a = prev.metrics[st.rate];
      const b = s.metrics[st.rate];
      const base = Number(s.counts[st.base] ?? 0);
      if (
        a === null ||
        b === null ||
        !(a > 0) ||
        (b - a) / a > -0.2 ||
        base < cfg.min_base ||
        Number(prev.counts[st.base] ?? 0) < cfg.min_base
      )
        continue;
      const extraOutput = base * cfg.lift_fraction * (a - b);
      const downstream = st.later.reduce(
        (m, k) => m * (s.metrics[k] ?? d.program.current.metrics[k] ?? 0),
        1,
      );
      const extraConversions = extraOutput * downstream;
      const perConversion =
        s.counts.conversions > 0 ? (s.counts.referredRevenue ?? 0) / s.counts.conversions : 0;
      const w = STAGE_WORDS[st.stage];
      const fmt = st.stage === 'click' ? (x: number) => x.toFixed(2) : pct;
      out.push({
        id: `regression-${st.stage}-${s.dimension}-${s.value}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
        kind: st.stage === 'conversion' ? 'incentive' : 'messaging',
        title: `${w.action} for ${s.dimension} ${s.value}: ${w.what} fell from ${fmt(a)} to ${fmt(b)}`,
        evidence: `${s.dimension} ${s.value}: ${w.what} ${fmt(b)} over ${Math.round(base)} ${w.base} in the window, ${fmt(a)} over ${Math.round(Number(prev.counts[st.base]))} in the previous window (${signedPercent((b - a) / a, 0)}).`,
        projected_lift: {
          extra_conversions: extraConversions,
          extra_revenue: extraConversions * perConversion,
          cost_avoided: null,
          basis: `winning back ${cfg.lift_fraction * 100}% of the drop: ${Math.round(base)} × ${cfg.lift_fraction} × (${fmt(a)} − ${fmt(b)}) = +${n1(extraOutput)} ${w.output}, × the segment's later-stage rates = +${n1(extraConversions)} conversions, × ${money(perConversion, cur)} per conversion`,
        },
        // a rate that fell by 40% or more is a breakage (a broken page, a dead link), not a gap
        urgent: (b - a) / a <= -0.4 || (conversionAlert && st.stage === 'conversion'),
      });
    }
  }
  return out;
}

/** Partners that need enablement (sized by closing part of the gap to the median partner's shares) or review (held rewards). */
export function partnerItems(pr: PartnerReport, cfg: ReferralsConfig['backlog'], cur: string): DraftItem[] {
  const totals = pr.partners.reduce(
    (s, p) => ({
      shares: s.shares + p.shares,
      conversions: s.conversions + p.conversions,
      revenue: s.revenue + p.revenue,
    }),
    { shares: 0, conversions: 0, revenue: 0 },
  );
  const out: DraftItem[] = [];
  for (const p of pr.partners) {
    const name = pr.names[p.partner] ?? p.partner;
    if (p.status === 'needs-enablement') {
      const gap = Math.max(0, (pr.medianShares ?? 0) - p.shares);
      const declining = p.trend !== null && p.trend < 0 ? -p.trend * pr.trend_weeks : 0;
      const extraShares = cfg.lift_fraction * Math.max(gap, declining);
      // too few shares (or no conversion) of its own: all partners' rate, and the basis says so
      const ownPerShare = p.shares >= cfg.min_base && p.shares > 0;
      const perShare = ownPerShare
        ? p.conversions / p.shares
        : totals.shares > 0
          ? totals.conversions / totals.shares
          : 0;
      const ownPerConversion = p.conversions > 0;
      const perConversion = ownPerConversion
        ? p.revenue / p.conversions
        : totals.conversions > 0
          ? totals.revenue / totals.conversions
          : 0;
      const extraConversions = extraShares * perShare;
      out.push({
        id: `partner-enable-${p.partner}`,
        kind: 'enablement',
        title: `Enable partner ${name}: co-marketing kit and a share target of ${Math.round(p.shares + extraShares)} per window`,
        evidence: `${name} (${p.tier ?? 'no tier'}): ${p.reasons.join('; ')}.`,
        projected_lift: {
          extra_conversions: extraConversions,
          extra_revenue: extraConversions * perConversion,
          cost_avoided: null,
          // no leading "+": backlog.csv would neutralize the cell as a formula ("'+25.0 shares")
          basis: `${n1(extraShares)} more shares (${cfg.lift_fraction * 100}% of ${gap >= declining ? `the gap to the median partner's ${n1(pr.medianShares ?? 0)} shares` : `the weekly decline over ${pr.trend_weeks} weeks`}) × ${perShare.toFixed(3)} conversions per share${ownPerShare ? '' : ` (all partners': ${name} has fewer than ${cfg.min_base} shares)`} × ${money(perConversion, cur)} per conversion${ownPerConversion ? '' : ` (all partners': ${name} has none)`}`,
        },
        urgent: false,
      });
    } else if (p.status === 'needs-review') {
      const held = pr.held[p.partner] ?? 0;
      out.push({
        id: `partner-review-${p.partner}`,
        kind: 'partner-review',
        title: `Review partner ${name}: hold its flagged payouts and audit its traffic sources`,
        evidence: `${name} (${p.tier ?? 'no tier'}): ${p.reasons.join('; ')}; ${p.conversions} conversions, ${money(p.revenue, cur)} revenue.`,
        projected_lift: {
          extra_conversions: null,
          extra_revenue: null,
          cost_avoided: held,
          basis: `rewards and incentives held on the partner's referrals banded review or reject: ${money(held, cur)}`,
        },
        urgent: false,
      });
    }
  }
  return out;
}

/**
 * What a weak ring's item says instead (linked only by shared email domains): a check that its
 * accounts are colleagues at a real company before more rewards go out, not a freeze; no cost
 * avoided is projected (low priority), and no fraud alert makes it urgent.
 */
function weakRingCheck(
  ring: RiskReview['rings'][number],
  note: string,
  cur: string,
): Pick<DraftItem, 'title' | 'evidence' | 'projected_lift' | 'urgent'> {
  const n = ring.members.length;
  return {
    title: `Check the ${n} accounts of ring #${ringNumber(ring.ring)}, ${note}, before paying more rewards`,
    evidence: `${n} accounts ${note}; ${ring.reasons.join(', ')}; ${ring.retainedFriends} of ${ring.rewardedFriends} rewarded friends bought again. Colleagues at one company referring each other look the same.`,
    projected_lift: {
      extra_conversions: null,
      extra_revenue: null,
      cost_avoided: null,
      basis: `none projected: a shared company email domain alone is weak evidence (rewards paid on the ring's referrals: ${money(ring.rewardsPaid, cur)})`,
    },
    urgent: false,
  };
}

/**
 * What a ring item says when only some of its accounts are strongly tied (a `mixed` ring, or a
 * strong one with colleagues on its domain): freeze those and claw back the rewards on their
 * referrals (the cost avoided), check the rest, tied to the ring by a company email domain only.
 */
function partialRingFreeze(
  ring: RiskReview['rings'][number],
  strong: number,
  cur: string,
): Pick<DraftItem, 'title' | 'evidence' | 'projected_lift'> {
  const n = ring.members.length;
  const weak = n - strong;
  const domains = ring.sharedIdentifiers.filter((x) => x.kind === 'email-domain');
  // (the listed identifiers are cut at the evidence limit: the domains may be cut with them)
  const note = domains.length
    ? weakRingNote('weak', domains, domains.length)
    : 'linked only by shared email domains';
  const k = ringNumber(ring.ring);
  const strongIds = ring.sharedIdentifiers
    .filter((x) => x.kind !== 'email-domain')
    .map((x) => `${x.kind} ${x.label ?? ''}`.trim())
    .slice(0, 4)
    .join(', ');
  const accounts = (x: number) => (x === 1 ? 'account' : 'accounts');
  const strongPaid = ring.strongRewardsPaid ?? ring.rewardsPaid;
  return {
    title: `Freeze the ${strong} strongly tied ${accounts(strong)} of ring #${k} and claw back their rewards; check the ${weak} ${accounts(weak)} ${note}`,
    evidence: `${strong} of ${n} accounts linked by ${strongIds}; the other ${weak} ${note}; ${ring.reasons.join(', ')}; ${ring.retainedFriends} of ${ring.rewardedFriends} rewarded friends bought again.`,
    projected_lift: {
      extra_conversions: null,
      extra_revenue: null,
      cost_avoided: strongPaid,
      basis: `rewards paid on the referrals of its ${strong} strongly tied ${accounts(strong)}: ${money(strongPaid, cur)} (of ${money(ring.rewardsPaid, cur)} on the ring's referrals; none projected for the ${weak} tied by an email domain only)`,
    },
  };
}

/** Fraud rules to tighten (by rewards held where they fired) and rings to freeze. */
export function fraudItems(r: RiskReview, cur: string, fraudAlert: boolean): DraftItem[] {
  const out: DraftItem[] = [];
  for (const ring of r.rings) {
    out.push({
      id: `ring-${ringNumber(ring.ring)}`,
      kind: 'fraud-rule',
      title: `Freeze the ${ring.members.length} accounts of ring #${ringNumber(ring.ring)} and claw back their rewards`,
      evidence: `${ring.members.length} accounts linked by ${ring.sharedIdentifiers
        .map((s) => `${s.kind} ${s.label ?? ''}`.trim())
        .slice(0, 4)
        .join(
          ', ',
        )}; ${ring.reasons.join(', ')}; ${ring.retainedFriends} of ${ring.rewardedFriends} rewarded friends bought again.`,
      projected_lift: {
        extra_conversions: null,
        extra_revenue: null,
        cost_avoided: ring.rewardsPaid,
        basis: `rewards paid on the ring's referrals: ${money(ring.rewardsPaid, cur)}`,
      },
      urgent: fraudAlert,
    });
    const weak = weakRingNote(ring.strength, ring.sharedIdentifiers, ring.sharedIdentifierCount);
    const strong = ring.strongMembers?.length ?? ring.members.length;
    if (weak) out[out.length - 1] = { ...out[out.length - 1], ...weakRingCheck(ring, weak, cur) };
    else if (strong < ring.members.length)
      out[out.length - 1] = { ...out[out.length - 1], ...partialRingFreeze(ring, strong, cur) };
  }
  const byRule = new Map<string, { count: number; held: number }>();
  // held values are in minor units: their sum is kept exact to them (no 457.42976999999996)
  const digits = minorDigits(cur);
  for (const f of r.flagged)
    for (const rule of f.rules) {
      const x = byRule.get(rule) ?? { count: 0, held: 0 };
      byRule.set(rule, { count: x.count + 1, held: roundMinor(x.held + f.held_value, digits) });
    }
  const ranked = [...byRule]
    .filter(([rule, x]) => rule !== 'ring' && x.held > 0)
    .sort((a, b) => b[1].held - a[1].held)
    .slice(0, 4);
  for (const [rule, x] of ranked) {
    const def = FRAUD_RULES[rule as keyof typeof FRAUD_RULES];
    out.push({
      id: `rule-${rule}`,
      kind: 'fraud-rule',
      title: `Tighten "${def.title}": hold rewards for review before payout`,
      evidence: `${x.count} referrals of the window flagged with ${rule} (${def.fires}).`,
      projected_lift: {
        extra_conversions: null,
        extra_revenue: null,
        cost_avoided: x.held,
        basis: `rewards and incentives pending or paid on those referrals: ${money(x.held, cur)}`,
      },
      urgent: fraudAlert,
    });
  }
  return out;
}

/** Follow-ups of the incentive tests: ship winners (sized by their measured gain), roll back guardrail breaches. */
export function experimentItems(e: ExperimentReview | undefined, d: Diagnostics, cur: string): DraftItem[] {
  const out: DraftItem[] = [];
  const conv = d.program.current.counts.conversions;
  const perConversion = conv > 0 ? (d.program.current.counts.referredRevenue ?? 0) / conv : 0;
  for (const x of e?.readouts ?? []) {
    const v = x.recommendation.variant;
    const primary = x.metrics.find((m) => !m.guardrail);
    const effect = primary?.variants.find((y) => y.name === v)?.effect ?? null;
    const treated = primary?.variants.find((y) => y.name === v);
    if (x.recommendation.action === 'ship' && v && primary && treated && effect !== null) {
      // Shipping moves the control arm onto the winner: the increment is the difference in
      // referred conversions per advocate times the control arm's advocates, per window.
      const gain = Math.max(0, treated.mean - primary.control.mean);
      const extra = gain * primary.control.n;
      out.push({
        id: `experiment-ship-${x.id}`,
        kind: 'experiment',
        title: `Ship ${v} of ${x.name} to every advocate`,
        evidence: x.recommendation.reasons.join(' '),
        projected_lift: {
          extra_conversions: extra,
          extra_revenue: extra * perConversion,
          cost_avoided: null,
          basis: `(${treated.mean.toFixed(3)} − ${primary.control.mean.toFixed(3)}) referred conversions per advocate × ${primary.control.n} advocates of the control arm × ${money(perConversion, cur)} per conversion`,
        },
        urgent: false,
      });
    } else if (x.recommendation.action === 'roll back') {
      out.push({
        id: `experiment-rollback-${x.id}`,
        kind: 'experiment',
        title: `Roll back ${v ?? 'the treatment'} of ${x.name}`,
        evidence: x.recommendation.reasons.join(' '),
        projected_lift: {
          extra_conversions: null,
          extra_revenue: null,
          cost_avoided: null,
          basis: 'stops a guardrail breach (fraud rate or cost per referred customer); see the readout',
        },
        urgent: true,
      });
    }
  }
  return out;
}
