import { checkLength, weightAt } from './check-column.ts';
import type { NumericColumn } from './types.ts';

/** A named segment as inclusive score ranges; omitted dimensions match any score. */
export interface RfmSegmentRule {
  readonly name: string;
  readonly recency?: readonly [number, number];
  readonly frequency?: readonly [number, number];
  readonly monetary?: readonly [number, number];
}

/**
 * The recency × frequency grid used across the RFM literature in practice, as published by
 * Guillaume Martin, "RFM Segmentation with Python" (2018, guillaume-martin.github.io), the
 * `seg_map` of R-F score pairs copied into countless notebooks:
 *
 * | R \ F | 1              | 2                  | 3                  | 4         | 5               |
 * |-------|----------------|--------------------|--------------------|-----------|-----------------|
 * | 5     | New            | Potential loyalist | Potential loyalist | Champions | Champions       |
 * | 4     | Promising      | Potential loyalist | Potential loyalist | Loyal     | Loyal           |
 * | 3     | About to sleep | About to sleep     | Need attention     | Loyal     | Loyal           |
 * | 1–2   | Hibernating    | Hibernating        | At risk            | At risk   | Can't lose them |
 *
 * It is a partition: every (R, F) pair has exactly one segment, so no "Others" bucket. It has no
 * "Lost" (its lowest cell is Hibernating) and ignores M (use M to rank inside a segment). The
 * `rfm` R package's example rules (Hebbali, CRAN), the other widely cited table, were not taken:
 * evaluated first-match as that package does, its New, Promising and Can't lose them rules are
 * shadowed by earlier ones and never match, and unmatched scores fall into "Others".
 */
export const RF_GRID_SEGMENTS: readonly RfmSegmentRule[] = [
  { name: 'Champions', recency: [5, 5], frequency: [4, 5] },
  { name: 'Loyal', recency: [3, 4], frequency: [4, 5] },
  { name: 'Potential loyalist', recency: [4, 5], frequency: [2, 3] },
  { name: 'New', recency: [5, 5], frequency: [1, 1] },
  { name: 'Promising', recency: [4, 4], frequency: [1, 1] },
  { name: 'Need attention', recency: [3, 3], frequency: [3, 3] },
  { name: 'About to sleep', recency: [3, 3], frequency: [1, 2] },
  { name: "Can't lose them", recency: [1, 2], frequency: [5, 5] },
  { name: 'At risk', recency: [1, 2], frequency: [3, 4] },
  { name: 'Hibernating', recency: [1, 2], frequency: [1, 2] },
];

/**
 * Segment of one (R, F, M) score triple: the first rule whose ranges all contain the scores, or
 * `fallback`. O(rules).
 *
 * @example
 * rfmSegment(5, 5, 2); // 'Champions'
 * rfmSegment(2, 5, 5); // "Can't lose them"
 */
export function rfmSegment(
  recency: number,
  frequency: number,
  monetary: number,
  rules: readonly RfmSegmentRule[] = RF_GRID_SEGMENTS,
  fallback = 'Others',
): string {
  for (const rule of rules) {
    if (
      within(recency, rule.recency) &&
      within(frequency, rule.frequency) &&
      within(monetary, rule.monetary)
    ) {
      return rule.name;
    }
  }
  return fallback;
}

export interface RfmSegmentSummary {
  readonly segment: string;
  readonly members: number;
  readonly share: number;
}

/**
 * Members per segment, in the rules' order (then the fallback), from score columns and optional
 * member counts. Each distinct triple is resolved once, so this is O(n). Rule segments with no
 * members are listed with 0; the fallback only when some member falls in it.
 *
 * @example
 * rfmSegmentSummary(scores.recency, scores.frequency, scores.monetary, counts);
 */
export function rfmSegmentSummary(
  recency: NumericColumn,
  frequency: NumericColumn,
  monetary: NumericColumn,
  count?: NumericColumn,
  rules: readonly RfmSegmentRule[] = RF_GRID_SEGMENTS,
  fallback = 'Others',
): RfmSegmentSummary[] {
  const n = recency.length;
  checkLength(frequency, n, 'frequency');
  checkLength(monetary, n, 'monetary');
  if (count) checkLength(count, n, 'count');
  const names = [...rules.map((r) => r.name), fallback].filter((v, i, all) => all.indexOf(v) === i);
  const position = new Map(names.map((name, i) => [name, i]));
  const cache = new Map<number, number>();
  const members = new Float64Array(names.length);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const key = recency[i] * 65536 + frequency[i] * 256 + monetary[i];
    let k = cache.get(key);
    if (k === undefined) {
      k =
        position.get(rfmSegment(recency[i], frequency[i], monetary[i], rules, fallback)) ?? names.length - 1;
      cache.set(key, k);
    }
    const w = weightAt(count, i, 'count');
    members[k] += w;
    total += w;
  }
  return names
    .map((segment, k) => ({ segment, members: members[k], share: total > 0 ? members[k] / total : 0 }))
    .filter((row) => row.segment !== fallback || row.members > 0 || rules.some((r) => r.name === fallback));
}

function within(score: number, range: readonly [number, number] | undefined): boolean {
  return range === undefined || (score >= range[0] && score <= range[1]);
}
