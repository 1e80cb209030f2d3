import { displayUrl, entitySpec, scrubUrlSecrets } from '../../data/index.ts';
import type { SourceConfig, WorkspaceConfig } from '../../workspace/index.ts';

/**
 * A connection string as the plan may show it: scheme, host, port and path, never the user, the
 * password or the query (`?password=…`, `?sslkey=…`). `env:VAR` (the variable the url is read from)
 * is kept as written; anything that is no URL is left out.
 *
 * @example
 * redactedUrl('postgres://app:s3cret@db.internal:5432/crm?sslmode=require'); // → 'postgres://db.internal:5432/crm'
 */
export function redactedUrl(url: string): string | null {
  const text = url.trim();
  if (/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return text;
  return displayUrl(text);
}

/**
 * A JSON copy of a value with the secrets of every URL in its strings removed (`scrubUrlSecrets`):
 * the user-info dropped, credential query parameters masked (the plan records a run's inputs as
 * resolved: a ClickHouse url of the workspace written `http://user:password@host:8123`, or with a
 * `?http_header_X-ClickHouse-Key=` password, must not reach the plan file).
 */
export function withoutUrlSecrets<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      return typeof v === 'string' && v.includes('://') ? scrubUrlSecrets(v, 'drop') : v;
    }) ?? 'null',
  ) as T;
}

/** How one source is read, as set in gtm.yaml (defaults filled in), without its connection secrets. */
function sourceSetting(s: SourceConfig, reporting: string): Record<string, unknown> {
  const common = {
    entity: s.entity,
    priority: s.priority,
    mapping: s.mapping,
    partner: s.partner ?? null,
    currency: s.currency ?? reporting,
    decimal: s.decimal ?? '.',
    date_order: s.date_order ?? null,
    amount_unit: s.amount_unit ?? 'major',
    id_format: s.id_format ?? 'auto',
  };
  if (s.kind === 'file')
    return {
      kind: 'file',
      path: s.path,
      format: s.format ?? null,
      delimiter: s.delimiter ?? null,
      ...common,
    };
  return {
    kind: 'postgres',
    server: redactedUrl(s.url),
    schema: s.schema ?? null,
    table: s.table ?? null,
    query: s.query ?? null,
    ...common,
  };
}

/**
 * The gtm.yaml settings the kit itself reads for a command that reads entities (gather and
 * normalize): the reporting currency and its rates, the dedupe rule of each entity read, and how
 * each source of those entities is read (its mapping, priority, currency, decimal mark, date order,
 * amount unit, path or table; never a connection's user or password). They go into the plan's
 * `settings` beside the command's own, so that the plan alone says which settings produced the
 * numbers.
 * `date_order` null: inferred from the values; `format`/`delimiter` null: from the file.
 */
export function kitSettings(ws: WorkspaceConfig, entities: readonly string[]): Record<string, unknown> {
  if (!entities.length) return {};
  const dedupe = ws.dedupe as Record<
    string,
    { keys?: string[]; time_tolerance_seconds?: number } | undefined
  >;
  return {
    currency: { reporting: ws.currency.reporting, rates: ws.currency.rates },
    dedupe: Object.fromEntries(
      entities.map((e) => {
        const own = entitySpec(e)?.dedupe;
        const set = dedupe[e];
        const tolerance = set?.time_tolerance_seconds ?? own?.toleranceSeconds;
        return [
          e,
          {
            keys: [...(set?.keys ?? own?.keys ?? [])],
            ...(tolerance !== undefined ? { time_tolerance_seconds: tolerance } : {}),
          },
        ];
      }),
    ),
    source_config: Object.fromEntries(
      ws.sources
        .filter((s) => entities.includes(s.entity))
        .map((s) => [s.name, sourceSetting(s, ws.currency.reporting)]),
    ),
  };
}
