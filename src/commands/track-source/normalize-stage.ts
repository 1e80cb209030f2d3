import path from 'node:path';
import type { Engine, SourceLoad } from '../../data/index.ts';
import { quoteIdent as ident } from '../../data/sql-text.ts';
import { ratesTableSql } from '../../data/normalize/index.ts';
import { inputError } from '../../errors/index.ts';
import type { SourceConfig, WorkspaceConfig } from '../../workspace/index.ts';
import { CANONICAL, type CanonicalEntity } from './sql/canonical-columns.ts';
import { dedupeSql } from './sql/dedupe-sql.ts';
import { normalizeSelectSql, opportunityReasonSql } from './sql/normalize-sql.ts';

export interface SourceAccounting {
  source: string;
  entity: CanonicalEntity;
  rows_in: number;
  accepted: number;
  deduplicated: number;
  rejected: number;
}

export interface RejectRow {
  source: string;
  file: string;
  row: number;
  reason: string;
  raw?: string;
}

export interface NormalizeOutput {
  accounting: SourceAccounting[];
  rejects: RejectRow[];
  /** source → its duplicates' kept record, counted */
  duplicates: { source: string; kept_source: string; rows: number }[];
  /** canonical rows accepted per entity */
  entities: Record<CanonicalEntity, number>;
}

const ENTITIES: CanonicalEntity[] = ['people', 'touchpoints', 'opportunities', 'stage_history'];

/** Canonical column → source column, checked against the columns the source really has. */
export function resolveMapping(
  src: SourceConfig,
  load: SourceLoad,
  index: number,
  baseDir: string,
): Record<string, string | undefined> {
  const spec = CANONICAL[src.entity];
  const present = new Map(load.columns.map((c) => [c.name.toLowerCase(), c.name]));
  const where =
    src.kind === 'file'
      ? path.relative(baseDir, load.files[0] ?? src.path) || src.path
      : `sources[${index}] (${src.name})`;
  const found = load.columns.map((c) => c.name).join(', ');
  const out: Record<string, string | undefined> = {};
  for (const [canon, column] of Object.entries(src.mapping)) {
    if (!(spec.columns as readonly string[]).includes(canon))
      throw inputError(
        `sources[${index}].mapping has unknown canonical column "${canon}"`,
        where,
        `canonical columns of ${src.entity}: ${spec.columns.join(', ')}`,
      );
    const actual = present.get(column.toLowerCase());
    if (!actual)
      throw inputError(
        `column "${column}" (mapped to ${canon}) is not in the source; columns found: ${found}`,
        where,
        `fix sources[${index}].mapping.${canon} in gtm.yaml`,
      );
    out[canon] = actual;
  }
  for (const canon of spec.columns) if (out[canon] === undefined) out[canon] = present.get(canon);
  for (const req of spec.required)
    if (!out[req])
      throw inputError(
        `missing column for "${req}"; columns found: ${found}`,
        where,
        `add the column, or map it: sources[${index}].mapping.${req}: <column>`,
      );
  for (const group of spec.oneOf)
    if (!group.some((c) => out[c]))
      throw inputError(
        `needs one of the columns ${group.join(' or ')}; columns found: ${found}`,
        where,
        `map one under sources[${index}].mapping`,
      );
  return out;
}

/**
 * Normalizes every loaded source into the canonical tables `people`, `touchpoints`,
 * `opportunities`, `stage_history`, and accounts for every input row: accepted, deduplicated, or
 * rejected with a reason.
 */
