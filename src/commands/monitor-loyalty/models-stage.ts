import type { BgNbdParams, GammaGammaParams } from '../../analyses/loyalty/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { KitRun } from '../kit/index.ts';
import type { LoyaltyDimension, MonitorLoyaltyContext } from './inputs.ts';
import {
  churnBy,
  fetchMemberColumns,
  scoreMembers,
  type ChurnRow,
  type MemberColumns,
  type MemberScores,
} from './member-scores.ts';
import type { MembersOutput } from './members-stage.ts';
import {
  BOUNDARY_ADVICE,
  boundaryBgnbd,
  degenerateBgnbd,
  fitRepeatPurchases,
  fitSpend,
  holdoutCheck,
  type FitSummary,
  type HoldoutCheck,
} from './model-fits.ts';
import { rfmMembers, rfmSummary, type RfmMembers, type RfmSummary } from './rfm-summary.ts';
import { engineTurn } from '../shared/engine-turn.ts';
import type { Engine } from '../../data/index.ts';
import { inThisThread, startModelThread, type ModelThread } from './model-thread.ts';

/** What the churn and value models found, and the per-member scores the segments use. */
export interface ModelsOutput {
  time_unit: 'week';
  bgnbd: (FitSummary<BgNbdParams> & { used: boolean }) | null;
  gamma_gamma: (FitSummary<GammaGammaParams> & { used: boolean }) | null;
  /** Pearson correlation of repeat purchases and mean spend (Gamma-Gamma assumes ≈ 0). */
  spend_frequency_correlation: number | null;
  holdout: HoldoutCheck | null;
  prediction_weeks: number;
  /** `total` and `mean` are null when no member has a CLV (no usable churn and spend models). */
  clv: {
    months: number;
    monthly_discount_rate: number;
    members: number;
    total: number | null;
    mean: number | null;
  };
  churn: { overall: ChurnRow; by_dimension: Partial<Record<LoyaltyDimension, ChurnRow[]>> };
  rfm: RfmSummary | null;
  /** Reasons a model was not used (a fit that did not converge, too little data). */
  warnings: string[];
  cols: MemberColumns;
  scores: MemberScores;
  /** Each member's RFM scores and segment (null: no member has a purchase). */
  rfmMembers: RfmMembers | null;
}

type Run = KitRun<MonitorLoyaltyContext>;

function clvTotals(s: MemberScores) {
  let total = 0;
  let members = 0;
  for (const v of s.clv) {
    if (!Number.isFinite(v)) continue;
    total += v;
    members++;
  }
  return { members, total: members ? total : null, mean: members ? total / members : null };
}

function churnTables(run: Run, m: MembersOutput, cols: MemberColumns, scores: MemberScores) {
  const maxAlive = run.inputs.config.segments.win_back_max_p_alive;
  const by_dimension: ModelsOutput['churn']['by_dimension'] = {};
  const names: Record<LoyaltyDimension, readonly string[]> = { tier: m.tiers.names, ...m.values };
  for (const d of run.inputs.inputs.dimensions)
    by_dimension[d] = churnBy(cols[d], names[d], cols, scores, maxAlive);
  const overall = churnBy(new Float64Array(cols.rowCount), ['all'], cols, scores, maxAlive)[0];
  return { overall, by_dimension };
}

/**
 * Churn risk and customer value: BG/NBD and Gamma-Gamma fitted by maximum likelihood on the
 * members' distinct summaries (weeks), checked against the window (calibration/holdout) and the
 * spend-frequency independence assumption; applied to every member (P(alive), expected purchases,
 * CLV); RFM quintiles and segments. Below the minimum sample (`loyalty.models.min_purchasers`,
 * `min_repeat_buyers`) nothing is fitted; a fit that did not converge, or converged to a degenerate
 * optimum, is reported and not used.
 */
export async function computeModels(ctx: StageContext, run: Run, m: MembersOutput): Promise<ModelsOutput> {
  const engine = await run.engine();
  const cfg = run.inputs.config.models;
  ctx.progress('fitting BG/NBD and Gamma-Gamma');
  const min = { purchasers: cfg.min_purchasers, repeatBuyers: cfg.min_repeat_buyers };
  // the fits in a worker thread at scale, so that the stages beside this one keep the engine busy
  const models = m.purchasers >= MODEL_LIMITS.threadFrom ? startModelThread() : inThisThread;
  try {
    return await fitAndScore(ctx, run, m, engine, models, min);
  } finally {
    models.close();
  }
}

/**
 * From how many members with a purchase the fits run in a worker thread (starting one costs
 * ~50 ms; below this the fits take about that); a setting so that tests can take either path.
 */
export const MODEL_LIMITS = { threadFrom: 50_000 };

