/**
 * The kit's normalize on ClickHouse: the same canonical rows, reject reasons, dedupe and row
 * accounting as `normalizeEntities` on DuckDB, computed on the server over the sources' tables
 * (one server, or Distributed tables over a cluster). Nothing is copied and no row of a source
 * comes back to gtm: only counts per source, the rejected rows' citations and the duplicates'
 * counts. The canonical entities stay SQL (`canonicalRelation`), which the command's own
 * ClickHouse queries read; each read normalizes the rows again on the shards, which on ClickHouse
 * costs about what reading a materialized copy would.
 *
 * Dedupe without window functions (ClickHouse 18.16): the valid rows are grouped by their non-time
 * keys; each group's `(time, priority, source, row, file)` tuples are collected with `groupArray`
 * and sorted with `arraySort`; a new cluster starts where the time gap to the previous row is above
 * the tolerance (`arrayCumSum` of the breaks); within a cluster, sorted by preference, the first row
 * is kept (`arrayEnumerateUniq` numbers the rows of each cluster) and the others come out, with the
 * kept row's source, through `arrayJoin`. Only the groups with more than one row do that work.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Engine } from '../engine.ts';
import { GtmError } from '../../errors/index.ts';
import { dropStaleRunObjects } from '../clickhouse-stale.ts';
import { chIdent } from '../normalize/parse-clickhouse.ts';
import type { EntitySpec, SourceBinding } from './entity-spec.ts';
import { inferDateOrders, timeColumnsOf } from './infer-date-order.ts';
import {
  addDiffering,
  comparedColumns,
  DIFFERING_LISTED,
  differsSql,
  differingRows,
  listDiffering,
  type BoundSource,
  type NarrowSpec,
  type NormalizeOptions,
  type NormalizeResult,
} from './normalize-entities.ts';
import { literal } from '../sql-text.ts';
import {
  BOOKKEEPING,
  CLICKHOUSE_ENTITIES,
  typedEntityCh,
  type ClickHouseEntity,
  type SelectHints,
  type ClickHouseSettings,
} from './entities-clickhouse.ts';
import { typedEntityDef } from './typed-entity.ts';
import {
  applyContinuations,
  continuationColumns,
  continuationKeys,
  judgeContinuations,
  type ContinuationLine,
  type ContinuationPair,
} from './continuation-lines.ts';

/** The canonical relations of the last normalize on an engine: entity → its view (quoted). */
const RELATIONS = new WeakMap<Engine, Map<string, string>>();
/** The narrow views of the last normalize on an engine: entity → its view (quoted). */
const NARROWS = new WeakMap<Engine, Map<string, string>>();
/** The views a run created on an engine, dropped when the engine closes. */
const VIEWS = new WeakMap<Engine, { prefix: string; names: string[] }>();

/**
 * A view of this run on the server (`_gtm_<run>_<name>`, dropped when the engine closes): the
 * relations nest into one another, and ClickHouse 18.16 has no CTE, so as text they would repeat
 * in every query (past its 256 KiB query limit on a workspace of four touch sources). A view
 * holds no rows: every read runs its SELECT on the shards. With `materialize`, a table of the
 * rows instead (MergeTree, on the server gtm talks to): for a command's small intermediate
 * relations read by many queries, which would otherwise normalize the sources again each time.
 */
export async function runView(
  engine: Engine,
  name: string,
  select: string,
  opts: { materialize?: boolean; orderBy?: string } = {},
): Promise<string> {
  return chIdent(await runObject(engine, name, select, opts));
}

/** `runView`, returning the object's name unquoted (as `NormalizeResult.narrow` lists it). */
export async function runObject(
  engine: Engine,
  name: string,
  select: string,
  opts: { materialize?: boolean; orderBy?: string } = {},
): Promise<string> {
  let views = VIEWS.get(engine);
  if (!views) {
    const created = { prefix: `_gtm_${randomBytes(4).toString('hex')}_`, names: [] as string[] };
    views = created;
    VIEWS.set(engine, created);
    // what killed runs left behind: gtm's own objects of runs idle for hours (never a live run's)
    await dropStaleRunObjects(engine, { keep: created.prefix });
    const close = engine.close.bind(engine);
    engine.close = async () => {
      for (const v of created.names.reverse())
        await engine.exec(`DROP TABLE IF EXISTS ${chIdent(v)}`).catch(() => {});
      await close();
    };
  }
  const view = `${views.prefix}${name}`;
  await engine.exec(`DROP TABLE IF EXISTS ${chIdent(view)}`);
  await engine.exec(
    opts.materialize
      ? `CREATE TABLE ${chIdent(view)} ENGINE = MergeTree ORDER BY ${opts.orderBy ?? 'tuple()'} AS ${select}`
      : `CREATE VIEW ${chIdent(view)} AS ${select}`,
  );
  views.names.push(view);
  return view;
}

