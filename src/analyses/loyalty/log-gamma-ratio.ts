import { digamma } from './digamma.ts';
import { logGamma } from './log-gamma.ts';

/**
 * From this x on, the differences below come from Stirling's series written as differences, where
 * ln Γ(x + y) − ln Γ(x) as two ln Γ values would lose digits: ln Γ(4·10⁶) ≈ 5.7·10⁷, so their
 * difference carries an error near 10⁻⁸ (enough to stall a line search on a likelihood whose
 * parameters run towards a boundary). The series' first omitted term is below 10⁻¹⁷ here.
 */
const LARGE = 100;

/** Stirling's correction of ln Γ(t) beyond (t − ½) ln t − t + ½ ln 2π, to the t⁻⁵ term. */
const stirling = (t: number) => {
  const inv = 1 / t;
  const inv2 = inv * inv;
  return inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
};

/**
 * ln Γ(x + y) − ln Γ(x) for x > 0, y ≥ 0, accurate when x is large (no cancellation of two big
 * ln Γ values): (x − ½) ln(1 + y/x) + y ln(x + y) − y + the difference of Stirling's corrections.
 *
 * @example
 * logGammaRatio(3, 2); // ln(3 · 4) = ln 12
 */
export function logGammaRatio(x: number, y: number): number {
  if (x < LARGE) return logGamma(x + y) - logGamma(x);
  const z = x + y;
  return (x - 0.5) * Math.log1p(y / x) + y * Math.log(z) - y + (stirling(z) - stirling(x));
}

/** ψ(t) = ln t − this (asymptotic series to the t⁻⁶ term). */
const psiTail = (t: number) => {
  const inv2 = 1 / (t * t);
  return 0.5 / t + inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 / 252));
};

/**
 * ψ(x + y) − ψ(x) for x > 0, y ≥ 0, accurate when x is large: ln(1 + y/x) and the difference of
 * the asymptotic series.
 *
 * @example
 * digammaDifference(3, 2); // 1/3 + 1/4
 */
export function digammaDifference(x: number, y: number): number {
  if (x < LARGE) return digamma(x + y) - digamma(x);
  return Math.log1p(y / x) - psiTail(x + y) + psiTail(x);
}
