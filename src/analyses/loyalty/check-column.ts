import { LoyaltyInputError } from './loyalty-input-error.ts';
import type { NumericColumn, ScalarOrColumn } from './types.ts';

/** Throws unless `column` has `length` rows. */
export function checkLength(column: NumericColumn, length: number, name: string): void {
  if (column.length !== length) {
    throw new LoyaltyInputError(`column ${name} has ${column.length} rows, expected ${length}`, {
      column: name,
      hint: 'every column of one summary must come from the same query, row for row',
    });
  }
}

/** Weight of row i: the member count of a distinct combination, or 1. */
export function weightAt(weight: NumericColumn | undefined, i: number, name = 'weight'): number {
  if (weight === undefined) return 1;
  const w = weight[i];
  if (!(w >= 0) || !Number.isFinite(w)) {
    throw new LoyaltyInputError(`${name} must be a finite number ≥ 0, got ${w}`, { column: name, row: i });
  }
  return w;
}

/** Reads a value that is the same for every row or given per row. */
export function valueAt(value: ScalarOrColumn, i: number): number {
  return typeof value === 'number' ? value : value[i];
}

export function finiteAt(column: NumericColumn, i: number, name: string, min = -Infinity): number {
  const v = column[i];
  if (!Number.isFinite(v) || v < min) {
    throw new LoyaltyInputError(
      `${name} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''}, got ${v}`,
      { column: name, row: i },
    );
  }
  return v;
}