/**
 * The canonical rows of an entity normalized on this ClickHouse engine, as the name of a view of
 * this run (the canonical columns and `_source`, `_priority`, `_file`, `_row`): valid rows less duplicates.
 *
 * @example
 * await engine.query(`SELECT count() FROM ${canonicalRelation(engine, 'touchpoints')}`);
 */
export function canonicalRelation(engine: Engine, entity: string): string {
  const rel = RELATIONS.get(engine)?.get(entity);
  if (!rel) throw new GtmError('INTERNAL', `entity ${entity} was not normalized on ClickHouse in this run`);
  return rel;
}

/**
 * The narrow view of an entity (see `NarrowSpec`) normalize wrote on this ClickHouse engine in
 * this run, quoted; its name unquoted is `result.narrow[entity].table`, and a coded column's
 * dictionary is the table `<that name>_<column>` (`code` UInt32, `value` String).
 *
 * @example
 * await engine.query(`SELECT channel, count() FROM ${narrowRelation(engine, 'clicks')} GROUP BY channel`);
 */
export function narrowRelation(engine: Engine, entity: string): string {
  const rel = NARROWS.get(engine)?.get(entity);
  if (!rel)
    throw new GtmError('INTERNAL', `no narrow table of ${entity} was written on ClickHouse in this run`);
  return rel;
}

/** Whether every entity has a ClickHouse form (the others run on DuckDB only, for now). */
export function clickHouseEntitiesMissing(specs: readonly EntitySpec[]): string[] {
  return specs.filter((s) => !clickHouseForm(s)).map((s) => s.name);
}

/** An entity's ClickHouse form: hand-written, or derived from its `typedEntity` definition. */
export function clickHouseForm(spec: EntitySpec): ClickHouseEntity | undefined {
  const def = typedEntityDef(spec);
  return CLICKHOUSE_ENTITIES[spec.name] ?? (def ? typedEntityCh(def) : undefined);
}

/**
 * `normalizeEntities` on ClickHouse. Each source's `rawTable` names its table in the engine's
 * database (see `bindClickHouseSource`); the settings' rates travel inside the queries.
 */
export async function normalizeEntitiesClickHouse(
  engine: Engine,
  specs: readonly EntitySpec[],
  sources: readonly BoundSource[],
  settings: ClickHouseSettings,
  baseDir: string,
  opts: NormalizeOptions = {},
): Promise<NormalizeResult> {
  const missing = clickHouseEntitiesMissing(specs);
  if (missing.length)
    throw new GtmError('CONFIG', `entities ${missing.join(', ')} have no ClickHouse form in this version`, {
      where: 'engine.kind',
      hint: 'run this command on the embedded DuckDB engine (remove engine: from gtm.yaml)',
    });
  const relations = new Map<string, string>();
  RELATIONS.set(engine, relations);
  const out = {
    accounting: [],
    rejects: [],
    duplicates: [],
    entities: {},
    narrow: {},
  } as unknown as NormalizeResult;
  const narrows = new Map<string, string>();
  NARROWS.set(engine, narrows);
  for (const [entity, n] of Object.entries(opts.narrow ?? {}))
    if (!specs.some((s) => s.name === entity))
      throw new Error(`narrow table ${n.table}: entity ${entity} is not normalized in this run`);
  for (const spec of specs) {
    const parts = sources.filter((s) => s.binding.entity === spec.name);
    out.entities[spec.name] = await normalizeOne(engine, spec, parts, settings, baseDir, out, relations);
    const n = opts.narrow?.[spec.name];
    if (!n) continue;
    const table = await narrowView(
      engine,
      spec,
      n,
      relations.get(spec.name) as string,
      parts.length > 0,
      opts.hash ?? ((x) => `cityHash64(${x})`),
    );
    narrows.set(spec.name, chIdent(table));
    (out.narrow ??= {})[spec.name] = { table, rows: out.entities[spec.name] };
  }
  out.rejects.sort(
    (a, b) => a.source.localeCompare(b.source) || a.file.localeCompare(b.file) || a.row - b.row,
  );
  out.differing = listDiffering(out.differing ?? [], (entity) => specs.findIndex((x) => x.name === entity));
  return out;
}

/** Each source's `SelectHints` from its entity's probe (one cheap scan per source, when it has one). */
async function probeSources(
  engine: Engine,
  ch: ClickHouseEntity,
  parts: readonly BoundSource[],
): Promise<(SelectHints | undefined)[]> {
  if (!ch.probe) return parts.map(() => undefined);
  const out: SelectHints[] = [];
  for (const p of parts) {
    // no probe query: no column the probe looks at is mapped, so there is nothing to decode
    const sql = ch.probe(p.binding, chIdent(p.binding.rawTable));
    const n = sql ? Number((await engine.query<{ n: number | string }>(sql))[0]?.n ?? 1) : 0;
    out.push({ urlEncoded: n > 0 });
  }
  return out;
}

