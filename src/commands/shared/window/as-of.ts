import { usageError } from '../../../errors/index.ts';

const DAY = 86_400_000;

/**
 * "Now" of a run: the end of the as-of day (exclusive) for a date, or the instant itself for an
 * ISO timestamp. Refuses dates that do not exist (2026-02-30), which `Date.parse` would roll over.
 * @example asOfInstant('2026-11-15').toISOString() // '2026-11-16T00:00:00.000Z'
 */
export function asOfInstant(asOf: string): Date {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(asOf);
  const isStamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(asOf);
  const d = isDate ? new Date(Date.parse(`${asOf}T00:00:00Z`) + DAY) : new Date(isStamp ? asOf : NaN);
  const exists =
    !Number.isNaN(d.getTime()) &&
    (isDate
      ? new Date(d.getTime() - DAY).toISOString().slice(0, 10) === asOf
      : new Date(`${asOf.slice(0, 10)}T00:00:00Z`).toISOString().slice(0, 10) === asOf.slice(0, 10));
  // the line the command line's --as-of check prints, so a library or MCP caller reads the same
  if (!exists)
    throw usageError(
      `is not a date: "${asOf}"; use YYYY-MM-DD or an ISO timestamp`,
      '--as-of',
      'e.g. --as-of 2026-11-15',
    );
  return d;
}

/** The calendar day (YYYY-MM-DD) the as-of instant falls in: the last day of the analysis. */
export function asOfDay(asOf: string): string {
  return new Date(asOfInstant(asOf).getTime() - 1).toISOString().slice(0, 10);
}
