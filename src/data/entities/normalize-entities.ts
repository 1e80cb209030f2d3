import path from 'node:path';
import type { RejectedRow, RowAccounting } from '../../contracts/index.ts';
import { GtmError } from '../../errors/index.ts';
import type { Engine } from '../engine.ts';
import { ratesTableSql, type RateSpec } from '../normalize/index.ts';
import { parquetRowsSql } from '../load-parquet.ts';
import { literal, quoteIdent as ident } from '../sql-text.ts';
import type { SourceLoad } from '../source-spec.ts';
import { dedupeCandidatesSql, dedupeHashExpr, dedupeSql } from './dedupe-sql.ts';
import type { EntitySpec, EntityView, NormalizeSettings, SourceBinding } from './entity-spec.ts';
import { inferDateOrders, timeColumnsOf, type InferredDateOrder } from './infer-date-order.ts';
import {
  applyContinuations,
  continuationColumns,
  continuationKeys,
  judgeContinuations,
  type ContinuationLine,
  type ContinuationPair,
} from './continuation-lines.ts';
import { typedEntityDef } from './typed-entity.ts';

/**
 * What a command keeps of an entity, asked for before normalize runs: a table (`table`) of the
 * entity's accepted rows (neither rejected nor a duplicate), written from the pass that checks
 * every row, so the command never reads the source again. Only the named columns are kept.
 *
 * @example
 * // optimize-referrals: the clicks as a table `ref_clicks_in` with the referral code as an integer
 * normalizeEntities(engine, specs, sources, settings, baseDir, {
 *   narrow: { clicks: { table: 'ref_clicks_in', columns: ['click_id', 'clicked_at'], codes: ['referral_code'] } },
 * });
 */
/** The bookkeeping columns of a normalized row (source-columns.ts `bookkeeping`), none for no source. */
const EMPTY_BOOKKEEPING =
  'CAST(NULL AS VARCHAR) AS _source, CAST(NULL AS INTEGER) AS _priority, CAST(NULL AS VARCHAR) AS _file, CAST(NULL AS BIGINT) AS _row';

export interface NarrowSpec {
  /** The table written (replaced when it exists). */
  table: string;
  /**
   * Canonical columns copied as they are (after normalization: trimmed, lower-cased, converted),
   * and any of the bookkeeping columns `_source`, `_priority`, `_file`, `_row`.
   */
  columns: readonly string[];
  /**
   * Text columns kept as dense integer codes (UINTEGER, 0 … n − 1 in the text order of the
   * values, NULL stays NULL) under their own name, each with its dictionary `<table>_<column>`
   * (`code` UINTEGER, `value` VARCHAR, one row per distinct value of the accepted rows).
   */
  codes?: readonly string[];
  /**
   * Text columns kept as their 64-bit hash (`hash(value)`, UBIGINT) in `<column>_hash`. Exact: after
   * the pass the kit checks that no two distinct values of the accepted rows (NULL included) share
   * a hash. When two do, it stops with an INTERNAL error naming the column, unless `rekey` is set.
   */
  hashes?: readonly string[];
  /**
   * Set when the command compares the `<column>_hash` columns only with `narrowHashSql(…)` of the
   * other side (never with `hash(x)` itself): on a collision the kit then gives each colliding
   * value a key of its own (listed in `result.narrow[entity].rekeyed`, which `narrowHashSql` reads)
   * instead of stopping.
   */
  rekey?: boolean;
  /**
   * Hashed columns (a subset of `hashes`) written as `hash(value)` but left out of the exactness
   * check (never read again, never rekeyed). For a command that uses such a hash only where a
   * shared hash cannot make a result inexact: equality with `hash(x)` of another table's values,
   * which the check never sees anyway, or a superset it then checks exactly on the text. Saves the
   * check's reads (at 10M clicks: a distinct read of a repeated column ~2 s, a search of a mostly
   * distinct one ~1 s).
   */
  unchecked?: readonly string[];
  /**
   * Columns the pass computes (DuckDB only): output column → a SQL expression over the staged row's
   * canonical and bookkeeping columns, as `s.<column>`, and the `lookups`' columns, as
   * `<alias>.<column>`. Evaluated for every row read, rejected ones included (the expression must
   * not fail on a NULL or on a value a check rejects); the rejected and duplicate rows are then
   * deleted with the rest. Write a command's derived columns here instead of rereading the table.
   */
  computed?: Readonly<Record<string, string>>;
  /**
   * Tables LEFT JOINed to each staged row (`s`) in the pass, for `computed`: `on` maps a column of
   * `s` to a column of the table. At most one row per key: a pass whose joins multiply rows stops
   * with an INTERNAL error (its rows are counted against the source's).
   */
  lookups?: readonly NarrowLookup[];
  /**
   * Run before this entity's pass, once the entities in `after` are normalized (the kit normalizes
   * them first): writes what `lookups` read, e.g. a numbering of another entity's ids.
   */
  prepare?: { after: readonly string[]; run: (engine: Engine) => Promise<void> };
}

/** A table the check pass joins (see `NarrowSpec.lookups`). */
export interface NarrowLookup {
  /** How `computed` names it. */
  alias: string;
  table: string;
  /** Staged row's column → the table's column (all equal: an equi-join). */
  on: Readonly<Record<string, string>>;
}

/** A narrow table written (see `NarrowSpec`). */
export interface NarrowResult {
  table: string;
  /** Its rows (= the accepted rows). */
  rows: number;
  /**
   * Hashed column → the values that shared a 64-bit hash with another value and the key (UBIGINT,
   * as text) each got instead; absent when no column had a collision.
   */
  rekeyed?: Record<string, { value: string; key: string }[]>;
}

/**
 * The key a hashed column of a narrow table (`<column>_hash`) has for the text expression `expr`:
 * `hash(expr)`, except for the values the kit rekeyed after a collision (see `NarrowSpec.rekey`).
 * Join the other side through it: `ON l.member_id_hash = ${narrowHashSql(n, 'member_id', 'm.member_id')}`.
 */
export function narrowHashSql(
  narrow: NarrowResult | undefined,
  column: string,
  expr: string,
  hash: (x: string) => string = (x) => `hash(${x})`,
): string {
  const keys = narrow?.rekeyed?.[column];
  if (!keys?.length) return hash(expr);
  const whens = keys.map((k) => `WHEN ${literal(k.value)} THEN CAST(${literal(k.key)} AS UBIGINT)`);
  return `CASE CAST(${expr} AS VARCHAR) ${whens.join(' ')} ELSE ${hash(expr)} END`;
}

/** Options of a normalize run beyond the workspace's settings. */
export interface NormalizeOptions {
  /** Entity name → the narrow table a command reads instead of the canonical view. */
  narrow?: Readonly<Record<string, NarrowSpec>>;
  /**
   * Tests only: the hash of the narrow tables' `hashes` columns (default DuckDB's `hash(x)`), to
   * force collisions; pass the same function to `narrowHashSql`.
   */
  hash?: (expr: string) => string;
}

/** A source ready for normalization: its binding to an entity and what loading it produced. */
export interface BoundSource {
  binding: SourceBinding;
  load: SourceLoad;
}

/**
 * Dropped duplicates counted per source and the source whose row was kept instead: `rows` of them,
 * `differing` of which had canonical values different from the kept row's (per column in
 * `differing_columns`, a row counted once per column that differs).
 */
export interface DuplicateCount {
  source: string;
  kept_source: string;
  rows: number;
  differing: number;
  differing_columns: Record<string, number>;
  /**
   * Rows of `rows` that are continuation lines of a row of the same source and file (a line item
   * after its order's first row: see `continuation-lines.ts`), counted deduplicated instead of
   * rejected; absent when none.
   */
  continuation?: number;
}

/**
 * A dropped duplicate whose canonical values differ from the row kept: both rows named by source,
 * file and row, and each column that differs with the dropped row's value and the kept row's, as
 * text (times as ISO 8601 in UTC, NULL as null), the same on both engines.
 */
export interface DifferingDuplicate {
  entity: string;
  source: string;
  file: string;
  row: number;
  kept_source: string;
  kept_file: string;
  kept_row: number;
  values: { column: string; value: string | null; kept: string | null }[];
  /** The record's dedupe key value(s), as text (` / ` between two), when every key is compared. */
  key?: string;
}

/** At most this many differing duplicates are listed per run (`NormalizeResult.differing`); the counts are exact. */
export const DIFFERING_LISTED = 10_000;

export interface NormalizeResult {
  /** One line per source, in the order given; every input row in exactly one bucket. */
  accounting: (RowAccounting & { entity: string })[];
  /** Rejected rows of every source (load errors and normalization reasons), by source, file, row. */
  rejects: RejectedRow[];
  /** source → the source whose record was kept instead, counted, with those whose values differ */
  duplicates: DuplicateCount[];
  /**
   * The dropped duplicates whose values differ from the kept row's, by entity (in the order of the
   * specs), source, file and row: the first `DIFFERING_LISTED` (the counts in `duplicates` are all).
   */
  differing?: DifferingDuplicate[];
  /**
   * Rejected rows that are continuation lines of a valid row of their record in the same file
   * (counted deduplicated, not rejected; `continuation-lines.ts`), the first `CONTINUATIONS_LISTED`.
   */
  continuations?: ContinuationLine[];
  /** canonical rows accepted per entity */
  entities: Record<string, number>;
  /** Columns whose slash dates were read day-first by inference (no `date_order` on the source). */
  dateOrders?: InferredDateOrder[];
  /** Narrow tables written (see `NarrowSpec`): entity → table and its rows (= accepted rows). */
  narrow?: Record<string, NarrowResult>;
}