/** The staged rows of every source of an entity (`all`), the valid ones, and the counts per source. */
async function stageAll(engine: Engine, spec: EntitySpec, names: string, staged: readonly string[]) {
  const all = await runView(engine, `all_${spec.name}`, staged.join(' UNION ALL '));
  const valid = await runView(
    engine,
    `valid_${spec.name}`,
    `SELECT ${names} FROM ${all} WHERE isNull(_reject_reason)`,
  );
  const counts = await engine.query<{ _source: string; valid: number; rejected: number }>(
    `SELECT _source, countIf(isNull(_reject_reason)) AS valid, countIf(isNotNull(_reject_reason)) AS rejected FROM ${all} GROUP BY _source`,
  );
  return { all, valid, counts };
}

/**
 * `inferDateOrders` of DuckDB on ClickHouse: for each source without `date_order` that has rejected
 * rows, its columns whose dates only a day-first reading makes valid are read day-first (the run
 * says so, `out.dateOrders`). Returns the sources with their new bindings, or null when no column
 * changed order. A source without rejects costs nothing; one with rejects, a read of its reasons.
 */
async function inferDatesCh(
  engine: Engine,
  spec: EntitySpec,
  parts: readonly BoundSource[],
  counts: readonly { _source: string; rejected: number }[],
  select: (b: SourceBinding, i: number) => string,
  ctx: { baseDir: string; out: NormalizeResult },
): Promise<BoundSource[] | null> {
  let changed = false;
  const next = [...parts];
  for (const [i, p] of parts.entries()) {
    const c = counts.find((r) => r._source === p.binding.source);
    if (p.binding.dateOrder !== undefined || !Number(c?.rejected ?? 0)) continue;
    const stg = await runView(engine, `stg_${spec.name}_${i}`, select(p.binding, i));
    const { binding, inferred } = await inferDateOrders(engine, p.binding, stg, {
      baseDir: ctx.baseDir,
      restage: async (b) => void (await runView(engine, `stg_${spec.name}_${i}`, select(b, i))),
      timeColumns: timeColumnsOf(spec),
    });
    if (!inferred.length) continue;
    for (const x of inferred) (ctx.out.dateOrders ??= []).push(x);
    next[i] = { ...p, binding };
    changed = true;
  }
  return changed ? next : null;
}

