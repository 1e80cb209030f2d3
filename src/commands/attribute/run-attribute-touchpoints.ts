import { existsSync } from 'node:fs';
import {
  resolveModelName,
  type AttributionOptions,
  type ModelName,
} from '../../analyses/attribution/index.ts';
import type { Engine } from '../../data/index.ts';
import { quoteIdent } from '../../data/sql-text.ts';
import { GtmError } from '../../errors/index.ts';
import { attributeRecords, type AttributeResult } from './run-attribute.ts';
import type { TouchColumns } from './sql/path-summary-sql.ts';

export interface AttributeTouchpointsOptions extends Omit<
  AttributionOptions,
  'seed' | 'bootstrap' | 'perPath'
> {
  /** A touch log: Parquet, CSV or NDJSON/JSON file or glob, one row per touch; with `clickhouse`, a table (`db.table`). */
  touchpoints: string;
  /** ClickHouse HTTP url: build paths on that server (a `Distributed` table spreads the work over the cluster). */
  clickhouse?: string;
  model: string;
  columns?: Partial<TouchColumns>;
  perPath?: boolean;
  bootstrap?: number;
  seed?: number;
  sep?: string;
}

const DEFAULT_COLUMNS: TouchColumns = {
  journey: 'journey_id',
  time: 'ts',
  channel: 'channel',
  converted: 'converted',
  value: 'value',
};

/**
 * Attribution straight from a raw touch log: paths are built in the engine and come back as
 * columns of channel codes (one row per distinct path, no object per path on DuckDB), then the same
 * model step as for path summaries runs.
 * @example await runAttributeTouchpoints({ touchpoints: 'touches.parquet', model: 'markov' })
 */
export async function runAttributeTouchpoints(opts: AttributeTouchpointsOptions): Promise<AttributeResult> {
  let model: ModelName | 'compare';
  try {
    model = resolveModelName(opts.model);
  } catch (err) {
    throw new GtmError('USAGE', (err as Error).message, {
      where: '--model',
      hint: 'e.g. --model markov, or compare',
    });
  }
  const file = opts.touchpoints;
  // The engines load here, not with the module: `gtm attribute --paths` never needs them, and the
  // DuckDB binding alone costs a quarter second to load.
  const [{ fileRelationSql, openClickHouse, openDuckDb }, { buildPathColumns }] = await Promise.all([
    import('../../data/index.ts'),
    import('./build-path-summary.ts'),
  ]);
  let relation: string;
  let engine: Engine;
  if (opts.clickhouse) {
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)?$/.test(file))
      throw new GtmError('USAGE', `"${file}" is not a ClickHouse table name`, {
        where: '--touchpoints',
        hint: 'with --clickhouse, give a table: touches or analytics.touches',
      });
    relation = file
      .split('.')
      .map((p) => quoteIdent(p, 'clickhouse'))
      .join('.');
    engine = await openClickHouse({ url: opts.clickhouse });
  } else {
    if (!/[*?[]/.test(file) && !existsSync(file))
      throw new GtmError('INPUT', 'file not found', {
        where: file,
        hint: 'check the path given to --touchpoints',
      });
    relation = fileRelationSql(file);
    engine = await openDuckDb();
  }
  try {
    const described = await engine.query<{ column_name?: string; name?: string }>(
      engine.dialect === 'clickhouse' ? `DESCRIBE TABLE ${relation}` : `DESCRIBE SELECT * FROM ${relation}`,
    );
    const present = new Set(described.map((c) => String(c.column_name ?? c.name).toLowerCase()));
    const cols: TouchColumns = {
      ...DEFAULT_COLUMNS,
      ...Object.fromEntries(Object.entries(opts.columns ?? {}).filter(([, v]) => v !== undefined)),
    };
    for (const [role, name] of Object.entries(cols) as [keyof TouchColumns, string | undefined][]) {
      if (!name || present.has(name.toLowerCase())) continue;
      if (role === 'value' && !opts.columns?.value) {
        cols.value = undefined; // conversions only; value credit stays 0
        continue;
      }
      throw new GtmError(
        'INPUT',
        `no column "${name}" for the ${role}; columns found: ${[...present].join(', ')}`,
        {
          where: file,
          hint: `name it with --${role}-column`,
        },
      );
    }
    const built = await buildPathColumns(engine, relation, cols);
    const { touchpoints: _t, model: _m, columns: _c, ...options } = opts;
    return attributeRecords(
      built.paths,
      {
        file,
        format: 'touchpoints',
        columns: Object.fromEntries(Object.entries(cols).filter(([, v]) => v)) as Record<string, string>,
        records: built.paths.rows,
      },
      model,
      options,
    );
  } finally {
    await engine.close();
  }
}
