import {
  formatEffect,
  requiredSampleSize,
  type AnalysisSettings,
  type Decision,
  type DifferenceType,
  type ExperimentInput,
} from '../experiments/index.ts';
import { isoTime, MS_PER_DAY } from './input-checks.ts';

/** What guidance needs besides the readout: now, the required sample, the ramp and the rules. */
export interface GuidanceContext {
  readonly nowMs: number;
  readonly requiredPerArm: number | null;
  readonly mde: number;
  readonly coverage: number;
  readonly rampSteps: readonly number[];
  readonly rules: readonly string[];
}

/**
 * - `ship`: ship the winner to 100% of traffic;
 * - `ramp`: the winner ran on a small share of traffic; raise it to the next ramp step first;
 * - `keep running`: not conclusive yet; `moreDays` estimates how long from the required sample;
 * - `roll back`: worse on a goal or a guardrail violated: serve the control to everyone;
 * - `fix and restart`: sample ratio mismatch or multiple exposures: no result can be trusted;
 * - `owner decision`: better on one goal and worse on another, or better with a guardrail still
 *   unproven at the planned horizon: a trade-off for the owner;
 * - `stop`: the planned horizon is reached without a conclusive result: keep the control.
 */
export type GuidanceKind =
  'ship' | 'ramp' | 'keep running' | 'roll back' | 'fix and restart' | 'owner decision' | 'stop';

export interface RolloutGuidance {
  readonly kind: GuidanceKind;
  /** The variant to ship or ramp; null otherwise. */
  readonly variant: string | null;
  /** The variant's share of eligible traffic now (coverage × weight share); ship / ramp only. */
  readonly currentExposure: number | null;
  /** The share to move it to (1 for ship). */
  readonly targetExposure: number | null;
  /** Keep running: days more to reach the required sample and minimum duration; null when unknown. */
  readonly moreDays: number | null;
  /** Units per arm to detect the planned effect on the first primary metric; null when not computable. */
  readonly requiredSamplePerArm: number | null;
  /** ISO date to read the experiment again (now + moreDays). */
  readonly recheckOn: string | null;
  /** One sentence: what to do. */
  readonly headline: string;
  /** Concrete steps for the memo. */
  readonly nextSteps: readonly string[];
}

export interface GuidanceOptions {
  /** Relative lift the experiment should detect, unless its definition says. Default 0.05. */
  readonly minimumDetectableEffect: number;
  /** Power for the required sample. Default 0.8. */
  readonly targetPower: number;
  /** Traffic shares a winner is ramped through, ending at 1. Default [0.05, 0.25, 0.5, 1]. */
  readonly rampSteps: readonly number[];
}

/** What guidance reads of an experiment's setup; `BuiltExperimentInput` is one. */
export interface GuidanceExperiment {
  /** Control first. */
  readonly variants: readonly string[];
  readonly control: string;
  /** Normalised planned weights, in `variants` order. */
  readonly weights: readonly number[];
  readonly status: 'not started' | 'running' | 'ended';
  readonly start: string;
  readonly end: string | null;
  readonly daysRunning: number;
  readonly plannedDays: number | null;
  readonly guardrails: readonly { readonly name: string }[];
}

/** One variant against control on one metric, as guidance reads it. */
export interface GuidanceComparison {
  readonly name: string;
  readonly estimate: number | null;
  readonly ci: readonly [number, number] | null;
  readonly adjustedCi: readonly [number, number] | null;
  /** The scale of estimate and intervals when not the analysis' (an absolute fallback); absent = the analysis'. */
  readonly difference?: DifferenceType;
  /** Why the numbers are not the usual ones (the engine's note: absolute fallback, deterministic), else null. */
  readonly note?: string | null;
}

/**
 * What guidance reads of an analysis: `ExperimentAnalysis` is one, and so is a readout of the
 * shared experiment review mapped field by field, so either statistics path can feed the memo.
 */
export interface GuidanceAnalysis {
  readonly settings: { readonly difference: DifferenceType };
  /** Control first. */
  readonly variantNames: readonly string[];
  readonly health: {
    readonly srm: { readonly alert: boolean; readonly pValue: number } | null;
    readonly multipleExposure: { readonly alert: boolean; readonly rate: number } | null;
    readonly minimumData: { readonly smallestArm: number; readonly minDays: number };
  };
  readonly metrics: readonly {
    readonly name: string;
    readonly guardrail: boolean;
    readonly variants: readonly GuidanceComparison[];
  }[];
}

/** What guidance reads of a decision; `decide`'s `Decision` is one. */
export type GuidanceDecision = Pick<Decision, 'action' | 'variant' | 'reasons' | 'variants' | 'verdicts'>;

