/**
 * The only door to probability distributions (implemented in `special-functions.ts`, with relative
 * accuracy far into the tails: p-values of 1e-12 stay meaningful). Upper tails are computed as
 * tails, or as lower tails with negated arguments, so that small probabilities are not lost to
 * `1 − x` cancellation.
 */
export {
  betaCdf,
  chiSquareSurvival,
  normalCdf,
  normalPdf,
  normalQuantile,
  tCdf,
  tQuantile,
} from './special-functions.ts';