async function normalizeOne(
  engine: Engine,
  spec: EntitySpec,
  parts: readonly BoundSource[],
  settings: ClickHouseSettings,
  baseDir: string,
  out: NormalizeResult,
  relations: Map<string, string>,
): Promise<number> {
  const ch = clickHouseForm(spec) as ClickHouseEntity;
  const names = [...ch.columns, ...BOOKKEEPING].map(([n]) => chIdent(n)).join(', ');
  if (!parts.length) {
    const empty = [...ch.columns, ...BOOKKEEPING].map(
      ([n, t]) => `CAST(NULL AS Nullable(${t.replace(/^Nullable\((.*)\)$/, '$1')})) AS ${chIdent(n)}`,
    );
    relations.set(
      spec.name,
      await runView(engine, spec.name, `SELECT ${empty.join(', ')} FROM system.one WHERE 0`),
    );
    return 0;
  }
  const hints = await probeSources(engine, ch, parts);
  const select = (b: SourceBinding, i: number) => ch.select(b, settings, chIdent(b.rawTable), hints[i]);
  let { all, valid, counts } = await stageAll(
    engine,
    spec,
    names,
    parts.map((p, i) => select(p.binding, i)),
  );
  const dated = counts.some((c) => Number(c.rejected) > 0)
    ? await inferDatesCh(engine, spec, parts, counts, select, { baseDir, out })
    : null;
  if (dated) {
    parts = dated;
    ({ all, valid, counts } = await stageAll(
      engine,
      spec,
      names,
      parts.map((p, i) => select(p.binding, i)),
    ));
  }
  const rule = settings.dedupe[spec.name];
  const keys = [...(rule?.keys ?? spec.dedupe.keys)];
  // the duplicates are written once (a few rows per duplicate) and read twice, by the counts below
  // and by the canonical view's NOT IN: as a view, each read grouped every valid row again
  const dups = await runView(
    engine,
    `dups_${spec.name}`,
    dedupeClickHouse(valid, keys, {
      timeKey: spec.dedupe.timeKey,
      toleranceSeconds: rule?.time_tolerance_seconds ?? spec.dedupe.toleranceSeconds,
    }),
    { materialize: true },
  );
  const dupCounts = await engine.query<{ _source: string; _kept_source: string; n: number }>(
    `SELECT _source, _kept_source, count() AS n FROM ${dups} GROUP BY _source, _kept_source ORDER BY _source, _kept_source`,
  );
  const anyDup = dupCounts.some((d) => Number(d.n) > 0);
  relations.set(
    spec.name,
    anyDup
      ? await runView(
          engine,
          spec.name,
          `SELECT ${names} FROM ${valid} WHERE (_source, _file, _row) NOT IN (SELECT _source, _file, _row FROM ${dups})`,
        )
      : valid,
  );
  const anyRejected = counts.some((c) => Number(c.rejected) > 0);
  // a rejected row may be a continuation line when the entity's dedupe key is an id: the rejected
  // rows (read anyway for rejects.csv) are kept with their keys in a small table of the run
  const contKeys = continuationKeys(spec, keys);
  const rejected =
    anyRejected && contKeys
      ? await runView(
          engine,
          `rej_${spec.name}`,
          `SELECT _source, _file, _row, _reject_reason, ${contKeys.map((k) => chIdent(k)).join(', ')} FROM ${all} WHERE isNotNull(_reject_reason)`,
          { materialize: true },
        )
      : all;
  const bad = anyRejected
    ? await engine.query<{ _source: string; _file: string; _row: number; _reject_reason: string }>(
        `SELECT _source, _file, _row, _reject_reason FROM ${rejected} WHERE isNotNull(_reject_reason) ORDER BY _source, _file, _row`,
      )
    : [];
  let accepted = 0;
  for (const p of parts) {
    const name = p.binding.source;
    const c = counts.find((r) => r._source === name);
    const deduplicated = dupCounts.filter((d) => d._source === name).reduce((s, d) => s + Number(d.n), 0);
    const line = {
      source: name,
      entity: spec.name,
      rows_in: p.load.rows + p.load.rejects.length,
      accepted: Number(c?.valid ?? 0) - deduplicated,
      deduplicated,
      rejected: p.load.rejects.length + Number(c?.rejected ?? 0),
    };
    accepted += line.accepted;
    out.accounting.push(line);
    for (const r of p.load.rejects)
      out.rejects.push({
        source: name,
        file: rel(baseDir, r.file ?? ''),
        row: r.row,
        reason: r.reason,
        raw: r.raw,
      });
  }
  for (const r of bad)
    out.rejects.push({
      source: r._source,
      file: rel(baseDir, r._file ?? ''),
      row: Number(r._row),
      reason: r._reject_reason,
    });
  for (const d of dupCounts)
    out.duplicates.push({
      source: d._source,
      kept_source: d._kept_source,
      rows: Number(d.n),
      differing: 0,
      differing_columns: {},
    });
  if (anyDup) await compareDuplicates(engine, spec, parts, settings, keys, dups, baseDir, out);
  if (anyRejected && contKeys) {
    const lines = await findContinuations(
      engine,
      spec,
      parts,
      settings,
      contKeys,
      { rejected, valid },
      baseDir,
    );
    // (the accepted rows stay as they are: a continuation line was a rejected row)
    applyContinuations(out, lines);
  }
  return accepted;
}

/**
 * The continuation lines of an entity's rejected rows (`continuation-lines.ts`), on ClickHouse:
 * the rejected rows with their whole key (`rejected`, a small table of the run) are paired with the
 * lowest valid row of the same source, file and key (one read of the valid rows, only when some
 * rejected row has its key), then the rows of the pairs are read back from each source's table by
 * `source_file` and `source_row` and normalized again, those rows only, and judged.
 */
