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
  const out: Float64Array[] = [];
  // Two right-hand sides at a time share one pass over the sparse rows.
  for (let r = 0; r < rhs.length; r += 2) {
    const b1 = rhs[r + 1] ?? new Float64Array(chain.n);
    const [h0, h1] = gaussSeidelPair(chain, rhs[r], b1, removed, order, start?.[r], start?.[r + 1]);
    out.push(h0);
    if (r + 1 < rhs.length) out.push(h1);
  }
  return out;
}

function gaussSeidelPair(
  chain: SparseChain,
  b0: Float64Array,
  b1: Float64Array,
  removed: Uint8Array | null,
  order: Int32Array,
  start0?: Float64Array,
  start1?: Float64Array,
): [Float64Array, Float64Array] {
  const { n, rowStart, col, prob } = chain;
  const h0 = start0 ? Float64Array.from(start0) : new Float64Array(n);
  const h1 = start1 ? Float64Array.from(start1) : new Float64Array(n);
  if (removed) {
    for (let i = 0; i < n; i++) {
      if (removed[i]) h0[i] = h1[i] = 0;
    }
  }
  let prev0 = Infinity;
  let prev1 = Infinity;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let delta0 = 0;
    let delta1 = 0;
    let max0 = 0;
    let max1 = 0;
    for (let o = 0; o < n; o++) {
      const i = order[o];
      if (removed !== null && removed[i]) continue;
      let s0 = b0[i];
      let s1 = b1[i];
      let self = 0;
      const end = rowStart[i + 1];
      for (let k = rowStart[i]; k < end; k++) {
        const j = col[k];
        const p = prob[k];
        if (j === i) {
          self += p;
        } else {
          s0 += p * h0[j];
          s1 += p * h1[j];
        }
      }
      const scale = self < 1 ? 1 / (1 - self) : 0;
      const n0 = s0 * scale;
      const n1 = s1 * scale;
      const d0 = Math.abs(n0 - h0[i]);
      const d1 = Math.abs(n1 - h1[i]);
      if (d0 > delta0) delta0 = d0;
      if (d1 > delta1) delta1 = d1;
      if (Math.abs(n0) > max0) max0 = Math.abs(n0);
      if (Math.abs(n1) > max1) max1 = Math.abs(n1);
      h0[i] = n0;
      h1[i] = n1;
    }
    // Stop on an a-posteriori bound: with contraction rate q estimated from successive sweeps, the
    // remaining error is at most Δ·q/(1−q).
    if (sweep > 0 && converged(delta0, prev0, max0) && converged(delta1, prev1, max1)) return [h0, h1];
    prev0 = delta0;
    prev1 = delta1;
  }
  throw new Error(
    `Markov absorption did not converge after ${MAX_SWEEPS} sweeps; lower the Markov order or trim long paths`,
  );
}

function converged(delta: number, previous: number, scale: number): boolean {
  if (delta === 0) return true;
  const q = Math.min(0.9999, delta / previous);
  return (delta * q) / (1 - q) <= TOLERANCE * scale;
}
