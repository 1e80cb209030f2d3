let row = new Int32Array(64);

/**
 * Levenshtein distance (insertions, deletions, substitutions, each 1) with one reused row of
 * scratch: O(|a|·|b|) time, no allocation per call.
 *
 * @example levenshtein('kitten', 'sitting'); // 3
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (row.length < lb + 1) row = new Int32Array((lb + 1) * 2);
  for (let j = 0; j <= lb; j++) row[j] = j;
  for (let i = 1; i <= la; i++) {
    let diagonal = row[0];
    row[0] = i;
    const c = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const up = row[j];
      const cost = c === b.charCodeAt(j - 1) ? 0 : 1;
      row[j] = Math.min(up + 1, row[j - 1] + 1, diagonal + cost);
      diagonal = up;
    }
  }
  return row[lb];
}

/**
 * Similarity 1 − distance / max(|a|, |b|), in [0, 1]; two empty strings are identical (1).
 *
 * @example normalizedLevenshtein('kitten', 'sitting'); // 1 − 3/7 = 0.5714…
 */
export function normalizedLevenshtein(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - levenshtein(a, b) / longest;
}
