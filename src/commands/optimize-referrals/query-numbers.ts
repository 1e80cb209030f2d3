import type { Engine, Row } from '../../data/index.ts';
import { currencyMinorUnits } from '../../analyses/text/index.ts';

/**
 * A number from a query cell: BIGINT comes back as number or bigint, sums of nothing as NULL.
 * NULL becomes `fallback` (0 unless given).
 */
export function num(v: unknown, fallback = 0): number {
  if (v === null || v === undefined) return fallback;
  return typeof v === 'bigint' ? Number(v) : Number(v);
}

/**
 * Decimals of a currency's minor unit (USD 2, JPY 0, KWD 3): `currencyMinorUnits` (analyses/text), the
 * definition monitor-loyalty's money uses too (2 for a code Intl does not know).
 */
export const minorDigits = currencyMinorUnits;

/**
 * A sum of amounts in minor units, as an exact decimal of `digits` places: the float sum of
 * 38.69 + 49.74 + 369 is 457.42999999999995.
 */
export const sumMinor = (values: Iterable<number>, digits: number): number => {
  let s = 0;
  for (const v of values) s += v;
  return roundMinor(s, digits);
};

/** An amount rounded to `digits` decimals (its minor units), half away from zero. */
export const roundMinor = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return (Math.sign(v) * Math.round(Math.abs(v) * f)) / f || 0;
};

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
