import { checkLength, finiteAt, weightAt } from './check-column.ts';
import { distinctIndex } from './distinct-index.ts';
import { digammaDifference, logGammaRatio } from './log-gamma-ratio.ts';
import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { Objective } from './objective.ts';
import type { BgNbdData, BgNbdParams } from './types.ts';

/**
 * Total BG/NBD log-likelihood of (r, α, a, b) over weighted (x, tx, T) rows, equation (6) of
 * Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2):
 *
 *   L = B(a, b+x)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+T)^(r+x))
 *     + δ(x>0) · B(a+1, b+x−1)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+tx)^(r+x)),
 *
 * summed in logs as A₁ + A₂ + ln(e^A₃ + δ e^A₄) with a softplus, so no term under- or overflows
 * for large x or long histories. The a/(b+x−1) factor only exists for x > 0 (b − 1 may be ≤ 0).
 * Cost O(rows) with ln Γ evaluated once per distinct x and ln(α + T) once per distinct T.
 *
 * @example
 * bgnbdLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, cdnow); // ≈ −9582.4
 */
export function bgnbdLogLikelihood(params: BgNbdParams, data: BgNbdData): number {
  const prepared = prepareBgnbd(data, 1);
  const theta = Float64Array.of(
    Math.log(params.r),
    Math.log(params.alpha),
    Math.log(params.a),
    Math.log(params.b),
  );
  return -prepared.objective(theta, null) * prepared.members;
}

export interface PreparedBgnbd {
  /** Mean negative log-likelihood over members, in log-parameters (r, α·scale, a, b). */
  readonly objective: Objective;
  readonly rows: number;
  readonly members: number;
  /** Σ weight · x, for converting likelihoods between time scales. */
  readonly weightedX: number;
}

/**
 * Validates the rows and builds the per-distinct-value tables once; `scale` multiplies every time
 * (fits run on T scaled to max 10, as lifetimes does, so that all four parameters start near 1).
 * With `stride` > 1 only every stride-th row is used (a deterministic subsample for warm starts).
 */