/**
 * Normalizes loaded sources into one canonical table per entity (named after the entity) and
 * accounts for every input row: accepted, deduplicated (same record in several sources, or fired
 * twice), or rejected with a reason. Entities in `entities` that no source feeds become empty
 * tables with the canonical columns, so queries over them still run.
 */
export async function normalizeEntities(
  engine: Engine,
  specs: readonly EntitySpec[],
  sources: readonly BoundSource[],
  settings: NormalizeSettings & { rates: RateSpec[] },
  baseDir: string,
  opts: NormalizeOptions = {},
): Promise<NormalizeResult> {
  await engine.exec(ratesTableSql(settings.ratesTable, settings.rates, settings.reportingCurrency));
  const out: NormalizeResult = { accounting: [], rejects: [], duplicates: [], entities: {} };
  for (const spec of prepareOrder(specs, opts.narrow ?? {})) {
    const parts = sources.filter((s) => s.binding.entity === spec.name);
    const narrow = opts.narrow?.[spec.name];
    if (narrow) checkNarrow(spec, narrow);
    if (narrow?.prepare) await narrow.prepare.run(engine);
    const written: NarrowResult | undefined = narrow ? { table: narrow.table, rows: 0 } : undefined;
    const ctx = { narrow, written, hash: opts.hash ?? ((x: string) => `hash(${x})`), custom: !!opts.hash };
    out.entities[spec.name] = await normalizeOne(engine, spec, parts, settings, baseDir, out, ctx);
    if (written) (out.narrow ??= {})[spec.name] = { ...written, rows: out.entities[spec.name] };
  }
  // a prepare step may have normalized an entity ahead of its turn: everything is reported in the
  // order of `specs` (and of the sources within an entity), whatever the order of the work
  const rank = (entity: string) => specs.findIndex((x) => x.name === entity);
  out.accounting.sort((a, b) => rank(a.entity) - rank(b.entity));
  const entityOf = new Map(sources.map((x) => [x.binding.source, x.binding.entity]));
  out.duplicates.sort((a, b) => rank(entityOf.get(a.source) ?? '') - rank(entityOf.get(b.source) ?? ''));
  out.differing = listDiffering(out.differing ?? [], rank);
  out.entities = Object.fromEntries(specs.map((x) => [x.name, out.entities[x.name]]));
  if (out.narrow)
    out.narrow = Object.fromEntries(
      specs.filter((x) => out.narrow?.[x.name]).map((x) => [x.name, out.narrow?.[x.name] as NarrowResult]),
    );
  for (const [entity, n] of Object.entries(opts.narrow ?? {}))
    if (!specs.some((x) => x.name === entity))
      throw new Error(`narrow table ${n.table}: entity ${entity} is not normalized in this run`);
  for (const s of sources)
    if (!specs.find((x) => x.name === s.binding.entity)?.readsTyped?.(s.binding))
      await dropIfTable(engine, s.binding.rawTable);
  out.rejects.sort(
    (a, b) => a.source.localeCompare(b.source) || a.file.localeCompare(b.file) || a.row - b.row,
  );
  return out;
}

/** One source of an entity as staged for normalization. */
interface Staged {
  part: BoundSource;
  /** The staged rows with their reject reason (a view over a typed source, else a table). */
  stg: string;
  /** Set for a typed source read through a view: its canonical rows without the checks. */
  view?: EntityView;
  /** For a typed source: its checked SELECT over another relation of the same columns. */
  checkedFrom?: (raw: string) => string | undefined;
}

/**
 * A text source staged in `stg` whose columns' dates are read day-first by inference (see
 * `inferDateOrders`): staged again in that order, its binding saying so; else as it was.
 */
async function withInferredDates(
  engine: Engine,
  spec: EntitySpec,
  p: BoundSource,
  stg: string,
  ctx: { settings: NormalizeSettings; baseDir: string; out: NormalizeResult },
): Promise<BoundSource> {
  const { binding, inferred } = await inferDateOrders(engine, p.binding, stg, {
    baseDir: ctx.baseDir,
    restage: (b) => engine.exec(`CREATE OR REPLACE TABLE ${stg} AS ${spec.select(b, ctx.settings)}`),
    timeColumns: timeColumnsOf(spec),
  });
  if (!inferred.length) return p;
  for (const x of inferred) (ctx.out.dateOrders ??= []).push(x);
  return { ...p, binding };
}

/** Per source: rows rejected, valid rows, and the mask of columns some row changes. */
interface PartCounts {
  rejected: number;
  valid: number;
  changed: bigint;
}