async function findContinuations(
  engine: Engine,
  spec: EntitySpec,
  parts: readonly BoundSource[],
  settings: ClickHouseSettings,
  keys: readonly string[],
  t: { rejected: string; valid: string },
  baseDir: string,
): Promise<ContinuationLine[]> {
  const k = keys.map((c) => chIdent(c));
  const present = k.map((c) => `isNotNull(${c})`).join(' AND ');
  const texts = k.map((c, i) => `toString(assumeNotNull(${c})) AS _k${i}`).join(', ');
  const tuple = `(_source, _file, ${k.map((c) => `assumeNotNull(${c})`).join(', ')})`;
  const rows = await engine.query<Record<string, unknown>>(
    `SELECT _source, _file, _row, _reject_reason, ${texts} FROM ${t.rejected} WHERE isNotNull(_reject_reason) AND ${present}`,
  );
  if (!rows.length) return [];
  const heads = await engine.query<Record<string, unknown>>(
    `SELECT _source, _file, ${k.map((_, i) => `_k${i}`).join(', ')}, min(_row) AS _head FROM (
       SELECT _source, _file, _row, ${texts} FROM ${t.valid}
       WHERE ${present} AND ${tuple} GLOBAL IN (SELECT ${tuple.slice(1, -1)} FROM ${t.rejected} WHERE isNotNull(_reject_reason) AND ${present}))
     GROUP BY _source, _file, ${k.map((_, i) => `_k${i}`).join(', ')}`,
  );
  const keyOf = (r: Record<string, unknown>) =>
    [r._source, r._file, ...k.map((_, i) => r[`_k${i}`])].map((v) => String(v)).join('\u0000');
  const headOf = new Map(heads.map((h) => [keyOf(h), Number(h._head)]));
  const pairs: ContinuationPair[] = rows.flatMap((r) => {
    const head = headOf.get(keyOf(r));
    return head === undefined
      ? []
      : [
          {
            source: String(r._source),
            file: String(r._file),
            row: Number(r._row),
            head,
            key: k.map((_, i) => String(r[`_k${i}`])).join(' / '),
            reason: String(r._reject_reason),
          },
        ];
  });
  pairs.sort((a, b) =>
    a.source < b.source
      ? -1
      : a.source > b.source
        ? 1
        : a.file < b.file
          ? -1
          : a.file > b.file
            ? 1
            : a.row - b.row,
  );
  const ch = clickHouseForm(spec) as ClickHouseEntity;
  const valueColumns = ch.columns.map(([c]) => c);
  const out: ContinuationLine[] = [];
  for (const p of parts) {
    const b = p.binding;
    const mine = pairs.filter((x) => x.source === b.source);
    if (!mine.length) continue;
    const columns = continuationColumns(spec, b, keys, valueColumns);
    const wanted = [
      ...new Map(
        mine
          .flatMap(
            (x) =>
              [
                [x.file, x.row],
                [x.file, x.head],
              ] as const,
          )
          .map((w) => [`${w[0]}\u0000${w[1]}`, w]),
      ).values(),
    ];
    const lit = (v: string) => literal(v, 'clickhouse');
    const where = `(toString(source_file), toInt64(source_row)) IN (${wanted.map(([f, r]) => `(${lit(f)}, ${Number(r)})`).join(', ')})`;
    const table = `(SELECT * FROM ${chIdent(b.rawTable)} WHERE ${where})`;
    const valueCols = [...new Set(columns.flatMap((c) => (c.value ? [c.value] : [])))];
    const values = await engine.query<Record<string, unknown>>(
      `SELECT _file, _row${valueCols.map((c) => `, ${chIdent(c)}`).join('')} FROM (${ch.select(b, settings, table)})`,
    );
    const rawCols = [...new Set(columns.map((c) => c.raw))];
    const cells = await engine.query<Record<string, unknown>>(
      `SELECT toString(source_file) AS _file, toInt64(source_row) AS _row${rawCols.map((c) => `, ${chIdent(c)}`).join('')} FROM ${table}`,
    );
    const at = (f: unknown, r: unknown) => `${String(f)}\u0000${Number(r)}`;
    const byRow = new Map<string, { values: Record<string, unknown>; cells: Record<string, unknown> }>();
    for (const v of values) byRow.set(at(v._file, v._row), { values: v, cells: {} });
    for (const c of cells) {
      const e = byRow.get(at(c._file, c._row));
      if (e) e.cells = c;
    }
    out.push(...judgeContinuations(spec.name, keys, columns, mine, (f, r) => byRow.get(at(f, r)), baseDir));
  }
  return out;
}

/**
 * `compareDuplicates` of DuckDB: the dropped duplicates whose canonical values differ from the kept
 * row's, counted onto `out.duplicates` and listed in `out.differing`. No pass over the sources: the
 * dropped rows and their kept rows (a table of their source, file and row) are read back from each
 * source's table by `source_file` and `source_row` (`GLOBAL IN`: on a cluster the shards get the
 * list) and normalized again, those rows only; then joined with the duplicates, once for the
 * dropped row's values and once for the kept row's. NULL-safe as `IS DISTINCT FROM`: NULL against
 * a value differs, NULL against NULL does not.
 */
