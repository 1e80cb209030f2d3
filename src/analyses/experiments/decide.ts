import type { ExperimentAnalysis, MetricAnalysis, VariantComparison } from './analyze-experiment.ts';
import { MINUS, signedText } from '../text/index.ts';
import type { DifferenceType } from './types.ts';

export type Action = 'ship' | 'keep running' | 'stop' | 'roll back';

/**
 * Per metric and variant. Goal metrics: better | worse | inconclusive. Guardrails:
 * non-inferior | violated | inconclusive. Either: no result (the comparison had no numbers).
 */
export type Verdict = 'better' | 'worse' | 'inconclusive' | 'non-inferior' | 'violated' | 'no result';

export interface DecisionPolicy {
  /** Bayesian: chance to win at or above this is "better", at or below 1 − this is "worse". */
  readonly chanceToWinThreshold: number;
  /** When reached with nothing significant, stop instead of keeping running (fixed-horizon plan). */
  readonly plannedSamplePerArm: number | null;
  readonly plannedDays: number | null;
}

export const DEFAULT_DECISION_POLICY: DecisionPolicy = {
  chanceToWinThreshold: 0.95,
  plannedSamplePerArm: null,
  plannedDays: null,
};

export interface VariantDecision {
  readonly name: string;
  readonly action: Action;
  readonly reasons: readonly string[];
}

export interface Decision {
  /** What to do with the experiment as a whole. */
  readonly action: Action;
  /** The variant to ship when `action` is 'ship', else null. */
  readonly variant: string | null;
  /** Why, most important first; each a complete sentence a reader can act on. */
  readonly reasons: readonly string[];
  readonly variants: readonly VariantDecision[];
  readonly verdicts: readonly {
    readonly metric: string;
    readonly variant: string;
    readonly verdict: Verdict;
  }[];
}

/**
 * Turns an analysed experiment into a recommendation — ship, keep running, stop or roll back —
 * with the reasons. Shared by `experiment-readout` and the monitoring commands.
 *
 * Rules, in order:
 * 1. Broken data stops the experiment: a sample ratio mismatch or too many multiple exposures
 *    make every metric untrustworthy.
 * 2. A guardrail (gain = effect oriented so that positive is good) is non-inferior when the lower
 *    interval bound of the gain is above −margin; violated when the interval lies below zero and
 *    the estimate is beyond −margin; inconclusive otherwise. A violated guardrail rolls the
 *    variant back once the minimum sample per arm is reached, however early (the minimum duration
 *    does not hold it back: harm should not wait); below the minimum sample the variant keeps
 *    running under a guardrail watch (the reason says so), as a breach on a handful of units is
 *    noise as often as harm. Intervals are two-sided at α unless one-sided tests were asked for,
 *    so non-inferiority is shown at α/2.
 * 3. A goal metric is better/worse when significant after the multiple-testing correction
 *    (frequentist, sequential) or when the chance to win passes the threshold (Bayesian). A
 *    deterministic difference (no variance in either arm, different means: 0 % vs 100 %) has no
 *    test and is taken as better/worse by its sign; rule 4's data minimums still gate it, and its
 *    note (repeated in the reasons) asks to check that the metric is not tied to the assignment.
 *    A comparison without numbers (too few units; both arms constant and equal) is "no result".
 * 4. Ship a variant that is better on some goal, worse on none, non-inferior on every guardrail,
 *    once the minimum sample and duration are reached; keep running until then. Worse-only rolls
 *    back (after the minimums); better and worse at once stops for a human trade-off; nothing
 *    significant keeps running, or stops once the planned horizon (policy) is reached.
 * 5. Across variants: ship the best shippable variant (largest gain on the first goal metric);
 *    else roll back when every variant rolls back; else keep running when any variant should;
 *    else roll back if any variant does; else stop.
 *
 * @example
 * const decision = decide(analyzeExperiment(input, { method: 'sequential' }));
 * decision.action;  // 'ship'
 * decision.reasons; // ["B: 'signup' is better: +12.4% (95% CI +4.1% to +20.7%), adjusted p = 0.0031 < 0.05.", ...]
 */
