/** Winkler's constants: prefix scale 0.1 over at most 4 characters, applied above Jaro 0.7. */
export const WINKLER_PREFIX_SCALE = 0.1;
export const WINKLER_MAX_PREFIX = 4;
export const WINKLER_BOOST_THRESHOLD = 0.7;

// Scratch flags reused across calls: similarity runs once or twice per referral, 1M times a run.
let matchedA = new Uint8Array(64);
let matchedB = new Uint8Array(64);

/**
 * Jaro similarity (Jaro 1989): m matching characters within a window of ⌊max(|a|,|b|)/2⌋ − 1,
 * t = half the matched characters out of order; sim = (m/|a| + m/|b| + (m − t)/m) / 3, in [0, 1].
 * Two empty strings are identical (1); one empty string matches nothing (0). O(|a|·window).
 *
 * @example jaro('MARTHA', 'MARHTA'); // 0.9444…
 */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (matchedA.length < la) matchedA = new Uint8Array(la * 2);
  if (matchedB.length < lb) matchedB = new Uint8Array(lb * 2);
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let m = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const end = Math.min(lb - 1, i + window);
    for (let j = Math.max(0, i - window); j <= end; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === c) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  let halfTranspositions = 0;
  let j = 0;
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue;
    while (matchedB[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) halfTranspositions++;
    j++;
  }
  const t = halfTranspositions / 2;
  return (m / la + m / lb + (m - t) / m) / 3;
}

/**
 * Jaro–Winkler similarity (Winkler 1990): Jaro plus a bonus for a common prefix of up to 4
 * characters, ℓ·0.1·(1 − jaro), given only when Jaro exceeds 0.7 as in Winkler's original. In
 * [0, 1]; 1 means equal. Suited to names and short identifiers, where typos cluster late.
 *
 * @example jaroWinkler('MARTHA', 'MARHTA'); // 0.9611…
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= WINKLER_BOOST_THRESHOLD) return j;
  const max = Math.min(WINKLER_MAX_PREFIX, a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * WINKLER_PREFIX_SCALE * (1 - j);
}
