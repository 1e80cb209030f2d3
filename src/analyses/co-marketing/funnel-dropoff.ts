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
  rate: number | null;
}

export interface FunnelDropoff extends FunnelRow {
  steps: FunnelStep[];
  /** The step with the lowest conversion rate, the drop-off point. */
  worst: FunnelStep | null;
}

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
export function funnelDropoff(rows: FunnelRow[], minBase = 5): FunnelDropoff[] {
  return rows.map((r) => {
    const steps = STEP_NAMES.map(([a, b]) => {
      const base = Number(r[a]);
      return { from: String(a), to: String(b), rate: base >= minBase ? Number(r[b]) / base : null };
    });
    const judged = steps.filter((s) => s.rate !== null);
    const worst = judged.length ? judged.reduce((m, s) => (s.rate! < m.rate! ? s : m)) : null;
    return { ...r, steps, worst };
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
