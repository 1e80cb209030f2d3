/**
 * The source's own columns of a loaded table (without the provenance columns), and the check that a
 * source does not already use the provenance column names.
 */
import { GtmError } from '../errors/index.ts';
import type { Engine } from './engine.ts';
import { PROVENANCE_COLUMNS } from './source-spec.ts';

const RESERVED = new Set<string>(PROVENANCE_COLUMNS);

/** Columns of `table` except `source_file` and `source_row`. */
export async function dataColumns(engine: Engine, table: string): Promise<{ name: string; type: string }[]> {
  return (await engine.describe(table)).filter((c) => !RESERVED.has(c.name));
}

/** Throws INPUT when a source has a column named like a provenance column. */
export function assertNoReservedColumns(columns: readonly string[], source: string, where: string): void {
  const clash = columns.find((c) => RESERVED.has(c));
  if (clash !== undefined) {
    throw new GtmError(
      'INPUT',
      `column "${clash}" is reserved: gtm adds it to say where each row came from`,
      {
        where,
        hint: `rename the column in the source, or select it under another name (sources.${source})`,
      },
    );
  }
}
