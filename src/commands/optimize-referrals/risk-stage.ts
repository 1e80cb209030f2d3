import {
  DEFAULT_BANDS,
  FRAUD_RULE_IDS,
  FRAUD_RULES,
  scoreReferrals,
  type Band,
  type FiredRule,
  type FraudOptions,
  type FraudRuleId,
  type ReferralVerdict,
  type Ring,
  type VelocityFlag,
  type VelocityNorm,
} from '../../analyses/fraud/index.ts';
import type { Engine, Row } from '../../data/index.ts';
import type { ReferralsConfig } from '../../workspace/index.ts';
import { candidateMeta, featureRow, type CandidateMeta } from './feature-rows.ts';
import { insertRows } from './insert-rows.ts';
import { minorDigits, num, roundMinor, sumMinor } from './query-numbers.ts';
import { buildRiskContext, type RiskContext } from './risk-context.ts';
import { riskCohorts, type RiskCohort } from './risk-cohorts.ts';
import { ruleReason } from './rule-reason.ts';
import { candidatesSql, candidatesSqlCh, type CandidateParams } from './sql/candidates-sql.ts';
import { stringPreselected } from './string-preselect.ts';
import { pairListsSql, type RiskParams } from './sql/risk-sql.ts';
import type { FunnelDimension } from './sql/funnel-sql.ts';

/** A referral banded review or reject, with the rules that fired and what they saw. */
export interface FlaggedReferral extends CandidateMeta {
  score: number;
  band: Exclude<Band, 'approve'>;
  rules: FraudRuleId[];
  /** One line per fired rule: its title and the evidence. */
  reasons: string[];
  reward_amount: number;
  reward_status: string | null;
  held_value: number;
  evidence: FiredRule[];
}

export interface RuleSummary {
  rule: FraudRuleId;
  title: string;
  enabled: boolean;
  weight: number;
  threshold: number | null;
  unit: string | null;
  /** The ring rule only: its weight for an account tied to its ring only by shared email domains (`referrals.fraud.ring.weak_weight`, at most `weight`). */
  weak_ring_weight?: number;
  fired: number;
  reward_value: number;
}

/** What the risk branch hands on. */
export interface RiskReview {
  /** Referrals signed up in the window (all scored; those no signal reaches score 0). */
  scored: number;
  /** Referrals some signal reached, scored by the rules in TypeScript. */
  candidates: number;
  by_band: Record<Band, number>;
  reject_share: number | null;
  value_at_risk: { review: number; reject: number; total: number };
  rules: RuleSummary[];
  flagged: FlaggedReferral[];
  rings: Ring[];
  oversized_components: { component: number; members: number; rewardsPaid: number }[];
  velocity: { day: VelocityNorm; week: VelocityNorm; flagged: AdvocateVelocityFlag[]; tested: number };
  cohorts: RiskCohort[];
  /** The compliance log: lists (source, version, size), what the engine pre-computed, the graph's size. */
  inputs: {
    lists: RiskContext['lists']['provenance'];
    email_domains: RiskContext['domains'];
    shared_identifiers: number;
    ring_edges: number;
    ring_nodes: number;
  };
  bands: { review: number; reject: number };
}

/** The scorer's options from `referrals.fraud` in gtm.yaml. */
export function fraudOptions(cfg: ReferralsConfig['fraud']): FraudOptions {
  return {
    rules: cfg.rules as FraudOptions['rules'],
    bands: cfg.bands,
    similarity: cfg.similarity,
    minLocalPartLength: cfg.min_local_part_length,
    weakRingWeight: cfg.ring.weak_weight,
  };
}

const setting = (cfg: ReferralsConfig['fraud'], id: FraudRuleId) => cfg.rules[id] ?? {};
const thresholdOf = (cfg: ReferralsConfig['fraud'], id: FraudRuleId) =>
  setting(cfg, id).threshold ?? FRAUD_RULES[id].threshold ?? 0;

