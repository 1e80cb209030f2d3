export interface FunnelRow {
  value: string;
  touched_accounts: number;
  opportunities: number;
  reached_proposal: number;
  won: number;
}

export interface FunnelStep {
  from: string;
  to: string;
  /** The judged rate: null when the step's base is below the minimum (too few to judge). */
  rate: number | null;
  /** The step's denominator (accounts touched, opportunities, or those that reached proposal). */
  base: number;
  /** The rate as observed, judged or not: null only when the base is 0. */
  observed: number | null;
}

export interface FunnelDropoff extends FunnelRow {
  steps: FunnelStep[];
  /** The step with the lowest conversion rate, the drop-off point. */
  worst: FunnelStep | null;
  /** Why there is no drop-off point (every step's base below the minimum), else null. */
  note: string | null;
}

/** Steps with a smaller base than this are not judged: small numbers make noisy drop-offs. */
export const FUNNEL_MIN_BASE = 5;

const STEP_NAMES: [keyof FunnelRow, keyof FunnelRow][] = [
  ['touched_accounts', 'opportunities'],
  ['opportunities', 'reached_proposal'],
  ['reached_proposal', 'won'],
];

/**
 * Step conversion rates and the worst step per row. Rates with a denominator below `minBase` are
 * not judged (null): small numbers make noisy drop-offs.
 * @example funnelDropoff([{ value: 'email', touched_accounts: 100, opportunities: 10, reached_proposal: 5, won: 1 }])
 */
export function funnelDropoff(rows: FunnelRow[], minBase = FUNNEL_MIN_BASE): FunnelDropoff[] {
  return rows.map((r) => {
    const steps = STEP_NAMES.map(([a, b]) => {
      const base = Number(r[a]);
      const observed = base > 0 ? Number(r[b]) / base : null;
      return { from: String(a), to: String(b), rate: base >= minBase ? observed : null, base, observed };
    });
    const judged = steps.filter((s) => s.rate !== null);
    const worst = judged.length ? judged.reduce((m, s) => (s.rate! < m.rate! ? s : m)) : null;
    const note = worst
      ? null
      : `not judged: every step has fewer than ${minBase} (${steps.map((s) => `${s.from.replace(/_/g, ' ')} ${s.base}`).join(', ')})`;
    return { ...r, steps, worst, note };
  });
}

/**
 * The drop-off that stands out: the row and step whose conversion rate falls furthest below the
 * same step's rate over all rows (at least 30% below), rather than the lowest rate, which is almost
 * always the first, naturally narrow step.
 * @example worstAgainstOverall(funnelDropoff(rows))?.row.value
 */
export function worstAgainstOverall(rows: FunnelDropoff[]) {
  let best:
    { row: FunnelDropoff; step: FunnelDropoff['steps'][number]; overall: number; gap: number } | undefined;
  const stepKeys = rows[0]?.steps.map((s) => [s.from, s.to] as const) ?? [];
  for (const [from, to] of stepKeys) {
    const num = rows.reduce((s, r) => s + Number(r[to as keyof FunnelDropoff] ?? 0), 0);
    const den = rows.reduce((s, r) => s + Number(r[from as keyof FunnelDropoff] ?? 0), 0);
    if (den === 0) continue;
    const overall = num / den;
    for (const r of rows) {
      const step = r.steps.find((s) => s.from === from && s.to === to);
      if (!step || step.rate === null || overall === 0) continue;
      const gap = (overall - step.rate) / overall;
      if (gap > 0.3 && (!best || gap > best.gap || (gap === best.gap && r.value < best.row.value)))
        best = { row: r, step, overall, gap };
    }
  }
  return best;
}