export async function normalizeSources(
  engine: Engine,
  ws: WorkspaceConfig,
  loads: Map<string, SourceLoad>,
): Promise<NormalizeOutput> {
  await engine.exec(ratesTableSql('fx_rates', ws.currency.rates, ws.currency.reporting));
  const partnerAliases: Record<string, string> = {};
  for (const p of ws.partners)
    for (const a of [p.id, p.name, ...p.aliases]) partnerAliases[a.trim().toLowerCase()] = p.id;
  const staged: Record<CanonicalEntity, { table: string; source: SourceConfig }[]> = {
    people: [],
    touchpoints: [],
    opportunities: [],
    stage_history: [],
  };
  for (const [i, src] of ws.sources.entries()) {
    const load = loads.get(src.name)!;
    const columns = resolveMapping(src, load, i, ws.baseDir);
    const table = `stg_${i}`;
    const select = normalizeSelectSql(src.entity, {
      source: src.name,
      priority: src.priority,
      rawTable: load.table,
      columns,
      defaultPartner: src.partner,
      defaultCurrency: src.currency ?? ws.currency.reporting,
      partnerAliases,
      utmAliases: ws.utm.aliases,
      channelRules: ws.channels.rules,
      channelDefault: ws.channels.default,
      stageMapping: ws.funnel.mapping,
      ratesTable: 'fx_rates',
    });
    const body =
      src.entity === 'opportunities'
        ? `SELECT *, ${opportunityReasonSql()} AS _reject_reason FROM (${select})`
        : select;
    await engine.exec(`CREATE OR REPLACE TABLE ${ident(table)} AS ${body}`);
    staged[src.entity].push({ table, source: src });
  }
  const accounting: SourceAccounting[] = [];
  const rejects: RejectRow[] = [];
  const duplicates: NormalizeOutput['duplicates'] = [];
  const entities = {} as Record<CanonicalEntity, number>;
  for (const entity of ENTITIES) {
    const parts = staged[entity];
    const all = `all_${entity}`;
    if (!parts.length) {
      await engine.exec(
        `CREATE OR REPLACE TABLE ${entity} AS SELECT * FROM (${emptySelect(entity)}) WHERE false`,
      );
      entities[entity] = 0;
      continue;
    }
    await engine.exec(
      `CREATE OR REPLACE TABLE ${all} AS ${parts.map((p) => `SELECT * FROM ${ident(p.table)}`).join(' UNION ALL BY NAME ')}`,
    );
    const keys =
      entity === 'touchpoints'
        ? ws.dedupe.touchpoints.keys
        : entity === 'opportunities'
          ? ws.dedupe.opportunities.keys
          : entity === 'people'
            ? ['person_id']
            : ['opportunity_id', 'stage', 'changed_at'];
    const timeKey = entity === 'touchpoints' ? 'occurred_at' : undefined;
    await engine.exec(
      `CREATE OR REPLACE TABLE ded_${entity} AS ${dedupeSql(`(SELECT * FROM ${all} WHERE _reject_reason IS NULL)`, keys, { timeKey, toleranceSeconds: ws.dedupe.touchpoints.time_tolerance_seconds })}`,
    );
    await engine.exec(
      `CREATE OR REPLACE TABLE ${entity} AS SELECT * EXCLUDE (_dup_rank, _kept_source, _kept_row, _reject_reason) FROM ded_${entity} WHERE _dup_rank = 1`,
    );
    const counts = await engine.query<{ _source: string; total: number; rejected: number }>(
      `SELECT _source, count(*) AS total, count(*) FILTER (WHERE _reject_reason IS NOT NULL) AS rejected FROM ${all} GROUP BY _source`,
    );
    const dd = await engine.query<{ _source: string; accepted: number; deduplicated: number }>(
      `SELECT _source, count(*) FILTER (WHERE _dup_rank = 1) AS accepted, count(*) FILTER (WHERE _dup_rank > 1) AS deduplicated FROM ded_${entity} GROUP BY _source`,
    );
    for (const p of parts) {
      const load = loads.get(p.source.name)!;
      const c = counts.find((r) => r._source === p.source.name);
      const d = dd.find((r) => r._source === p.source.name);
      accounting.push({
        source: p.source.name,
        entity,
        rows_in: load.rows + load.rejects.length,
        accepted: Number(d?.accepted ?? 0),
        deduplicated: Number(d?.deduplicated ?? 0),
        rejected: load.rejects.length + Number(c?.rejected ?? 0),
      });
      for (const r of load.rejects)
        rejects.push({
          source: p.source.name,
          file: rel(ws.baseDir, r.file ?? ''),
          row: r.row,
          reason: r.reason,
          raw: r.raw,
        });
    }
    const bad = await engine.query<{ _source: string; _file: string; _row: number; _reject_reason: string }>(
      `SELECT _source, _file, _row, _reject_reason FROM ${all} WHERE _reject_reason IS NOT NULL ORDER BY _source, _file, _row`,
    );
    for (const r of bad)
      rejects.push({
        source: r._source,
        file: rel(ws.baseDir, r._file ?? ''),
        row: Number(r._row),
        reason: r._reject_reason,
      });
    const dups = await engine.query<{ _source: string; _kept_source: string; n: number }>(
      `SELECT _source, _kept_source, count(*) AS n FROM ded_${entity} WHERE _dup_rank > 1 GROUP BY ALL ORDER BY ALL`,
    );
    for (const r of dups)
      duplicates.push({ source: r._source, kept_source: r._kept_source, rows: Number(r.n) });
    const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${entity}`);
    entities[entity] = Number(n);
  }
  rejects.sort((a, b) => a.source.localeCompare(b.source) || a.file.localeCompare(b.file) || a.row - b.row);
  return { accounting, rejects, duplicates, entities };
}

const rel = (base: string, file: string) =>
  file && path.isAbsolute(file) ? path.relative(base, file) : file;

/** A zero-row SELECT with the canonical columns and types, for entities no source feeds. */
function emptySelect(entity: CanonicalEntity): string {
  switch (entity) {
    case 'people':
      return `SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS account_id, NULL::TIMESTAMP AS created_at, NULL::VARCHAR AS segment, NULL::VARCHAR AS persona, NULL::VARCHAR AS region`;
    case 'stage_history':
      return `SELECT NULL::VARCHAR AS opportunity_id, NULL::VARCHAR AS stage, NULL::TIMESTAMP AS changed_at`;
    case 'touchpoints':
      return `SELECT NULL::VARCHAR AS touch_id, NULL::VARCHAR AS person_id, NULL::VARCHAR AS account_id, NULL::TIMESTAMP AS occurred_at, NULL::VARCHAR AS utm_source, NULL::VARCHAR AS utm_medium, NULL::VARCHAR AS utm_campaign, NULL::VARCHAR AS utm_content, NULL::VARCHAR AS utm_term, NULL::VARCHAR AS partner, NULL::VARCHAR AS asset, NULL::VARCHAR AS region, NULL::VARCHAR AS touch_type, NULL::VARCHAR AS channel`;
    case 'opportunities':
      return `SELECT NULL::VARCHAR AS opportunity_id, NULL::VARCHAR AS account_id, NULL::TIMESTAMP AS created_at, NULL::TIMESTAMP AS closed_at, NULL::VARCHAR AS stage, NULL::DOUBLE AS amount, NULL::VARCHAR AS currency, NULL::VARCHAR AS campaign, NULL::VARCHAR AS region, NULL::VARCHAR AS segment, NULL::VARCHAR AS partner, NULL::DOUBLE AS _rate_created, NULL::DOUBLE AS _rate_closed`;
  }
}

/** Reject reasons grouped (row-specific values folded away), most frequent first. */
export function topReasons(reasons: string[]): { reason: string; rows: number }[] {
  const counts = new Map<string, number>();
  for (const r of reasons) {
    const key = r
      .replace(/cannot read .* as/, 'cannot read a value as')
      .replace(/no rate for (\w+) on [\d-]+/, 'no rate for $1');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([reason, rows]) => ({ reason, rows }))
    .sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason));
}
