/**
 * The only door to probability distributions: @stdlib's implementations, which keep relative
 * accuracy far into the tails (p-values of 1e-12 stay meaningful), instead of hand-rolled
 * approximations. Lower-tail calls with negated arguments are used for upper tails so that small
 * probabilities are not lost to `1 − x` cancellation.
 */
import { createRequire } from 'node:module';
import type Normal from '@stdlib/stats-base-dists-normal';
import type StudentT from '@stdlib/stats-base-dists-t';
import type ChiSquare from '@stdlib/stats-base-dists-chisquare';

// The distributions load on first use: together they take about a second to load, which every
// command that can review an experiment would otherwise pay at start-up.
const load = createRequire(import.meta.url);
let normalDist: typeof Normal | undefined;
let tDist: typeof StudentT | undefined;
let chiSquareDist: typeof ChiSquare | undefined;
const normal = () => (normalDist ??= load('@stdlib/stats-base-dists-normal') as typeof Normal);
const studentT = () => (tDist ??= load('@stdlib/stats-base-dists-t') as typeof StudentT);
const chisquare = () => (chiSquareDist ??= load('@stdlib/stats-base-dists-chisquare') as typeof ChiSquare);

/** Φ(x), the standard normal CDF. */
export const normalCdf = (x: number): number => normal().cdf(x, 0, 1);

/** Φ⁻¹(p). */
export const normalQuantile = (p: number): number => normal().quantile(p, 0, 1);

/** φ(x), the standard normal density. */
export const normalPdf = (x: number): number => normal().pdf(x, 0, 1);

/** CDF of Student's t with (possibly fractional) degrees of freedom. */
export const tCdf = (x: number, dof: number): number => studentT().cdf(x, dof);

/** Quantile of Student's t. */
export const tQuantile = (p: number, dof: number): number => studentT().quantile(p, dof);

/** P(X ≥ x) for X ~ χ²(k). */
export const chiSquareSurvival = (x: number, k: number): number => {
  const sf = 1 - chisquare().cdf(x, k);
  return sf < 0 ? 0 : sf;
};
