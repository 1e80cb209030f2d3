import { power, type PowerPlan } from './power.ts';

export interface RequiredSampleSize {
  /** Units per arm to reach the target power (rounded up). */
  readonly perArm: number;
  /** The continuous solution of power(n) = target. */
  readonly exact: number;
}

/**
 * Units per arm needed to detect `effect` with probability `targetPower`, found by bisection on
 * the power function (which increases with n), so it inherits every convention of `power`:
 * relative or absolute effects, one- or two-sided, fixed-horizon or sequential. Null when even
 * 10¹² units per arm are not enough.
 *
 * @example
 * requiredSampleSize({ mean: 0, variance: 1, difference: 'absolute' }, 0.3, 0.8)?.perArm; // 175
 */
export function requiredSampleSize(
  plan: PowerPlan,
  effect: number,
  targetPower = 0.8,
): RequiredSampleSize | null {
  const reaches = (n: number): boolean => power(plan, n, effect) >= targetPower;
  let low = 2;
  let high = 4;
  while (!reaches(high)) {
    low = high;
    high *= 2;
    if (high > 1e12) return null;
  }
  if (reaches(low)) return { perArm: low, exact: low };
  // Bisection on log n: the root is known to lie in [low, high].
  for (let i = 0; i < 200 && high - low > 1e-9 * high; i++) {
    const mid = Math.sqrt(low * high);
    if (reaches(mid)) high = mid;
    else low = mid;
  }
  let perArm = Math.max(2, Math.floor(low));
  while (!reaches(perArm)) perArm++;
  return { perArm, exact: (low + high) / 2 };
}
