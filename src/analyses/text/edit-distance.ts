/**
 * Levenshtein distance, for "did you mean" suggestions on flags, commands, config keys and names
 * (all short, so the quadratic table is fine).
 * @example editDistance('windw', 'window') // 1
 */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The closest of `known` to `wanted` (ignoring case and surrounding spaces), when it is close enough
 * to be a typo: within max(2, ⌊length / 4⌋) edits. Null otherwise.
 * @example didYouMean('ref-double-sidd', ['ref-double-sided']) // 'ref-double-sided'
 */
export function didYouMean(wanted: string, known: readonly string[]): string | null {
  const w = wanted.trim().toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(w, k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(w.length / 4)) ? best : null;
}
