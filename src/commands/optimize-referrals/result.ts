import type { Band, FraudRuleId, Ring, VelocityFlag, VelocityNorm } from '../../analyses/fraud/index.ts';
import type { Concentration, PartnerHealth } from '../../analyses/referrals/index.ts';
import type { RowAccounting } from '../../contracts/index.ts';
import { topReasons, type NormalizeResult } from '../../data/index.ts';
import type { AlertRecord, EscalationRecord } from '../../orchestrator/index.ts';
import type { Closing, KitRun } from '../kit/index.ts';
import type { ExperimentReadout } from '../shared/experiment-review/index.ts';
import type { NpsRow, StageAmount, StageDuration, TrendPoint } from './diagnostics-stage.ts';
import type { ExperimentNote, SkippedExperiment } from './experiment-stage.ts';
import type { FunnelSegment } from './funnel-rows.ts';
import type { ReferralsContext, ReferralsInputs, ResolvedWindow } from './inputs.ts';
import type { ReferralsOutputs } from './plan.ts';
import type { BacklogItem } from './playbook-stage.ts';
import type { RiskCohort } from './risk-cohorts.ts';
import type { FlaggedReferral, RiskReview, RuleSummary } from './risk-stage.ts';

export const RESULT_SCHEMA_ID = 'gtm.optimize-referrals.result/v1';
/** Flagged referrals listed in result.json (all of them are in flagged_referrals.csv). */
export const FLAGGED_IN_RESULT = 1000;
/** Accounts listed per ring in result.json. */
const RING_ACCOUNTS = 50;

/**
 * A ring's number (terminal, summary.md, dashboard, rings.csv, the backlog item's title and its id
 * `ring-<number>`): its id plus one, so the first ring is "ring #1", backlog id `ring-1`. The id
 * (`ring` in result.json's fraud.rings and in a flagged referral's ring evidence) counts from 0 and stays.
 */
export const ringNumber = (ring: number): number => ring + 1;

/** "3 rings (2 linked only by an email domain)", "1 ring", "0 rings": the weak rings counted apart. */
export function ringsText(rings: readonly { strength?: string }[]): string {
  const weak = rings.filter((x) => x.strength === 'weak').length;
  return `${rings.length} ${rings.length === 1 ? 'ring' : 'rings'}${weak ? ` (${weak} linked only by an email domain)` : ''}`;
}

export interface RingView {
  ring: number;
  members: number;
  accounts: string[];
  rewards_paid: number;
  rewarded_friends: number;
  retained_friends: number;
  retained_share: number | null;
  orders: number;
  refunds: number;
  refund_rate: number | null;
  reasons: Ring['reasons'];
  shared_identifiers: { kind: string; label: string | null; links: number }[];
  shared_identifier_count: number;
  /** `strong` when strong links alone connect ≥ 3 of its accounts, `mixed` when fewer, `weak` when only shared email domains link it (`RingStrength`). */
  strength: Ring['strength'];
  /** Every identifier kind on its links. */
  link_kinds: string[];
  /** Accounts strongly tied to the ring (sharing an IP + user agent, device, cookie or card with another member). */
  strongly_tied: number;
  /** Their account ids, at most 50. */
  strongly_tied_accounts: string[];
}

export type PartnerView = PartnerHealth & {
  name: string;
  referrals: number;
  held_value: number;
  nps_responses: number;
};