async function fitAndScore(
  ctx: StageContext,
  run: Run,
  m: MembersOutput,
  engine: Engine,
  models: ModelThread,
  min: { purchasers: number; repeatBuyers: number },
): Promise<ModelsOutput> {
  const cfg = run.inputs.config.models;
  const warnings: string[] = [];
  const fitted = await fitRepeatPurchases(
    engine,
    {
      predictionWeeks: cfg.prediction_weeks,
      clvMonths: cfg.clv_months,
      monthlyDiscountRate: cfg.monthly_discount_rate,
      min,
    },
    models,
  );
  const bg = fitted.model;
  await engineTurn();
  // Gamma-Gamma only beside a BG/NBD fit: CLV needs both, and both rest on the repeat buyers
  const spend = bg ? await fitSpend(engine, models) : null;
  // a fit at the edge of its parameters is degenerate, converged or not (it is no "did not
  // converge": the likelihood has no credible optimum to converge to)
  const degenerate = !bg
    ? null
    : bg.fit.converged
      ? degenerateBgnbd(bg.fit.params, fitted.sample)
      : boundaryBgnbd(bg.fit.params, fitted.sample);
  const bgUsed = !!bg?.fit.converged && !degenerate;
  const ggUsed = bgUsed && !!spend?.fit.converged && spend.fit.params.q > 1;
  warnings.push(...fitWarnings(fitted, spend, degenerate, bgUsed, ggUsed));
  let holdout: HoldoutCheck | null = null;
  try {
    holdout = bg ? await holdoutCheck(engine, run.inputs.window.days, min, models) : null;
  } catch (e) {
    warnings.push(`calibration/holdout check skipped: ${(e as Error).message}`);
  }
  for (const w of warnings) ctx.note(w);
  const cols = await fetchMemberColumns(engine, m);
  const scores =
    bg && bgUsed
      ? scoreMembers(cols, bg, ggUsed && spend ? spend.fit.params : null)
      : emptyScores(cols.rowCount);
  await engineTurn();
  const churn = churnTables(run, m, cols, scores);
  await engineTurn();
  const rfm = m.purchasers > 0 ? rfmMembers(cols) : null;
  return {
    time_unit: 'week',
    bgnbd: bg ? { ...bg.fit, used: bgUsed } : null,
    gamma_gamma: spend ? { ...spend.fit, used: ggUsed } : null,
    spend_frequency_correlation: spend?.correlation ?? null,
    holdout,
    prediction_weeks: cfg.prediction_weeks,
    clv: { months: cfg.clv_months, monthly_discount_rate: cfg.monthly_discount_rate, ...clvTotals(scores) },
    churn,
    rfm: rfm ? rfmSummary(cols, scores, cfg.rfm_days, rfm) : null,
    warnings,
    cols,
    scores,
    rfmMembers: rfm,
  };
}

/**
 * What the run says about the fits: not converged, degenerate (with advice at the boundary), too few
 * purchasers, Gamma-Gamma not used, spend correlated with frequency.
 */
function fitWarnings(
  fitted: Awaited<ReturnType<typeof fitRepeatPurchases>>,
  spend: Awaited<ReturnType<typeof fitSpend>> | null,
  degenerate: string | null,
  bgUsed: boolean,
  ggUsed: boolean,
): string[] {
  const bg = fitted.model;
  const out: string[] = [];
  if (bg && !bg.fit.converged && !degenerate)
    out.push(
      `BG/NBD fit did not converge (gradient ${bg.fit.gradient_norm.toExponential(2)}): P(alive), expected purchases, CLV and the win-back segment are not computed`,
    );
  if (bg && degenerate)
    out.push(
      `BG/NBD not used: ${degenerate}; P(alive), expected purchases, CLV and the win-back segment are not computed${
        boundaryBgnbd(bg.fit.params) ? `; ${BOUNDARY_ADVICE}` : ''
      }`,
    );
  if (fitted.sample.purchasers === 0)
    out.push('no member has a purchase: the churn and value models were not fitted');
  else if (fitted.tooFew)
    out.push(
      `the churn and value models were not fitted: ${fitted.tooFew}; P(alive), expected purchases, CLV and the win-back segment are not computed`,
    );
  if (spend && bgUsed && !ggUsed)
    out.push('Gamma-Gamma fit did not converge (or q ≤ 1): CLV is not computed');
  if (
    bgUsed &&
    spend?.correlation !== null &&
    spend?.correlation !== undefined &&
    Math.abs(spend.correlation) > 0.3
  )
    out.push(
      `spend and purchase frequency are correlated (${spend.correlation.toFixed(2)}): Gamma-Gamma assumes independence, so CLV is biased`,
    );
  return out;
}

function emptyScores(n: number): MemberScores {
  const nan = () => new Float64Array(n).fill(Number.NaN);
  return { pAlive: nan(), expected: nan(), clv: nan() };
}