export const DEFAULT_GUIDANCE_OPTIONS: GuidanceOptions = {
  minimumDetectableEffect: 0.05,
  targetPower: 0.8,
  rampSteps: [0.05, 0.25, 0.5, 1],
};

/**
 * Units per arm to detect `mde` (relative) on the first primary metric with the engine's
 * `requiredSampleSize`: the control's mean and per-unit variance (p(1−p) or the sample variance),
 * the analysis' α and sidedness, the confidence sequence's inflation when sequential, and α split
 * over the goal comparisons when a multiple-testing correction is on (Bonferroni: Holm's worst
 * case). Bayesian analyses are planned as fixed-horizon tests. Null when the control has no
 * variance or a zero mean.
 *
 * @example
 * requiredSamplePerArm(built.input, analysis.settings, 0.05); // 59_409 for a 10% control rate, α = 0.05
 */
export function requiredSamplePerArm(
  input: ExperimentInput,
  settings: AnalysisSettings,
  mde: number,
  targetPower = DEFAULT_GUIDANCE_OPTIONS.targetPower,
): number | null {
  const metric = input.metrics.find((m) => !m.guardrail) ?? input.metrics[0];
  const arm = metric?.arms[0];
  if (!arm) return null;
  let mean: number;
  let variance: number;
  if ((arm.kind === 'proportion' || arm.kind === 'mean') && arm.n <= 1) return null;
  if (arm.kind === 'proportion') {
    mean = arm.sum / arm.n;
    variance = mean * (1 - mean);
  } else if (arm.kind === 'mean') {
    mean = arm.sum / arm.n;
    variance = (arm.sumSquares - arm.sum ** 2 / arm.n) / (arm.n - 1);
  } else return null;
  const goals = input.metrics.filter((m) => !m.guardrail).length * (input.variants.length - 1);
  return requiredSampleForControl({ mean, variance }, settings, goals, mde, targetPower);
}

/**
 * Units per arm to detect `mde` (relative) given the control's per-unit mean and variance, with
 * the same conventions as `requiredSamplePerArm` (α split over `goals` comparisons when a
 * correction is on; sequential inflation; Bayesian planned as fixed-horizon). Null when the
 * control has no variance or a zero mean.
 *
 * @example
 * requiredSampleForControl({ mean: 0.1, variance: 0.09 }, DEFAULT_ANALYSIS_SETTINGS, 1, 0.05); // 59_409
 */
export function requiredSampleForControl(
  control: { readonly mean: number; readonly variance: number },
  settings: Pick<AnalysisSettings, 'method' | 'alpha' | 'oneSided' | 'correction' | 'sequentialTuning'>,
  goals: number,
  mde: number,
  targetPower = DEFAULT_GUIDANCE_OPTIONS.targetPower,
): number | null {
  const { mean, variance } = control;
  if (!Number.isFinite(mean) || mean === 0 || !(variance > 0)) return null;
  const split = settings.method !== 'bayesian' && settings.correction !== 'none' && goals > 1;
  return (
    requiredSampleSize(
      {
        mean: Math.abs(mean),
        variance,
        alpha: split ? settings.alpha / goals : settings.alpha,
        twoSided: !settings.oneSided,
        difference: 'relative',
        sequentialTuning: settings.method === 'sequential' ? settings.sequentialTuning : null,
      },
      Math.abs(mde),
      targetPower,
    )?.perArm ?? null
  );
}

/**
 * Turns the engine's decision into rollout guidance and next steps for the experiment memo.
 * The decision is the source of truth (see `decide`); this adds the traffic step, the time left
 * and the concrete actions. `experimentMemo` calls it; call it directly only to re-use an
 * analysis and decision made elsewhere.
 *
 * @example
 * const built = buildExperimentInput(definition, exposures, metrics, [], now);
 * const analysis = analyzeExperiment(built.input);
 * rolloutGuidance(built, analysis, decide(analysis), { nowMs, requiredPerArm: 59_409, mde: 0.05, coverage: 1, rampSteps: [0.05, 0.25, 0.5, 1], rules: ['hero'] }).kind;
 */