/** The machine contract of `optimize-referrals` (documented by `optimize-referrals.result.schema.json`). */
export interface ReferralsResult {
  schema: typeof RESULT_SCHEMA_ID;
  run_id: string;
  plan_path: string;
  reports_dir: string;
  as_of: string;
  program: string;
  inputs: ReferralsInputs;
  window: ResolvedWindow;
  previous_window: ResolvedWindow;
  currency: string;
  funnel: {
    program: { current: FunnelSegment; previous: FunnelSegment };
    /** Program, then every value of each requested dimension, in the window and the previous one. */
    current: FunnelSegment[];
    previous: FunnelSegment[];
    durations: StageDuration[];
    stages: StageAmount[];
    trends: TrendPoint[];
    nps: NpsRow[];
  };
  insights: string[];
  fraud: {
    scored: number;
    candidates: number;
    by_band: Record<Band, number>;
    reject_share: number | null;
    reject_threshold: number;
    bands: { review: number; reject: number };
    value_at_risk: { review: number; reject: number; total: number };
    rules: RuleSummary[];
    flagged_total: number;
    flagged: FlaggedReferral[];
    rings: RingView[];
    oversized_components: RiskReview['oversized_components'];
    velocity: {
      day: VelocityNorm;
      week: VelocityNorm;
      tested: number;
      /** Per advocate account: `account` (customer id, else advocate id), its `advocateIds`, `advocateId` the first. */
      flagged: (VelocityFlag & { account: string; advocateIds: string[] })[];
    };
    cohorts: RiskCohort[];
    inputs: RiskReview['inputs'];
  };
  partners: {
    partners: PartnerView[];
    concentration: Concentration;
    median_shares: number | null;
    median_conversion_rate: number | null;
    top_by_revenue: string[];
    bottom_by_revenue: string[];
    top_by_conversion_rate: string[];
    bottom_by_conversion_rate: string[];
    top_by_fraud_rate: string[];
    /** Customers a partner needs to enter the fraud-rate ranking (`partner_health.min_conversions`). */
    fraud_rate_min_conversions: number;
    trend_weeks: number;
  };
  experiments: {
    readouts: ExperimentReadout[];
    missing: string[];
    skipped: SkippedExperiment[];
    notes: ExperimentNote[];
  } | null;
  backlog: BacklogItem[];
  data: {
    derived_tables: Record<string, number>;
    unresolved: { referrals: number; clicks: number; shares: number };
    row_accounting: (RowAccounting & { entity: string })[];
    rejects: { rows: number; file: string | null; top_reasons: { reason: string; rows: number }[] };
    /** Per source and kept source: rows dropped as duplicates, and how many of them differed from the row kept. */
    duplicates: NormalizeResult['duplicates'];
  };
  alerts: AlertRecord[];
  escalations: EscalationRecord[];
}

function ringView(r: Ring): RingView {
  return {
    ring: r.ring,
    members: r.members.length,
    accounts: (r.accountIds ?? []).slice(0, RING_ACCOUNTS),
    rewards_paid: r.rewardsPaid,
    rewarded_friends: r.rewardedFriends,
    retained_friends: r.retainedFriends,
    retained_share: r.retainedShare,
    orders: r.orders,
    refunds: r.refunds,
    refund_rate: r.refundRate,
    reasons: [...r.reasons],
    shared_identifiers: r.sharedIdentifiers.map((s) => ({ kind: s.kind, label: s.label, links: s.links })),
    shared_identifier_count: r.sharedIdentifierCount,
    strength: r.strength,
    link_kinds: [...r.linkKinds],
    strongly_tied: r.strongMembers.length,
    strongly_tied_accounts: r.accountIds
      ? r.strongMembers.slice(0, RING_ACCOUNTS).map((i) => r.accountIds![r.members.indexOf(i)])
      : [],
  };
}

function partnersOf(p: ReferralsOutputs['partner_health']): ReferralsResult['partners'] {
  const ids = (xs: readonly PartnerHealth[]) => xs.map((x) => x.partner);
  return {
    partners: p.partners.map((x) => ({
      ...x,
      name: p.names[x.partner] ?? x.partner,
      referrals: p.referrals[x.partner] ?? 0,
      held_value: p.held[x.partner] ?? 0,
      nps_responses: p.nps_responses[x.partner] ?? 0,
    })),
    concentration: p.concentration,
    median_shares: p.medianShares,
    median_conversion_rate: p.medianConversionRate,
    top_by_revenue: ids(p.byRevenue.top),
    bottom_by_revenue: ids(p.byRevenue.bottom),
    top_by_conversion_rate: ids(p.byConversionRate.top),
    bottom_by_conversion_rate: ids(p.byConversionRate.bottom),
    top_by_fraud_rate: ids(p.byFraudRate.top),
    fraud_rate_min_conversions: p.options.minConversions,
    trend_weeks: p.trend_weeks,
  };
}

