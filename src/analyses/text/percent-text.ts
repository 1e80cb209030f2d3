const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/**
 * A share whose one-decimal percentage would misread it: not zero but '0.0%' (three significant
 * digits instead: 0.0004 → '0.04%', 1/23,053 → '0.00434%', as `gtm doctor` does for its two
 * decimals), or short of all but '100.0%' ('>99.9%'). Undefined for every other value: 0 and 1,
 * and negative values (changes, not shares).
 */
export function edgePercent(x: number): string | undefined {
  const p = x * 100;
  if (p > 0 && p.toFixed(1) === '0.0') return `${SMALL.format(p)}%`;
  if (p < 100 && p.toFixed(1) === '100.0') return '>99.9%';
  return undefined;
}

/**
 * A share as a percentage with one decimal for summaries, terminal tables and dashboards:
 * 0.123 → '12.3%'. A share that is not zero never reads '0.0%' (0.0004 → '0.04%'), nor one short of
 * all '100.0%' ('>99.9%'); 0 and 1 are '0.0%' and '100.0%'.
 *
 * @example
 * percentText(0.0004); // '0.04%'
 */
export function percentText(x: number): string {
  return edgePercent(x) ?? `${(x * 100).toFixed(1)}%`;
}
