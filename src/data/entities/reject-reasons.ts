/**
 * Reject reasons grouped with their row-specific values folded away, most frequent first: what a
 * summary shows ("amount: cannot read a value as a number — 12 rows").
 */
export function topReasons(reasons: readonly string[]): { reason: string; rows: number }[] {
  const counts = new Map<string, number>();
  for (const r of reasons) {
    const key = r
      .replace(/cannot read .* as/, 'cannot read a value as')
      .replace(/no rate for (\w+) on [\d-]+/, 'no rate for $1')
      .replace(/^(\w+): .* is (not a finite number|negative|below|not one of)/, '$1: a value is $2')
      .replace(/^(\w+): .* is (more than|before the day of) (\w+) [^;]*;/, '$1: a value is $2 $3;')
      .replace(/^(\w+): .* without (\w+);/, '$1: a value without $2;');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([reason, rows]) => ({ reason, rows }))
    .sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason));
}