async function compareDuplicates(
  engine: Engine,
  spec: EntitySpec,
  parts: readonly BoundSource[],
  settings: ClickHouseSettings,
  keys: readonly string[],
  dups: string,
  baseDir: string,
  out: NormalizeResult,
): Promise<void> {
  const columns = comparedColumns(spec, keys, parts);
  if (!columns.length) return;
  const compared = columns.map((x) => x.column);
  const ch = clickHouseForm(spec) as ClickHouseEntity;
  const wanted = await runView(
    engine,
    `dupr_${spec.name}`,
    `SELECT _source, _file, _row FROM ${dups} UNION ALL SELECT DISTINCT _kept_source AS _source, _kept_file AS _file, _kept_row AS _row FROM ${dups}`,
    { materialize: true },
  );
  const sources = await engine.query<{ s: string }>(`SELECT DISTINCT _source AS s FROM ${wanted}`);
  const read = parts
    .filter((p) => sources.some((x) => x.s === p.binding.source))
    .map((p) => {
      const rows = `(SELECT * FROM ${chIdent(p.binding.rawTable)} WHERE (toString(source_file), toInt64(source_row)) GLOBAL IN (SELECT _file, _row FROM ${wanted} WHERE _source = ${literal(p.binding.source, 'clickhouse')}))`;
      // no hints: the few rows read back are decoded as any row may be (same values as the pass's)
      return `SELECT ${['_source', '_file', '_row', ...compared].map((c) => chIdent(c)).join(', ')} FROM (${ch.select(p.binding, settings, rows)}) WHERE isNull(_reject_reason)`;
    });
  const values = await runView(engine, `dupv_${spec.name}`, read.join(' UNION ALL '), { materialize: true });
  const c = compared.map((x) => chIdent(x));
  // the dropped row's values (_d<i>), then the kept row's (_k<i>), joined on source, file and row
  const dropped = `SELECT _source, _file, _row, _kept_source AS _ks, _kept_file AS _kf, _kept_row AS _kr, ${c.map((x, i) => `_d${i}`).join(', ')}
    FROM ${dups} ALL INNER JOIN (SELECT _source, _file, _row, ${c.map((x, i) => `${x} AS _d${i}`).join(', ')} FROM ${values}) USING (_source, _file, _row)`;
  const both = `SELECT _source, _file, _row, _ks AS _kept_source, _kf AS _kept_file, _kr AS _kept_row,
      ${columns
        .map((x, i) => {
          const distinct = `ifNull(_d${i} != _k${i}, isNull(_d${i}) != isNull(_k${i}))`;
          const lit = (v: string) => literal(v, 'clickhouse');
          return `${differsSql(x, distinct, { d: '_source', k: '_ks' }, lit)} AS _x${i}, _d${i}, _k${i}`;
        })
        .join(', ')}
    FROM (${dropped}) ALL INNER JOIN (SELECT _source AS _ks, _file AS _kf, _row AS _kr, ${c.map((x, i) => `${x} AS _k${i}`).join(', ')} FROM ${values}) USING (_ks, _kf, _kr)`;
  const dif = await runView(
    engine,
    `dupx_${spec.name}`,
    `SELECT * FROM (${both}) WHERE ${c.map((_, i) => `_x${i}`).join(' OR ')}`,
    { materialize: true },
  );
  const counts = await engine.query<Record<string, unknown>>(
    `SELECT _source, _kept_source, count() AS n, ${c.map((_, i) => `countIf(_x${i} = 1) AS _n${i}`).join(', ')}
     FROM ${dif} GROUP BY _source, _kept_source`,
  );
  addDiffering(out, compared, counts);
  const rows = await engine.query<Record<string, unknown>>(
    `SELECT * FROM ${dif} ORDER BY _source, _file, _row LIMIT ${DIFFERING_LISTED}`,
  );
  const kinds = columnKinds(spec, ch);
  (out.differing ??= []).push(
    ...differingRows(spec.name, compared, rows, baseDir, (col, v) => chText(kinds[col], v), keys),
  );
}

/** The kind of value of each canonical column on ClickHouse that is not shown as it comes (times, dates, booleans). */
function columnKinds(
  spec: EntitySpec,
  ch: ClickHouseEntity,
): Record<string, 'time' | 'date' | 'boolean' | undefined> {
  const def = typedEntityDef(spec);
  const out: Record<string, 'time' | 'date' | 'boolean' | undefined> = {};
  for (const [name, type] of ch.columns) {
    const kind = def?.columns[name]?.kind;
    if (def)
      out[name] =
        kind === 'timestamp' ? 'time' : kind === 'date' ? 'date' : kind === 'boolean' ? 'boolean' : undefined;
    // the hand-written entities' only Int64 columns are their times
    else if (type === 'Nullable(Int64)') out[name] = 'time';
  }
  return out;
}

/** A ClickHouse value as DuckDB's reader gives it: times (epoch milliseconds) as ISO 8601, dates as the day, booleans as true/false. */
function chText(kind: 'time' | 'date' | 'boolean' | undefined, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (kind === 'time') return new Date(Number(v)).toISOString();
  if (kind === 'date') return new Date(Number(v)).toISOString().slice(0, 10);
  if (kind === 'boolean') return String(Number(v) === 1);
  return String(v);
}

