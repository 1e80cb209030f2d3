import { betaCdf } from './distributions.ts';
import type { BayesianResult, DifferenceType, ProportionArm } from './types.ts';

/** Points of the quadrature over the grid arm's posterior (midpoints in probability). */
const GRID = 4000;

/** A Beta(a, b) posterior with a = 1 + conversions, b = 1 + non-conversions (uniform prior). */
interface Posterior {
  readonly a: number;
  readonly b: number;
}

/**
 * Whether an arm pair needs the Beta posteriors: a proportion arm at 0 % or 100 %, where the
 * normal approximation of `bayesianEffect` has no variance for that arm (p(1 − p) = 0).
 */
export function needsBetaPosterior(control: ProportionArm, treatment: ProportionArm): boolean {
  const atBoundary = (arm: ProportionArm) => arm.sum === 0 || arm.sum === arm.n;
  return atBoundary(control) || atBoundary(treatment);
}

/**
 * Bayesian comparison of two conversion rates with independent Beta posteriors, for arms at 0 %
 * or 100 % where the Gaussian approximation of the effect breaks down. Each arm has a uniform
 * Beta(1, 1) prior, so pA ~ Beta(1 + sA, 1 + nA − sA) and likewise pB. The effect is pB − pA
 * (absolute) or (pB − pA)/pA (relative).
 *
 * Every quantity is an expectation over one arm's posterior (the one at 0 % or 100 %, whose
 * quantile function is closed-form: 1 − (1 − u)^(1/b) for Beta(1, b), u^(1/a) for Beta(a, 1)),
 * taken on 4,000 probabilities clustered in the tails (see `quantileGrid`), of closed-form conditional quantities of the
 * other arm (its CDF I_x(a, b), E[p; p > x] = μ·(1 − I_x(a + 1, b)), E[1/p; p < y] =
 * (a + b − 1)/(a − 1)·I_y(a − 1, b)). Means and standard deviations are exact. The interval is
 * equal-tailed (bisection on the effect's CDF); chance to win is P(effect > 0) (P(effect < 0)
 * for lower-is-better); risk is [E max(0, gain), E max(0, −gain)] as in `bayesianEffect`.
 *
 * A relative lift needs E[1/pA²] < ∞, i.e. at least 2 control conversions; the caller falls back
 * to the absolute difference below that.
 *
 * @example
 * betaBinomialEffect({ kind: 'proportion', n: 1000, sum: 0 }, { kind: 'proportion', n: 1000, sum: 10 },
 *   { alpha: 0.05, difference: 'absolute' }).chanceToWin; // ≈ 0.99989
 */
