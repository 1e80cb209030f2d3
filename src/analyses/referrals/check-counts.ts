import { ReferralInputError } from './referral-input-error.ts';

/** Throws unless every named field present on `row` is a finite number ≥ 0. */
export function checkCounts<T extends object>(
  row: T,
  fields: readonly (keyof T & string)[],
  where: string,
): void {
  for (const field of fields) {
    const v = row[field] as unknown;
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new ReferralInputError(`${where}.${field} must be a finite number ≥ 0, got ${String(v)}`, {
        field: `${where}.${field}`,
      });
  }
}
