import type { DifferingDuplicate, NormalizeResult } from '../../data/entities/normalize-entities.ts';

/**
 * The run's warnings for ids reused inside ONE source with other values (the same ledger entry id
 * with other points, an order id with two amounts): one line per source, on stderr, as the kit's
 * other warnings — summary.md and duplicates.csv list them too, but a run in CI shows neither. Only
 * sources whose entity dedupes on one id (`idKey`: one key, no time tolerance): their copies are one
 * record by its id, so a different value is a conflict in the export. Duplicates across sources are
 * not warned about (a partner's report of a deal beside the CRM's differs as a matter of course),
 * nor are continuation lines (a record's later line-item rows: nothing of theirs differs).
 *
 * @example
 * differingWithinSourceLines(result, (entity) => (entity === 'ledger' ? 'entry_id' : undefined));
 * // ['source ledger: 2 rows reuse an entry_id of another row of the source with other values …']
 */
export function differingWithinSourceLines(
  result: Pick<NormalizeResult, 'duplicates' | 'differing' | 'accounting'>,
  idKey: (entity: string) => string | undefined,
): string[] {
  const out: string[] = [];
  for (const d of result.duplicates) {
    if (d.source !== d.kept_source || !d.differing) continue;
    const entity = result.accounting.find((a) => a.source === d.source)?.entity;
    const key = entity ? idKey(entity) : undefined;
    if (!key) continue;
    const first = (result.differing ?? []).find((x) => x.source === d.source && x.kept_source === d.source);
    const columns = Object.keys(d.differing_columns).join(', ');
    out.push(
      `source ${d.source}: ${d.differing} row${d.differing === 1 ? '' : 's'} reuse${d.differing === 1 ? 's' : ''} the ${key} of another row of this source with other values (${columns})` +
        `${first ? `; first: ${example(key, first)}` : ''}` +
        `; the row kept is the first in file order (within a source, the file first in name order, then the lowest row), the others are counted deduplicated and their values left out (duplicates.csv lists them).` +
        ` Correct the export so that each ${key} names one record, or put corrections in a source of their own with a lower priority so that they win`,
    );
  }
  return out;
}

/** `entry_id E17, data/ledger.csv row 9 (points 120) against row 4 (points 100)`. */
function example(key: string, d: DifferingDuplicate): string {
  const where = (file: string, row: number) => `${file ? `${file} ` : ''}row ${row}`;
  const kept = d.kept_file === d.file ? `row ${d.kept_row}` : where(d.kept_file, d.kept_row);
  const shown = (v: string | null) => (v === null ? 'empty' : v);
  const some = d.values.slice(0, 2);
  const more = d.values.length > 2 ? `, ${d.values.length - 2} more` : '';
  const dropped = some.map((v) => `${v.column} ${shown(v.value)}`).join(', ');
  const held = some.map((v) => `${v.column} ${shown(v.kept)}`).join(', ');
  return `${d.key !== undefined ? `${key} ${d.key}, ` : ''}${where(d.file, d.row)} (${dropped}${more}) against ${kept} (${held})`;
}