async function normalizeOne(
  engine: Engine,
  spec: EntitySpec,
  parts: readonly BoundSource[],
  settings: NormalizeSettings,
  baseDir: string,
  out: NormalizeResult,
  ctx: { narrow?: NarrowSpec; written?: NarrowResult; hash: (x: string) => string; custom: boolean },
): Promise<number> {
  const { narrow } = ctx;
  const table = ident(spec.name);
  if (!parts.length) {
    // the bookkeeping columns too, as a normalized source has them: a command may cite `_source`
    await engine.exec(
      `CREATE OR REPLACE VIEW ${table} AS SELECT ${EMPTY_BOOKKEEPING}, * FROM (${spec.emptySelect()}) WHERE false`,
    );
    if (narrow) await emptyNarrow(engine, spec, narrow);
    return 0;
  }
  const staged: Staged[] = [];
  for (const p0 of parts) {
    const stg = ident(`stg_${p0.binding.rawTable}`);
    // typed sources are staged as views (no copy of a large Parquet file or table): their checks
    // run once below, and later reads get the canonical columns alone. Text sources are parsed
    // once into a table (their raw copy is dropped once every entity is accounted for).
    const typed = spec.readsTyped?.(p0.binding) ?? false;
    const view = typed ? spec.view?.(p0.binding, settings) : undefined;
    const sql = view?.checked ?? spec.select(p0.binding, settings);
    await engine.exec(`CREATE OR REPLACE ${typed ? 'VIEW' : 'TABLE'} ${stg} AS ${sql}`);
    const p = typed ? p0 : await withInferredDates(engine, spec, p0, stg, { settings, baseDir, out });
    const checkedFrom = (raw: string) => spec.view?.({ ...p.binding, rawTable: raw }, settings).checked;
    staged.push({ part: p, stg, view, checkedFrom: view ? checkedFrom : undefined });
  }
  const all = ident(`all_${spec.name}`);
  const ded = ident(`ded_${spec.name}`);
  await engine.exec(
    `CREATE OR REPLACE VIEW ${all} AS ${staged
      .map((x) => `SELECT * ${x.view?.changed.length ? 'EXCLUDE (_changed) ' : ''}FROM ${x.stg}`)
      .join(' UNION ALL BY NAME ')}`,
  );
  const rule = settings.dedupe[spec.name];
  const keys = [...(rule?.keys ?? spec.dedupe.keys)];
  // the exact dedupe reads the keys, the bookkeeping its order and the accounting use, and the
  // columns a dropped duplicate is compared on with the row kept (only the candidates' rows)
  const compared = comparedColumns(spec, keys, parts);
  const read = [...new Set([...dedupeColumns(spec, keys), ...compared.map((c) => c.column)])]
    .map((c) => ident(c))
    .join(', ');
  const valid = `(SELECT ${read} FROM ${all} WHERE _reject_reason IS NULL)`;
  // the rejected rows are listed only when there are any (no second scan of a clean source), with
  // their keys and key hash when a rejected row may be a continuation line: the hashes join the
  // pass's search for repeated hashes, so that the valid rows of those keys become candidates of
  // the exact dedupe (no other pass)
  const rej = ident(`rej_${spec.name}`);
  const contKeys = continuationKeys(spec, keys);
  let rejecting: Staged[] = [];
  const listRejects = async (counts: readonly PartCounts[]): Promise<string | undefined> => {
    rejecting = staged.filter((_, i) => counts[i].rejected > 0);
    if (!rejecting.length) return undefined;
    const k = (contKeys ?? []).map((c) => ident(c));
    const keyed = contKeys
      ? `, ${k.join(', ')}, CASE WHEN ${k.map((c) => `${c} IS NOT NULL`).join(' AND ')} THEN CAST(${dedupeHashExpr(keys, spec.dedupe.timeKey)} AS UBIGINT) END AS _kh`
      : '';
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE ${rej} AS ${rejecting
        .map(
          (x) =>
            `SELECT _source, _file, _row, _reject_reason${keyed} FROM ${x.stg} WHERE _reject_reason IS NOT NULL`,
        )
        .join(' UNION ALL ')}`,
    );
    if (!contKeys) return undefined;
    const [{ n }] = await engine.query<{ n: number }>(`SELECT count(_kh) AS n FROM ${rej}`);
    return Number(n) ? rej : undefined;
  };
  const { counts, candidates, continued } = await checkOnce(
    engine,
    spec.name,
    staged,
    { valid, read },
    keys,
    spec.dedupe.timeKey,
    narrow,
    ctx.hash,
    ctx.custom,
    listRejects,
  );
  // only the rows whose key hash was seen twice get the exact dedupe (window functions), and an
  // entity without any skips it
  const input = candidates ?? `(SELECT * FROM ${valid} WHERE false)`;
  await engine.exec(
    `CREATE OR REPLACE TABLE ${ded} AS ${dedupeSql(input, keys, {
      timeKey: spec.dedupe.timeKey,
      toleranceSeconds: rule?.time_tolerance_seconds ?? spec.dedupe.toleranceSeconds,
    })}`,
  );
  const [{ dups }] = await engine.query<{ dups: number }>(
    `SELECT count(*) AS dups FROM ${ded} WHERE _dup_rank > 1`,
  );
  await exposeCanonical(engine, spec, staged, counts, {
    rejects: rejecting.some((x) => x.view) ? rej : undefined,
    dups: Number(dups) ? ded : undefined,
  });
  // a hashed column that is the only (non-time) dedupe key hashes as the pass's key hash does:
  // its repeated hashes are already known (`dup_<entity>`)
  const plain = keys.filter((k) => k !== spec.dedupe.timeKey);
  const known =
    plain.length === 1 && plain[0] !== 'person_id' && !ctx.custom
      ? { column: plain[0], table: ident(`dup_${spec.name}`) }
      : undefined;
  if (narrow && ctx.written)
    await finishNarrow(
      engine,
      spec,
      narrow,
      staged,
      Number(dups) ? ded : undefined,
      ctx.written,
      ctx.hash,
      known,
      keyColumn(narrow, keys, spec.dedupe.timeKey, ctx.custom),
    );
  const lines = out.accounting.length;
  await account(engine, spec.name, staged, counts, rejecting.length ? rej : undefined, baseDir, out);
  if (Number(dups)) await compareDuplicates(engine, spec.name, ded, compared, baseDir, out, keys);
  if (continued && contKeys)
    applyContinuations(
      out,
      await findContinuations(
        engine,
        spec,
        staged,
        contKeys,
        { rej, ded, conh: continued },
        settings,
        baseDir,
      ),
    );
  // the canonical rows are the valid rows less the duplicates: counted without another scan
  return out.accounting.slice(lines).reduce((s, a) => s + a.accepted, 0);
}

/** Candidate rows of the exact dedupe up to which they are fetched by row number, not by a rescan. */
const CANDIDATES_BY_ROW = 20_000;

/**
 * Sources of up to `candidatesJoinedUpTo` rows join their candidates' row numbers instead of
 * inlining them as constants (a setting so that tests can take either path on small data).
 */
export const DEDUPE_LIMITS = { candidatesJoinedUpTo: 200_000 };

/**
 * The one pass over the staged rows: per row its source, row number, the hash of its dedupe keys
 * (valid rows) and its mask of changed columns, kept in a slim temporary table (or the narrow
 * table asked for) from which the counts per source and the key hashes seen twice are read
 * (`repeatedSql`). The rows of those hashes are the dedupe's candidates: a few are read back by
 * their row numbers (from a large Parquet source by the reader's own row number, the rest of the
 * file skipped), many by a rescan of the valid rows; either way only the columns the dedupe uses.
 */
async function checkOnce(
  engine: Engine,
  entity: string,
  staged: readonly Staged[],
  valid: { valid: string; read: string },
  keys: string[],
  timeKey: string | undefined,
  narrow: NarrowSpec | undefined,
  hash: (x: string) => string,
  custom = false,
  listRejects?: (counts: readonly PartCounts[]) => Promise<string | undefined>,
): Promise<{ counts: PartCounts[]; candidates?: string; continued?: string }> {
  // as narrow as the sources allow: each byte per row costs on millions of rows
  const bits = Math.max(0, ...staged.map((x) => x.view?.changed.length ?? 0));
  const mask = bits <= 8 ? 'UTINYINT' : bits <= 16 ? 'USMALLINT' : bits <= 32 ? 'UINTEGER' : 'UBIGINT';
  const lines = Math.max(...staged.map((x) => x.part.load.rows + x.part.load.rejects.length));
  const row = lines < 2 ** 30 ? 'UINTEGER' : 'BIGINT';
  // UBIGINT even without keys (every row then one group: hash 0)
  const keyHash = `CAST(${dedupeHashExpr(keys, timeKey)} AS UBIGINT)`;
  // the key hash's column: `_h`, or a hashed column of the narrow table that is the same hash
  // (the entity's only dedupe key: written once, not twice)
  const h = keyColumn(narrow, keys, timeKey, custom);
  // the row numbers are written only where they are needed (see `byPosition`)
  let positional = byPosition(staged, narrow);
  const changedOf = (x: Staged) =>
    bits ? [`CAST(${x.view?.changed.length ? '_changed' : '0'} AS ${mask}) AS _changed`] : [];
  const passOf = (x: Staged, i: number, extra: string[]) =>
    [
      ...(staged.length > 1 ? [`CAST(${i} AS USMALLINT) AS _part`] : []),
      ...(positional ? [] : [`CAST(_row AS ${row}) AS _row`]),
      ...(h === '_h' ? [`CASE WHEN _reject_reason IS NULL THEN ${keyHash} END AS _h`] : []),
      ...changedOf(x),
      ...extra,
    ].join(', ');
  // with a narrow table asked for, the pass writes its columns: that table is the pass's, less the
  // rejected and duplicate rows and the pass's own columns (see `finishNarrow`)
  const keyTable = ident(narrow ? narrow.table : `keys_${entity}`);
  const dicts = narrow?.codes?.length ? await dictionaries(engine, narrow, staged) : [];
  const sourceNames = staged.map((x) => x.part.binding.source);
  const copied = narrow
    ? narrowColumns(narrow, multiFile(staged), dicts, hash, sourceNames, h === '_h' ? undefined : h)
    : [];
  const passSql = () =>
    staged.map(
      (x, i) =>
        `SELECT ${passOf(x, i, copied)} FROM ${narrow ? withComputed(narrow, x.stg) : x.stg}${dictJoins(dicts, x.stg)}`,
    );
  // a join in the source's checks (a token's allowed values as a MARK join, an amount's rate) may
  // emit rows out of the order read even with preserve_insertion_order on: then the row numbers
  // are written after all (seen at 10M rows: every candidate read back by position was another row)
  if (positional && (await joins(engine, passSql().join(' UNION ALL ')))) positional = false;
  const pass = passSql();
  const write = () =>
    engine.exec(`CREATE OR REPLACE ${narrow ? '' : 'TEMP '}TABLE ${keyTable} AS ${pass.join(' UNION ALL ')}`);
  // a table without row numbers has its rows in the order read: its rowid is the row number less 1
  await (positional ? ordered(engine, write) : write());
  for (const d of dicts) if (d.type) await engine.exec(`DROP TYPE IF EXISTS ${d.type}`);
  try {
    const { counts, n, hashes, continued } = await sqlRepeats(
      engine,
      staged,
      keyTable,
      entity,
      !!bits,
      h,
      listRejects,
    );
    if (narrow?.lookups?.length)
      staged.forEach((x, i) => {
        if (counts[i].valid + counts[i].rejected !== x.part.load.rows)
          throw new GtmError(
            'INTERNAL',
            `narrow table ${narrow.table}: the pass over ${x.part.binding.source} gave ${counts[i].valid + counts[i].rejected} rows for ${x.part.load.rows}: a lookup (${narrow.lookups
              ?.map((l) => l.table)
              .join(', ')}) has more than one row for a key`,
          );
      });
    if (!n) return { counts };
    if (n > CANDIDATES_BY_ROW)
      return {
        counts,
        candidates: `(${dedupeCandidatesSql(valid.valid, keys, timeKey, hashes)})`,
        continued,
      };
    // small sources join the candidates' row numbers from a table: a scan of a few thousand rows
    // costs less than binding their numbers as constants (40-80 ms per 2,500); large ones take the
    // numbers as constants, a filter that goes down to the source
    const small = staged.map((x) => x.part.load.rows <= DEDUPE_LIMITS.candidatesJoinedUpTo);
    const part = staged.length > 1 ? '_part' : '0';
    const cand = ident(`cand_${entity}`);
    const rows = await engine.query<{ _part: number; _row: number }>(
      `SELECT DISTINCT ${part} AS _part, ${positional ? 'rowid + 1' : '_row'} AS _row FROM ${keyTable} WHERE ${ident(h)} IN (SELECT h FROM ${hashes}) ORDER BY ALL`,
    );
    if (small.some(Boolean)) {
      await engine.exec(`CREATE OR REPLACE TEMP TABLE ${cand} (_part INTEGER, _row BIGINT)`);
      const picked = rows.filter((r) => small[Number(r._part)]);
      for (let at = 0; at < picked.length; at += 5000)
        await engine.exec(
          `INSERT INTO ${cand} VALUES ${picked
            .slice(at, at + 5000)
            .map((r) => `(${Number(r._part)}, ${Number(r._row)})`)
            .join(', ')}`,
        );
    }
    // a row number names a row within its file: in a source of several files it may pick rows
    // of the others too, which the exact dedupe keeps as they are
    const byPart: string[] = [];
    for (const [i, x] of staged.entries()) {
      const from = `SELECT ${valid.read} FROM ${x.stg} WHERE _reject_reason IS NULL AND`;
      if (small[i]) {
        byPart.push(`${from} _row IN (SELECT _row FROM ${cand} WHERE _part = ${i})`);
        continue;
      }
      const list = [...new Set(rows.filter((f) => Number(f._part) === i).map((f) => Number(f._row)))];
      if (!list.length) continue;
      // a Parquet source: its candidate rows read by the reader's own row number (the rest of the
      // file skipped), then checked as the pass checked them
      const raw = parquetRowsSql(x.part.load, list);
      const checked = raw && x.checkedFrom?.(`cand_raw_${entity}_${i}`);
      if (raw && checked) {
        await engine.exec(`CREATE OR REPLACE TEMP TABLE ${ident(`cand_raw_${entity}_${i}`)} AS ${raw}`);
        if (positional) await checkPositions(engine, checked, list, keyHash, hashes, entity);
        byPart.push(
          `SELECT ${valid.read} FROM (${checked}) WHERE _reject_reason IS NULL AND _row IN (${list.join(', ')})`,
        );
      } else if (positional)
        throw new GtmError('INTERNAL', `normalize ${entity}: row numbers by position need a Parquet source`);
      else byPart.push(`${from} _row IN (${list.join(', ')})`);
    }
    return { counts, candidates: `(${byPart.join(' UNION ALL BY NAME ')})`, continued };
  } finally {
    if (!narrow) await engine.exec(`DROP TABLE IF EXISTS ${keyTable}`);
  }
}

/**
 * The column of the pass's table holding the key hash of each valid row (NULL for a rejected one):
 * `_h`, unless the narrow table hashes the entity's only dedupe key (a click id, an entry id) with
 * the kit's own hash: that column is the same hash, written once (8 bytes a row less).
 */
function keyColumn(
  narrow: NarrowSpec | undefined,
  keys: readonly string[],
  timeKey: string | undefined,
  custom: boolean,
): string {
  const plain = keys.filter((k) => k !== timeKey);
  return narrow &&
    !custom &&
    plain.length === 1 &&
    plain[0] !== 'person_id' &&
    narrow.hashes?.includes(plain[0])
    ? `${plain[0]}_hash`
    : '_h';
}

/**
 * True when the pass's table needs no row numbers: one large Parquet source of one file, read in
 * order (`ordered`), without a narrow table (which keeps `_row` to delete its duplicates): a row's
 * number is then its position in the table (`rowid + 1`), 4 bytes a row not written. The few
 * candidates of the dedupe are read back by those numbers and checked (`checkPositions`).
 */
function byPosition(staged: readonly Staged[], narrow: NarrowSpec | undefined): boolean {
  if (narrow || staged.length !== 1) return false;
  const [x] = staged;
  return (
    !!x.view &&
    !!x.checkedFrom &&
    x.part.load.files.length === 1 &&
    x.part.load.rejects.length === 0 &&
    x.part.load.rows > DEDUPE_LIMITS.candidatesJoinedUpTo &&
    parquetRowsSql(x.part.load, [1]) !== undefined
  );
}

/** True when the plan of `select` has a join (of any kind: its output order is not the order read). */
async function joins(engine: Engine, select: string): Promise<boolean> {
  const plan = await engine.query<Record<string, unknown>>(`EXPLAIN ${select}`);
  return plan.some((r) => Object.values(r).some((v) => typeof v === 'string' && /JOIN/.test(v)));
}

/**
 * The candidates read back by position (`byPosition`) are the rows the pass hashed: each one valid,
 * with a key hash seen twice. Anything else means the table's order was not the source's: stops.
 */
async function checkPositions(
  engine: Engine,
  checked: string,
  rows: readonly number[],
  keyHash: string,
  dup: string,
  entity: string,
): Promise<void> {
  const [{ found, bad }] = await engine.query<{ found: number; bad: number }>(
    `SELECT count(*) AS found, count(*) FILTER (WHERE _reject_reason IS NOT NULL OR ${keyHash} NOT IN (SELECT h FROM ${dup})) AS bad
     FROM (${checked}) WHERE _row IN (${rows.join(', ')})`,
  );
  if (Number(found) !== rows.length || Number(bad))
    throw new GtmError(
      'INTERNAL',
      `normalize ${entity}: the pass's rows are not in the source's order (${Number(bad)} of ${rows.length} candidates read back by position do not match)`,
    );
}

/** Rows rejected, valid and the OR of the masks per source, from the pass's table. */
async function sqlCounts(
  engine: Engine,
  staged: readonly Staged[],
  keyTable: string,
  masked: boolean,
  h = '_h',
): Promise<PartCounts[]> {
  const part = staged.length > 1 ? '_part' : '0';
  const k = ident(h);
  const rows = await engine.query<{ _part: number; rejected: number; valid: number; changed: string }>(
    `SELECT ${part} AS _part, count(*) - count(${k}) AS rejected, count(${k}) AS valid, CAST(${masked ? 'bit_or(_changed)' : '0'} AS VARCHAR) AS changed FROM ${keyTable} GROUP BY ALL`,
  );
  return staged.map((_, i) => {
    const r = rows.find((x) => Number(x._part) === i);
    return {
      rejected: Number(r?.rejected ?? 0),
      valid: Number(r?.valid ?? 0),
      changed: BigInt(r?.changed ?? 0),
    };
  });
}

/**
 * Counts per source, the key hashes seen twice among the valid rows (`dup`) and how many rows hold
 * the candidates' hashes (`hashes`: `dup`, or with rejected rows keyed, `dup` and `continued`).
 * `listRejects` lists the rejected rows once the counts are known and names their table when some
 * have their whole key (`_kh`, their key hash): the search for repeated hashes then reads those
 * hashes beside the pass's (a few rows more in the same sort), and `continued` holds the hashes a
 * rejected row shares with a valid row (a continuation line's head is then a candidate).
 */
async function sqlRepeats(
  engine: Engine,
  staged: readonly Staged[],
  keyTable: string,
  entity: string,
  masked: boolean,
  h = '_h',
  listRejects?: (counts: readonly PartCounts[]) => Promise<string | undefined>,
): Promise<{ counts: PartCounts[]; n: number; hashes: string; continued?: string }> {
  const dup = ident(`dup_${entity}`);
  const counts = await sqlCounts(engine, staged, keyTable, masked, h);
  const keyed = await listRejects?.(counts);
  let hashes = dup;
  let continued: string | undefined;
  if (keyed) {
    const rep = ident(`rep_${entity}`);
    await unordered(engine, () =>
      engine.exec(`CREATE OR REPLACE TEMP TABLE ${rep} AS ${repeatedWithSql(keyTable, h, keyed)}`),
    );
    await engine.exec(`CREATE OR REPLACE TEMP TABLE ${dup} AS SELECT h FROM ${rep} WHERE nv > 1`);
    const [{ c }] = await engine.query<{ c: number }>(
      `SELECT count(*) FILTER (WHERE nv >= 1 AND nr >= 1) AS c FROM ${rep}`,
    );
    if (Number(c)) {
      continued = ident(`conh_${entity}`);
      hashes = ident(`candh_${entity}`);
      await engine.exec(
        `CREATE OR REPLACE TEMP TABLE ${continued} AS SELECT h FROM ${rep} WHERE nv >= 1 AND nr >= 1`,
      );
      await engine.exec(
        `CREATE OR REPLACE TEMP TABLE ${hashes} AS SELECT h FROM ${rep} WHERE nv > 1 OR (nv >= 1 AND nr >= 1)`,
      );
    }
    await engine.exec(`DROP TABLE IF EXISTS ${rep}`);
  } else
    await unordered(engine, () =>
      engine.exec(`CREATE OR REPLACE TEMP TABLE ${dup} AS ${repeatedSql(keyTable, h)}`),
    );
  // no hash seen twice (a source without duplicates): no scan of the pass's table for their rows
  const [{ d }] = await engine.query<{ d: number }>(`SELECT count(*) AS d FROM ${hashes}`);
  if (!Number(d)) return { counts, n: 0, hashes };
  const [{ n }] = await engine.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${keyTable} WHERE ${ident(h)} IN (SELECT h FROM ${hashes})`,
  );
  return { counts, n: Number(n), hashes, continued };
}

