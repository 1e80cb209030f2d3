import { checkLength, finiteAt, weightAt } from './check-column.ts';
import { digamma } from './digamma.ts';
import { distinctIndex } from './distinct-index.ts';
import { logGamma } from './log-gamma.ts';
import { digammaDifference, logGammaRatio } from './log-gamma-ratio.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { Objective } from './objective.ts';
import type { GammaGammaData, GammaGammaParams } from './types.ts';

/**
 * Total Gamma-Gamma log-likelihood of (p, q, v) over weighted repeat buyers (Fader, Hardie & Lee
 * 2005, "RFM and CLV", Marketing Science 24(2) p. 415; Fader & Hardie 2013 note 025): the density
 * of the mean spend z̄ of x transactions when each is Gamma(p, ν) and ν ~ Gamma(q, v),
 *
 *   f(z̄ | x) = Γ(px+q) / (Γ(px) Γ(q)) · v^q · z̄^(px−1) · x^(px) / (v + x z̄)^(px+q),
 *
 * the same expression lifetimes' GammaGammaFitter maximises. Rows with x = 0 carry no spend and are
 * skipped. O(rows), with ln Γ once per distinct x.
 *
 * @example
 * gammaGammaLogLikelihood({ p: 6.25, q: 3.74, v: 15.44 }, { x, zbar }); // ≈ −4055.9 (CDNOW)
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: GammaGammaData): number {
  const prepared = prepareGammaGamma(data, 1);
  const theta = Float64Array.of(Math.log(params.p), Math.log(params.q), Math.log(params.v));
  return -prepared.objective(theta, null) * prepared.members + prepared.scaleShift;
}

export interface PreparedGammaGamma {
  /** Mean negative log-likelihood over repeat buyers, in log-parameters (p, q, v·scale). */
  readonly objective: Objective;
  readonly rows: number;
  readonly members: number;
  /** Add to −objective·members to get the log-likelihood in unscaled money, constants included. */
  readonly scaleShift: number;
}

/**
 * Validates rows, drops x = 0, and builds per-distinct-x tables; money is multiplied by `scale`.
 * With `stride` > 1 only every stride-th row is used (a deterministic subsample for warm starts).
 */
export function prepareGammaGamma(data: GammaGammaData, scale: number, stride = 1): PreparedGammaGamma {
  const n = data.x.length;
  checkLength(data.zbar, n, 'zbar');
  if (data.weight) checkLength(data.weight, n, 'weight');
  const X = new Float64Array(n);
  const Z = new Float64Array(n);
  const W = new Float64Array(n);
  let used = 0;
  let members = 0;
  for (let i = 0; i < n; i += stride) {
    const w = weightAt(data.weight, i);
    const x = finiteAt(data.x, i, 'x', 0);
    if (x === 0 || w === 0) continue;
    const z = finiteAt(data.zbar, i, 'zbar');
    if (!(z > 0)) {
      throw new LoyaltyInputError(`zbar must be > 0 for a repeat buyer, got ${z}`, {
        column: 'zbar',
        row: i,
        hint: 'drop or fix members whose repeat purchases have zero or negative value (refunds netted out)',
      });
    }
    X[used] = x;
    Z[used] = z * scale;
    W[used] = w;
    members += w;
    used++;
  }
  if (used === 0) {
    throw new LoyaltyInputError('no repeat buyers (x > 0) with a positive weight to fit', { column: 'x' });
  }
  const x = X.subarray(0, used);
  const z = Z.subarray(0, used);
  const w = W.subarray(0, used);
  // Per row the likelihood needs x z̄ (fixed) and two log1p of its ratio to v.
  let sumWLogZ = 0;
  const xz = new Float64Array(used);
  for (let i = 0; i < used; i++) {
    sumWLogZ += w[i] * Math.log(z[i]);
    xz[i] = x[i] * z[i];
  }
  const xd = distinctIndex(x);
  const nx = xd.values.length;
  const xWeight = new Float64Array(nx);
  for (let i = 0; i < used; i++) xWeight[xd.index[i]] += w[i];

  const objective: Objective = (theta, gradient) => {
    const p = Math.exp(theta[0]);
    const q = Math.exp(theta[1]);
    const v = Math.exp(theta[2]);
    if (![p, q, v].every((s) => s > 0 && Number.isFinite(s))) return Number.NaN;
    let ll = 0;
    let gp = 0;
    let gq = 0;
    let gv = 0;
    for (let m = 0; m < nx; m++) {
      const px = p * xd.values[m];
      // ln Γ(px + q) − ln Γ(q) as a difference: q and v grow large together when spend per
      // transaction hardly varies between members (see logGammaRatio)
      ll += xWeight[m] * (logGammaRatio(q, px) - logGamma(px));
      if (gradient) {
        const psiPQ = digamma(px + q);
        gp += xWeight[m] * xd.values[m] * (psiPQ - digamma(px));
        gq += xWeight[m] * digammaDifference(q, px);
      }
    }
    for (let i = 0; i < used; i++) {
      const xi = x[i];
      const s = xz[i];
      // −px·ln(1 + v/(x z̄)) − q·ln(1 + x z̄/v): the row's terms that depend on (p, q, v), each
      // logarithm as log1p of a ratio (accurate however far v and x z̄ are apart)
      const toV = Math.log1p(v / s);
      const toS = Math.log1p(s / v);
      ll -= w[i] * (p * xi * toV + q * toS);
      if (gradient) {
        gp -= w[i] * xi * toV;
        gq -= w[i] * toS;
        gv += (w[i] * (q * s - p * xi * v)) / (v * (s + v));
      }
    }
    if (gradient) {
      gradient[0] = (-gp * p) / members;
      gradient[1] = (-gq * q) / members;
      gradient[2] = (-gv * v) / members;
    }
    return -ll / members;
  };
  // The objective leaves out −Σ w ln z̄, and scaling money by s multiplies each density by 1/s
  // (z̄ is the density variable): ln L = −objective·members − Σ w ln z̄_s + members·ln s.
  return { objective, rows: used, members, scaleShift: -sumWLogZ + members * Math.log(scale) };
}
