import path from 'node:path';
import type { NormalizeSettings, SourceSpec } from '../../data/index.ts';
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
    : `sources[${index}] (${src.name})`;
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
  };
}