export function rolloutGuidance(
  built: GuidanceExperiment,
  analysis: GuidanceAnalysis,
  decision: GuidanceDecision,
  context: GuidanceContext,
): RolloutGuidance {
  const { health } = analysis;
  const rules = context.rules.length > 0 ? context.rules.join(', ') : 'the experiment’s rules';
  const control = built.control;
  const base = {
    variant: null,
    currentExposure: null,
    targetExposure: null,
    moreDays: null,
    requiredSamplePerArm: context.requiredPerArm,
    recheckOn: null,
  };

  if (health.srm?.alert || health.multipleExposure?.alert) {
    const what = [
      health.srm?.alert ? `a sample ratio mismatch (p = ${formatP(health.srm.pValue)})` : null,
      health.multipleExposure?.alert
        ? `${formatPercent(health.multipleExposure.rate)} of users exposed to more than one variant`
        : null,
    ]
      .filter((x) => x !== null)
      .join(' and ');
    return {
      ...base,
      kind: 'fix and restart',
      headline: `Do not act on these results: ${what} means assignment or logging is broken.`,
      nextSteps: [
        `Compare assigned and exposed users by variant, day, channel and platform to find where users are lost or duplicated.`,
        `Check that ${rules} assign on a stable user id and log the exposure once, when the variant is shown.`,
        `After the fix, restart the experiment with fresh assignment and discard the data collected so far.`,
      ],
    };
  }

  if (decision.action === 'ship' && decision.variant !== null) {
    const i = built.variants.indexOf(decision.variant);
    const current = context.coverage * built.weights[i];
    const next = context.rampSteps.find((s) => s > current + 1e-9) ?? 1;
    const guardrails = built.guardrails.map((g) => g.name);
    const watch = guardrails.length > 0 ? guardrails.join(', ') : 'the primary metrics';
    if (next >= 1) {
      return {
        ...base,
        kind: 'ship',
        variant: decision.variant,
        currentExposure: current,
        targetExposure: 1,
        headline: `Ship ${decision.variant} to 100% of traffic: ${winSummary(analysis, decision.variant)}.`,
        nextSteps: [
          `Set ${rules} to serve ${decision.variant} to everyone, through a reviewed and approved change.`,
          `Keep a small holdout (e.g. 5%) for a few weeks to confirm the lift lasts, watching ${watch}.`,
          `Record the decision, the effect and its interval in the experiment log, then archive the experiment.`,
        ],
      };
    }
    return {
      ...base,
      kind: 'ramp',
      variant: decision.variant,
      currentExposure: current,
      targetExposure: next,
      headline: `Ramp ${decision.variant} from ${formatPercent(current)} to ${formatPercent(next)} of traffic: ${winSummary(analysis, decision.variant)}.`,
      nextSteps: [
        `Raise ${decision.variant}'s share in ${rules} to ${formatPercent(next)} through an approved change.`,
        `Watch ${watch} for at least a week at the new share, then read the experiment again before the next step.`,
        `Continue through ${context.rampSteps
          .filter((s) => s > next)
          .map(formatPercent)
          .join(', ')} while guardrails hold.`,
      ],
    };
  }

  if (decision.action === 'roll back') {
    const losers = decision.variants.filter((v) => v.action === 'roll back').map((v) => v.name);
    const violated = decision.verdicts
      .filter((v) => v.verdict === 'violated')
      .map((v) => `${v.metric} (${v.variant})`);
    const worse = decision.verdicts
      .filter((v) => v.verdict === 'worse')
      .map((v) => `${v.metric} (${v.variant})`);
    const why = [
      violated.length > 0 ? `guardrail violated: ${violated.join(', ')}` : null,
      worse.length > 0 ? `worse on ${worse.join(', ')}` : null,
    ]
      .filter((x) => x !== null)
      .join('; ');
    return {
      ...base,
      kind: 'roll back',
      headline: `Roll back ${losers.join(', ')}: serve ${control} to 100% of traffic (${why}).`,
      nextSteps: [
        `Set ${rules} to serve ${control} to everyone now, through an approved change.`,
        `Find out why ${losers.join(', ')} hurt ${[...violated, ...worse].join(', ')} before trying a new version.`,
        `Record the result and the learning in the experiment log, then archive the experiment.`,
      ],
    };
  }

  if (decision.action === 'stop') {
    const tradeOff = tradeOffs(analysis, decision);
    if (tradeOff.length > 0) {
      return {
        ...base,
        kind: 'owner decision',
        headline: `${tradeOff.join('; ')}: the owner decides the trade-off.`,
        nextSteps: [
          `Put the gains and losses in the same unit (e.g. revenue per user) and decide with the metric owners.`,
          `Until then keep the current allocation in ${rules}; do not change the rules.`,
        ],
      };
    }
    const unproven = unprovenWinners(analysis, decision);
    if (unproven.length > 0) {
      return {
        ...base,
        kind: 'owner decision',
        headline: `${unproven.join('; ')} by the planned horizon: the owner decides whether that risk is acceptable.`,
        nextSteps: [
          `Weigh the gain against the guardrail interval with the guardrail's owner; ship only with their sign-off.`,
          `If in doubt, keep ${control} and re-test with a sample sized for the guardrail's margin.`,
        ],
      };
    }
    return {
      ...base,
      kind: 'stop',
      headline: `Stop and keep ${control}: no effect as large as ${formatEffect(context.mde, 'relative', false)} was found by the planned horizon (${Math.floor(health.minimumData.smallestArm)} users in the smallest arm).`,
      nextSteps: [
        `Set ${rules} to serve ${control} to everyone and end the experiment.`,
        `Record the estimate and its interval: effects outside the interval are ruled out.`,
        `Try a bolder change, or a more sensitive metric, if the idea is still worth testing.`,
      ],
    };
  }

  return keepRunning(built, analysis, decision, context, base, rules);
}

