/** Transient-to-transient transition probabilities of an absorbing chain, by rows. */
export interface SparseChain {
  n: number;
  rowStart: Int32Array;
  col: Int32Array;
  prob: Float64Array;
}

/** Up to this many transient states the system is solved directly; above, by Gauss–Seidel. */
const DENSE_LIMIT = 200;
const TOLERANCE = 1e-14;
const MAX_SWEEPS = 500_000;

/**
 * Solves h = P·h + b for each right-hand side b (absorption probability, or expected absorbed value,
 * from every transient state). States flagged in `removed` are forced to h = 0: the removal of a
 * channel redirects its states to (null). Small chains use Gaussian elimination with partial
 * pivoting; large ones Gauss–Seidel sweeps in `sweepOrder` (successors first converge fastest),
 * warm-started from `start` when given, until the estimated remaining error is below 1e-14 relative
 * to the largest value — deterministic either way.
 */
export function solveAbsorbing(
  chain: SparseChain,
  rhs: Float64Array[],
  removed: Uint8Array | null,
  sweepOrder: Int32Array,
  start?: Float64Array[],
): Float64Array[] {
  return chain.n <= DENSE_LIMIT
    ? solveDense(chain, rhs, removed)
    : solveGaussSeidel(chain, rhs, removed, sweepOrder, start);
}

function solveDense(chain: SparseChain, rhs: Float64Array[], removed: Uint8Array | null): Float64Array[] {
  const n = chain.n;
  const m = rhs.length;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = 1;
    if (removed?.[i]) continue;
    for (let k = chain.rowStart[i]; k < chain.rowStart[i + 1]; k++) {
      const j = chain.col[k];
      if (!removed?.[j]) a[i * n + j] -= chain.prob[k];
    }
    for (let r = 0; r < m; r++) b[i * m + r] = rhs[r][i];
  }
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = Math.abs(a[col * n + col]);
    for (let i = col + 1; i < n; i++) {
      const v = Math.abs(a[i * n + col]);
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (best === 0) continue; // a state no mass can reach or leave: its row stays h = b
    if (piv !== col) {
      for (let j = 0; j < n; j++) {
        const t = a[col * n + j];
        a[col * n + j] = a[piv * n + j];
        a[piv * n + j] = t;
      }
      for (let r = 0; r < m; r++) {
        const t = b[col * m + r];
        b[col * m + r] = b[piv * m + r];
        b[piv * m + r] = t;
      }
    }
    const d = a[col * n + col];
    for (let i = col + 1; i < n; i++) {
      const f = a[i * n + col] / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) a[i * n + j] -= f * a[col * n + j];
      for (let r = 0; r < m; r++) b[i * m + r] -= f * b[col * m + r];
    }
  }
  const out = rhs.map(() => new Float64Array(n));
  for (let i = n - 1; i >= 0; i--) {
    const d = a[i * n + i];
    for (let r = 0; r < m; r++) {
      let s = b[i * m + r];
      for (let j = i + 1; j < n; j++) s -= a[i * n + j] * out[r][j];
      out[r][i] = d === 0 ? 0 : s / d;
    }
  }
  return out;
}

function solveGaussSeidel(
  chain: SparseChain,
  rhs: Float64Array[],
  removed: Uint8Array | null,
  order: Int32Array,
  start?: Float64Array[],
): Float64Array[] {
  const { n, rowStart, col, prob } = chain;
  const m = rhs.length;
  const h = rhs.map((_, r) => (start ? Float64Array.from(start[r]) : new Float64Array(n)));
  if (removed) for (let i = 0; i < n; i++) if (removed[i]) for (let r = 0; r < m; r++) h[r][i] = 0;
  const sums = new Float64Array(m);
  const maxDelta = new Float64Array(m);
  const prevDelta = new Float64Array(m).fill(Infinity);
  const maxAbs = new Float64Array(m);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    maxDelta.fill(0);
    maxAbs.fill(0);
    for (let o = 0; o < n; o++) {
      const i = order[o];
      if (removed?.[i]) continue;
      for (let r = 0; r < m; r++) sums[r] = rhs[r][i];
      let self = 0;
      for (let k = rowStart[i]; k < rowStart[i + 1]; k++) {
        const j = col[k];
        if (j === i) self += prob[k];
        else for (let r = 0; r < m; r++) sums[r] += prob[k] * h[r][j];
      }
      for (let r = 0; r < m; r++) {
        const next = self < 1 ? sums[r] / (1 - self) : 0;
        const delta = Math.abs(next - h[r][i]);
        if (delta > maxDelta[r]) maxDelta[r] = delta;
        if (Math.abs(next) > maxAbs[r]) maxAbs[r] = Math.abs(next);
        h[r][i] = next;
      }
    }
    // Stop on an a-posteriori bound: with contraction rate q (estimated from successive sweeps),
    // the remaining error is at most Δ·q/(1−q).
    let done = true;
    for (let r = 0; r < m; r++) {
      const q = Math.min(0.9999, maxDelta[r] / prevDelta[r]);
      const bound = q < 1 && Number.isFinite(q) ? (maxDelta[r] * q) / (1 - q) : Infinity;
      if (!(maxDelta[r] === 0 || (sweep > 0 && bound <= TOLERANCE * maxAbs[r]))) done = false;
      prevDelta[r] = maxDelta[r];
    }
    if (done) return h;
  }
  throw new Error(
    `Markov absorption did not converge after ${MAX_SWEEPS} sweeps; lower the Markov order or trim long paths`,
  );
}
