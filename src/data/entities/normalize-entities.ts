import path from 'node:path';
import type { RejectedRow, RowAccounting } from '../../contracts/index.ts';
import type { Engine } from '../engine.ts';
import { ratesTableSql, type RateSpec } from '../normalize/index.ts';
import { literal, quoteIdent as ident } from '../sql-text.ts';
import type { SourceLoad } from '../source-spec.ts';
import { dedupeCandidatesSql, dedupeSql, duplicateHashesSql } from './dedupe-sql.ts';
import type { EntitySpec, NormalizeSettings, SourceBinding } from './entity-spec.ts';

/** A source ready for normalization: its binding to an entity and what loading it produced. */
export interface BoundSource {
  binding: SourceBinding;
  load: SourceLoad;
}

export interface NormalizeResult {
  /** One line per source, in the order given; every input row in exactly one bucket. */
  accounting: (RowAccounting & { entity: string })[];
  /** Rejected rows of every source (load errors and normalization reasons), by source, file, row. */
  rejects: RejectedRow[];
  /** source → the source whose record was kept instead, counted */
  duplicates: { source: string; kept_source: string; rows: number }[];
  /** canonical rows accepted per entity */
  entities: Record<string, number>;
}

const BOOKKEEPING = ['_reject_reason'];

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
): Promise<NormalizeResult> {
  await engine.exec(ratesTableSql(settings.ratesTable, settings.rates, settings.reportingCurrency));
  const out: NormalizeResult = { accounting: [], rejects: [], duplicates: [], entities: {} };
  for (const spec of specs) {
    const parts = sources.filter((s) => s.binding.entity === spec.name);
    out.entities[spec.name] = await normalizeOne(engine, spec, parts, settings, baseDir, out);
  }
  for (const s of sources)
    if (!specs.find((x) => x.name === s.binding.entity)?.readsTyped?.(s.binding))
      await dropIfTable(engine, s.binding.rawTable);
  out.rejects.sort(
    (a, b) => a.source.localeCompare(b.source) || a.file.localeCompare(b.file) || a.row - b.row,
  );
  return out;
}