/**
 * The columns the exact dedupe reads: the bookkeeping (its order, the accounting), the keys (a
 * person without an id groups by account) and the time key.
 */
function dedupeColumns(spec: EntitySpec, keys: readonly string[]): string[] {
  const cols = ['_source', '_priority', '_file', '_row', ...keys];
  if (keys.includes('person_id') && spec.columns.includes('account_id')) cols.push('account_id');
  if (spec.dedupe.timeKey) cols.push(spec.dedupe.timeKey);
  return [...new Set(cols)];
}

/**
 * The values of the UBIGINT column `column` of `table` seen more than once (NULL never), without
 * sorting every 64-bit value: first the upper 32 bits seen twice (a sort of 4-byte values), then
 * the full values among the few rows whose upper half repeats (at n rows, about n²/2³³ rows beside
 * the true repeats: 12k at 10M). Exact: two equal values have equal upper halves. Measured at 10M
 * / 50M distinct hashes (2 threads, CPU): 1.2 / 7.9 s against 2.0 / 11.4 s for one sort of the
 * hashes with lag(); a hash aggregate (`GROUP BY h HAVING count(*) > 1`) costs more than either
 * (2.7–4.7 / 18–23 s: ten million groups).
 */
export function repeatedSql(table: string, column: string): string {
  const c = ident(column);
  const hi = `CAST(${c} >> 32 AS UINTEGER)`;
  const repeats = (value: string, from: string) =>
    `SELECT DISTINCT v FROM (SELECT v, lag(v) OVER (ORDER BY v) AS p FROM (SELECT ${value} AS v FROM ${from})) WHERE v = p`;
  return `SELECT v AS h FROM (${repeats(c, `${table} WHERE ${hi} IN (${repeats(hi, `${table} WHERE ${c} IS NOT NULL`)})`)})`;
}

