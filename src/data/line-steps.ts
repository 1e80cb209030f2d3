/**
 * Row numbering for loaded CSV rows, as piecewise-constant offsets ("steps"). The a-th loaded row
 * of a file is record a + (records excluded before it); record r starts on physical line
 * r + (line breaks inside quoted values before it). Both offsets only change at a few points, so
 * they are written as a balanced CASE expression (log2(n) comparisons per row, no join, row order
 * kept) or, when there are very many points, joined with ASOF.
 */

/** From `from` on (inclusive), add `add`; below the first step, add 0. Sorted by `from`. */
export interface Step {
  from: number;
  add: number;
}

/** Above this many steps a CASE expression gets too large to parse quickly: join instead. */
export const MAX_CASE_STEPS = 2048;

/**
 * Steps mapping the a-th loaded row to its record number, given the sorted, distinct excluded
 * records (header, blank lines, rejects). With e_1 < e_2 < …, g_j = e_j − j loaded rows precede
 * e_j, so from a = g_j + 1 on, at least j records are skipped.
 *
 * @example
 * gapSteps([1, 3]); // header and record 3 excluded → [{ from: 1, add: 1 }, { from: 2, add: 2 }]
 */
export function gapSteps(excluded: readonly number[]): Step[] {
  const steps: Step[] = [];
  excluded.forEach((e, i) => {
    const j = i + 1;
    const from = e - j + 1;
    const last = steps[steps.length - 1];
    if (last && last.from === from) last.add = j;
    else steps.push({ from, add: j });
  });
  return steps;
}

/** Steps mapping a record number to the physical line it starts on. */
export function shiftSteps(shifts: readonly { record: number; delta: number }[]): Step[] {
  return shifts.map((s) => ({ from: s.record, add: s.delta }));
}

/** Applies steps in TS (used for rejects and to test the SQL). */
export function applySteps(x: number, steps: readonly Step[]): number {
  let lo = 0;
  let hi = steps.length - 1;
  let add = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid].from <= x) {
      add = steps[mid].add;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return x + add;
}

/**
 * SQL for `x + offset(x)`, `x` being a column reference.
 *
 * @example
 * stepSql('a', [{ from: 1, add: 1 }, { from: 2, add: 2 }]);
 * // (a + CASE WHEN a >= 2 THEN 2 ELSE CASE WHEN a >= 1 THEN 1 ELSE 0 END END)
 */
export function stepSql(x: string, steps: readonly Step[]): string {
  const node = (lo: number, hi: number, base: number): string => {
    if (lo >= hi) return String(base);
    const mid = (lo + hi) >> 1;
    return `CASE WHEN ${x} >= ${steps[mid].from} THEN ${node(mid + 1, hi, steps[mid].add)} ELSE ${node(lo, mid, base)} END`;
  };
  return steps.length === 0 ? x : `(${x} + ${node(0, steps.length, 0)})`;
}
