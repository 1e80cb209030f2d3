import { normalCdf } from '../experiments/distributions.ts';
import { AnomalyInputError } from './anomaly-input-error.ts';
import { positiveInteger } from './option-checks.ts';
import { playbookFor } from './playbooks.ts';
import { DAY_MS, formatTime, requireEpochMs } from './to-epoch-ms.ts';
import type { Anomaly, TimeInput } from './types.ts';

/** A variant and its planned share of exposures (any scale: shares are normalised). */
export interface VariantPlan {
  readonly variant: string;
  readonly plannedShare: number;
}

/** Exposures of one variant on one day. */
export interface VariantExposure {
  readonly variant: string;
  readonly t: TimeInput;
  readonly exposures: number;
}

export interface VariantSuppressionOptions {
  /** One-sided significance level of the share test (default 0.001, the usual SRM alert level). */
  readonly alpha?: number;
  /** Observed share must also be below planned × (1 − this) to flag (default 0.2). */
  readonly relativeTolerance?: number;
  /** Consecutive latest days with no exposures while other variants had some that make a stall (default 2). */
  readonly stalledDays?: number;
  /** The experiment or initiative, used as the anomalies' subject prefix (default `experiment`). */
  readonly subject?: string;
}

export interface VariantCheck {
  readonly variant: string;
  /** Normalised planned share and observed share of all exposures. */
  readonly plannedShare: number;
  readonly observedShare: number;
  readonly exposures: number;
  readonly expected: number;
  /** (observed − expected) / √(N·p·(1 − p)): the binomial score statistic (χ² with 1 df = z²). */
  readonly z: number;
  /** P(Z ≤ z): one-sided p-value of under-exposure. */
  readonly pValue: number;
  /** 1 − observed / planned share. */
  readonly relativeShortfall: number;
  readonly suppressed: boolean;
  /** Latest consecutive days with zero exposures while the other variants had exposures. */
  readonly zeroDays: number;
  readonly stalled: boolean;
}

/**
 * Variant suppression for running experiments and personalization rollouts. A variant is
 * *suppressed* when its share of exposures is below plan both statistically (one-sided binomial
 * score test, p < alpha) and materially (more than `relativeTolerance` below plan): the test alone
 * flags trivial gaps at large N, the tolerance alone flags noise at small N. A variant is *stalled*
 * when it had no exposures on each of the latest `stalledDays` days while the others had some
 * (absent rows count as zero). O(rows + variants).
 *
 * @example
 * variantSuppression([{ variant: 'control', plannedShare: 50 }, { variant: 'treatment', plannedShare: 50 }], exposures);
 */