/**
 * Keep running: the days to the required sample, or out of reach at this traffic. A variant already
 * better on its goals whose guardrail is not shown non-inferior yet is said so (the readout keeps
 * it running for the guardrail), never "nothing is conclusive".
 */
function keepRunning(
  built: GuidanceExperiment,
  analysis: GuidanceAnalysis,
  decision: GuidanceDecision,
  context: GuidanceContext,
  base: Pick<
    RolloutGuidance,
    'variant' | 'currentExposure' | 'targetExposure' | 'moreDays' | 'requiredSamplePerArm' | 'recheckOn'
  >,
  rules: string,
): RolloutGuidance {
  const { health } = analysis;
  if (built.status === 'not started') {
    return {
      ...base,
      kind: 'keep running',
      headline: `Not started: it starts on ${built.start.slice(0, 10)}; the first readout needs ${health.minimumData.minDays} days.`,
      nextSteps: [
        `Check that ${rules} and the exposure logging are ready before ${built.start.slice(0, 10)}.`,
      ],
    };
  }
  const unproven = unprovenWinners(analysis, decision);
  const state = unproven.length > 0 ? `${unproven.join('; ')} yet` : 'nothing is conclusive yet';
  const dontShip = unproven.length > 0 ? unprovenStep(analysis, decision) : null;
  const more = daysLeft(built, analysis, context.requiredPerArm);
  const recheckOn = more === null ? null : isoTime(context.nowMs + more * MS_PER_DAY).slice(0, 10);
  const pastEnd =
    more !== null && built.plannedDays !== null && built.daysRunning + more > built.plannedDays
      ? ` This runs past the planned end (${built.end?.slice(0, 10)}): extend it, or accept detecting only larger effects.`
      : '';
  const lift = `enough to detect a ${formatEffect(context.mde, 'relative', false)} lift`;
  const reach =
    context.requiredPerArm === null ? '' : ` to reach ${context.requiredPerArm} users per arm (${lift})`;
  if (more !== null && more > OUT_OF_REACH_DAYS && context.requiredPerArm !== null) {
    // years away at this traffic: waiting is no plan (a 4.7 % base rate and a 5 % effect at 43
    // users a day asked to "keep running about 15971 more days ... read it again on 2070-08-23")
    const perDay = health.minimumData.smallestArm / built.daysRunning;
    return {
      ...base,
      kind: 'keep running',
      moreDays: more,
      recheckOn: null, // a date years ahead is no plan: nothing to read again on
      headline: `Out of reach at this traffic: ${context.requiredPerArm} users per arm (${lift}) would take about ${more} more days (${(more / 365).toFixed(1)} years) at ${formatCount(perDay)} users a day in the smallest arm; ${state}.`,
      nextSteps: [
        `Re-plan the test: a larger minimum detectable effect, more of the traffic in ${rules}, or a more sensitive metric.`,
        `Or decide with the owner on the evidence so far, knowing effects smaller than the interval's ends are not ruled out.`,
        dontShip ?? `Do not ship on the current numbers as if they were conclusive.`,
      ],
    };
  }
  const then =
    more === null
      ? ''
      : `Keep running about ${more} more day${more === 1 ? '' : 's'}${reach}, then read it again on ${recheckOn}`;
  return {
    ...base,
    kind: 'keep running',
    moreDays: more,
    recheckOn,
    headline:
      more === null
        ? `Keep running: ${decision.reasons[0] ?? 'not conclusive yet.'}`
        : unproven.length > 0
          ? `${then}: ${state}.${pastEnd}`
          : `${then}.${pastEnd}`,
    nextSteps: [
      `Keep the allocation and ${rules} unchanged until then: a change mid-experiment mixes treatments.`,
      dontShip ?? `Do not ship on the current numbers; nothing is conclusive yet.`,
      ...(pastEnd ? [pastEnd.trim()] : []),
    ],
  };
}

