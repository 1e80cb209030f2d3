/**
 * The order of day and month of a source's slash dates, inferred per column when the source does
 * not set `date_order`. Dates are read month-first; a column whose values include dates only a
 * day-first reading makes valid (`25/04/2026`, `30.11.2026`) and none only a month-first reading
 * makes valid (`04/25/2026`) is read day-first instead — its `03/04/2026` is the 3rd of April, not
 * the 4th of March — and the run says so. A column with both is refused, naming an example of each.
 * The source's other date columns, whose dates alone cannot say (every day 12 or less), follow a
 * day-first column: one export writes its dates one way. One whose own dates say month-first keeps
 * that order.
 *
 * Nothing is added to a clean source's normalization but one look at its reject reasons (about
 * 30 ms over 2M rows): a date only day-first reads is rejected month-first with a hint naming
 * `date_order`. Only a source with such rejects is staged again, those columns read day-first;
 * there, a date only month-first reads is rejected with the other hint, which is the evidence of
 * both orders in one column. No pass of its own reads the raw rows.
 */
import path from 'node:path';
import { GtmError } from '../../errors/index.ts';
import type { Engine } from '../engine.ts';
import { TIMESTAMP_HINT, type DateOrder } from '../normalize/parse-sql.ts';
import { literal } from '../sql-text.ts';
import type { EntitySpec, SourceBinding } from './entity-spec.ts';
import { typedEntityDef } from './typed-entity.ts';

/** A column read day-first by inference: the rows rejected month-first, and the first of them. */
export interface InferredDateOrder {
  source: string;
  /** The canonical column, and the source's own name of it. */
  column: string;
  source_column: string;
  order: 'dmy';
  /** Rows whose date only a day-first reading makes valid (rejected when read month-first). */
  rows: number;
  /** The first of them: file (relative to the workspace), line and value. */
  example: { file: string; row: number; value: string };
  /**
   * The source's other date columns (their own names) read day-first along with this one: no date
   * of theirs says which order they are in (every day 12 or less, or no slash date), and this
   * column's dates say day-first. On the first column of the source only.
   */
  along?: string[];
}

/** One row's date as an example: file, line, value. */
interface Example {
  f: string;
  r: number;
  v: string;
}

/** The rows of a staged source rejected as dates of the other order, per canonical column. */
interface OtherOrder {
  column: string;
  rows: number;
  /** The first of them. */
  first: Example;
}

