/**
 * In-place zeta transform over the subset lattice of n items: a[S] ← Σ_{T ⊆ S} a[T].
 * O(n·2^n) additions.
 */
export function subsetSum(a: Float64Array, n: number): void {
  const size = 1 << n;
  for (let half = 1; half < size; half <<= 1) {
    for (let base = 0; base < size; base += half << 1) {
      for (let k = base + half, end = base + (half << 1); k < end; k++) a[k] += a[k - half];
    }
  }
}

/**
 * In-place Möbius transform, the inverse of `subsetSum`: a[S] ← Σ_{T ⊆ S} (−1)^{|S∖T|} a[T]
 * (the Harsanyi dividends of a game). O(n·2^n).
 */
export function mobius(a: Float64Array, n: number): void {
  const size = 1 << n;
  for (let half = 1; half < size; half <<= 1) {
    for (let base = 0; base < size; base += half << 1) {
      for (let k = base + half, end = base + (half << 1); k < end; k++) a[k] -= a[k - half];
    }
  }
}
