import { WINKLER_MAX_PREFIX, WINKLER_PREFIX_SCALE } from './jaro-winkler.ts';

const counts = new Int32Array(128);
// Largest Winkler bonus factor: ℓ·p with ℓ ≤ 4 prefix characters.
const MAX_BOOST = WINKLER_MAX_PREFIX * WINKLER_PREFIX_SCALE;

/**
 * A cheap ceiling on the similarity of two strings, from the size c of their character multiset
 * intersection (O(|a| + |b|), no allocation): Jaro matches at most c characters, so
 * jaro ≤ (c/|a| + c/|b| + 1)/3 and Jaro–Winkler ≤ that + 0.4·(1 − that); Levenshtein needs at
 * least max(|a|, |b|) − c edits, so its normalized similarity ≤ c / max(|a|, |b|). Lets the
 * scorer skip the quadratic comparison for the many pairs that cannot reach a threshold.
 * Non-ASCII strings get the trivial bound 1. The optional ranges compare `a[aStart, aEnd)` with
 * `b[bStart, bEnd)` without slicing (first and last names inside a full name).
 *
 * @example similarityUpperBound('anna', 'peter', 'jaro-winkler') < 0.92; // true: no common letter
 */
export function similarityUpperBound(
  a: string,
  b: string,
  measure: 'jaro-winkler' | 'levenshtein',
  aStart = 0,
  aEnd = a.length,
  bStart = 0,
  bEnd = b.length,
): number {
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  if (la === 0 || lb === 0) return la === lb ? 1 : 0;
  let ascii = true;
  for (let i = aStart; i < aEnd; i++) {
    const c = a.charCodeAt(i);
    if (c > 127) {
      ascii = false;
      break;
    }
    counts[c]++;
  }
  let common = 0;
  if (ascii)
    for (let j = bStart; j < bEnd; j++) {
      const c = b.charCodeAt(j);
      if (c > 127) {
        ascii = false;
        break;
      }
      if (counts[c] > 0) {
        counts[c]--;
        common++;
      }
    }
  for (let i = aStart; i < aEnd; i++) {
    const c = a.charCodeAt(i);
    if (c <= 127) counts[c] = 0;
  }
  if (!ascii) return 1;
  if (measure === 'levenshtein') return common / Math.max(la, lb);
  const jaro = (common / la + common / lb + 1) / 3;
  return jaro + MAX_BOOST * (1 - jaro);
}