/**
 * An entity's narrow table on ClickHouse: a view of this run over the canonical rows (accepted
 * rows only), with the asked-for columns as they are, each `codes` column as its dense code
 * (Nullable(UInt32), 0 … n − 1 in the byte order of the distinct values, NULL stays NULL) and each
 * `hashes` column as `<column>_hash` = `cityHash64(value)` (Nullable(UInt64); NULL stays NULL).
 * A view, not a copy: every read runs on the shards where the rows lie, and a copy would cost the
 * normalization of every row anyway. The dictionaries (`<view>_<column>`, a small MergeTree table
 * on the server gtm talks to) are made first, as on DuckDB from the canonical values of every row
 * read, rejected and duplicate rows included; the view codes a value with `transform` over the
 * dictionary's arrays (one hash lookup a row, the arrays read once per query by a scalar subquery).
 *
 * The hashes are ClickHouse's `cityHash64`, not DuckDB's `hash()`: compare a narrow hash only with
 * `cityHash64` (the commands' `hashKey`) of the same engine.
 */
async function narrowView(
  engine: Engine,
  spec: EntitySpec,
  n: NarrowSpec,
  canonical: string,
  anySource: boolean,
  hash: (x: string) => string,
): Promise<string> {
  if (n.computed || n.lookups || n.prepare)
    throw new Error(
      `narrow table ${n.table}: computed columns, lookups and prepare steps are DuckDB's (ask ClickHouse for the plain columns)`,
    );
  const ch = clickHouseForm(spec) as ClickHouseEntity;
  const known = new Set([...ch.columns, ...BOOKKEEPING].map(([c]) => c));
  for (const c of [...n.columns, ...(n.codes ?? []), ...(n.hashes ?? [])])
    if (!known.has(c)) throw new Error(`narrow table ${n.table}: ${spec.name} has no column ${c}`);
  const asked = [...n.columns, ...(n.codes ?? [])];
  if (new Set(asked).size < asked.length)
    throw new Error(`narrow table ${n.table}: a column is asked for twice (kept as it is and coded)`);
  const all = anySource ? chIdent(`${viewPrefix(engine)}all_${spec.name}`) : canonical;
  // aliases are query-wide on ClickHouse: the coded columns are read as `_text_<column>` in an
  // inner SELECT, or `cityHash64(x)` beside `… AS x` would hash the code
  const textOf = (c: string) => chIdent(`_text_${c}`);
  const inner = [
    ...n.columns.map((c) => chIdent(c)),
    ...(n.codes ?? []).map((c) => `${chIdent(c)} AS ${textOf(c)}`),
    ...(n.hashes ?? []).map((c) => `${hash(chIdent(c))} AS ${chIdent(`${c}_hash`)}`),
  ];
  const outer = [...n.columns.map((c) => chIdent(c)), ...(n.hashes ?? []).map((c) => chIdent(`${c}_hash`))];
  for (const c of n.codes ?? []) {
    const dict = await runView(
      engine,
      `${n.table}_${c}`,
      `SELECT toUInt32(i - 1) AS code, v AS value
       FROM (SELECT arraySort(groupUniqArray(${chIdent(c)})) AS s FROM ${all}) ARRAY JOIN s AS v, arrayEnumerate(s) AS i`,
      { materialize: true, orderBy: 'code' },
    );
    // the dictionary as two arrays in code order (one tuple array, sorted: aligned by construction)
    const pairs = `arraySort(groupArray((code, value)))`;
    outer.push(
      `if(isNull(${textOf(c)}), CAST(NULL AS Nullable(UInt32)), toNullable(transform(assumeNotNull(${textOf(c)}),
        (SELECT arrayMap(x -> x.2, ${pairs}) FROM ${dict}), (SELECT arrayMap(x -> x.1, ${pairs}) FROM ${dict}), toUInt32(4294967295)))) AS ${chIdent(c)}`,
    );
  }
  await checkExactHashes(engine, spec, n, canonical, hash);
  return runObject(
    engine,
    n.table,
    `SELECT ${outer.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${canonical})`,
  );
}

/**
 * The narrow hashes are exact, as on DuckDB: no two distinct values of the accepted rows share a
 * `cityHash64` (NULL hashes to NULL, apart from every value). One scan of the canonical rows
 * counts, per hashed column, the distinct values and the distinct hashes; a difference stops the
 * run with an INTERNAL error naming the column; `NarrowSpec.unchecked` columns are left out. (`NarrowSpec.rekey`, DuckDB's way out of a
 * collision, has no ClickHouse form yet: a collision stops the run there too.)
 */
