import type { Engine, Row } from '../../data/index.ts';

/**
 * A number from a query cell: BIGINT comes back as number or bigint, sums of nothing as NULL.
 * NULL becomes `fallback` (0 unless given).
 */
export function num(v: unknown, fallback = 0): number {
  if (v === null || v === undefined) return fallback;
  return typeof v === 'bigint' ? Number(v) : Number(v);
}

/** A number or null from a query cell. */
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));

/** Runs a query and keys its rows by `value` (the dimension value), numbers converted. */
export async function rowsByValue(engine: Engine, sql: string): Promise<Map<string, Record<string, number>>> {
  const rows = await engine.query<Row>(sql);
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const entry: Record<string, number> = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'value') entry[k] = num(v);
    out.set(String(r.value ?? 'unknown'), entry);
  }
  return out;
}