/**
 * `repeatedSql` over the pass's hashes and the key hashes of rejected rows (`_kh` of `rejected`):
 * each hash seen more than once among them, with how many valid rows (`nv`) and rejected rows
 * (`nr`) hold it. The same two steps (the upper halves seen twice, then the few rows whose upper
 * half repeats, counted per hash); the rejected rows add a few values to each.
 */
export function repeatedWithSql(table: string, column: string, rejected: string): string {
  const c = ident(column);
  const both = `(SELECT ${c} AS v, false AS r FROM ${table} WHERE ${c} IS NOT NULL UNION ALL SELECT _kh AS v, true AS r FROM ${rejected} WHERE _kh IS NOT NULL)`;
  const hi = 'CAST(v >> 32 AS UINTEGER)';
  const his = `SELECT DISTINCT u FROM (SELECT u, lag(u) OVER (ORDER BY u) AS p FROM (SELECT ${hi} AS u FROM ${both})) WHERE u = p`;
  return `SELECT v AS h, count(*) FILTER (WHERE NOT r) AS nv, count(*) FILTER (WHERE r) AS nr
    FROM ${both} WHERE ${hi} IN (${his}) GROUP BY v HAVING count(*) > 1`;
}

/** Runs `step` with `preserve_insertion_order` set to `on`, then restores the setting. */
async function withInsertionOrder<T>(engine: Engine, on: boolean, step: () => Promise<T>): Promise<T> {
  const [{ v }] = await engine.query<{ v: string }>(
    "SELECT CAST(current_setting('preserve_insertion_order') AS VARCHAR) AS v",
  );
  if (String(v) === String(on)) return step();
  await engine.exec(`SET preserve_insertion_order = ${on}`);
  try {
    return await step();
  } finally {
    await engine.exec(`SET preserve_insertion_order = ${!on}`);
  }
}

/** On: a table whose rowid must follow the rows read. */
const ordered = <T>(engine: Engine, step: () => Promise<T>) => withInsertionOrder(engine, true, step);
/** Off: statements whose output order is free. */
const unordered = <T>(engine: Engine, step: () => Promise<T>) => withInsertionOrder(engine, false, step);

/** Columns every staged row carries besides the entity's own. */
const STAGED_COLUMNS = ['_reject_reason', '_changed', '_priority', '_file'];

/** The pass's columns a narrow table drops once its rows are known. */
const PASS_COLUMNS = ['_part', '_row', '_h', '_changed', '_file'];
const BOOKKEEPING: Record<string, string> = {
  _source: 'VARCHAR',
  _priority: 'INTEGER',
  _file: 'VARCHAR',
  _row: 'BIGINT',
};

/** True when a source of several files feeds the entity: a row number then names a row per file. */
const multiFile = (staged: readonly Staged[]) => staged.some((x) => x.part.load.files.length > 1);

function checkNarrow(spec: EntitySpec, n: NarrowSpec): void {
  const known = new Set([...spec.columns, ...Object.keys(BOOKKEEPING)]);
  for (const c of [...n.columns, ...(n.codes ?? []), ...(n.hashes ?? [])])
    if (!known.has(c) && !spec.columns.includes(c.replace(/_local$/, '')))
      throw new Error(`narrow table ${n.table}: ${spec.name} has no column ${c}`);
  const all = [...n.columns, ...(n.codes ?? []), ...(n.hashes ?? []).map((c) => `${c}_hash`)];
  if (new Set(all).size < all.length)
    throw new Error(`narrow table ${n.table}: a column is asked for twice (kept as it is and coded)`);
  for (const c of n.unchecked ?? [])
    if (!n.hashes?.includes(c))
      throw new Error(`narrow table ${n.table}: unchecked column ${c} is not hashed`);
  // a computed column named like a column of the staged row would be shadowed by `s.*` in the pass
  // (the row's value written, not the expression's), so every such name is refused
  for (const c of Object.keys(n.computed ?? {}))
    if (all.includes(c) || PASS_COLUMNS.includes(c) || known.has(c) || STAGED_COLUMNS.includes(c))
      throw new Error(
        `narrow table ${n.table}: computed column ${c} has the name of another column of ${spec.name}; name it differently`,
      );
  for (const l of n.lookups ?? [])
    if (l.alias === 's' || !Object.keys(l.on).length)
      throw new Error(`narrow table ${n.table}: lookup ${l.table} needs an alias other than s and a key`);
}

/** A coded column's dictionary table, its size, and the ENUM type a small one is read through. */
interface Dictionary {
  column: string;
  table: string;
  size: number;
  type?: string;
}

/**
 * The dictionaries of the coded columns, made before the pass from the canonical values of every
 * row read (one scan of that column per coded column), so that the pass writes codes, never the
 * text: dense codes in the text order of the values.
 */
async function dictionaries(engine: Engine, n: NarrowSpec, staged: readonly Staged[]): Promise<Dictionary[]> {
  const out: Dictionary[] = [];
  for (const column of n.codes ?? []) {
    const c = ident(column);
    const table = ident(`${n.table}_${column}`);
    const values = staged.map((x) => `SELECT ${c} AS value FROM ${x.stg}`).join(' UNION ALL ');
    await engine.exec(
      `CREATE OR REPLACE TABLE ${table} AS SELECT CAST(row_number() OVER (ORDER BY value) - 1 AS UINTEGER) AS code, value
       FROM (SELECT DISTINCT value FROM (${values}) WHERE value IS NOT NULL)`,
    );
    const [{ size }] = await engine.query<{ size: number }>(`SELECT count(*) AS size FROM ${table}`);
    const d: Dictionary = { column, table, size: Number(size) };
    if (d.size <= ENUM_CODES_UP_TO) {
      d.type = ident(`__gtm_codes_${n.table}_${column}`);
      await engine.exec(`DROP TYPE IF EXISTS ${d.type}`);
      await engine.exec(`CREATE TYPE ${d.type} AS ENUM (SELECT value FROM ${table} ORDER BY code)`);
    }
    out.push(d);
  }
  return out;
}

/** The joins of a staged source with the dictionaries too large for an ENUM. */
const dictJoins = (dicts: readonly Dictionary[], stg: string): string =>
  dicts
    .map((d, i) =>
      d.type
        ? ''
        : ` LEFT JOIN (SELECT code AS __code${i}, value AS __value${i} FROM ${d.table}) __d${i} ON __d${i}.__value${i} = ${stg}.${ident(d.column)}`,
    )
    .join('');

/** The narrow table's columns as the pass selects them from a staged source. */
function narrowColumns(
  n: NarrowSpec,
  withFile: boolean,
  dicts: readonly Dictionary[],
  hash: (x: string) => string,
  sources: readonly string[],
  keyColumn?: string,
): string[] {
  // the source as an ENUM of the entity's source names (in text order, so it sorts as the text
  // does): 1 byte a row instead of a 16-byte string; it reads, compares and groups as the text
  const source = `CAST(_source AS ENUM (${[...new Set(sources)]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((x) => literal(x))
    .join(', ')})) AS _source`;
  return [
    ...n.columns.filter((c) => !PASS_COLUMNS.includes(c)).map((c) => (c === '_source' ? source : ident(c))),
    ...dicts.map((d, i) =>
      d.type
        ? `CAST(enum_code(CAST(${ident(d.column)} AS ${d.type})) AS UINTEGER) AS ${ident(d.column)}`
        : `__code${i} AS ${ident(d.column)}`,
    ),
    // the column that is the pass's key hash too: NULL for a rejected row, as `_h` is
    ...(n.hashes ?? []).map((c) =>
      `${c}_hash` === keyColumn
        ? `CASE WHEN _reject_reason IS NULL THEN CAST(${hash(ident(c))} AS UBIGINT) END AS ${ident(keyColumn)}`
        : `${hash(ident(c))} AS ${ident(`${c}_hash`)}`,
    ),
    ...Object.keys(n.computed ?? {}).map((c) => ident(c)),
    ...(withFile || n.columns.includes('_file') ? ['_file'] : []),
  ];
}

