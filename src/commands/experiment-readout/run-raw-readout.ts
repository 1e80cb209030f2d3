import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileRelationSql, openDuckDb } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import { runExperimentReadout, type ExperimentReadoutOptions } from './run-experiment-readout.ts';
import type { ReadoutResult } from '../shared/experiment-review/readout-result.ts';
import {
  sufficientStatsSql,
  type SufficientStatsMetric,
} from '../shared/experiment-review/sufficient-stats-sql.ts';

export interface RawReadoutOptions extends Omit<ExperimentReadoutOptions, 'input'> {
  /** Raw exposure/outcome rows: Parquet, CSV or NDJSON. */
  exposures: string;
  variantColumn: string;
  /** Rows are summed per unit first when given. */
  unitColumn?: string;
  /** `name:proportion:column`, `name:mean:column[:pre_column]` (CUPED), `name:ratio:numerator/denominator`. */
  metrics: string[];
  control?: string;
}

/** Parses `name:type:column` metric specs; errors name the flag and the expected form. */
export function parseMetricSpecs(specs: string[]): SufficientStatsMetric[] {
  return specs.map((spec) => {
    const [name, type, column, pre] = spec.split(':');
    const bad = (why: string) =>
      new GtmError('USAGE', `metric "${spec}": ${why}`, {
        where: '--metric',
        hint: 'use name:proportion:column, name:mean:column[:pre_column] or name:ratio:numerator/denominator',
      });
    if (!name || !type || !column) throw bad('needs name, type and column');
    if (type === 'ratio') {
      const [num, den] = column.split('/');
      if (!num || !den) throw bad('a ratio needs numerator/denominator');
      return { name, type, numeratorColumn: num, denominatorColumn: den };
    }
    if (type !== 'proportion' && type !== 'mean') throw bad(`unknown type "${type}"`);
    return { name, type, valueColumn: column, ...(pre ? { preColumn: pre } : {}) };
  });
}

/**
 * A readout straight from raw exposure/outcome rows: the engine reduces them to per-variant
 * sufficient statistics (one pass, GROUP BY variant), then the readout runs on those.
 * @example await runRawReadout({ exposures: 'exposures.parquet', variantColumn: 'variant', unitColumn: 'user_id', metrics: ['signup:proportion:signed_up'] })
 */
export async function runRawReadout(
  opts: RawReadoutOptions,
): Promise<ReadoutResult & { reduced_from: { file: string; rows: number } }> {
  const metrics = parseMetricSpecs(opts.metrics);
  const relation = fileRelationSql(opts.exposures);
  const engine = await openDuckDb();
  const dir = await mkdtemp(path.join(tmpdir(), 'gtm-readout-'));
  try {
    await engine.exec(`CREATE VIEW exposures AS SELECT * FROM ${relation}`);
    const [{ n }] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM exposures');
    const rows = await engine.query(
      sufficientStatsSql({
        table: 'exposures',
        variantColumn: opts.variantColumn,
        unitColumn: opts.unitColumn,
        metrics,
        controlVariant: opts.control,
      }),
    );
    const cols = [
      'metric',
      'type',
      'variant',
      'n',
      'sum',
      'sum_squares',
      'num_sum',
      'num_sum_squares',
      'den_sum',
      'den_sum_squares',
      'num_den_sum_product',
      'pre_sum',
      'pre_sum_squares',
      'post_pre_sum_product',
    ];
    const usedCols = cols.filter((c) => rows.some((r) => r[c] !== null && r[c] !== undefined));
    const csv = [
      usedCols.join(','),
      ...rows.map((r) =>
        usedCols
          .map((c) =>
            r[c] === null || r[c] === undefined
              ? ''
              : String(r[c]).includes(',')
                ? `"${String(r[c]).replace(/"/g, '""')}"`
                : String(r[c]),
          )
          .join(','),
      ),
    ].join('\n');
    const file = path.join(dir, 'stats.csv');
    await writeFile(file, `${csv}\n`);
    const { exposures: _e, variantColumn: _v, unitColumn: _u, metrics: _m, control: _c, ...rest } = opts;
    const result = await runExperimentReadout({ ...rest, input: file });
    return { ...result, reduced_from: { file: opts.exposures, rows: Number(n) } };
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
}
