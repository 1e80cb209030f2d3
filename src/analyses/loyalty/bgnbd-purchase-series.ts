/**
 * The bracket [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)] / (a − 1), z = t/(α+T+t),
 * common to the BG/NBD expectations (x = 0, T = 0 gives the unconditional one).
 *
 * Computed through Euler's transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z), under
 * which the prefactor collapses: ((α+T)/(α+T+t))^(r+x) ₂F₁(…) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z).
 * The new series has small numerator parameters that do not grow with x (the original one reaches
 * 1e31 for x = 26 and overflows for large x), a denominator that grows with x (faster convergence),
 * and every term carries the factor (a−1), which is divided out analytically so a → 1 is no
 * singularity: with ε = a − 1, L = ln(1−z) and S = Σₙ≥₁ (a+b−1−r)ₙ (a)ₙ₋₁ / ((a+b+x−1)ₙ n!) zⁿ,
 * bracket = −expm1(εL + log1p(εS)) / ε  (= −(L+S) + ε(S² − (L+S)²)/2 + O(ε²) near ε = 0).
 *
 * Terms are eventually of one sign and shrink like zⁿ, so the sum stops when the geometric bound
 * on the tail is below 1e-16 of the sum: about 36/(1 − z) terms at worst (z = 0.5: under 80;
 * z = 0.99: some 3,600). Returns NaN if z is so close to 1 that a million terms do not converge
 * (a horizon above ~30,000 × (α + T)).
 */
export function purchaseBracket(
  r: number,
  alpha: number,
  a: number,
  b: number,
  x: number,
  T: number,
  t: number,
): number {
  if (t <= 0) return 0;
  const u = t / (alpha + T);
  const z = u / (1 + u);
  const logOneMinusZ = -Math.log1p(u);
  let c = a + b + x - 1;
  // A non-positive integer C makes every term infinite although the product with the (a+b+x−1)
  // outside stays finite: nudge C off the pole (only reachable with x = 0 and a + b ≤ 1).
  if (c <= 0 && Math.abs(c - Math.round(c)) < 1e-9) c -= 1e-9;
  const p = a + b - 1 - r;
  let term = (p / c) * z;
  let sum = term;
  const tailFactor = 1 - z;
  for (let n = 1; n < 1_000_000; n++) {
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) * tailFactor && n > 2) break;
    if (term === 0) break;
    term *= (((p + n) * (a + n - 1)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (n === 999_999) return Number.NaN;
  }
  const eps = a - 1;
  // Near a = 1 the quotient loses digits to the division by ε: use its expansion to O(ε²) instead.
  if (Math.abs(eps) < 1e-8) {
    const first = logOneMinusZ + sum;
    return -first + (eps * (sum * sum - first * first)) / 2;
  }
  const bracket = -Math.expm1(eps * logOneMinusZ + Math.log1p(eps * sum)) / eps;
  if (Number.isFinite(bracket) || !(eps > 1)) return bracket;
  return directBracket(r, a, b, x, z, logOneMinusZ);
}

/**
 * The bracket from the untransformed series, for a large a, where the transformed one fails: its
 * terms grow like (a)ₙ zⁿ / n! and overflow (a calibration fit with a = 1.9e7, b = 3.6e8, a dropout
 * probability of 5 % held with near certainty, gave −Infinity purchases), while here the ratio of
 * consecutive terms, (r+x+n)(b+x+n) / ((a+b+x−1+n)(n+1)) · z, stays below z · (r+x+n)/(n+1). The
 * sum is kept with a running scale (large x makes it large before the prefactor (1−z)^(r+x) brings
 * it back), and the product is formed in logs: bracket = −expm1((r+x)·ln(1−z) + ln ₂F₁) / (a−1).
 */
function directBracket(r: number, a: number, b: number, x: number, z: number, logOneMinusZ: number): number {
  const A = r + x;
  const B = b + x;
  const C = a + b + x - 1;
  let term = 1;
  let sum = 1;
  let logScale = 0;
  for (let n = 0; n < 1_000_000; n++) {
    const ratio = (((A + n) * (B + n)) / ((C + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    if (sum > 1e200) {
      term /= 1e200;
      sum /= 1e200;
      logScale += Math.log(1e200);
    }
    if (term === 0 || (ratio < 1 && term <= 1e-16 * sum * (1 - ratio))) break;
    if (n === 999_999) return Number.NaN;
  }
  return -Math.expm1(A * logOneMinusZ + Math.log(sum) + logScale) / (a - 1);
}

/**
 * A per-(x, T) cache of a value that does not depend on tx (the bracket, or a sum of brackets over
 * a horizon): the values of one x are kept until x changes, so rows sorted by x (as distinct
 * (x, tx, T) combinations come) compute each pair once, and unsorted rows are still right.
 */
export class BracketMemo {
  private x = Number.NaN;
  private readonly byT = new Map<number, number>();
  constructor(private readonly compute: (x: number, T: number) => number) {}

  get(x: number, T: number): number {
    if (x !== this.x) {
      this.byT.clear();
      this.x = x;
    }
    let v = this.byT.get(T);
    if (v === undefined) {
      v = this.compute(x, T);
      this.byT.set(T, v);
    }
    return v;
  }
}
