/**
 * The two loess kernels of STL (Cleveland, Cleveland, McRae & Terpenning 1990, netlib `stl`, as in
 * R's `stats::stl`): a local fit of degree 0 or 1 with tricube weights over a window of `len`
 * neighbours, on the abscissae 1..n. Positions are 1-based as in the paper so that window
 * arithmetic (half-widths, ends, jumps) reads the same as the published algorithm; arrays are
 * addressed through an offset so that cycle-subseries can be smoothed in place without copies.
 */

/** A view of `n` values of `data` starting at `offset`, read as positions 1..n. */
export interface Slice {
  readonly data: Float64Array;
  readonly offset: number;
}

/**
 * Loess fit at abscissa `xs` (may lie outside 1..n) from the neighbours nleft..nright.
 * `scratch` receives the weights (positions nleft..nright). Returns NaN when every weight is zero,
 * which callers replace by the observed value (as the Fortran does with its `ok` flag).
 */
export function loessEstimate(
  y: Slice,
  n: number,
  len: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  scratch: Float64Array,
  robustness: Slice | null,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  // Windows wider than the data widen the bandwidth by half the excess (integer division, as in stl.f).
  if (len > n) h += Math.trunc((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    let w = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      if (r <= h1) w = 1;
      else {
        const q = r / h;
        const c = 1 - q * q * q;
        w = c * c * c;
      }
      if (robustness) w *= robustness.data[robustness.offset + j - 1];
      a += w;
    }
    scratch[j - 1] = w;
  }
  if (a <= 0) return Number.NaN;
  for (let j = nleft; j <= nright; j++) scratch[j - 1] /= a;
  if (h > 0 && degree > 0) {
    let mean = 0;
    for (let j = nleft; j <= nright; j++) mean += scratch[j - 1] * j;
    let b = xs - mean;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += scratch[j - 1] * (j - mean) * (j - mean);
    // A near-degenerate design (all weight on one point) keeps the local-constant fit.
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) scratch[j - 1] *= b * (j - mean) + 1;
    }
  }
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += scratch[j - 1] * y.data[y.offset + j - 1];
  return ys;
}

/**
 * Loess smoothing of y(1..n) into ys(1..n): fits at every `jump`-th position and linear
 * interpolation between them (stl.f's `stless`). O(n/jump · len).
 */
export function loessSmooth(
  y: Slice,
  n: number,
  len: number,
  degree: number,
  jump: number,
  robustness: Slice | null,
  ys: Slice,
  scratch: Float64Array,
): void {
  const out = ys.data;
  const o = ys.offset - 1; // out[o + i] is ys(i)
  const yv = (i: number) => y.data[y.offset + i - 1];
  if (n < 2) {
    out[o + 1] = yv(1);
    return;
  }
  const newnj = Math.min(jump, n - 1);
  let nleft = 0;
  let nright = 0;
  const fit = (i: number) => {
    const v = loessEstimate(y, n, len, degree, i, nleft, nright, scratch, robustness);
    out[o + i] = Number.isNaN(v) ? yv(i) : v;
  };
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (let i = 1; i <= n; i += newnj) fit(i);
  } else if (newnj === 1) {
    const nsh = (len + 1) >> 1;
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      fit(i);
    }
  } else {
    const nsh = (len + 1) >> 1;
    for (let i = 1; i <= n; i += newnj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      fit(i);
    }
  }
  if (newnj === 1) return;
  for (let i = 1; i <= n - newnj; i += newnj) {
    const delta = (out[o + i + newnj] - out[o + i]) / newnj;
    for (let j = i + 1; j <= i + newnj - 1; j++) out[o + j] = out[o + i] + delta * (j - i);
  }
  const k = Math.trunc((n - 1) / newnj) * newnj + 1;
  if (k !== n) {
    // The last position is fitted with the window of the last jump, as stl.f does.
    fit(n);
    if (k !== n - 1) {
      const delta = (out[o + n] - out[o + k]) / (n - k);
      for (let j = k + 1; j <= n - 1; j++) out[o + j] = out[o + k] + delta * (j - k);
    }
  }
}
