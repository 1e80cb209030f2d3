import { fileRelationSql, openDuckDb } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';
import {
  analyzeWithFlags,
  checkReadoutFlags,
  type ExperimentReadoutOptions,
} from './run-experiment-readout.ts';
import {
  readoutInputFromRows,
  sufficientStatsSql,
  type ReadoutResult,
  type StatsRow,
  type SufficientStatsMetric,
} from '../shared/experiment-review/index.ts';

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
  try {
    await engine.exec(`CREATE VIEW exposures AS SELECT * FROM ${relation}`);
    const [{ n }] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM exposures');
    const rows = await engine.query<StatsRow>(
      sufficientStatsSql({
        table: 'exposures',
        variantColumn: opts.variantColumn,
        unitColumn: opts.unitColumn,
        metrics,
        controlVariant: opts.control,
      }),
    );
    const flags = checkReadoutFlags(opts);
    const input = readoutInputFromRows(rows, { where: opts.exposures });
    // No planned weights can be given here, so a sample ratio check against equal weights would
    // flag every deliberately unequal split; leave users out and the check reports "not checked".
    const variants = input.variants.map(({ name, weight }) => ({ name, weight }));
    const result = analyzeWithFlags({ ...input, variants }, flags, opts.exposures);
    return { ...result, reduced_from: { file: opts.exposures, rows: Number(n) } };
  } finally {
    await engine.close();
  }
}
