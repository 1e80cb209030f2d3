import {
  downgradeRisk,
  expiringPoints,
  neverRedeemed,
  upgradeOpportunities,
  winBack,
  type ActionSegment,
} from '../../analyses/loyalty/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { KitRun } from '../kit/index.ts';
import { fetchMemberColumns, type Columns } from './fetch-columns.ts';
import type { LoyaltyDimension, MonitorLoyaltyContext } from './inputs.ts';
import { money6 } from './money6.ts';
import type { LiabilityOutput } from './liability-stage.ts';
import type { MembersOutput } from './members-stage.ts';
import type { ModelsOutput } from './models-stage.ts';
import { engineTurn } from '../shared/engine-turn.ts';
import { relationOf } from './run-tables.ts';
import { segmentMembers, type SegmentMember } from './segment-members.ts';

export type SegmentName = ActionSegment['segment'];

/** A segment to act on, as the report and the backlog read it. */
export interface SegmentLine {
  segment: SegmentName;
  size: number;
  value_at_stake: number;
  value_definition: string;
  play: string;
  thresholds: Record<string, number>;
  /** Null when the segment cannot be computed (and why). */
  unavailable: string | null;
  by_dimension: Partial<Record<LoyaltyDimension, { key: string; size: number; value_at_stake: number }[]>>;
}

export interface InsightsOutput {
  segments: SegmentLine[];
  members: SegmentMember[];
  /** Each member's points and tier progress (member-id order), for member_scores.csv. */
  points: PointColumns;
  /** The members of each computed segment (1 = in it, member-id order). */
  flags: { segment: SegmentName; rows: Uint8Array }[];
}

type Run = KitRun<MonitorLoyaltyContext>;
export type PointColumns = Columns<
  'qualifying' | 'days_left' | 'balance' | 'redeemed' | 'expiring' | 'days_to_expiry'
>;

/**
 * Per-member points and tier progress, aligned with the member columns (member-id order). The
 * balance is what the member can still redeem: the FIFO balance less the points past their expiry
 * date (no expire row yet), as the liability counts them.
 */
function fetchPointColumns(run: Run, members: number): Promise<PointColumns> {
  return run.engine().then((engine) =>
    fetchMemberColumns(
      engine,
      engine.dialect === 'clickhouse'
        ? `SELECT mi, qualifying, days_left, if(e_found = 1, e_balance, 0) AS balance, redeemed,
                  if(e_found = 1, e_expiring, 0) AS expiring, if(e_found = 1, e_days, CAST(NULL AS Nullable(Int64))) AS days_to_expiry
           FROM (SELECT mi, qualifying, days_left, redeemed FROM ${relationOf(engine)('lm_members')})
           ANY LEFT JOIN (SELECT mi, fifo_balance - overdue_points AS e_balance, expiring_points AS e_expiring, days_to_expiry AS e_days,
                                 toUInt8(1) AS e_found FROM ${relationOf(engine)('lm_member_expiry')}) USING mi`
        : `SELECT m.mi, m.qualifying, m.days_left, COALESCE(e.fifo_balance - e.overdue_points, 0) AS balance, m.redeemed,
              COALESCE(e.expiring_points, 0) AS expiring,
              -- NaN for none, as NULL would be read: a column without NULLs is read as a whole vector
              COALESCE(CAST(e.days_to_expiry AS DOUBLE), CAST('NaN' AS DOUBLE)) AS days_to_expiry
       FROM lm_member_progress m LEFT JOIN lm_member_expiry e ON e.mi = m.mi`,
      ['qualifying', 'days_left', 'balance', 'redeemed', 'expiring', 'days_to_expiry'],
      members,
    ),
  );
}

/**
 * `f` of every element, by index, into a new typed array: a plain loop (`Float64Array.from` with a
 * map function walks an iterator, about a hundred times slower on a million members).
 */
function mapped<A extends Float64ArrayConstructor | Uint8ArrayConstructor>(
  Out: A,
  src: ArrayLike<number>,
  f: (v: number, i: number) => number,
): InstanceType<A> {
  const out = new Out(src.length) as InstanceType<A>;
  for (let i = 0; i < src.length; i++) out[i] = f(src[i], i);
  return out;
}

/** Weighted quantile (type 1) of the values whose weight is 1. */
function quantileOf(values: Float64Array, include: Uint8Array, q: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) n += include[i] === 1 ? 1 : 0;
  const picked = new Float64Array(n);
  for (let i = 0, k = 0; i < values.length; i++) if (include[i] === 1) picked[k++] = values[i];
  picked.sort();
  return picked.length ? picked[Math.max(0, Math.ceil(q * picked.length) - 1)] : Infinity;
}

