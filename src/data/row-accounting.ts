/**
 * Every input row ends in exactly one bucket — accepted, deduplicated, or rejected with a reason —
 * and the counts are checked before a stage may succeed (ARCHITECTURE.md, "Data flow of one run").
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GtmError } from '../errors/index.ts';
import { toCsv } from './csv-text.ts';
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

/**
 * Writes rejects as CSV (`source,file,row,reason,raw`), cells neutralised against spreadsheet
 * formulas, atomically (temp file + rename). Creates the directory if needed.
 *
 * @example
 * await writeRejects('reports/track-source/run-1/rejects.csv', [
 *   { source: 'crm', file: 'deals.csv', row: 14, reason: 'expected 6 columns, found 5', raw: '=HYPERLINK(…)' },
 * ]); // raw is written as '=HYPERLINK(…)
 */
export async function writeRejects(path: string, rejects: readonly RejectRecord[]): Promise<void> {
  const text = toCsv(rejects, [...REJECT_COLUMNS]);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, text, 'utf8');
    await rename(temp, path);
  } catch (err) {
    throw new GtmError('IO', `cannot write rejects file ${path}: ${(err as Error).message}`, {
      where: path,
      hint: 'check that the output directory is writable',
      cause: err,
    });
  }
}
