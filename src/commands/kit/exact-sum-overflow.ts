/**
 * An exact sum past its limits (exact-sum.ts: 38-digit decimals) stops the query with an engine
 * message that names neither the amount nor where it came from ("Overflow in HUGEINT addition:
 * 8999…0176 + 8999…0176"). This finds the largest amount among the entities the command read and
 * reports it as one DATA line (exit 5) with its file, row and column, and what to do.
 */
import path from 'node:path';
import { canonicalRelation } from '../../data/entities/normalize-clickhouse.ts';
import type { Engine } from '../../data/index.ts';
import { quoteIdent } from '../../data/sql-text.ts';
import { GtmError } from '../../errors/index.ts';
import { isExactSumOverflow, PRODUCT_SUM_LIMIT, SUM_LIMIT } from '../shared/exact-sum.ts';
import type { KitRun } from './command-def.ts';

/** The largest absolute value of one amount column, with the row that holds it. */
interface Largest {
  entity: string;
  column: string;
  max: number;
  total: number;
  source: string | null;
  file: string | null;
  row: number | null;
}

const NUMERIC = /^(Nullable\()?(DOUBLE|FLOAT|REAL|Float64|Float32|DECIMAL.*|Decimal.*)\)?$/;

/** Every fractional column (not a bookkeeping `_` one) of the entities' canonical relations, largest first. */
async function largestAmounts(engine: Engine, entities: readonly string[]): Promise<Largest[]> {
  const ch = engine.dialect === 'clickhouse';
  const found: Largest[] = [];
  for (const entity of entities) {
    let rel: string;
    let columns: { name: string; type: string }[];
    try {
      rel = ch ? canonicalRelation(engine, entity) : quoteIdent(entity);
      const described = await engine.query<Record<string, string>>(
        ch ? `DESCRIBE TABLE ${rel}` : `DESCRIBE SELECT * FROM ${rel}`,
      );
      columns = described.map((d) => ({
        name: String(d.name ?? d.column_name),
        type: String(d.type ?? d.column_type),
      }));
    } catch {
      continue; // not normalized in this run (a condition skipped it, or none of its sources)
    }
    const has = (c: string) => columns.some((x) => x.name === c);
    const where = has('_file') && has('_row') && has('_source');
    for (const { name, type } of columns) {
      if (name.startsWith('_') || !NUMERIC.test(type)) continue;
      const c = ch ? `toFloat64(${quoteIdent(name, 'clickhouse')})` : `CAST(${quoteIdent(name)} AS DOUBLE)`;
      const arg = (x: string) =>
        where ? (ch ? `argMax(${x}, abs(ifNull(${c}, 0)))` : `arg_max(${x}, abs(${c}))`) : 'NULL';
      const [r] = await engine.query<{ m: number; t: number; s: string; f: string; r: number }>(
        `SELECT max(abs(${c})) AS m, sum(abs(${c})) AS t, ${arg('_source')} AS s, ${arg('_file')} AS f, ${arg('_row')} AS r FROM ${rel}`,
      );
      if (r && r.m !== null && Number.isFinite(Number(r.m)))
        found.push({
          entity,
          column: name,
          max: Number(r.m),
          total: Number(r.t),
          source: r.s ?? null,
          file: r.f ?? null,
          row: r.r === null || r.r === undefined ? null : Number(r.r),
        });
    }
  }
  return found.sort((a, b) => b.max - a.max);
}

const sci = (x: number) => x.toExponential(0).replace('+', '');
const fmt = (x: number) => (Math.abs(x) >= 1e15 ? x.toExponential(3) : String(x));

/**
 * `err` as the DATA error of an exact sum's overflow when it is one (`isExactSumOverflow`), naming
 * the largest amount the command read and its place; otherwise `err` itself.
 */
export async function exactSumOverflowError(
  err: unknown,
  run: KitRun<unknown>,
  entities: readonly string[],
): Promise<unknown> {
  if (!isExactSumOverflow(err)) return err;
  let largest: Largest | undefined;
  try {
    largest = (await largestAmounts(await run.engine(), entities))[0];
  } catch {
    largest = undefined; // the diagnosis must not hide the error it explains
  }
  const limits = `gtm sums amounts exactly as 38-digit decimals with 6 decimals, so a sum of amounts must stay below ${sci(SUM_LIMIT)}, and an amount below 1e13 (the experiment statistics sum squares, which must stay below ${sci(PRODUCT_SUM_LIMIT)})`;
  const hint =
    'check that amount for a wrong unit (cents given as units, a shifted decimal separator, an id or a phone number in the amount column); correct or remove the row, then run again';
  if (!largest)
    return new GtmError('DATA', `a sum of amounts is too large to compute exactly: ${limits}`, {
      hint: `check the largest amounts of ${entities.join(', ')}; ${hint.replace('check that amount', 'look')}`,
      cause: err,
    });
  const src = run.ws.sources.find((s) => s.name === largest.source);
  const column = src?.mapping?.[largest.column] ?? largest.column;
  const place = largest.file
    ? `${run.rel(path.resolve(run.baseDir, largest.file))}${largest.row !== null ? `:${largest.row}` : ''}:${column}`
    : `${largest.entity}.${largest.column}`;
  const what =
    largest.max >= 1e13
      ? `amount ${fmt(largest.max)} (${largest.entity}.${largest.column}${src ? `, source ${src.name}` : ''}) is too large to sum exactly`
      : `the ${largest.entity}.${largest.column} amounts (largest ${fmt(largest.max)}, here; ${fmt(largest.total)} in all) are too large to sum exactly`;
  return new GtmError('DATA', `${what}: ${limits}`, { where: place, hint, cause: err });
}