/** The value in a reason `<column>: cannot read <value> as a timestamp|date (…)`. */
const VALUE_RE = /^[^:]*: cannot read (.*) as a (?:timestamp|date) \(/;

/**
 * The canonical columns of `stg` (a staged source, its dates read in `order`) with rows rejected
 * as dates of the other order: the reason's hint says so, its prefix names the column
 * (`converted_at: cannot read 25/04/2026 as a timestamp (a day-first date? …)`). Reads the reject
 * reasons alone, NULL on every accepted row. On ClickHouse `stg` is a view of the staged source.
 */
async function otherOrderRejects(
  engine: Engine,
  b: SourceBinding,
  stg: string,
  order: DateOrder,
): Promise<OtherOrder[]> {
  // the first row's reason is picked, its value read from it once (not from every row's)
  const hint = literal(TIMESTAMP_HINT[order].other, engine.dialect);
  const rows = await engine.query<{ c: string; n: number; f: string; r: number; reason: string }>(
    engine.dialect === 'clickhouse'
      ? `SELECT c, count() AS n, argMin(_file, (_file, _row)) AS f, argMin(_row, (_file, _row)) AS r,
           argMin(reason, (_file, _row)) AS reason
         FROM (SELECT assumeNotNull(_reject_reason) AS reason, splitByChar(':', reason)[1] AS c, _file, _row
           FROM ${stg} WHERE isNotNull(_reject_reason) AND endsWith(ifNull(_reject_reason, ''), ${hint}))
         GROUP BY c ORDER BY c`
      : `SELECT c, n, pos.f AS f, pos.r AS r, reason FROM (
       SELECT split_part(_reject_reason, ':', 1) AS c, count(*) AS n, min({'f': _file, 'r': _row}) AS pos,
         arg_min(_reject_reason, {'f': _file, 'r': _row}) AS reason
       FROM ${stg} WHERE _reject_reason IS NOT NULL AND ends_with(_reject_reason, ${hint})
       GROUP BY ALL) ORDER BY c`,
  );
  return rows
    .filter((x) => b.columns[x.c] !== undefined)
    .map((x) => ({
      column: x.c,
      rows: Number(x.n),
      first: { f: x.f, r: Number(x.r), v: VALUE_RE.exec(x.reason)?.[1] ?? x.reason },
    }));
}

/** The one line refusing a column whose dates are written in both orders. */
function mixedOrders(b: SourceBinding, column: string, d: Example, m: Example, baseDir: string): GtmError {
  const at = (e: Example) => `${path.relative(baseDir, e.f) || e.f}:${e.r}`;
  const own = b.columns[column] as string;
  return new GtmError(
    'INPUT',
    `column "${own}" (${column}) of source ${b.source} has dates in both orders: ${at(d)} ${d.v} can only be day-first, ${at(m)} ${m.v} only month-first`,
    {
      where: at(d),
      hint: `fix the rows in the wrong order, or set date_order: dmy (or mdy) on sources.${b.source} in gtm.yaml to read every date that way (the rows only the other order reads are then rejected)`,
    },
  );
}

/**
 * Infers the date order of the columns of a source staged in `stg` (see the module comment): when
 * some rows were rejected as day-first dates, the source is staged again (`restage`) with those
 * columns read day-first, and its binding and those columns are returned; the binding as it was
 * and none when the source sets `date_order` or no row was rejected so. Throws INPUT for a column
 * that, read day-first, has rows rejected as month-first dates.
 */
export async function inferDateOrders(
  engine: Engine,
  b: SourceBinding,
  stg: string,
  opts: {
    baseDir: string;
    restage: (b: SourceBinding) => Promise<void>;
    /**
     * The entity's date and time columns (canonical names): those of them the source maps and no
     * date of which says month-first follow a day-first column of the same source, as one export
     * writes its dates one way (`03/11/2026` in start_at beside `14/12/2026` in end_at is the 3rd of
     * November, not the 11th of March).
     */
    timeColumns?: readonly string[];
  },
): Promise<{ binding: SourceBinding; inferred: InferredDateOrder[] }> {
  if (b.dateOrder !== undefined) return { binding: b, inferred: [] };
  const dayFirst = await otherOrderRejects(engine, b, stg, 'mdy');
  if (!dayFirst.length) return { binding: b, inferred: [] };
  const evidence = new Set(dayFirst.map((x) => x.column));
  let along = (opts.timeColumns ?? []).filter((c) => b.columns[c] !== undefined && !evidence.has(c));
  const ordered = (cols: Iterable<string>): SourceBinding => ({
    ...b,
    dateOrders: { ...b.dateOrders, ...Object.fromEntries([...cols].map((c) => [c, 'dmy' as const])) },
  });
  let binding = ordered([...evidence, ...along]);
  await opts.restage(binding);
  const monthFirst = await otherOrderRejects(engine, binding, stg, 'dmy');
  for (const m of monthFirst) {
    const d = dayFirst.find((x) => x.column === m.column);
    if (d) throw mixedOrders(b, m.column, d.first, m.first, opts.baseDir);
  }
  // a column that follows has dates only month-first reads: its own order, month-first, stays
  if (monthFirst.length) {
    along = along.filter((c) => !monthFirst.some((m) => m.column === c));
    binding = ordered([...evidence, ...along]);
    await opts.restage(binding);
  }
  const rel = (f: string) => path.relative(opts.baseDir, f) || f;
  const inferred = dayFirst.map((x, i) => ({
    source: b.source,
    column: x.column,
    source_column: b.columns[x.column] as string,
    order: 'dmy' as const,
    rows: x.rows,
    example: { file: rel(x.first.f), row: Number(x.first.r), value: x.first.v },
    ...(i === 0 && along.length ? { along: along.map((c) => b.columns[c] as string) } : {}),
  }));
  return { binding, inferred };
}

/** The canonical date and time columns of an entity (typed entities: their kinds; others: `_at`). */
export function timeColumnsOf(spec: EntitySpec): string[] {
  const def = typedEntityDef(spec);
  if (def)
    return Object.entries(def.columns)
      .filter(([, d]) => d.kind === 'timestamp' || d.kind === 'date')
      .map(([c]) => c);
  return spec.columns.filter((c) => c.endsWith('_at'));
}

/** The line a run prints for a column read day-first by inference. */
export function inferredDateOrderLine(x: InferredDateOrder): string {
  const along = x.along?.length
    ? `; the source's other date columns too (${x.along.join(', ')}: none of their dates says which order)`
    : '';
  return `sources.${x.source}: ${x.source_column} read day-first (DD/MM/YYYY): ${x.rows} row(s) can only be day-first (first ${x.example.file}:${x.example.row} ${x.example.value}) and none only month-first${along}; set date_order: dmy on the source to say so, or date_order: mdy to reject them`;
}