export function betaBinomialEffect(
  control: ProportionArm,
  treatment: ProportionArm,
  options: { alpha: number; difference: DifferenceType; lowerIsBetter?: boolean; oneSided?: boolean },
): BayesianResult {
  const A: Posterior = { a: 1 + control.sum, b: 1 + control.n - control.sum };
  const B: Posterior = { a: 1 + treatment.sum, b: 1 + treatment.n - treatment.sum };
  const relative = options.difference === 'relative';
  if (relative && !(A.a > 2)) {
    throw new RangeError('a relative lift needs at least 2 control conversions (E[1/pA²] is infinite)');
  }
  const gridOnControl = closedFormQuantile(A);
  if (!gridOnControl && !closedFormQuantile(B)) {
    throw new RangeError('betaBinomialEffect needs an arm at 0 % or 100 %');
  }
  const grid = quantileGrid(gridOnControl ? A : B);
  const average = (f: (x: number) => number) => {
    let sum = 0;
    for (let i = 0; i < grid.x.length; i++) sum += grid.w[i] * f(grid.x[i]);
    return sum;
  };

  const muA = A.a / (A.a + A.b);
  const muB = B.a / (B.a + B.b);
  const secondB = (B.a * (B.a + 1)) / ((B.a + B.b) * (B.a + B.b + 1));
  const secondA = (A.a * (A.a + 1)) / ((A.a + A.b) * (A.a + A.b + 1));

  let mean: number;
  let sd: number;
  /** P(effect ≤ d). */
  let cdf: (d: number) => number;
  /** E max(0, effect). */
  let upside: number;
  if (!relative) {
    mean = muB - muA;
    sd = Math.sqrt(secondA - muA ** 2 + secondB - muB ** 2);
    cdf = gridOnControl
      ? (d) => average((x) => betaCdf(x + d, B.a, B.b))
      : (d) => average((y) => 1 - betaCdf(y - d, A.a, A.b));
    upside = gridOnControl
      ? average((x) => muB * (1 - betaCdf(x, B.a + 1, B.b)) - x * (1 - betaCdf(x, B.a, B.b)))
      : average((y) => y * betaCdf(y, A.a, A.b) - muA * betaCdf(y, A.a + 1, A.b));
  } else {
    const inverseA = (A.a + A.b - 1) / (A.a - 1); // E[1/pA]
    const inverseA2 = ((A.a + A.b - 1) * (A.a + A.b - 2)) / ((A.a - 1) * (A.a - 2)); // E[1/pA²]
    mean = muB * inverseA - 1;
    sd = Math.sqrt(secondB * inverseA2 - (muB * inverseA) ** 2);
    // effect ≤ r ⇔ pB ≤ (1 + r)·pA (pA > 0); below −1 the effect never goes.
    cdf = gridOnControl
      ? (r) => (r <= -1 ? 0 : average((x) => betaCdf((1 + r) * x, B.a, B.b)))
      : (r) => (r <= -1 ? 0 : average((y) => 1 - betaCdf(y / (1 + r), A.a, A.b)));
    upside = gridOnControl
      ? average((x) => (muB * (1 - betaCdf(x, B.a + 1, B.b)) - x * (1 - betaCdf(x, B.a, B.b))) / x)
      : average((y) => y * inverseA * betaCdf(y, A.a - 1, A.b) - betaCdf(y, A.a, A.b));
  }
  const downside = upside - mean; // E max(0, −effect) = E max(0, effect) − E effect
  const pPositive = gridOnControl
    ? average((x) => 1 - betaCdf(x, B.a, B.b))
    : average((y) => betaCdf(y, A.a, A.b));
  const pNegative = 1 - pPositive;

  const lowerIsBetter = options.lowerIsBetter ?? false;
  const { alpha } = options;
  const quantile = (p: number) => invert(cdf, p, mean, sd, -1);
  let ci: [number, number];
  if (!options.oneSided) ci = [quantile(alpha / 2), quantile(1 - alpha / 2)];
  else ci = lowerIsBetter ? [-Infinity, quantile(1 - alpha)] : [quantile(alpha), Infinity];

  return {
    estimate: mean,
    se: sd,
    ci,
    chanceToWin: lowerIsBetter ? pNegative : pPositive,
    risk: lowerIsBetter
      ? [Math.max(0, downside), Math.max(0, upside)]
      : [Math.max(0, upside), Math.max(0, downside)],
  };
}

function closedFormQuantile(p: Posterior): boolean {
  return p.a === 1 || p.b === 1;
}

/**
 * Quadrature nodes and weights for E f(p) over a Beta(1, b) or Beta(a, 1) posterior: u = F(p) is
 * uniform, and u = (1 − cos πt)/2 with t at GRID midpoints clusters the nodes in both tails,
 * where the quantile moves fastest (weights (π/2)·sin πt / GRID, summing to 1).
 */
function quantileGrid(p: Posterior): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  let total = 0;
  for (let i = 0; i < GRID; i++) {
    const t = (i + 0.5) / GRID;
    const u = Math.sin((Math.PI * t) / 2) ** 2; // (1 − cos πt)/2 without cancelling near 0
    const v = Math.cos((Math.PI * t) / 2) ** 2; // 1 − u
    // Beta(1, b): F(x) = 1 − (1 − x)^b; Beta(a, 1): F(x) = x^a (Beta(1, 1) is uniform either way).
    x.push(p.a === 1 ? -Math.expm1(Math.log(v) / p.b) : Math.exp(Math.log(u) / p.a));
    const weight = Math.sin(Math.PI * t);
    w.push(weight);
    total += weight;
  }
  return { x, w: w.map((v) => v / total) };
}

/** The d with cdf(d) = p, by bisection from mean ± 12 sd (the effect is bounded below by `floor`). */
function invert(cdf: (d: number) => number, p: number, mean: number, sd: number, floor: number): number {
  let lo = Math.max(floor, mean - 12 * sd);
  let hi = mean + 12 * sd;
  while (cdf(hi) < p) hi += 12 * sd;
  for (let i = 0; i < 200 && hi - lo > 1e-7 * sd; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
