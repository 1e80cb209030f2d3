import path from 'node:path';
import { usageError } from '../../errors/index.ts';
import { metricListProblem } from '../../commands/experiment-readout/metric-specs.ts';
import { weightListProblem } from '../../commands/experiment-readout/weight-specs.ts';
import type { CliCommand } from '../command.ts';
import { checkHttpUrl } from './url-flag-check.ts';

export const experimentReadoutCommand: CliCommand = {
  name: 'experiment-readout',
  summary:
    'Experiment statistics: effects, intervals, p-values, chance to win, SRM, multiple testing, decision',
  usage:
    'gtm experiment-readout (--input FILE | --exposures FILE|TABLE [--clickhouse URL] --variant-column COL --metric SPEC… [--control VARIANT] [--weights VARIANT:W…]) [--method frequentist|bayesian|sequential] [--difference relative|absolute] [--alpha A] [--one-sided]',
  flags: [
    {
      name: 'input',
      type: 'string',
      placeholder: 'FILE',
      example: 'readout.json',
      description:
        'JSON (settings, variants, metrics) or CSV (one row per metric and variant) of sufficient statistics',
      // the raw-rows flags describe --exposures; with --input they would be ignored
      conflicts: ['exposures', 'clickhouse', 'variant_column', 'unit_column', 'metric', 'control', 'weights'],
    },
    {
      name: 'exposures',
      type: 'string',
      placeholder: 'FILE',
      description:
        'or raw exposure/outcome rows (Parquet, CSV, NDJSON), reduced to sufficient statistics in the engine',
    },
    {
      name: 'clickhouse',
      type: 'string',
      placeholder: 'URL',
      example: 'http://127.0.0.1:8123',
      check: checkHttpUrl,
      description:
        'with --exposures TABLE: reduce the rows on this ClickHouse server (Distributed tables spread the work)',
    },
    {
      name: 'variant_column',
      type: 'string',
      placeholder: 'COL',
      description: 'with --exposures: the variant column',
    },
    {
      name: 'unit_column',
      type: 'string',
      placeholder: 'COL',
      description: 'with --exposures: sum rows per unit first (e.g. user_id)',
    },
    {
      name: 'metric',
      type: 'list',
      placeholder: 'SPEC',
      example: 'signup:proportion:signed_up',
      description:
        'with --exposures: name:proportion:col, name:mean:col[:pre_col] (CUPED), name:ratio:num/den; repeat or comma-separate',
      check: (specs: string[]) => metricListProblem(specs),
    },
    {
      name: 'control',
      type: 'string',
      placeholder: 'VARIANT',
      example: 'control',
      description:
        'with --exposures: the control variant, one of the variants in the file (default: one named control, holdout, baseline or original, else the first in sort order)',
    },
    {
      name: 'weights',
      type: 'list',
      placeholder: 'VARIANT:W',
      example: 'control:50,treatment:50',
      description:
        'with --exposures: planned traffic weight per variant for the sample ratio check, any scale, every variant once (default equal); repeat or comma-separate',
      check: (specs: string[]) => weightListProblem(specs),
    },
    {
      name: 'method',
      type: 'string',
      choices: ['frequentist', 'bayesian', 'sequential'],
      description: 'overrides settings.method (default frequentist)',
    },
    {
      name: 'difference',
      type: 'string',
      choices: ['relative', 'absolute'],
      description: 'overrides settings.difference (default relative)',
    },
    {
      name: 'alpha',
      type: 'number',
      placeholder: 'A',
      min: 0,
      max: 1,
      example: '0.05',
      description: 'overrides settings.alpha (default 0.05), strictly between 0 and 1',
      check: (a: number) => (a > 0 && a < 1 ? undefined : `must be strictly between 0 and 1, got ${a}`),
    },
    { name: 'one_sided', type: 'boolean', description: "test in each metric's good direction" },
  ],
  examples: [
    'gtm experiment-readout --input readout.json',
    'gtm experiment-readout --input readout.csv --method sequential --json',
    'gtm experiment-readout --exposures exposures.parquet --variant-column variant --unit-column user_id --metric redeemed:proportion:redeemed --metric spend:mean:spend:pre_spend --control control',
    'gtm experiment-readout --exposures exposures.csv --variant-column variant --unit-column user_id --metric signup:proportion:signed_up --weights control:80,treatment:20',
  ],
  async run(args, ctx) {
    const f = args.flags;
    const { formatReadoutTable, runExperimentReadout, runRawReadout } =
      await import('../../commands/experiment-readout/index.ts');
    if (f.clickhouse !== undefined && f.exposures === undefined)
      throw usageError(
        'needs --exposures TABLE',
        '--clickhouse',
        'e.g. --exposures exposures --clickhouse http://127.0.0.1:8123',
      );
    if ((f.input === undefined) === (f.exposures === undefined))
      throw usageError(
        'give exactly one of --input and --exposures',
        f.input === undefined ? '--input' : '--exposures',
        'sufficient statistics in a file, or raw exposure rows',
      );
    const common = {
      method: f.method as 'frequentist' | undefined,
      difference: f.difference as 'relative' | undefined,
      alpha: f.alpha as number | undefined,
      oneSided: f.one_sided as boolean | undefined,
    };
    if (f.exposures !== undefined) {
      if (!f.variant_column)
        throw usageError('is required with --exposures', '--variant-column', 'e.g. --variant-column variant');
      if (!(f.metric as string[] | undefined)?.length)
        throw usageError(
          'is required with --exposures',
          '--metric',
          'e.g. --metric signup:proportion:signed_up',
        );
      const result = await runRawReadout({
        ...common,
        exposures: f.clickhouse ? String(f.exposures) : path.resolve(ctx.cwd, String(f.exposures)),
        clickhouse: f.clickhouse as string | undefined,
        variantColumn: String(f.variant_column),
        unitColumn: f.unit_column as string | undefined,
        metrics: f.metric as string[],
        control: f.control as string | undefined,
        weights: f.weights as string[] | undefined,
      });
      ctx.out.result(
        result,
        () =>
          `Reduced ${result.reduced_from.rows.toLocaleString('en-US')} rows in the engine. Control: ${result.control_arm.variant} (${result.control_arm.reason}).\n${formatReadoutTable(result)}`,
      );
      return 0;
    }
    const result = await runExperimentReadout({ ...common, input: path.resolve(ctx.cwd, String(f.input)) });
    ctx.out.result(result, () => formatReadoutTable(result));
    return 0;
  },
};