function fraudOf(r: RiskReview, threshold: number): ReferralsResult['fraud'] {
  return {
    scored: r.scored,
    candidates: r.candidates,
    by_band: r.by_band,
    reject_share: r.reject_share,
    reject_threshold: threshold,
    bands: r.bands,
    value_at_risk: r.value_at_risk,
    rules: r.rules,
    flagged_total: r.flagged.length,
    flagged: r.flagged.slice(0, FLAGGED_IN_RESULT),
    rings: r.rings.map(ringView),
    oversized_components: r.oversized_components,
    velocity: r.velocity,
    cohorts: r.cohorts,
    inputs: r.inputs,
  };
}

/** The result of a run, assembled once every stage has finished. */
export function buildReferralsResult(
  run: KitRun<ReferralsContext>,
  o: ReferralsOutputs,
  closing: Closing,
): ReferralsResult {
  const { inputs, window, previous } = run.inputs;
  const d = o.diagnostics;
  const n = o.normalize;
  return {
    schema: RESULT_SCHEMA_ID,
    run_id: run.runId,
    plan_path: closing.plan_path,
    reports_dir: run.rel(run.reportsDir),
    as_of: inputs.as_of,
    program: run.ws.referrals.program,
    inputs,
    window,
    previous_window: previous,
    currency: run.ws.currency.reporting,
    funnel: {
      program: d.program,
      current: d.current,
      previous: d.previous,
      durations: d.durations,
      stages: d.stages,
      trends: d.trends,
      nps: d.nps,
    },
    insights: d.insights,
    fraud: fraudOf(o.risk, inputs.fraud_reject_threshold),
    partners: partnersOf(o.partner_health),
    experiments: o.experiments
      ? {
          readouts: o.experiments.readouts,
          missing: o.experiments.missing,
          skipped: o.experiments.skipped,
          notes: o.experiments.notes,
        }
      : null,
    backlog: o.playbook,
    data: {
      derived_tables: o.refresh.tables,
      unresolved: o.refresh.unresolved,
      row_accounting: n.accounting,
      rejects: {
        rows: n.rejects.length,
        file: n.rejects.length ? run.rel(`${run.reportsDir}/rejects.csv`) : null,
        top_reasons: topReasons(n.rejects.map((r) => r.reason)).slice(0, 5),
      },
      duplicates: n.duplicates,
    },
    alerts: closing.alerts,
    escalations: closing.escalations,
  };
}

/** Rule ids a flagged referral fired, for tables. */
/**
 * The fraud-rate ranking as one line, saying why it is empty: no partner has the
 * `min_conversions` customers it needs, or none of those has a fraud rate above 0.
 */
export function fraudRankingLine(p: ReferralsResult['partners']): string {
  const n = p.fraud_rate_min_conversions;
  if (p.top_by_fraud_rate.length) {
    const name = new Map(p.partners.map((x) => [x.partner, x.name]));
    return `Highest fraud rate (partners with ≥ ${n} conversions): ${p.top_by_fraud_rate.map((id) => name.get(id) ?? id).join(', ')}.`;
  }
  return p.partners.some((x) => x.conversions >= n)
    ? `Highest fraud rate: none — no partner with ≥ ${n} conversions has a fraud rate above 0.`
    : `Highest fraud rate: not ranked — no partner has ≥ ${n} conversions (referrals.partner_health.min_conversions).`;
}

export const rulesText = (rules: readonly FraudRuleId[]) => rules.join(', ');
