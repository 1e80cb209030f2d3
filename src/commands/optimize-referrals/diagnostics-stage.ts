import { netPromoterScore, type NetPromoterScore } from '../../analyses/referrals/index.ts';
import type { Engine, Row } from '../../data/index.ts';
import { funnelRows, segmentsOf, type FunnelSegment, type FunnelWindow } from './funnel-rows.ts';
import type { ReferralsContext } from './inputs.ts';
import { funnelInsights } from './funnel-insights.ts';
import { num, numOrNull } from './query-numbers.ts';
import type { RefreshOutput } from './refresh-stage.ts';
import { npsSql, stageDurationsSql, stagesSql, trendSql, type FunnelDimension } from './sql/funnel-sql.ts';

export interface StageDuration {
  step: 'share_to_click' | 'click_to_signup' | 'signup_to_conversion' | 'conversion_to_reward';
  median_seconds: number | null;
  pairs: number;
}

/** Referred friends' conversions in the window by stage (pipeline, revenue or lost). */
export interface StageAmount {
  stage: string;
  class: 'revenue' | 'pipeline' | 'lost';
  conversions: number;
  amount: number;
  net_amount: number;
  refunded: number;
}

export interface TrendPoint {
  /** First day of the week (weeks end at as-of). */
  week_start: string;
  shares: number;
  clicks: number;
  /** Referral sign-ups (rows). */
  signups: number;
  conversions: number;
  revenue: number;
  cost: number;
}

export type NpsRow = NetPromoterScore & { dimension: string; value: string };

/** What the diagnostics branch hands on. */
export interface Diagnostics {
  /** Program first, then each requested dimension's values. */
  current: FunnelSegment[];
  previous: FunnelSegment[];
  program: { current: FunnelSegment; previous: FunnelSegment };
  durations: StageDuration[];
  stages: StageAmount[];
  trends: TrendPoint[];
  nps: NpsRow[];
  insights: string[];
}

const DAY = 86_400_000;
const STEPS: readonly StageDuration['step'][] = [
  'share_to_click',
  'click_to_signup',
  'signup_to_conversion',
  'conversion_to_reward',
];

/** Segments of every dimension in the current and the previous window. */
async function segments(
  engine: Engine,
  dims: FunnelDimension[],
  windows: readonly FunnelWindow[],
): Promise<{ current: FunnelSegment[]; previous: FunnelSegment[] }> {
  const current: FunnelSegment[] = [];
  const previous: FunnelSegment[] = [];
  for (const dim of dims) {
    const [cur, prev] = await funnelRows(engine, dim, windows);
    current.push(...segmentsOf(cur));
    previous.push(...segmentsOf(prev));
  }
  return { current, previous };
}

async function npsRows(engine: Engine, c: ReferralsContext, dims: FunnelDimension[]): Promise<NpsRow[]> {
  const start = new Date(Date.parse(c.window.end) - c.npsDays * DAY).toISOString();
  const out: NpsRow[] = [];
  for (const dim of dims.filter((x) => x !== 'channel')) {
    const rows = await engine.query<Row>(npsSql(dim, start, c.window.end, engine.dialect));
    const byValue = new Map<string, number[]>();
    for (const r of rows) {
      const counts = byValue.get(String(r.value)) ?? new Array<number>(11).fill(0);
      const score = num(r.score);
      if (score >= 0 && score <= 10) counts[score] += num(r.answers);
      byValue.set(String(r.value), counts);
    }
    for (const [value, counts] of [...byValue].sort(([a], [b]) => a.localeCompare(b)))
      out.push({ dimension: dim, value, ...netPromoterScore(counts) });
  }
  return out;
}

function stageClass(
  stage: string,
  revenue: readonly string[],
  lost: readonly string[],
): StageAmount['class'] {
  return revenue.includes(stage) ? 'revenue' : lost.includes(stage) ? 'lost' : 'pipeline';
}

/**
 * Performance diagnostics: the funnel and its KPIs for the program and each requested dimension,
 * in the window and the previous window; median time between stages; pipeline and revenue by
 * stage; weekly trends; NPS by dimension; and the annotated insights the dashboard leads with.
 */
export async function computeDiagnostics(
  engine: Engine,
  c: ReferralsContext,
  stages: { revenue: readonly string[]; lost: readonly string[] },
  shareToClick: RefreshOutput['shareToClick'],
  currency: string,
): Promise<Diagnostics> {
  const n = c.window.days;
  const dims: FunnelDimension[] = ['program', ...c.inputs.dimensions];
  const { current, previous } = await segments(engine, dims, [
    { label: c.window.label, range: { lo: 0, hi: n, end: c.window.end } },
    { label: c.previous.label, range: { lo: n, hi: 2 * n, end: c.previous.end } },
  ]);
  // share → click was measured by the refresh, from its per-click table (sampled above a million clicks)
  const durations: StageDuration[] = [
    { step: 'share_to_click' as const, ...shareToClick },
    ...(await engine.query<Row>(stageDurationsSql(c.window.start, c.window.end, engine.dialect))).map(
      (r) => ({
        step: r.step as StageDuration['step'],
        median_seconds: numOrNull(r.median_seconds),
        pairs: num(r.pairs),
      }),
    ),
  ].sort((a, b) => STEPS.indexOf(a.step) - STEPS.indexOf(b.step));
  const stageRows = (await engine.query<Row>(stagesSql(c.window.start, c.window.end, engine.dialect))).map(
    (r) => ({
      stage: String(r.stage),
      class: stageClass(String(r.stage), stages.revenue, stages.lost),
      conversions: num(r.conversions),
      amount: num(r.amount),
      net_amount: num(r.net_amount),
      refunded: num(r.refunded),
    }),
  );
  const end = Date.parse(c.window.end);
  const weekly = new Map(
    (await engine.query<Row>(trendSql(c.trendWeeks, engine.dialect))).map((r) => [num(r.week), r]),
  );
  const trends: TrendPoint[] = [];
  for (let w = c.trendWeeks - 1; w >= 0; w--) {
    const r = weekly.get(w);
    trends.push({
      week_start: new Date(end - (w + 1) * 7 * DAY).toISOString().slice(0, 10),
      shares: num(r?.shares),
      clicks: num(r?.clicks),
      signups: num(r?.signups),
      conversions: num(r?.conversions),
      revenue: num(r?.revenue),
      cost: num(r?.cost),
    });
  }
  const program = { current: current[0], previous: previous[0] };
  const nps = await npsRows(engine, c, dims);
  return {
    current,
    previous,
    program,
    durations,
    stages: stageRows,
    trends,
    nps,
    insights: funnelInsights(program, current, previous, durations, currency),
  };
}
