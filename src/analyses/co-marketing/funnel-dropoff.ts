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
