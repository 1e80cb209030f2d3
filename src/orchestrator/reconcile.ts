import { GtmError } from '../errors/index.ts';

/** One quantity that two sides of a merge must agree on, e.g. revenue summed over partners vs total. */
export interface ReconcileCheck {
  what: string;
  expected: number;
  actual: number;
  /** Absolute tolerance; default 1e-9 × max(1, |expected|), so float sums of the same rows pass. */
  tolerance?: number;
}

/**
 * The check a merge gate runs on its branches: throws a retriable `DATA` error listing every
 * quantity that does not reconcile, so the executor retries the gate (a late-arriving partition or
 * a concurrent load usually settles) and fails the run if it persists.
 *
 * @example
 * reconcile([{ what: 'attributed revenue', expected: totals.revenue, actual: sum(byPartner, 'revenue') }], 'merge');
 */
export function reconcile(checks: ReconcileCheck[], where?: string): void {
  const mismatches = checks.filter((c) => {
    const tolerance = c.tolerance ?? 1e-9 * Math.max(1, Math.abs(c.expected));
    return !(Math.abs(c.actual - c.expected) <= tolerance);
  });
  if (mismatches.length === 0) return;
  const list = mismatches.map((c) => `${c.what}: expected ${c.expected}, got ${c.actual}`).join('; ');
  throw new GtmError('DATA', `parallel branches do not reconcile — ${list}`, {
    where,
    retriable: true,
    hint: 'compare row_accounting of the branches in the plan record; a source that changed mid-run settles on retry',
  });
}
