import { cupedTheta } from './cuped-theta.ts';
import { cupedCovariance, cupedPreVariance, summarizeArm } from './summarize-arm.ts';
import type { ArmData, CupedArm, DifferenceType, EffectMomentsResult } from './types.ts';

/**
 * Estimate and standard error of the treatment effect, from the two arms' sufficient statistics.
 *
 * - absolute: μB − μA, variance vB/nB + vA/nA;
 * - relative: (μB − μA)/|μA|, variance by the delta method,
 *   vB/(nB μA²) + vA μB²/(nA μA⁴) (the covariance term vanishes: arms are independent);
 * - ratio metrics use the delta-method per-unit variance of M/D inside the same formulas;
 * - CUPED uses θ pooled over both arms and the adjusted means μ − θ·x̄; the relative effect is
 *   divided by the *unadjusted* control mean, with gbstats' delta-method variance for it.
 *
 * Degrees of freedom are Welch–Satterthwaite (see `welchDof`). One arm without variance (a 0 % or
 * 100 % rate, every unit the same value) is fine: its term is 0. Edge cases:
 * - an arm with fewer than 2 units, or a negative variance: `{ ok: false, reason }`;
 * - both arms without variance and the same mean: `{ ok: false, reason }` (no evidence either way);
 * - both without variance and different means: `deterministic: true`, se 0, with a note;
 * - relative with a zero control mean (undefined), or with the treatment all zeros (the delta
 *   method gives the lift a variance of 0): the absolute difference, `difference: 'absolute'`
 *   and a note saying why.
 *
 * @example
 * const r = effectMoments(
 *   { kind: 'proportion', n: 28, sum: 14 },
 *   { kind: 'proportion', n: 30, sum: 16 },
 *   'relative',
 * );
 * if (r.ok) r.moments.estimate; // 0.0666…
 */
export function effectMoments(
  control: ArmData,
  treatment: ArmData,
  difference: DifferenceType,
): EffectMomentsResult {
  if (control.kind !== treatment.kind) {
    return { ok: false, reason: `control is a ${control.kind} arm but treatment is a ${treatment.kind} arm` };
  }
  let theta = 0;
  let a: ArmData = control;
  let b: ArmData = treatment;
  if (control.kind === 'cuped' && treatment.kind === 'cuped') {
    theta = cupedTheta(control, treatment);
    // No variance in a period: fall back to the unadjusted analysis, as gbstats does.
    if (theta === 0) {
      a = control.post;
      b = treatment.post;
    }
  }
  const sa = summarizeArm(a, theta);
  const sb = summarizeArm(b, theta);
  for (const [arm, s] of [
    ['control', sa],
    ['treatment', sb],
  ] as const) {
    if (s.n <= 1) {
      return {
        ok: false,
        reason: `too few units: the ${arm} arm has ${s.n}, at least 2 per arm are needed to estimate a variance`,
      };
    }
    if (!Number.isFinite(s.variance) || s.variance < -varianceTolerance(s)) {
      return {
        ok: false,
        reason: `negative variance in the ${arm} arm: its sum of squares is below sum²/n (inconsistent sufficient statistics)`,
      };
    }
  }
  // One arm without variance (0 % or 100 % conversion, every unit the same value) is fine: its
  // term of the pooled variance is 0. A variance that is 0 up to rounding counts as 0.
  const va = sa.variance <= varianceTolerance(sa) ? 0 : sa.variance;
  const vb = sb.variance <= varianceTolerance(sb) ? 0 : sb.variance;
  const proportion = isProportion(control);

  if (va === 0 && vb === 0) {
    if (sa.mean === sb.mean) {
      return {
        ok: false,
        reason: `no evidence either way: every unit in both arms has the same value (${describeValue(sa.mean, proportion)} in both), so there is no variance to test a difference against`,
      };
    }
  }

  // A relative lift needs a non-zero control mean; with zero (e.g. a 0 % control rate) it is
  // undefined and the comparison falls back to the absolute difference, with a note.
  let note: string | null = null;
  let scale = difference;
  if (difference === 'relative' && (sa.unadjustedMean === 0 || sa.mean === 0)) {
    scale = 'absolute';
    note = proportion
      ? 'relative lift undefined: control rate is 0 %; the absolute difference is reported instead'
      : 'relative lift undefined: control mean is 0; the absolute difference is reported instead';
  }

  const absoluteVariance = vb / sb.n + va / sa.n;
  let estimate: number;
  let variance: number;
  if (scale === 'absolute') {
    estimate = sb.mean - sa.mean;
    variance = absoluteVariance;
  } else if (a.kind === 'cuped' && b.kind === 'cuped') {
    estimate = (sb.mean - sa.mean) / Math.abs(sa.unadjustedMean);
    variance = relativeCupedVariance(a, b, theta, sa.unadjustedMean, sb.unadjustedMean, vb);
  } else {
    estimate = (sb.mean - sa.mean) / Math.abs(sa.mean);
    variance = vb / (sb.n * sa.mean ** 2) + (va * sb.mean ** 2) / (sa.n * sa.mean ** 4);
    // Treatment all zeros (μB = 0, vB = 0): the delta method gives the lift −100 % a variance of
    // 0 although the absolute difference has one. The delta method has broken down: test the
    // absolute difference instead.
    if (!(variance > 0) && absoluteVariance > 0) {
      scale = 'absolute';
      estimate = sb.mean - sa.mean;
      variance = absoluteVariance;
      note = `relative lift not testable: every treatment unit is ${describeValue(sb.mean, proportion)}, so the delta-method variance of the lift is 0; the absolute difference is reported instead`;
    }
  }
  if (!Number.isFinite(variance) || !Number.isFinite(estimate) || variance < 0) {
    return { ok: false, reason: 'the effect has no finite variance' };
  }

  // Both arms without variance and different means: the difference is deterministic, a t-test
  // is degenerate (se = 0). Reported as such; the caller decides what it means.
  const deterministic = va === 0 && vb === 0;
  if (deterministic) {
    const what = `every control unit is ${describeValue(sa.unadjustedMean, proportion)} and every treatment unit is ${describeValue(sb.unadjustedMean, proportion)}`;
    note = `deterministic difference: ${what} (no variance in either arm), so a t-test is degenerate; so clean a split often means the metric is tied to the assignment: check the instrumentation${note ? `; ${note}` : ''}`;
  } else if (!(variance > 0)) {
    return { ok: false, reason: 'the effect has no positive variance' };
  }

  return {
    ok: true,
    moments: {
      difference: scale,
      estimate,
      se: Math.sqrt(variance),
      dof: welchDof(va, sa.n, vb, sb.n),
      n: sa.n + sb.n,
      controlN: sa.n,
      treatmentN: sb.n,
      controlMean: sa.unadjustedMean,
      treatmentMean: sb.unadjustedMean,
      theta: theta === 0 ? null : theta,
      deterministic,
      note,
    },
  };
}