/** The rule table in force (the compliance log), with what fired in this run. */
function ruleSummaries(
  cfg: ReferralsConfig['fraud'],
  byRule: Record<FraudRuleId, { fired: number; rewardValue: number }>,
  currency: string,
): RuleSummary[] {
  const digits = minorDigits(currency);
  return FRAUD_RULE_IDS.map((id) => {
    const weight = setting(cfg, id).weight ?? FRAUD_RULES[id].weight;
    return {
      rule: id,
      title: FRAUD_RULES[id].title,
      enabled: setting(cfg, id).enabled !== false,
      weight,
      threshold: setting(cfg, id).threshold ?? FRAUD_RULES[id].threshold,
      unit: FRAUD_RULES[id].unit,
      ...(id === 'ring' ? { weak_ring_weight: Math.min(cfg.ring.weak_weight, weight) } : {}),
      fired: byRule[id]?.fired ?? 0,
      reward_value: roundMinor(byRule[id]?.rewardValue ?? 0, digits),
    };
  });
}

const inMinorUnits = <T extends { rewardsPaid: number; strongRewardsPaid?: number }>(
  x: T,
  digits: number,
): T => ({
  ...x,
  rewardsPaid: roundMinor(x.rewardsPaid, digits),
  ...(x.strongRewardsPaid === undefined
    ? {}
    : { strongRewardsPaid: roundMinor(x.strongRewardsPaid, digits) }),
});

/**
 * Held payouts by band: sums of the flagged referrals' held values (payouts in minor units), exact
 * to the minor unit (a float sum read 457.42976999999996).
 */
function heldTotals(flagged: readonly FlaggedReferral[], digits: number): RiskReview['value_at_risk'] {
  const held = (band: string) =>
    sumMinor(
      flagged.filter((f) => f.band === band).map((f) => f.held_value),
      digits,
    );
  return {
    review: held('review'),
    reject: held('reject'),
    total: sumMinor(
      flagged.map((f) => f.held_value),
      digits,
    ),
  };
}

/** The candidate query's thresholds: the rules' own, from `referrals.fraud.rules` or the defaults. */
function candidateParams(p: RiskParams, cfg: ReferralsConfig['fraud']): CandidateParams {
  return {
    days: p.days,
    revenueStages: p.revenueStages,
    similarity: cfg.similarity,
    emailThreshold: thresholdOf(cfg, 'similar-email'),
    nameThreshold: thresholdOf(cfg, 'similar-name'),
    minLocalPartLength: cfg.min_local_part_length,
    fastSeconds: thresholdOf(cfg, 'fast-conversion'),
    alreadyReferredRank: thresholdOf(cfg, 'friend-already-referred'),
    dialect: p.dialect,
  };
}

/** Review and reject verdicts with the candidate's identity, heaviest score first. */
function flaggedReferrals(
  verdicts: readonly ReferralVerdict[],
  rows: readonly Row[],
  currency: string,
): FlaggedReferral[] {
  return verdicts
    .filter((v) => v.band !== 'approve')
    .map((v) => ({
      ...candidateMeta(rows[v.index]),
      score: v.score,
      band: v.band as FlaggedReferral['band'],
      rules: v.rules.map((r) => r.rule),
      reasons: v.rules.map((r) => ruleReason(r, currency)),
      reward_amount: num(rows[v.index].reward_amount),
      reward_status: rows[v.index].reward_status == null ? null : String(rows[v.index].reward_status),
      held_value: v.heldValue,
      evidence: [...v.rules],
    }))
    .sort((a, b) => b.score - a.score || a.referral_id.localeCompare(b.referral_id));
}

/**
 * A velocity flag of an advocate account (its customer id, else its advocate id, as the rule
 * judges accounts) named by its advocate id(s) too, as the advocates source and
 * flagged_referrals.csv write them: `advocateId` is the first, `advocateIds` all of the account's.
 */
export type AdvocateVelocityFlag = VelocityFlag & { account: string; advocateIds: string[] };

async function velocityFlags(
  engine: Engine,
  flagged: ReadonlyMap<string, VelocityFlag>,
): Promise<AdvocateVelocityFlag[]> {
  const ids = new Map<string, string[]>();
  if (flagged.size > 0) {
    const rows = await engine.query<Row>(
      'SELECT acct, advocate_id FROM ref_advocates WHERE acct IN (SELECT acct FROM ref_velocity) ORDER BY advocate_id',
    );
    for (const r of rows)
      ids.set(String(r.acct), [...(ids.get(String(r.acct)) ?? []), String(r.advocate_id)]);
  }
  return [...flagged.values()]
    .map((v) => {
      const advocateIds = ids.get(v.advocateId) ?? [v.advocateId];
      return { ...v, account: v.advocateId, advocateId: advocateIds[0], advocateIds };
    })
    .sort((a, b) => a.advocateId.localeCompare(b.advocateId));
}