export function decide(analysis: ExperimentAnalysis, policy: Partial<DecisionPolicy> = {}): Decision {
  const p: DecisionPolicy = { ...DEFAULT_DECISION_POLICY, ...policy };
  const { settings, health } = analysis;
  const difference = settings.difference;
  const level = `${formatNumber((1 - settings.alpha) * 100)}%`;

  const verdicts: { metric: string; variant: string; verdict: Verdict }[] = [];
  const verdictOf = (metric: MetricAnalysis, v: VariantComparison): Verdict => {
    const verdict = metric.guardrail
      ? guardrailVerdict(metric, v, marginOf(metric, v, difference))
      : goalVerdict(metric, v, analysis, p);
    verdicts.push({ metric: metric.name, variant: v.name, verdict });
    return verdict;
  };

  const { minimumData } = health;
  const enoughData = minimumData.enoughSample && minimumData.enoughDuration !== false;
  const horizonReached =
    (p.plannedSamplePerArm !== null && minimumData.smallestArm >= p.plannedSamplePerArm) ||
    (p.plannedDays !== null && minimumData.daysRunning !== null && minimumData.daysRunning >= p.plannedDays);
  const dataReasons: string[] = [];
  if (!minimumData.enoughSample) {
    dataReasons.push(
      `Not enough data yet: the smallest arm has ${minimumData.smallestArm} units, the minimum is ${minimumData.minSamplePerArm}.`,
    );
  }
  if (minimumData.enoughDuration === false) {
    dataReasons.push(
      `Too early: ${formatNumber(minimumData.daysRunning ?? 0)} days running, the minimum is ${minimumData.minDays}.`,
    );
  }

  const variantNames = analysis.variantNames.slice(1);
  const goalMetrics = analysis.metrics.filter((m) => !m.guardrail);
  const variants: VariantDecision[] = variantNames.map((name, i) => {
    const reasons: string[] = [];
    const goals = goalMetrics.map((m) => ({ m, v: m.variants[i], verdict: verdictOf(m, m.variants[i]) }));
    const guards = analysis.metrics
      .filter((m) => m.guardrail)
      .map((m) => ({ m, v: m.variants[i], verdict: verdictOf(m, m.variants[i]) }));

    const violated = guards.filter((g) => g.verdict === 'violated');
    if (violated.length > 0) {
      for (const g of violated) {
        const breach = `${describe(g.v, level)} is worse than control beyond the non-inferiority margin of ${formatEffect(marginOf(g.m, g.v, difference), g.v.difference, false)}`;
        reasons.push(
          minimumData.enoughSample
            ? `${name}: guardrail '${g.m.name}' is violated: ${breach}.`
            : `${name}: guardrail watch on '${g.m.name}': ${breach}, but the smallest arm has ${minimumData.smallestArm} units, below the minimum of ${minimumData.minSamplePerArm}, so this is not yet evidence of harm; keep running and watch this guardrail, and roll back if it still holds at the minimum sample.`,
        );
      }
      // below the minimum sample a breach is noise as often as harm (3 units against 3): the test
      // keeps running under watch instead of being rolled back on it
      if (!minimumData.enoughSample)
        return { name, action: 'keep running', reasons: [...reasons, ...dataReasons] };
      return { name, action: 'roll back', reasons };
    }
    const better = goals.filter((g) => g.verdict === 'better');
    const worse = goals.filter((g) => g.verdict === 'worse');
    for (const g of better)
      reasons.push(`${name}: '${g.m.name}' is better: ${describe(g.v, level)}${evidence(g.v, analysis, p)}.`);
    for (const g of worse)
      reasons.push(`${name}: '${g.m.name}' is worse: ${describe(g.v, level)}${evidence(g.v, analysis, p)}.`);
    for (const g of [...goals, ...guards].filter((x) => x.verdict === 'no result')) {
      reasons.push(`${name}: '${g.m.name}' has no result: ${g.v.error ?? 'no estimate'}.`);
    }
    for (const g of [...goals, ...guards].filter((x) => x.v.note !== null)) {
      reasons.push(`${name}: '${g.m.name}': ${g.v.note}.`);
    }
    const unproven = guards.filter((g) => g.verdict !== 'non-inferior');

    if (better.length > 0 && worse.length > 0) {
      reasons.push(
        `${name}: better on some goals and worse on others; the trade-off needs a decision by the owner.`,
      );
      return { name, action: 'stop', reasons };
    }
    if (worse.length > 0) {
      if (!enoughData) return { name, action: 'keep running', reasons: [...reasons, ...dataReasons] };
      return { name, action: 'roll back', reasons };
    }
    const shippable = better.length > 0 || (goals.length === 0 && guards.length > 0);
    if (shippable && unproven.length === 0) {
      for (const g of guards) {
        reasons.push(`${name}: guardrail '${g.m.name}' is non-inferior: ${describe(g.v, level)}.`);
      }
      if (!enoughData) return { name, action: 'keep running', reasons: [...reasons, ...dataReasons] };
      return { name, action: 'ship', reasons };
    }
    for (const g of unproven) {
      reasons.push(
        `${name}: guardrail '${g.m.name}' has not shown non-inferiority yet (margin ${formatEffect(marginOf(g.m, g.v, difference), g.v.difference, false)}): ${describe(g.v, level)}.`,
      );
    }
    if (better.length === 0 && goals.length > 0) reasons.push(`${name}: no goal metric is conclusive yet.`);
    if (horizonReached && enoughData) {
      reasons.push(`${name}: the planned horizon is reached without a conclusive result.`);
      return { name, action: 'stop', reasons };
    }
    return { name, action: 'keep running', reasons: [...reasons, ...dataReasons] };
  });

  const healthReasons: string[] = [];
  if (health.srm?.alert) {
    const expected = health.srm.expected.map((e) => formatNumber(e)).join(' / ');
    healthReasons.push(
      `Sample ratio mismatch: p = ${formatP(health.srm.pValue)} < ${settings.srmThreshold} against the planned weights (expected ${expected} units); assignment or logging is broken, so no metric can be trusted. Fix it and restart.`,
    );
  }
  if (health.multipleExposure?.alert) {
    healthReasons.push(
      `Multiple exposures: ${health.multipleExposure.count} units (${formatNumber(health.multipleExposure.rate * 100)}%) saw more than one variant, above the ${formatNumber(settings.maxMultipleExposureRate * 100)}% limit; fix the assignment and restart.`,
    );
  }
  // Data-minimum reasons are shared by every variant: say them once.
  const allReasons = (lead: string[]) => [...new Set([...lead, ...variants.flatMap((v) => v.reasons)])];
  if (healthReasons.length > 0) {
    return { action: 'stop', variant: null, reasons: allReasons(healthReasons), variants, verdicts };
  }

  const ship = variants
    .map((v, i) => ({ v, gain: firstGoalGain(goalMetrics, i) }))
    .filter((x) => x.v.action === 'ship')
    .sort((a, b) => b.gain - a.gain)[0];
  if (ship) {
    return {
      action: 'ship',
      variant: ship.v.name,
      reasons: allReasons([`Ship ${ship.v.name}.`]),
      variants,
      verdicts,
    };
  }
  const actions = variants.map((v) => v.action);
  let action: Action;
  if (actions.length > 0 && actions.every((a) => a === 'roll back')) action = 'roll back';
  else if (actions.includes('keep running')) action = 'keep running';
  else if (actions.includes('roll back')) action = 'roll back';
  else action = 'stop';
  return { action, variant: null, reasons: allReasons([]), variants, verdicts };
}

