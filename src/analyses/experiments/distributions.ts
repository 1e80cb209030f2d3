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

// The distributions load on first use: as packages they are some 1,300 small files (about half a
// second to load), which every command that can review an experiment would otherwise pay at
// start-up. The build writes them as one file beside this module (stdlib-dists.cjs, ~0.08 s);
// running from the sources, the packages are loaded.
const load = createRequire(import.meta.url);
interface Dists {
  normal: typeof Normal;
  t: typeof StudentT;
  chisquare: typeof ChiSquare;
}
let dists: Dists | undefined;
function loadDists(): Dists {
  try {
    return load('./stdlib-dists.cjs') as Dists;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    return {
      normal: load('@stdlib/stats-base-dists-normal') as typeof Normal,
      t: load('@stdlib/stats-base-dists-t') as typeof StudentT,
      chisquare: load('@stdlib/stats-base-dists-chisquare') as typeof ChiSquare,
    };
  }
}
const normal = () => (dists ??= loadDists()).normal;
const studentT = () => (dists ??= loadDists()).t;
const chisquare = () => (dists ??= loadDists()).chisquare;

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