export function variantSuppression(
  plan: readonly VariantPlan[],
  exposures: readonly VariantExposure[],
  options: VariantSuppressionOptions = {},
): {
  readonly variants: readonly VariantCheck[];
  readonly total: number;
  readonly anomalies: readonly Anomaly[];
} {
  const alpha = options.alpha ?? 0.001;
  const tolerance = options.relativeTolerance ?? 0.2;
  const stalledDays = positiveInteger(options.stalledDays ?? 2, 'stalledDays');
  const subject = options.subject ?? 'experiment';
  if (!(alpha > 0 && alpha < 1))
    throw new AnomalyInputError(`alpha must be in (0, 1), got ${alpha}.`, { option: 'alpha' });
  if (!(tolerance >= 0 && tolerance < 1))
    throw new AnomalyInputError(`relativeTolerance must be in [0, 1), got ${tolerance}.`, {
      option: 'relativeTolerance',
    });
  const shareSum = plan.reduce((s, p) => s + p.plannedShare, 0);
  plan.forEach((p, i) => {
    if (!(p.plannedShare >= 0 && Number.isFinite(p.plannedShare)))
      throw new AnomalyInputError(`${p.variant}: plannedShare must be ≥ 0, got ${p.plannedShare}.`, {
        option: 'plannedShare',
        index: i,
      });
  });
  if (!(shareSum > 0)) throw new AnomalyInputError('planned shares sum to 0.', { option: 'plannedShare' });
  const index = new Map(plan.map((p, i) => [p.variant, i]));
  if (index.size !== plan.length)
    throw new AnomalyInputError('a variant is planned twice.', { option: 'plan' });

  const totals = new Float64Array(plan.length);
  const byDay = new Map<number, Float64Array>();
  exposures.forEach((e, i) => {
    const k = index.get(e.variant);
    if (k === undefined)
      throw new AnomalyInputError(
        `exposure row ${i} names variant ${JSON.stringify(e.variant)}, which is not planned.`,
        {
          index: i,
          hint: `Planned variants: ${plan.map((p) => p.variant).join(', ')}.`,
        },
      );
    if (!(e.exposures >= 0 && Number.isFinite(e.exposures)))
      throw new AnomalyInputError(`exposure row ${i} has ${e.exposures} exposures.`, { index: i });
    const day = Math.floor(requireEpochMs(e.t, 'exposures.t', i) / DAY_MS);
    let counts = byDay.get(day);
    if (!counts) byDay.set(day, (counts = new Float64Array(plan.length)));
    counts[k] += e.exposures;
    totals[k] += e.exposures;
  });
  const total = totals.reduce((s, x) => s + x, 0);
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const lastDay = days.length ? days[days.length - 1] : 0;
  const firstDay = days.length ? days[0] : 0;

  const variants: VariantCheck[] = [];
  const anomalies: Anomaly[] = [];
  const at = formatTime(lastDay * DAY_MS);
  plan.forEach((p, k) => {
    const share = p.plannedShare / shareSum;
    const expected = total * share;
    const observedShare = total > 0 ? totals[k] / total : 0;
    const sd = Math.sqrt(total * share * (1 - share));
    const z = sd > 0 ? (totals[k] - expected) / sd : 0;
    const pValue = sd > 0 ? normalCdf(z) : 1;
    const relativeShortfall = share > 0 ? 1 - observedShare / share : 0;
    const suppressed = share > 0 && pValue < alpha && relativeShortfall > tolerance;
    let zeroDays = 0;
    for (let d = lastDay; d >= firstDay && days.length > 0; d--) {
      const counts = byDay.get(d);
      const others = counts ? counts.reduce((s, x) => s + x, 0) - counts[k] : 0;
      if ((counts?.[k] ?? 0) > 0 || others === 0) break;
      zeroDays++;
    }
    const stalled = share > 0 && zeroDays >= stalledDays;
    variants.push({
      variant: p.variant,
      plannedShare: share,
      observedShare,
      exposures: totals[k],
      expected,
      z,
      pValue,
      relativeShortfall,
      suppressed,
      zeroDays,
      stalled,
    });
    const window = { from: formatTime(firstDay * DAY_MS), to: at, points: days.length };
    if (suppressed)
      anomalies.push({
        subject: `${subject}/${p.variant}`,
        t: lastDay * DAY_MS,
        at,
        direction: 'neg',
        severity: stalled || relativeShortfall > 2 * tolerance ? 'error' : 'warn',
        evidence: {
          detector: 'variant-suppression',
          value: observedShare,
          expected: share,
          score: relativeShortfall,
          threshold: tolerance,
          window,
          details: { z, pValue, alpha, exposures: totals[k], expectedExposures: expected, total },
        },
        playbook: playbookFor('variant-suppression', 'neg'),
      });
    if (stalled)
      anomalies.push({
        subject: `${subject}/${p.variant}`,
        t: lastDay * DAY_MS,
        at,
        direction: 'neg',
        severity: 'error',
        evidence: {
          detector: 'variant-stalled',
          value: 0,
          expected: share,
          score: zeroDays,
          threshold: stalledDays,
          window: { from: formatTime((lastDay - zeroDays + 1) * DAY_MS), to: at, points: zeroDays },
          details: { zeroDays, stalledDays },
        },
        playbook: playbookFor('variant-stalled', 'neg'),
      });
  });
  return { variants, total, anomalies };
}