/**
 * Welch–Satterthwaite degrees of freedom (vA/nA + vB/nB)² / ((vA/nA)²/(nA−1) + (vB/nB)²/(nB−1)).
 * An arm with zero variance contributes 0 to both sums, so with vA = 0 the formula is exactly
 * nB − 1 (and nA − 1 with vB = 0): the arm that carries all the variance sets the df. With both
 * zero the ratio is 0/0: Infinity is returned (no test is run on a deterministic difference).
 */
export function welchDof(va: number, na: number, vb: number, nb: number): number {
  const ta = va / na;
  const tb = vb / nb;
  if (ta === 0 && tb === 0) return Infinity;
  if (ta === 0) return nb - 1;
  if (tb === 0) return na - 1;
  return (ta + tb) ** 2 / (ta ** 2 / (na - 1) + tb ** 2 / (nb - 1));
}

/** Rounding left in sumSquares − sum²/n by the sums' magnitudes: below it, the variance is 0. */
function varianceTolerance(s: { mean: number; unadjustedMean: number }): number {
  return 1e-12 * Math.max(s.mean ** 2, s.unadjustedMean ** 2, Number.MIN_VALUE);
}

function isProportion(arm: ArmData): boolean {
  return arm.kind === 'proportion' || (arm.kind === 'cuped' && arm.post.kind === 'proportion');
}

function describeValue(x: number, proportion: boolean): string {
  return proportion ? `${Number((x * 100).toPrecision(6))} %` : String(Number(x.toPrecision(6)));
}

/**
 * Delta-method variance of (adjB − adjA)/μA with μA the unadjusted control mean. The gradient with
 * respect to the control's post mean is −μB/μA² (μB unadjusted): the θ·(x̄A − x̄B) term it leaves
 * out has expectation zero under randomisation. Same as gbstats' frequentist_variance_relative_cuped.
 */
function relativeCupedVariance(
  a: CupedArm,
  b: CupedArm,
  theta: number,
  controlMean: number,
  treatmentMean: number,
  treatmentAdjustedVariance: number,
): number {
  const nA = a.post.n;
  const nB = b.post.n;
  const fromTreatment = treatmentAdjustedVariance / (nB * controlMean ** 2);
  const postVarA = summarizeArm(a.post).variance;
  const fromControl =
    ((postVarA * treatmentMean ** 2) / controlMean ** 2 -
      (2 * theta * cupedCovariance(a) * treatmentMean) / controlMean +
      theta ** 2 * cupedPreVariance(a)) /
    (nA * controlMean ** 2);
  return fromTreatment + fromControl;
}