/**
 * A staged source with the narrow table's lookups joined and its computed columns added, under the
 * staged source's own name (so that the pass reads it as it reads the source).
 */
function withComputed(n: NarrowSpec, stg: string, rows?: string): string {
  const computed = Object.entries(n.computed ?? {});
  if (!computed.length && !n.lookups?.length) return rows ? `(${rows}) ${stg}` : stg;
  const joins = (n.lookups ?? []).map(
    (l) =>
      ` LEFT JOIN ${ident(l.table)} ${ident(l.alias)} ON ${Object.entries(l.on)
        .map(([a, b]) => `${ident(l.alias)}.${ident(b)} = s.${ident(a)}`)
        .join(' AND ')}`,
  );
  const cols = computed.map(([c, sql]) => `, (${sql}) AS ${ident(c)}`).join('');
  return `(SELECT s.*${cols} FROM (${rows ?? `SELECT * FROM ${stg}`}) s${joins.join('')}) ${stg}`;
}

/**
 * The entities in the order they are normalized: as given, except that an entity whose narrow
 * table has a `prepare` step comes after the entities that step needs.
 */
function prepareOrder(
  specs: readonly EntitySpec[],
  narrow: Readonly<Record<string, NarrowSpec>>,
): EntitySpec[] {
  const names = new Set(specs.map((x) => x.name));
  const out: EntitySpec[] = [];
  const visiting = new Set<string>();
  const visit = (spec: EntitySpec) => {
    if (out.includes(spec)) return;
    if (visiting.has(spec.name))
      throw new Error(`narrow table ${narrow[spec.name]?.table}: its prepare step waits on itself`);
    visiting.add(spec.name);
    for (const after of narrow[spec.name]?.prepare?.after ?? []) {
      if (!names.has(after))
        throw new Error(
          `narrow table ${narrow[spec.name].table}: prepare needs ${after}, which is not normalized in this run`,
        );
      visit(specs.find((x) => x.name === after) as EntitySpec);
    }
    visiting.delete(spec.name);
    out.push(spec);
  };
  specs.forEach(visit);
  return out;
}

/**
 * Turns the check pass's table into the narrow table: rejected rows (no key hash) and duplicates
 * deleted, coded columns rewritten as their codes, the pass's own columns dropped unless asked for.
 */
async function finishNarrow(
  engine: Engine,
  spec: EntitySpec,
  n: NarrowSpec,
  staged: readonly Staged[],
  ded: string | undefined,
  written: NarrowResult,
  hash: (x: string) => string,
  known?: { column: string; table: string },
  h = '_h',
): Promise<void> {
  const t = ident(n.table);
  // rejected rows have no key hash
  await engine.exec(`DELETE FROM ${t} WHERE ${ident(h)} IS NULL`);
  const part = staged.length > 1 ? '_part' : undefined;
  const file = multiFile(staged);
  const partOf = `CASE _source ${staged.map((x, i) => `WHEN ${literal(x.part.binding.source)} THEN ${i}`).join(' ')} END`;
  // a row of the narrow table is the row of the same part, file and number in `from` (p, f, r)
  const sameRow = (from: string) =>
    `${t}._row = ${from}.r${part ? ` AND ${t}._part = ${from}.p` : ''}${file ? ` AND ${t}._file IS NOT DISTINCT FROM ${from}.f` : ''}`;
  if (ded)
    await engine.exec(
      `DELETE FROM ${t} USING (SELECT ${partOf} AS p, _file AS f, _row AS r FROM ${ded} WHERE _dup_rank > 1) d WHERE ${sameRow('d')}`,
    );
  // how distinct each hashed column is (HyperLogLog, one scan of the integers for all of them)
  // picks how its exactness is checked (see `collisions`)
  const hashed = (n.hashes ?? []).filter((c) => !n.unchecked?.includes(c));
  const estimated = hashed.filter((c) => c !== known?.column);
  const [est] = estimated.length
    ? await engine.query<Record<string, number>>(
        `SELECT count(*) AS n, ${estimated.map((c, i) => `approx_count_distinct(${ident(`${c}_hash`)}) AS d${i}`).join(', ')} FROM ${t}`,
      )
    : [];
  for (const c of hashed) {
    const i = estimated.indexOf(c);
    const how = c === known?.column ? known.table : i >= 0 && Number(est[`d${i}`]) >= 0.5 * Number(est.n);
    const collided = await collisions(engine, n.table, c, spec.name, hash, how);
    if (!collided.length) continue;
    if (!n.rekey)
      throw new GtmError(
        'INTERNAL',
        `narrow table ${n.table}: distinct values of ${spec.name}.${c} share a 64-bit hash (${collided
          .slice(0, 4)
          .map((x) => (x.value === null ? 'NULL' : JSON.stringify(x.value)))
          .join(', ')}), so joins on ${c}_hash would not be exact`,
        { hint: `the command should join ${c}_hash through narrowHashSql and set rekey in its NarrowSpec` },
      );
    const keys = await freshKeys(engine, n.table, c, collided);
    (written.rekeyed ??= {})[c] = keys;
    const map = keys.map((k) => `(${literal(k.value)}, CAST(${literal(k.key)} AS UBIGINT))`).join(', ');
    await engine.exec(
      `UPDATE ${t} SET ${ident(`${c}_hash`)} = x.k FROM (SELECT ${partOf} AS p, _file AS f, _row AS r, m.k
         FROM ${ident(spec.name)} v JOIN (VALUES ${map}) m(value, k) ON CAST(v.${ident(c)} AS VARCHAR) = m.value) x WHERE ${sameRow('x')}`,
    );
  }
  const [{ cols }] = await engine.query<{ cols: string }>(
    `SELECT string_agg(column_name, ',') AS cols FROM information_schema.columns WHERE table_name = ${literal(n.table)}`,
  );
  const present = new Set(cols.split(','));
  for (const c of PASS_COLUMNS)
    if (present.has(c) && !n.columns.includes(c))
      await engine.exec(`ALTER TABLE ${t} DROP COLUMN ${ident(c)}`);
}

/**
 * The values of a hashed column whose hash another distinct value of the accepted rows shares
 * (NULL counts as a value: `hash(NULL)` is a key too). Exact either way:
 * - a column of mostly distinct values (`how` true or, for the entity's only dedupe key, the
 *   dedupe's table of hashes seen twice: a click id, an entry id) is checked on the integers first: only hashes that repeat in the narrow table (`repeatedSql`) can be shared, and
 *   without any the column is exact without reading its text; else the distinct values of the rows
 *   with those hashes are read from the entity's view;
 * - a column whose values repeat (a member id, a referral code, an IP) has nearly every hash
 *   repeated: its distinct values are read from the entity's view at once (a hash aggregate on the
 *   text), and their hashes compared.
 */
async function collisions(
  engine: Engine,
  table: string,
  column: string,
  entity: string,
  hash: (x: string) => string,
  how: boolean | string,
): Promise<{ value: string | null; h: string }[]> {
  const c = ident(column);
  if (typeof how === 'string') {
    // the dedupe's hashes seen twice among the valid rows: the only ones the column can repeat
    const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${how}`);
    if (!Number(n)) return [];
  }
  const distinct = how !== false;
  const rep = typeof how === 'string' ? how : ident(`__gtm_rep_${table}_${column}`);
  try {
    if (how === true) {
      await unordered(engine, () =>
        engine.exec(`CREATE OR REPLACE TEMP TABLE ${rep} AS ${repeatedSql(ident(table), column + '_hash')}`),
      );
      const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${rep}`);
      if (!Number(n)) return [];
    }
    const filter = distinct ? ` WHERE ${hash(c)} IN (SELECT h FROM ${rep})` : '';
    return await unordered(engine, () =>
      engine.query<{ value: string | null; h: string }>(
        `WITH v AS (SELECT DISTINCT ${c} AS value FROM ${ident(entity)}${filter}),
           d AS (SELECT CAST(value AS VARCHAR) AS value, ${hash('value')} AS h FROM v)
         SELECT value, CAST(h AS VARCHAR) AS h FROM d WHERE h IN (SELECT h FROM d GROUP BY h HAVING count(*) > 1)
         ORDER BY h, value NULLS FIRST`,
      ),
    );
  } finally {
    if (typeof how !== 'string') await engine.exec(`DROP TABLE IF EXISTS ${rep}`);
  }
}

/**
 * A key of their own for the colliding values (NULL keeps `hash(NULL)`): a hash of the value with
 * a suffix, the first that no row of the column has and no other colliding value got.
 */
async function freshKeys(
  engine: Engine,
  table: string,
  column: string,
  collided: readonly { value: string | null }[],
): Promise<{ value: string; key: string }[]> {
  const out: { value: string; key: string }[] = [];
  for (const { value } of collided) {
    if (value === null) continue;
    for (let i = 1; ; i++) {
      const [{ k, taken }] = await engine.query<{ k: string; taken: number }>(
        `SELECT CAST(k AS VARCHAR) AS k, (SELECT count(*) FROM ${ident(table)} WHERE ${ident(`${column}_hash`)} = k) AS taken
         FROM (SELECT hash(${literal(`${value}|gtm-key-${i}`)}) AS k)`,
      );
      if (!Number(taken) && !out.some((x) => x.key === String(k))) {
        out.push({ value, key: String(k) });
        break;
      }
    }
  }
  return out;
}

