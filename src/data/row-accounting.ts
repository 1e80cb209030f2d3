/**
 * Every input row ends in exactly one bucket — accepted, deduplicated, or rejected with a reason —
 * and the counts are checked before a stage may succeed (ARCHITECTURE.md, "Data flow of one run").
 */
import { GtmError } from '../errors/index.ts';
import type { RowAccounting } from '../contracts/index.ts';
import type { SourceReject } from './source-spec.ts';

export type { RowAccounting };

/**
 * Checks `rows_in = accepted + deduplicated + rejected` and returns the accounting unchanged.
 * A mismatch is a DATA error (retriable: the orchestrator may re-run the stage once).
 *
 * @example
 * reconcile({ source: 'crm', rows_in: 10, accepted: 7, deduplicated: 2, rejected: 1 }); // ok
 * reconcile({ source: 'crm', rows_in: 10, accepted: 7, deduplicated: 2, rejected: 0 }); // throws DATA
 */
export function reconcile(a: RowAccounting): RowAccounting {
  const counts = [a.rows_in, a.accepted, a.deduplicated, a.rejected];
  if (counts.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new GtmError(
      'DATA',
      `row counts for ${a.source} are not whole non-negative numbers: ${counts.join(', ')}`,
      {
        where: `sources.${a.source}`,
      },
    );
  }
  const out = a.accepted + a.deduplicated + a.rejected;
  if (out !== a.rows_in) {
    const gap = a.rows_in - out;
    throw new GtmError(
      'DATA',
      `rows of ${a.source} do not reconcile: ${a.rows_in} read, but ${a.accepted} accepted + ` +
        `${a.deduplicated} deduplicated + ${a.rejected} rejected = ${out} ` +
        `(${Math.abs(gap)} ${gap > 0 ? 'unaccounted for' : 'counted twice'})`,
      {
        where: `sources.${a.source}`,
        hint: 'a row was dropped or duplicated between stages; run with --verbose and compare the stage counts in the plan',
        retriable: true,
      },
    );
  }
  return a;
}

/** A reject as written to the rejects file. */
export type RejectRecord = SourceReject & { source: string };

export const REJECT_COLUMNS = ['source', 'file', 'row', 'reason', 'raw'] as const;