/** The five segments, each with the member weight column it counts (null: every member counts 1). */
function segmentFunctions(run: Run, m: MembersOutput, mo: ModelsOutput, p: PointColumns, l: LiabilityOutput) {
  const cfg = run.inputs.config;
  const t = m.tiers;
  const n = mo.cols.rowCount;
  const inRules = mapped(Uint8Array, mo.cols.tier, (k) => (k >= 0 && k < t.thresholds.length ? 1 : 0));
  const tier = mapped(Float64Array, mo.cols.tier, (k, i) => (inRules[i] ? k : 0));
  // Points-based tiers: a point of gap is worth the spend that earns it.
  const moneyPerUnit = t.measure === 'spend' ? 1 : (l.spend_per_point ?? 1);
  const alive = mapped(Float64Array, mo.scores.pAlive, (v) => (Number.isFinite(v) ? v : 1));
  const scored = mapped(Uint8Array, mo.scores.pAlive, (v) => (Number.isFinite(v) ? 1 : 0));
  const minValue = quantileOf(mo.cols.spend_total, scored, cfg.segments.win_back_value_quantile);
  const scoredWeight = mapped(Float64Array, scored, (v) => v);
  const segment = (weight: Float64Array | null, run: () => ActionSegment) => ({ run, weight });
  const ruled = mapped(Float64Array, inRules, (v) => v);
  const progress = {
    tier,
    qualifyingValue: p.qualifying,
    daysLeft: p.days_left,
    count: ruled,
  };
  const vpp = cfg.value_per_point;
  const fns: Record<SegmentName, { run: () => ActionSegment; weight: Float64Array | null } | string> = {
    'upgrade-opportunity':
      t.thresholds.length > 1
        ? segment(ruled, () =>
            upgradeOpportunities(progress, t.thresholds, {
              withinShare: cfg.segments.upgrade_within_share,
              moneyPerUnit,
            }),
          )
        : 'no tier rules with two or more tiers',
    'downgrade-risk':
      t.thresholds.length > 1 && t.downgradePolicy !== 'never'
        ? segment(ruled, () =>
            downgradeRisk(progress, t.thresholds, {
              maxDaysLeft: cfg.segments.downgrade_days_left,
              moneyPerUnit,
            }),
          )
        : 'no tier rules, or tiers are never downgraded',
    'win-back': mo.bgnbd?.used
      ? segment(scoredWeight, () =>
          winBack(
            { historicalValue: mo.cols.spend_total, probabilityAlive: alive, count: scoredWeight },
            { maxProbabilityAlive: cfg.segments.win_back_max_p_alive, minHistoricalValue: minValue },
          ),
        )
      : 'the BG/NBD model is not available (see the model warnings)',
    'expiring-points': segment(null, () =>
      expiringPoints(
        { daysToExpiry: p.days_to_expiry, expiringPoints: p.expiring },
        { valuePerPoint: vpp, horizonDays: cfg.segments.expiring_days },
      ),
    ),
    'never-redeemed': segment(null, () =>
      neverRedeemed(
        { redeemedPoints: p.redeemed, balance: p.balance },
        {
          valuePerPoint: vpp,
          minBalance: cfg.segments.never_redeemed_min_points ?? m.cheapestRewardPoints ?? 1,
        },
      ),
    ),
  };
  return { fns, n };
}

/**
 * Member insights: the segments to act on (upgrade opportunities, downgrade risk, win-back,
 * expiring points, never redeemed), each with size, value at stake and play, by dimension, and
 * the most valuable members of each for the CRM team.
 */
export async function computeSegments(
  ctx: StageContext,
  run: Run,
  m: MembersOutput,
  mo: ModelsOutput,
  l: LiabilityOutput,
): Promise<InsightsOutput> {
  const p = await fetchPointColumns(run, m.members);
  const { fns, n } = segmentFunctions(run, m, mo, p, l);
  const names: Record<LoyaltyDimension, readonly string[]> = { tier: m.tiers.names, ...m.values };
  const segments: SegmentLine[] = [];
  const flags: { segment: SegmentName; rows: Uint8Array }[] = [];
  for (const [segment, fn] of Object.entries(fns) as [SegmentName, (typeof fns)[SegmentName]][]) {
    if (typeof fn === 'string') {
      segments.push({
        segment,
        size: 0,
        value_at_stake: 0,
        value_definition: '',
        play: '',
        thresholds: {},
        unavailable: fn,
        by_dimension: {},
      });
      continue;
    }
    await engineTurn();
    const all = fn.run();
    flags.push({ segment, rows: all.rows });
    const by_dimension: SegmentLine['by_dimension'] = {};
    // each dimension value's size and value: the members of the segment summed by their code, in
    // member order (the same sums as the segment computed on that value's members alone)
    for (const d of run.inputs.inputs.dimensions) {
      const codes = mo.cols[d];
      const k = names[d].length;
      const size = new Float64Array(k);
      const value = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        if (!all.rows[i]) continue;
        const c = codes[i];
        if (!(c >= 0 && c < k)) continue;
        size[c] += fn.weight ? fn.weight[i] : 1;
        value[c] += all.values[i];
      }
      by_dimension[d] = names[d].map((key, c) => ({ key, size: size[c], value_at_stake: money6(value[c]) }));
    }
    segments.push({
      segment,
      size: all.size,
      value_at_stake: money6(all.valueAtStake),
      value_definition: all.valueDefinition,
      play: all.play,
      thresholds: { ...all.thresholds },
      unavailable: null,
      by_dimension,
    });
  }
  ctx.progress('listing the members of each segment');
  const members = await segmentMembers(
    await run.engine(),
    flags,
    mo,
    p,
    names,
    run.inputs.config.segments.export_members,
  );
  return { segments, members, points: p, flags };
}