/**
 * Dictionaries up to this size code their column through an ENUM cast, larger ones through a join.
 * Measured at 10M rows, rewriting a text column as codes: an ENUM cast 0.3 s CPU for 6 values,
 * 0.9 s for 10k, 11 s for 100k, 16 s for 1M; a join with the dictionary 1.7–1.9 s for 10k–100k,
 * 3.8 s for 1M.
 */
const ENUM_CODES_UP_TO = 10_000;

/** The narrow table of an entity no source feeds: no rows, the columns typed as they would be. */
async function emptyNarrow(engine: Engine, spec: EntitySpec, n: NarrowSpec): Promise<void> {
  const cols = [
    ...n.columns.map((c) => (BOOKKEEPING[c] ? `NULL::${BOOKKEEPING[c]} AS ${ident(c)}` : ident(c))),
    ...(n.codes ?? []).map((c) => `NULL::UINTEGER AS ${ident(c)}`),
    ...(n.hashes ?? []).map((c) => `NULL::UBIGINT AS ${ident(`${c}_hash`)}`),
    ...Object.keys(n.computed ?? {}).map((c) => ident(c)),
  ];
  const empty = `SELECT ${EMPTY_BOOKKEEPING}, * FROM (${spec.emptySelect()})`;
  await engine.exec(
    `CREATE OR REPLACE TABLE ${ident(n.table)} AS SELECT ${cols.join(', ')} FROM ${withComputed(n, '__gtm_empty', empty)} WHERE false`,
  );
  for (const c of n.codes ?? [])
    await engine.exec(`CREATE OR REPLACE TABLE ${ident(`${n.table}_${c}`)} (code UINTEGER, value VARCHAR)`);
}

/**
 * The canonical entity: a view of the valid rows less the duplicates. A typed source staged as a
 * view contributes its canonical columns without the checks (read as the source has them where no
 * row changes them), its rejected rows left out by an anti-join on their source, file and row; a
 * staged table, its valid rows.
 */
async function exposeCanonical(
  engine: Engine,
  spec: EntitySpec,
  staged: readonly Staged[],
  counts: readonly PartCounts[],
  drop: { rejects?: string; dups?: string },
): Promise<void> {
  const parts = staged.map((x, i) => {
    if (!x.view) return `SELECT * EXCLUDE (_reject_reason) FROM ${x.stg} WHERE _reject_reason IS NULL`;
    const asIs = x.view.changed.filter((_, bit) => !((counts[i].changed >> BigInt(bit)) & 1n));
    return x.view.rows(asIs);
  });
  const dropped = [
    ...(drop.rejects ? [`SELECT _source, _file, _row FROM ${drop.rejects}`] : []),
    ...(drop.dups ? [`SELECT _source, _file, _row FROM ${drop.dups} WHERE _dup_rank > 1`] : []),
  ];
  const internal = (spec.internal ?? []).map((x) => ident(x));
  const rows = parts.length > 1 ? parts.map((x) => `(${x})`).join(' UNION ALL BY NAME ') : parts[0];
  await engine.exec(
    `CREATE OR REPLACE VIEW ${ident(spec.name)} AS SELECT v.*${internal.length ? ` EXCLUDE (${internal.join(', ')})` : ''} FROM (${rows}) v` +
      (dropped.length
        ? ` ANTI JOIN (${dropped.join(' UNION ALL ')}) d
       ON v._source = d._source AND v._file IS NOT DISTINCT FROM d._file AND v._row = d._row`
        : ''),
  );
}

async function account(
  engine: Engine,
  entity: string,
  staged: readonly Staged[],
  counts: readonly PartCounts[],
  rejects: string | undefined,
  baseDir: string,
  out: NormalizeResult,
): Promise<void> {
  const ded = ident(`ded_${entity}`);
  const dd = await engine.query<{ _source: string; deduplicated: number }>(
    `SELECT _source, count(*) AS deduplicated FROM ${ded} WHERE _dup_rank > 1 GROUP BY _source`,
  );
  staged.forEach(({ part: p }, i) => {
    const name = p.binding.source;
    const d = dd.find((r) => r._source === name);
    out.accounting.push({
      source: name,
      entity,
      rows_in: p.load.rows + p.load.rejects.length,
      accepted: counts[i].valid - Number(d?.deduplicated ?? 0),
      deduplicated: Number(d?.deduplicated ?? 0),
      rejected: p.load.rejects.length + counts[i].rejected,
    });
    for (const r of p.load.rejects)
      out.rejects.push({
        source: name,
        file: rel(baseDir, r.file ?? ''),
        row: r.row,
        reason: r.reason,
        raw: r.raw,
      });
  });
  const bad = rejects
    ? await engine.query<{ _source: string; _file: string; _row: number; _reject_reason: string }>(
        `SELECT _source, _file, _row, _reject_reason FROM ${rejects} ORDER BY _source, _file, _row`,
      )
    : [];
  for (const r of bad)
    out.rejects.push({
      source: r._source,
      file: rel(baseDir, r._file ?? ''),
      row: Number(r._row),
      reason: r._reject_reason,
    });
  const dups = await engine.query<{ _source: string; _kept_source: string; n: number }>(
    `SELECT _source, _kept_source, count(*) AS n FROM ${ded} WHERE _dup_rank > 1 GROUP BY ALL ORDER BY ALL`,
  );
  for (const r of dups)
    out.duplicates.push({
      source: r._source,
      kept_source: r._kept_source,
      rows: Number(r.n),
      differing: 0,
      differing_columns: {},
    });
}

/**
 * A column a dropped duplicate is compared on with the row kept, and the sources that provide it
 * (absent: every source of the entity does).
 */
export interface ComparedColumn {
  column: string;
  sources?: string[];
}

/**
 * The columns a dropped duplicate is compared on with the row kept: the entity's canonical columns,
 * less the time key when the dedupe chains times within a tolerance (a time that differs within
 * the tolerance is what makes the rows one record), the internal ones and the input-only ones
 * (`inputOnly`: not in the normalized rows). The bookkeeping (`_source`, `_priority`, `_file`,
 * `_row`) is not compared; the other keys are equal by construction. A column is compared between two rows only when both rows' sources provide it
 * (map it, have it by name, or set its default: `partner:`, and the currency every source has):
 * a source without the column has no value there to differ, and counting it would flag every
 * duplicate between two sources of different shapes (an export without regions against a CRM with
 * them). Within a column both provide, an empty value against a value differs.
 */
export function comparedColumns(
  spec: EntitySpec,
  keys: readonly string[],
  parts: readonly BoundSource[],
): ComparedColumn[] {
  const t = spec.dedupe.timeKey;
  const provides = (b: SourceBinding, c: string) =>
    b.columns[c] !== undefined || c === 'currency' || (c === 'partner' && !!b.defaultPartner);
  return spec.columns
    .filter(
      (c) =>
        !(t && c === t && keys.includes(t)) && !spec.internal?.includes(c) && !spec.inputOnly?.includes(c),
    )
    .flatMap((column) => {
      const sources = parts.filter((p) => provides(p.binding, column)).map((p) => p.binding.source);
      if (!sources.length) return [];
      return sources.length === parts.length ? [{ column }] : [{ column, sources }];
    });
}

/**
 * The SQL condition that a compared column differs between the dropped row (`d`) and the kept row
 * (`k`), both of sources that provide it: `distinct(d, k)` is the engine's NULL-safe inequality,
 * `d`/`k` the two rows' source expressions.
 */
export function differsSql(
  c: ComparedColumn,
  distinct: string,
  source: { d: string; k: string },
  lit: (v: string) => string,
): string {
  if (!c.sources) return distinct;
  const list = c.sources.map(lit).join(', ');
  return `(${distinct} AND ${source.d} IN (${list}) AND ${source.k} IN (${list}))`;
}

/**
 * Counts the dropped duplicates (`_dup_rank > 1` in `ded`, which holds only the dedupe's candidate
 * rows with the compared columns) whose values differ from the kept row's (`IS DISTINCT FROM`:
 * NULL against a value differs, NULL against NULL does not), per source and kept source and per
 * column, onto `out.duplicates`, and lists them in `out.differing` (at most `DIFFERING_LISTED`).
 * The kept row is the row of `ded` named by `_kept_source`, `_kept_file` and `_kept_row` (a row
 * number names a row within its file).
 */
