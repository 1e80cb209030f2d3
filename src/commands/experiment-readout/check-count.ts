import { inputError } from '../shared/experiment-review/readout-input.ts';

/**
 * A unit count (`n`) beyond 2^53 − 1 is not a count JavaScript can hold exactly, and its squares
 * overflow the statistics to infinity: refused where it is, before any arithmetic. (Smaller
 * problems with `n` — not whole, negative — are `buildArm`'s to report.)
 *
 * @example checkCount(1e308, 'r.json:metrics[0].data.A.n'); // throws INPUT
 */
export function checkCount(n: number | undefined, where: string): void {
  if (n !== undefined && Number.isInteger(n) && n > Number.MAX_SAFE_INTEGER)
    throw inputError(`'n' is larger than 2^53 − 1, got ${n}`, where, 'n counts the units (users) in the arm');
}
