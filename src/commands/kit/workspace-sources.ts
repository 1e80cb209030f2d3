import path from 'node:path';
import {
  entitySpec,
  resolveMapping,
  type BoundSource,
  type EntitySpec,
  type NormalizeSettings,
  type SourceLoad,
  type SourceSpec,
} from '../../data/index.ts';
import { configError } from '../../errors/index.ts';
import type { SourceConfig, WorkspaceConfig } from '../../workspace/index.ts';

/** A configured source as the data layer reads it. */
export function sourceSpecOf(
  src: SourceConfig,
  baseDir: string,
  env?: Record<string, string | undefined>,
): SourceSpec {
  return src.kind === 'file'
    ? { name: src.name, kind: 'file', path: src.path, format: src.format, delimiter: src.delimiter, baseDir }
    : {
        name: src.name,
        kind: 'postgres',
        url: src.url,
        table: src.table,
        query: src.query,
        schema: src.schema,
        env,
      };
}

/** Where a source is, for messages: its file, or `sources[i] (name)`. */
export function sourceWhere(
  src: SourceConfig,
  index: number,
  files: readonly string[],
  baseDir: string,
): string {
  return src.kind === 'file'
    ? path.relative(baseDir, files[0] ?? path.resolve(baseDir, src.path)) || src.path
    : `sources.${src.name}`;
}

/**
 * A loaded source bound to its entity for normalization: its columns mapped to the canonical
 * ones (checked against the columns it really has), with its priority and default partner and
 * currency from gtm.yaml.
 *
 * @example
 * const bound = bindSource(ws.sources[0], 0, await loadSource(engine, spec, 'raw_0'), ws);
 * bound.binding.columns; // { opportunity_id: 'Id', amount: 'Amount', ... }
 */
export function bindSource(
  src: SourceConfig,
  index: number,
  load: SourceLoad,
  ws: WorkspaceConfig,
): BoundSource {
  const spec = entitySpec(src.entity) as EntitySpec;
  const where = sourceWhere(src, index, load.files, ws.baseDir);
  const columns = resolveMapping(
    spec,
    src.mapping,
    load.columns.map((c) => c.name),
    where,
    `sources.${src.name}`,
  );
  return {
    load,
    binding: {
      source: src.name,
      entity: src.entity,
      priority: src.priority,
      rawTable: load.table,
      columns,
      columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
      defaultPartner: src.partner,
      defaultCurrency: src.currency ?? ws.currency.reporting,
      decimal: src.decimal,
      dateOrder: src.date_order,
      amountUnit: src.amount_unit,
      ...(src.id_format ? { idFormat: src.id_format } : {}),
    },
  };
}

/** What normalization needs from gtm.yaml, as plain data. */
export function normalizeSettingsOf(
  ws: WorkspaceConfig,
): NormalizeSettings & { rates: WorkspaceConfig['currency']['rates'] } {
  const partnerAliases: Record<string, string> = {};
  for (const p of ws.partners)
    for (const a of [p.id, p.name, ...p.aliases]) partnerAliases[a.trim().toLowerCase()] = p.id;
  return {
    reportingCurrency: ws.currency.reporting,
    rates: ws.currency.rates,
    ratesTable: 'fx_rates',
    partnerAliases,
    utmAliases: ws.utm.aliases,
    channelRules: ws.channels.rules,
    channelDefault: ws.channels.default,
    stageMapping: ws.funnel.mapping,
    dedupe: ws.dedupe as NormalizeSettings['dedupe'],
    limits: { csat_scale: ws.loyalty.csat_scale },
  };
}

/** Entities every monitoring command may read but none needs: experiments and their assignments. */
const SHARED_ENTITIES = new Set(['experiments', 'assignments']);

/**
 * A command that reads entities, run on a gtm.yaml with no source for any of its own (a workspace
 * `gtm init` wrote for track-source, asked for monitor-loyalty): a configuration error naming the
 * entities to add, not a report of zeros that exits 0.
 */
export function refuseNoSources(command: string, entities: readonly string[], ws: WorkspaceConfig): void {
  const own = entities.filter((e) => !SHARED_ENTITIES.has(e));
  if (!own.length || ws.sources.some((s) => own.includes(s.entity))) return;
  throw configError(
    `no source feeds ${command}: none of the sources has entity ${own.join(', ')}`,
    'sources',
    `add your ${command} data under sources: with those entities (README, "${command}", "Data"); \`gtm demo\` writes a complete gtm.yaml to copy from`,
  );
}