async function compareDuplicates(
  engine: Engine,
  entity: string,
  ded: string,
  columns: readonly ComparedColumn[],
  baseDir: string,
  out: NormalizeResult,
  keys: readonly string[] = [],
): Promise<void> {
  if (!columns.length) return;
  const compared = columns.map((x) => x.column);
  const dif = ident(`dif_${entity}`);
  const c = compared.map((x) => ident(x));
  const differs = columns.map((x, i) =>
    differsSql(x, `d.${c[i]} IS DISTINCT FROM k.${c[i]}`, { d: 'd._source', k: 'k._source' }, (v) =>
      literal(v),
    ),
  );
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE ${dif} AS SELECT d._source, d._file, d._row, d._kept_source, d._kept_file, d._kept_row,
       ${differs.map((x, i) => `${x} AS _x${i}, d.${c[i]} AS _d${i}, k.${c[i]} AS _k${i}`).join(', ')}
     FROM ${ded} d JOIN ${ded} k ON k._dup_rank = 1 AND k._source = d._kept_source
       AND k._file IS NOT DISTINCT FROM d._kept_file AND k._row = d._kept_row
     WHERE d._dup_rank > 1 AND (${differs.join(' OR ')})`,
  );
  try {
    const counts = await engine.query<Record<string, unknown>>(
      `SELECT CAST(_source AS VARCHAR) AS _source, CAST(_kept_source AS VARCHAR) AS _kept_source, count(*) AS n,
         ${c.map((_, i) => `count(*) FILTER (WHERE _x${i}) AS _n${i}`).join(', ')} FROM ${dif} GROUP BY ALL`,
    );
    addDiffering(out, compared, counts);
    const rows = await engine.query<Record<string, unknown>>(
      `SELECT * FROM ${dif} ORDER BY _source, _file, _row LIMIT ${DIFFERING_LISTED}`,
    );
    (out.differing ??= []).push(...differingRows(entity, compared, rows, baseDir, (_, v) => textOf(v), keys));
  } finally {
    await engine.exec(`DROP TABLE IF EXISTS ${dif}`);
  }
}

/**
 * The rejected rows that are continuation lines (`continuation-lines.ts`): the rejected rows whose
 * key hash a valid row shares (`conh`) are paired with the lowest valid row of the same source,
 * file and key among the dedupe's candidates (`ded`, where those rows are by construction); the
 * rows of the pairs alone are read again from the source (by row number, a Parquet file's by the
 * reader's own) and normalized, and each pair judged on its cells and canonical values.
 */
async function findContinuations(
  engine: Engine,
  spec: EntitySpec,
  staged: readonly Staged[],
  keys: readonly string[],
  t: { rej: string; ded: string; conh: string },
  settings: NormalizeSettings,
  baseDir: string,
): Promise<ContinuationLine[]> {
  const k = keys.map((c) => ident(c));
  const keyText =
    k.length === 1 ? `CAST(r.${k[0]} AS VARCHAR)` : `concat_ws(' / ', ${k.map((c) => `r.${c}`).join(', ')})`;
  const found = await engine.query<{
    source: string;
    file: string;
    row: number;
    reason: string;
    key: string;
    head: number;
  }>(
    `SELECT r._source AS source, r._file AS file, r._row AS row, r._reject_reason AS reason, ${keyText} AS key, min(k._row) AS head
     FROM ${t.rej} r JOIN ${t.ded} k ON k._source = r._source AND k._file IS NOT DISTINCT FROM r._file
       AND ${k.map((c) => `k.${c} = r.${c}`).join(' AND ')}
     WHERE r._kh IN (SELECT h FROM ${t.conh}) GROUP BY ALL ORDER BY source, file, row`,
  );
  const pairs: ContinuationPair[] = found.map((p) => ({
    source: String(p.source),
    file: p.file == null ? '' : String(p.file),
    row: Number(p.row),
    head: Number(p.head),
    key: String(p.key),
    reason: String(p.reason),
  }));
  const out: ContinuationLine[] = [];
  const def = typedEntityDef(spec);
  const valueColumns = [
    ...spec.columns.filter((c) => !spec.inputOnly?.includes(c)),
    ...spec.columns.filter((c) => def?.columns[c]?.kind === 'amount').map((c) => `${c}_local`),
  ];
  for (const [i, x] of staged.entries()) {
    const b = x.part.binding;
    const mine = pairs.filter((p) => p.source === b.source);
    if (!mine.length) continue;
    const list = [...new Set(mine.flatMap((p) => [p.row, p.head]))].sort((a, z) => a - z);
    const columns = continuationColumns(spec, b, keys, valueColumns);
    const name = `cont_raw_${spec.name}_${i}`;
    const raw =
      (x.view ? parquetRowsSql(x.part.load, list) : undefined) ??
      `SELECT * FROM ${ident(b.rawTable)} WHERE source_row IN (${list.join(', ')})`;
    await engine.exec(`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS ${raw}`);
    try {
      const values = await engine.query<Record<string, unknown>>(
        `SELECT _file, _row, ${[...new Set(columns.flatMap((c) => (c.value ? [c.value] : [])))]
          .map((c) => ident(c))
          .concat(['NULL AS _none'])
          .join(', ')} FROM (${spec.select({ ...b, rawTable: name }, settings)})`,
      );
      const cells = await engine.query<Record<string, unknown>>(
        `SELECT source_file AS _file, source_row AS _row, ${[...new Set(columns.map((c) => c.raw))]
          .map((c) => ident(c))
          .concat(['NULL AS _none'])
          .join(', ')} FROM ${ident(name)}`,
      );
      const at = (f: unknown, r: unknown) => `${f == null ? '' : String(f)}\u0000${Number(r)}`;
      const byRow = new Map<string, { values: Record<string, unknown>; cells: Record<string, unknown> }>();
      for (const v of values) byRow.set(at(v._file, v._row), { values: v, cells: {} });
      for (const c of cells) {
        const e = byRow.get(at(c._file, c._row));
        if (e) e.cells = c;
      }
      out.push(...judgeContinuations(spec.name, keys, columns, mine, (f, r) => byRow.get(at(f, r)), baseDir));
    } finally {
      await engine.exec(`DROP TABLE IF EXISTS ${ident(name)}`);
    }
  }
  return out;
}

/** Puts the counts of differing duplicates (`_source`, `_kept_source`, `n`, `_n<i>` per column) on `out.duplicates`. */
export function addDiffering(
  out: NormalizeResult,
  compared: readonly string[],
  counts: readonly Record<string, unknown>[],
): void {
  for (const r of counts) {
    const line = out.duplicates.find((d) => d.source === r._source && d.kept_source === r._kept_source);
    if (!line)
      throw new GtmError(
        'INTERNAL',
        `differing duplicates of ${String(r._source)} counted without their duplicates`,
      );
    line.differing = Number(r.n);
    compared.forEach((col, i) => {
      const n = Number(r[`_n${i}`]);
      if (n) line.differing_columns[col] = n;
    });
  }
}

/**
 * The listing of differing duplicates from rows of `_source`, `_file`, `_row`, `_kept_*` and per
 * compared column `_x<i>` (differs), `_d<i>` (the dropped row's value), `_k<i>` (the kept row's).
 */
export function differingRows(
  entity: string,
  compared: readonly string[],
  rows: readonly Record<string, unknown>[],
  baseDir: string,
  text: (column: string, v: unknown) => string | null,
  keys: readonly string[] = [],
): DifferingDuplicate[] {
  // the key's value, from the dropped row's (equal to the kept row's by construction)
  const at = keys.map((k) => compared.indexOf(k));
  const keyOf = (r: Record<string, unknown>) =>
    at.length && at.every((i) => i >= 0)
      ? { key: at.map((i) => text(compared[i], r[`_d${i}`]) ?? '').join(' / ') }
      : {};
  return rows.map((r) => ({
    ...keyOf(r),
    entity,
    source: String(r._source),
    file: rel(baseDir, r._file == null ? '' : String(r._file)),
    row: Number(r._row),
    kept_source: String(r._kept_source),
    kept_file: rel(baseDir, r._kept_file == null ? '' : String(r._kept_file)),
    kept_row: Number(r._kept_row),
    values: compared.flatMap((column, i) =>
      Number(r[`_x${i}`])
        ? [{ column, value: text(column, r[`_d${i}`]), kept: text(column, r[`_k${i}`]) }]
        : [],
    ),
  }));
}

/** A value as the listing shows it (DuckDB's reader gives times as ISO 8601 text already). */
function textOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));
  return String(v);
}

/** The listing in the order of the entities, then source, file and row, cut at `DIFFERING_LISTED`. */
export function listDiffering(
  rows: readonly DifferingDuplicate[],
  rank: (entity: string) => number,
): DifferingDuplicate[] {
  // in byte order, as the engines' ORDER BY that picked the rows listed
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows]
    .sort(
      (a, b) =>
        rank(a.entity) - rank(b.entity) || cmp(a.source, b.source) || cmp(a.file, b.file) || a.row - b.row,
    )
    .slice(0, DIFFERING_LISTED);
}

/** Drops a loaded raw table once it is staged (a view over a file stays: it holds no rows). */
async function dropIfTable(engine: Engine, name: string): Promise<void> {
  const [row] = await engine.query<{ t: string }>(
    `SELECT table_type AS t FROM information_schema.tables WHERE table_name = ${literal(name)}`,
  );
  if (row?.t === 'BASE TABLE') await engine.exec(`DROP TABLE ${ident(name)}`);
}

const rel = (base: string, file: string) =>
  file && path.isAbsolute(file) ? path.relative(base, file) : file;