function orientedInterval(metric: MetricAnalysis, ci: readonly [number, number]): [number, number] {
  return metric.lowerIsBetter ? [-ci[1], -ci[0]] : [ci[0], ci[1]];
}

function guardrailVerdict(metric: MetricAnalysis, v: VariantComparison, margin: number): Verdict {
  if (v.ci === null || v.estimate === null) return 'no result';
  const [low, high] = orientedInterval(metric, v.ci);
  const gain = metric.lowerIsBetter ? -v.estimate : v.estimate;
  if (low > -margin) return 'non-inferior';
  // Significantly worse, and the best guess is beyond the margin: more data is not expected to
  // rescue it. Significantly worse but within the margin stays inconclusive until the interval
  // settles on one side of −margin.
  if (high < 0 && gain < -margin) return 'violated';
  return 'inconclusive';
}

function goalVerdict(
  metric: MetricAnalysis,
  v: VariantComparison,
  analysis: ExperimentAnalysis,
  policy: DecisionPolicy,
): Verdict {
  if (v.estimate === null) return 'no result';
  const gain = metric.lowerIsBetter ? -v.estimate : v.estimate;
  // No variance in either arm, different means: the difference is exact, no test is needed.
  if (v.deterministic) return gain > 0 ? 'better' : gain < 0 ? 'worse' : 'inconclusive';
  if (analysis.settings.method === 'bayesian') {
    if (v.chanceToWin === null) return 'no result';
    if (v.chanceToWin >= policy.chanceToWinThreshold) return 'better';
    if (v.chanceToWin <= 1 - policy.chanceToWinThreshold) return 'worse';
    return 'inconclusive';
  }
  const p = v.adjustedPValue ?? v.pValue;
  if (p === null) return 'no result';
  if (p < analysis.settings.alpha) return gain > 0 ? 'better' : 'worse';
  return 'inconclusive';
}

