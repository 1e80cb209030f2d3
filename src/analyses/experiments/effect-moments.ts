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
 * Degrees of freedom are Welch–Satterthwaite. Returns `{ ok: false, reason }` instead of numbers
 * when an arm has no variance or (relative only) the control mean is zero.
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
  if (sa.n <= 1 || sb.n <= 1 || !(sa.variance > 0) || !(sb.variance > 0)) {
    return {
      ok: false,
      reason: 'zero or negative variance (too few units, or every unit has the same value)',
    };
  }
  const relative = difference === 'relative';
  if (relative && (sa.unadjustedMean === 0 || sa.mean === 0)) {
    return { ok: false, reason: 'the control mean is zero, so a relative difference is undefined' };
  }

  let estimate: number;
  let variance: number;
  if (!relative) {
    estimate = sb.mean - sa.mean;
    variance = sb.variance / sb.n + sa.variance / sa.n;
  } else if (a.kind === 'cuped' && b.kind === 'cuped') {
    estimate = (sb.mean - sa.mean) / Math.abs(sa.unadjustedMean);
    variance = relativeCupedVariance(a, b, theta, sa.unadjustedMean, sb.unadjustedMean, sb.variance);
  } else {
    estimate = (sb.mean - sa.mean) / Math.abs(sa.mean);
    variance = sb.variance / (sb.n * sa.mean ** 2) + (sa.variance * sb.mean ** 2) / (sa.n * sa.mean ** 4);
  }
  if (!(variance > 0) || !Number.isFinite(variance) || !Number.isFinite(estimate)) {
    return { ok: false, reason: 'the effect has no finite positive variance' };
  }

  const dof =
    (sb.variance / sb.n + sa.variance / sa.n) ** 2 /
    (sb.variance ** 2 / (sb.n ** 2 * (sb.n - 1)) + sa.variance ** 2 / (sa.n ** 2 * (sa.n - 1)));

  return {
    ok: true,
    moments: {
      difference,
      estimate,
      se: Math.sqrt(variance),
      dof,
      n: sa.n + sb.n,
      controlN: sa.n,
      treatmentN: sb.n,
      controlMean: sa.unadjustedMean,
      treatmentMean: sb.unadjustedMean,
      theta: theta === 0 ? null : theta,
    },
  };
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