/** Beyond this many more days the required sample is called out of reach (a year). */
const OUT_OF_REACH_DAYS = 365;

const formatCount = (x: number) => (x >= 10 ? String(Math.round(x)) : x.toFixed(1));

/** Days until both the required sample (at the observed daily rate of the smallest arm) and the minimum duration are reached. */
function daysLeft(
  built: GuidanceExperiment,
  analysis: GuidanceAnalysis,
  requiredPerArm: number | null,
): number | null {
  const { minimumData } = analysis.health;
  const d = built.daysRunning;
  const forDuration = Math.max(0, minimumData.minDays - d);
  let forSample = 0;
  if (requiredPerArm !== null) {
    if (!(d > 0) || !(minimumData.smallestArm > 0)) return null;
    forSample = Math.max(0, (requiredPerArm - minimumData.smallestArm) / (minimumData.smallestArm / d));
  }
  const days = Math.ceil(Math.max(forDuration, forSample) - 1e-9);
  return days > 0 ? days : null;
}

function winSummary(analysis: GuidanceAnalysis, variant: string): string {
  const goal = analysis.metrics.find((m) => !m.guardrail);
  const v = goal?.variants.find((x) => x.name === variant);
  if (!goal || !v || v.estimate === null || v.ci === null) return 'better on its goals, guardrails hold';
  const ci = v.adjustedCi ?? v.ci;
  const d = v.difference ?? analysis.settings.difference;
  // an absolute fallback is named and its note kept, so 0.01 is not read as a 1 % lift
  const what = d === analysis.settings.difference ? '' : `${d} difference `;
  const note = v.note ? `; ${v.note}` : '';
  // a deterministic difference: the interval is the point
  const interval =
    ci[0] === v.estimate && ci[1] === v.estimate
      ? 'exactly'
      : `interval ${formatEffect(ci[0], d)} to ${formatEffect(ci[1], d)}`;
  return `${goal.name} ${what}${formatEffect(v.estimate, d)} (${interval}${note})`;
}

function tradeOffs(analysis: GuidanceAnalysis, decision: GuidanceDecision): string[] {
  const goals = new Set(analysis.metrics.filter((m) => !m.guardrail).map((m) => m.name));
  const out: string[] = [];
  for (const variant of analysis.variantNames.slice(1)) {
    const mine = decision.verdicts.filter((v) => v.variant === variant && goals.has(v.metric));
    const better = mine.filter((v) => v.verdict === 'better').map((v) => v.metric);
    const worse = mine.filter((v) => v.verdict === 'worse').map((v) => v.metric);
    if (better.length > 0 && worse.length > 0) {
      out.push(`${variant} is better on ${better.join(', ')} and worse on ${worse.join(', ')}`);
    }
  }
  return out;
}

/** "B is better on X but guardrail G is not shown non-inferior" for variants stopped at the horizon. */
function unprovenWinners(analysis: GuidanceAnalysis, decision: GuidanceDecision): string[] {
  return unprovenWins(analysis, decision).map(
    (w) =>
      `${w.variant} is better on ${w.better.join(', ')} but guardrail ${w.open.join(', ')} is not shown non-inferior`,
  );
}

/** "Do not ship yet: ship B once guardrail G is shown non-inferior …" for the unproven winners. */
function unprovenStep(analysis: GuidanceAnalysis, decision: GuidanceDecision): string {
  const parts = unprovenWins(analysis, decision).map(
    (w) => `${w.variant} once guardrail ${w.open.join(', ')} is shown non-inferior`,
  );
  return `Do not ship yet: ship ${parts.join('; ')} (within its margin), or with its owner’s sign-off.`;
}

/** The variants better on a goal with a guardrail not shown non-inferior: the goals and the guardrails. */
function unprovenWins(
  analysis: GuidanceAnalysis,
  decision: GuidanceDecision,
): { variant: string; better: string[]; open: string[] }[] {
  const guardrails = new Set(analysis.metrics.filter((m) => m.guardrail).map((m) => m.name));
  return analysis.variantNames.slice(1).flatMap((variant) => {
    const mine = decision.verdicts.filter((v) => v.variant === variant);
    const better = mine
      .filter((v) => !guardrails.has(v.metric) && v.verdict === 'better')
      .map((v) => v.metric);
    const open = mine
      .filter((v) => guardrails.has(v.metric) && v.verdict !== 'non-inferior')
      .map((v) => v.metric);
    return better.length > 0 && open.length > 0 ? [{ variant, better, open }] : [];
  });
}

function formatPercent(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}

function formatP(p: number): string {
  return p < 0.0001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}
