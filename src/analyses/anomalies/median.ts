/**
 * Median of `count` values of `x` from `start` (mean of the two middle values for an even count, as
 * R's `median`); NaN when empty. Sorts a copy: O(m log m) for m values.
 *
 * @example
 * median(Float64Array.from([3, 1, 4, 1])); // 2
 */
export function median(x: ArrayLike<number>, start = 0, count = x.length - start): number {
  if (count <= 0) return Number.NaN;
  const s = new Float64Array(count);
  for (let i = 0; i < count; i++) s[i] = x[start + i];
  s.sort();
  const h = count >> 1;
  return count % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}