async function normalizeOne(
  engine: Engine,
  spec: EntitySpec,
  parts: readonly BoundSource[],
  settings: NormalizeSettings,
  baseDir: string,
  out: NormalizeResult,
): Promise<number> {
  const table = ident(spec.name);
  if (!parts.length) {
    await engine.exec(`CREATE OR REPLACE VIEW ${table} AS SELECT * FROM (${spec.emptySelect()}) WHERE false`);
    return 0;
  }
  const staged: string[] = [];
  for (const p of parts) {
    const stg = ident(`stg_${p.binding.rawTable}`);
    // typed sources are staged as views (no copy of a large Parquet file or table); text sources
    // are parsed once into a table (their raw copy is dropped once every entity is accounted for)
    if (spec.readsTyped?.(p.binding))
      await engine.exec(`CREATE OR REPLACE VIEW ${stg} AS ${spec.select(p.binding, settings)}`);
    else await engine.exec(`CREATE OR REPLACE TABLE ${stg} AS ${spec.select(p.binding, settings)}`);
    staged.push(`SELECT * FROM ${stg}`);
  }
  const all = ident(`all_${spec.name}`);
  const ded = ident(`ded_${spec.name}`);
  await engine.exec(`CREATE OR REPLACE VIEW ${all} AS ${staged.join(' UNION ALL BY NAME ')}`);
  const rule = settings.dedupe[spec.name];
  const keys = [...(rule?.keys ?? spec.dedupe.keys)];
  const valid = `(SELECT * FROM ${all} WHERE _reject_reason IS NULL)`;
  // One pass finds the key hashes seen twice; only their rows get the exact dedupe (window
  // functions), and a source without any skips it.
  const dupHashes = ident(`dup_${spec.name}`);
  await engine.exec(
    `CREATE OR REPLACE TEMP TABLE ${dupHashes} AS ${duplicateHashesSql(valid, keys, spec.dedupe.timeKey)}`,
  );
  const [{ n: candidates }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${dupHashes}`);
  const input = Number(candidates)
    ? `(${dedupeCandidatesSql(valid, keys, spec.dedupe.timeKey, dupHashes)})`
    : `(SELECT * FROM ${valid} WHERE false)`;
  await engine.exec(
    `CREATE OR REPLACE TABLE ${ded} AS ${dedupeSql(input, keys, {
      timeKey: spec.dedupe.timeKey,
      toleranceSeconds: rule?.time_tolerance_seconds ?? spec.dedupe.toleranceSeconds,
    })}`,
  );
  const drop = [...BOOKKEEPING, ...(spec.internal ?? [])].map((x) => ident(x)).join(', ');
  const [{ dups }] = await engine.query<{ dups: number }>(
    `SELECT count(*) AS dups FROM ${ded} WHERE _dup_rank > 1`,
  );
  // The canonical table is a view over the staged rows (no second copy of a large source); the
  // anti-join drops the duplicates when there are any.
  await engine.exec(
    `CREATE OR REPLACE VIEW ${table} AS SELECT v.* EXCLUDE (${drop}) FROM ${valid} v` +
      (Number(dups)
        ? ` ANTI JOIN (SELECT _source, _file, _row FROM ${ded} WHERE _dup_rank > 1) d
       ON v._source = d._source AND v._file IS NOT DISTINCT FROM d._file AND v._row = d._row`
        : ''),
  );
  const lines = out.accounting.length;
  await account(engine, spec.name, parts, baseDir, out);
  // the canonical rows are the valid rows less the duplicates: counted without another scan
  return out.accounting.slice(lines).reduce((s, a) => s + a.accepted, 0);
}

async function account(
  engine: Engine,
  entity: string,
  parts: readonly BoundSource[],
  baseDir: string,
  out: NormalizeResult,
): Promise<void> {
  const all = ident(`all_${entity}`);
  const ded = ident(`ded_${entity}`);
  const counts = await engine.query<{ _source: string; rejected: number; valid: number }>(
    `SELECT _source, count(*) FILTER (WHERE _reject_reason IS NOT NULL) AS rejected, count(*) FILTER (WHERE _reject_reason IS NULL) AS valid FROM ${all} GROUP BY _source`,
  );
  const dd = await engine.query<{ _source: string; deduplicated: number }>(
    `SELECT _source, count(*) AS deduplicated FROM ${ded} WHERE _dup_rank > 1 GROUP BY _source`,
  );
  for (const p of parts) {
    const name = p.binding.source;
    const c = counts.find((r) => r._source === name);
    const d = dd.find((r) => r._source === name);
    out.accounting.push({
      source: name,
      entity,
      rows_in: p.load.rows + p.load.rejects.length,
      accepted: Number(c?.valid ?? 0) - Number(d?.deduplicated ?? 0),
      deduplicated: Number(d?.deduplicated ?? 0),
      rejected: p.load.rejects.length + Number(c?.rejected ?? 0),
    });
    for (const r of p.load.rejects)
      out.rejects.push({
        source: name,
        file: rel(baseDir, r.file ?? ''),
        row: r.row,
        reason: r.reason,
        raw: r.raw,
      });
  }
  // the rejected rows are listed only when there are any (no second scan of a clean source)
  const bad = counts.some((c) => Number(c.rejected) > 0)
    ? await engine.query<{ _source: string; _file: string; _row: number; _reject_reason: string }>(
        `SELECT _source, _file, _row, _reject_reason FROM ${all} WHERE _reject_reason IS NOT NULL ORDER BY _source, _file, _row`,
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
    out.duplicates.push({ source: r._source, kept_source: r._kept_source, rows: Number(r.n) });
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