export function prepareBgnbd(data: BgNbdData, scale: number, stride = 1): PreparedBgnbd {
  const n = data.x.length;
  checkLength(data.tx, n, 'tx');
  checkLength(data.T, n, 'T');
  if (data.weight) checkLength(data.weight, n, 'weight');
  const X = new Float64Array(n);
  const W = new Float64Array(n);
  const Ts = new Float64Array(n);
  const TXs = new Float64Array(n);
  let members = 0;
  let weightedX = 0;
  let used = 0;
  for (let i = 0; i < n; i += stride) {
    const w = weightAt(data.weight, i);
    const x = finiteAt(data.x, i, 'x', 0);
    if (!Number.isInteger(x)) {
      throw new LoyaltyInputError(`x must be a whole number of repeat purchases, got ${x}`, {
        column: 'x',
        row: i,
      });
    }
    const T = finiteAt(data.T, i, 'T', 0);
    const tx = finiteAt(data.tx, i, 'tx', 0);
    if (!(T > 0)) throw new LoyaltyInputError(`T must be > 0, got ${T}`, { column: 'T', row: i });
    if (tx > T * (1 + 1e-12)) {
      throw new LoyaltyInputError(`tx (${tx}) is after T (${T})`, {
        column: 'tx',
        row: i,
        hint: 'tx is the time from first to last purchase, T from first purchase to the end of the period',
      });
    }
    if (x === 0 && tx !== 0) {
      throw new LoyaltyInputError(`tx must be 0 when x = 0, got ${tx}`, {
        column: 'tx',
        row: i,
        hint: 'recency here is the time of the last purchase since the first one, not time since the last purchase',
      });
    }
    if (w === 0) continue;
    X[used] = x;
    W[used] = w;
    Ts[used] = T * scale;
    TXs[used] = tx * scale;
    members += w;
    weightedX += w * x;
    used++;
  }
  if (used === 0) {
    throw new LoyaltyInputError('no rows with a positive weight to fit', { column: 'weight' });
  }
  if (weightedX === 0) {
    throw new LoyaltyInputError('no member has a repeat purchase (all x = 0): BG/NBD cannot be fitted', {
      column: 'x',
      hint: 'x counts purchases after the first; check the calibration window is long enough',
    });
  }
  const x = X.subarray(0, used);
  const w = W.subarray(0, used);
  const tDistinct = distinctIndex(Ts.subarray(0, used));
  const txDistinct = distinctIndex(TXs.subarray(0, used), (i) => x[i] > 0);
  const xDistinct = distinctIndex(x);
  const nx = xDistinct.values.length;
  const nt = tDistinct.values.length;
  const ntx = txDistinct.values.length;
  const xValues = xDistinct.values;
  const xIndex = xDistinct.index;
  const tIndex = tDistinct.index;
  const txIndex = txDistinct.index;
  const tValues = tDistinct.values;
  const txValues = txDistinct.values;

  const logAT = new Float64Array(nt);
  const invAT = new Float64Array(nt);
  const logATX = new Float64Array(ntx);
  const invATX = new Float64Array(ntx);
  const constX = new Float64Array(nx);
  const logAOverB = new Float64Array(nx);
  const invBX = new Float64Array(nx);
  const dR = new Float64Array(nx);
  const dA = new Float64Array(nx);
  const dB = new Float64Array(nx);

  const objective: Objective = (theta, gradient) => {
    const r = Math.exp(theta[0]);
    const alpha = Math.exp(theta[1]);
    const a = Math.exp(theta[2]);
    const b = Math.exp(theta[3]);
    if (![r, alpha, a, b].every((v) => v > 0 && Number.isFinite(v))) return Number.NaN;
    const logAlpha = Math.log(alpha);
    for (let j = 0; j < nt; j++) {
      logAT[j] = Math.log(alpha + tValues[j]);
      invAT[j] = 1 / (alpha + tValues[j]);
    }
    for (let j = 0; j < ntx; j++) {
      logATX[j] = Math.log(alpha + txValues[j]);
      invATX[j] = 1 / (alpha + txValues[j]);
    }
    const logA = Math.log(a);
    for (let m = 0; m < nx; m++) {
      const xv = xValues[m];
      if (xv === 0) continue;
      // ln Γ differences taken as such: a and b grow large when dropout hardly varies between
      // members, and differences of their ln Γ values would then be noise (see logGammaRatio)
      const abx = logGammaRatio(a + b, xv);
      constX[m] = logGammaRatio(r, xv) + logGammaRatio(b, xv) - abx;
      logAOverB[m] = logA - Math.log(b + xv - 1);
      invBX[m] = 1 / (b + xv - 1);
      if (gradient) {
        const psiABX = digammaDifference(a + b, xv);
        dR[m] = digammaDifference(r, xv);
        dA[m] = -psiABX;
        dB[m] = digammaDifference(b, xv) - psiABX;
      }
    }
    let ll = 0;
    let gr = 0;
    let gAlpha = 0;
    let ga = 0;
    let gb = 0;
    const withGradient = gradient !== null;
    for (let i = 0; i < used; i++) {
      const wi = w[i];
      const xi = x[i];
      const jt = tIndex[i];
      const lt = logAT[jt];
      if (xi === 0) {
        ll += wi * r * (logAlpha - lt);
        if (withGradient) {
          gr += wi * (logAlpha - lt);
          gAlpha += wi * r * (1 / alpha - invAT[jt]);
        }
        continue;
      }
      const m = xIndex[i];
      const k = txIndex[i];
      const rx = r + xi;
      const diff = lt - logATX[k];
      const d = logAOverB[m] + rx * diff;
      const e = Math.exp(-Math.abs(d));
      const softplus = d > 0 ? d + Math.log1p(e) : Math.log1p(e);
      ll += wi * (constX[m] + r * logAlpha - rx * lt + softplus);
      if (withGradient) {
        const s = d > 0 ? 1 / (1 + e) : e / (1 + e);
        gr += wi * (dR[m] + logAlpha - lt + s * diff);
        gAlpha += wi * (r / alpha - rx * invAT[jt] + s * rx * (invAT[jt] - invATX[k]));
        ga += wi * (dA[m] + s / a);
        gb += wi * (dB[m] - s * invBX[m]);
      }
    }
    if (gradient) {
      gradient[0] = (-gr * r) / members;
      gradient[1] = (-gAlpha * alpha) / members;
      gradient[2] = (-ga * a) / members;
      gradient[3] = (-gb * b) / members;
    }
    return -ll / members;
  };
  return { objective, rows: used, members, weightedX };
}