function firstGoalGain(goals: readonly MetricAnalysis[], variantIndex: number): number {
  const metric = goals[0];
  const estimate = metric?.variants[variantIndex]?.estimate;
  if (!metric || estimate === null || estimate === undefined) return 0;
  return metric.lowerIsBetter ? -estimate : estimate;
}

function evidence(v: VariantComparison, analysis: ExperimentAnalysis, policy: DecisionPolicy): string {
  const { alpha, method } = analysis.settings;
  if (v.deterministic) return ' (no variance in either arm: a deterministic difference, no test applies)';
  if (method === 'bayesian') {
    return `, chance to win ${formatNumber((v.chanceToWin ?? 0) * 100)}% (threshold ${formatNumber(policy.chanceToWinThreshold * 100)}%)`;
  }
  if (v.adjustedPValue !== null) return `, adjusted p = ${formatP(v.adjustedPValue)} < ${alpha}`;
  return `, p = ${formatP(v.pValue ?? 1)} < ${alpha}`;
}

function describe(v: VariantComparison, level: string): string {
  if (v.estimate === null || v.ci === null) return 'no estimate';
  const d = v.difference;
  const what = d === 'absolute' ? 'absolute difference ' : '';
  if (v.deterministic) return `${what}${formatEffect(v.estimate, d)} exactly`;
  const ci = v.adjustedCi ?? v.ci;
  return `${what}${formatEffect(v.estimate, d)} (${level} interval ${formatEffect(ci[0], d)} to ${formatEffect(ci[1], d)})`;
}

/**
 * The non-inferiority margin on the variant's scale: a relative margin becomes margin·|control
 * mean| when the comparison fell back to the absolute difference (0 with a zero control mean).
 * The metric's absolute margin is a floor under it (on the relative scale, floor / |control mean|).
 */
function marginOf(metric: MetricAnalysis, v: VariantComparison, difference: DifferenceType): number {
  const margin = Math.abs(metric.nonInferiorityMargin);
  const floor = Math.abs(metric.absoluteMargin);
  const mean = Math.abs(metric.control.mean);
  if (v.difference === 'absolute')
    return Math.max(v.difference === difference ? margin : margin * mean, floor);
  return mean > 0 ? Math.max(margin, floor / mean) : margin;
}

/**
 * A lift as a signed percentage, an absolute difference as a signed number (for reasons): "+"
 * when positive, "−" (U+2212) when negative, zero unsigned (`signedText`). Unsigned (`signed`
 * false) for magnitudes such as a margin. An absolute difference below 1 keeps 3 significant
 * digits (a difference of rates: 0.0166, not 0.02 beside a margin of 0.005), from 1 on 2 decimals.
 *
 * @example
 * formatEffect(0.1234, 'relative'); // '+12.34%'
 * formatEffect(-2.5, 'absolute');   // '−2.5'
 * formatEffect(0.01662, 'absolute'); // '+0.0166'
 */
export function formatEffect(x: number, difference: DifferenceType, signed = true): string {
  const magnitude = (a: number) =>
    a === Infinity
      ? '∞'
      : difference === 'relative'
        ? `${formatNumber(a * 100)}%`
        : a < 1
          ? formatSmall(a)
          : formatNumber(a);
  if (signed) return signedText(x, magnitude);
  return x < 0 ? `${MINUS}${magnitude(-x)}` : magnitude(x);
}

/** 3 significant digits, without trailing zeros or an exponent (0 < x < 1): 0.0166, 0.005, 0.000123. */
function formatSmall(x: number): string {
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(x)));
  return x.toFixed(Math.min(digits, 20)).replace(/\.?0+$/, '');
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && Math.abs(x) < 0.01) return x.toPrecision(2);
  return String(Number(x.toFixed(2)));
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}