async function checkExactHashes(
  engine: Engine,
  spec: EntitySpec,
  n: NarrowSpec,
  canonical: string,
  hash: (x: string) => string,
): Promise<void> {
  const hashed = (n.hashes ?? []).filter((c) => !n.unchecked?.includes(c));
  if (!hashed.length) return;
  const [row] = await engine.query<Record<string, number>>(
    `SELECT ${hashed.map((c, i) => `uniqExact(${chIdent(c)}) AS v${i}, uniqExact(${hash(chIdent(c))}) AS h${i}`).join(', ')} FROM ${canonical}`,
  );
  hashed.forEach((c, i) => {
    if (Number(row[`v${i}`]) !== Number(row[`h${i}`]))
      throw new GtmError(
        'INTERNAL',
        `narrow table ${n.table}: ${Number(row[`v${i}`])} distinct values of ${spec.name}.${c} have ${Number(row[`h${i}`])} distinct 64-bit hashes, so joins on ${c}_hash would not be exact`,
        {
          hint: 'run this command on the embedded DuckDB engine, whose narrow tables can rekey colliding values',
        },
      );
  });
}

/** The prefix of this run's objects on an engine (`_gtm_<run>_`). */
function viewPrefix(engine: Engine): string {
  const v = VIEWS.get(engine);
  if (!v) throw new GtmError('INTERNAL', 'no view of this run on ClickHouse yet');
  return v.prefix;
}

/** The SQL expression a dedupe key groups by (`dedupeKeyExpr`: a person without an id by account, or alone). */
function keyExpr(k: string): string {
  return k === 'person_id'
    ? `ifNull(person_id, ifNull(concat('account:', account_id), concat('row:', _source, ':', toString(_row))))`
    : chIdent(k);
}

/**
 * The duplicates among `valid` rows (`dedupeSql`'s rows with `_dup_rank > 1`), as a SELECT of
 * `_source`, `_file`, `_row` and the kept row's `_kept_source`, `_kept_row`, `_kept_file`. Rows are the same record when all `keys`
 * are equal and, with a `timeKey` (epoch milliseconds), their times chain within `toleranceSeconds`;
 * the kept row is the one of the lowest priority, then source name, then file (name order), then row.
 */
export function dedupeClickHouse(
  valid: string,
  keys: readonly string[],
  opts: { timeKey?: string; toleranceSeconds?: number },
): string {
  const timed = opts.timeKey !== undefined && keys.includes(opts.timeKey);
  const plain = keys.filter((k) => k !== opts.timeKey).map(keyExpr);
  const groupKeys = plain.map((k, i) => `${k} AS _k${i}`);
  const tol = Math.max(0, Math.floor(opts.toleranceSeconds ?? 0)) * 1000;
  const time = timed ? `toInt64(${chIdent(opts.timeKey as string)})` : 'toInt64(0)';
  // g: (time, priority, source, file, row), sorted by time then preference (within a source, the
  // file in name order first, then the row: one file's copies win together, as on DuckDB)
  const grouped = `SELECT arraySort(x -> (x.1, x.2, x.3, x.4, x.5), groupArray((${time}, _priority, _source, _file, _row))) AS g
    FROM ${valid}${groupKeys.length ? ` GROUP BY ${groupKeys.join(', ')}` : ''} HAVING count() > 1`;
  // c: the cluster of each row (a gap above the tolerance starts one); s: (cluster, priority, source, file, row) by preference
  const breaks = timed
    ? `arrayMap((x, i) -> if(i = 1 OR x.1 - tupleElement(g[i - 1], 1) > ${tol}, 1, 0), g, arrayEnumerate(g))`
    : `arrayMap(x -> 0, g)`;
  const clustered = `SELECT arraySort(x -> (x.1, x.2, x.3, x.4, x.5), arrayMap((c, x) -> (c, x.2, x.3, x.4, x.5), arrayCumSum(${breaks}), g)) AS s FROM (${grouped})`;
  const ranked = `SELECT s, arrayEnumerateUniq(arrayMap(x -> x.1, s)) AS r FROM (${clustered})`;
  // (source, file, row, kept source, rank, kept row, kept file): the kept row is the cluster's first
  const dups = `arrayFilter(x -> x.5 > 1, arrayMap((x, rank, i) -> (x.3, x.4, x.5, tupleElement(s[i - rank + 1], 3), rank, tupleElement(s[i - rank + 1], 5), tupleElement(s[i - rank + 1], 4)), s, r, arrayEnumerate(s)))`;
  return `SELECT d.1 AS _source, d.2 AS _file, d.3 AS _row, d.4 AS _kept_source, d.6 AS _kept_row, d.7 AS _kept_file FROM (SELECT arrayJoin(${dups}) AS d FROM (${ranked}))`;
}

const rel = (base: string, file: string) =>
  file && path.isAbsolute(file) ? path.relative(base, file) : file;