/**
 * The flagged referrals' verdicts back to the engine (`ref_verdicts`, for the partner and
 * experiment stages); returns the referrals scored (signed up in the window).
 */
async function writeVerdicts(engine: Engine, flagged: FlaggedReferral[], days: number): Promise<number> {
  await insertRows(
    engine,
    'ref_verdicts',
    [
      ['referral_id', 'VARCHAR'],
      ['band', 'VARCHAR'],
      ['score', 'DOUBLE'],
      ['held', 'DOUBLE'],
      ['rules', 'VARCHAR'],
    ],
    flagged.map((f) => [f.referral_id, f.band, f.score, f.held_value, f.rules.join(' ')]),
  );
  const [{ n }] = await engine.query<Row>(
    `SELECT count(*) AS n FROM ref_ref WHERE d_signup >= 0 AND d_signup < ${days}`,
  );
  return num(n);
}

/**
 * Risk review: the run-level passes (shared identifiers, lists, velocity, rings), then every
 * candidate referral of the window scored by the named rules (noisy-OR score, bands, evidence,
 * held value). Verdicts of review and reject go back to the engine (`ref_verdicts`) for the
 * partner and experiment stages; the by-dimension cohorts are read with them.
 */
export async function reviewRisk(
  engine: Engine,
  p: RiskParams,
  cfg: ReferralsConfig['fraud'],
  dims: readonly FunnelDimension[],
  progress: (m: string) => void,
  currency: string,
): Promise<RiskReview> {
  const rc = await buildRiskContext(engine, p, cfg, progress);
  progress('scoring candidates');
  const cp = candidateParams(p, cfg);
  const rows =
    engine.dialect === 'clickhouse'
      ? (await engine.query<Row>(candidatesSqlCh(cp))).filter(
          (r) => Number(r.string_only) === 0 || stringPreselected(r, cp),
        )
      : await engine.query<Row>(candidatesSql(cp, pairListsSql(p.dialect)));
  const review = scoreReferrals(
    rows.map((r) => featureRow(r, rc.rings.nodeOf)),
    rc.context,
    fraudOptions(cfg),
  );
  const flagged = flaggedReferrals(review.flagged, rows, currency);
  const scored = await writeVerdicts(engine, flagged, p.days);
  const s = review.summary;
  const digits = minorDigits(currency);
  const byBand = {
    approve: scored - s.byBand.review - s.byBand.reject,
    review: s.byBand.review,
    reject: s.byBand.reject,
  };
  return {
    scored,
    candidates: rows.length,
    by_band: byBand,
    reject_share: scored > 0 ? byBand.reject / scored : null,
    value_at_risk: heldTotals(flagged, digits),
    rules: ruleSummaries(
      cfg,
      s.byRule as Record<FraudRuleId, { fired: number; rewardValue: number }>,
      currency,
    ),
    flagged,
    // rewards paid are sums of payouts in minor units: exact to them, as the held values
    rings: rc.rings.review.rings.map((x) => inMinorUnits(x, digits)),
    oversized_components: rc.rings.review.oversized.map((x) => inMinorUnits(x, digits)),
    velocity: {
      day: rc.velocity.day,
      week: rc.velocity.week,
      flagged: await velocityFlags(engine, rc.velocity.flagged),
      tested: rc.velocity.tested,
    },
    cohorts: await riskCohorts(engine, dims, p.days),
    inputs: {
      lists: rc.lists.provenance,
      email_domains: rc.domains,
      shared_identifiers: rc.sharedIdentifiers,
      ring_edges: rc.rings.edges,
      ring_nodes: rc.rings.nodes,
    },
    bands: {
      review: cfg.bands.review ?? DEFAULT_BANDS.review,
      reject: cfg.bands.reject ?? DEFAULT_BANDS.reject,
    },
  };
}
