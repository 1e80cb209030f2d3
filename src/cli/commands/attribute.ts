import path from 'node:path';
import { usageError } from '../../errors/index.ts';
import type { CliCommand } from '../command.ts';

export const attributeCommand: CliCommand = {
  name: 'attribute',
  summary: 'Attribution models on path summaries (ChannelAttribution or fractribution format)',
  usage:
    "gtm attribute (--paths FILE | --touchpoints FILE) --model MODEL|compare [--sep ' > '] [--per-path] [--bootstrap N] [--json]",
  flags: [
    {
      name: 'paths',
      type: 'string',
      placeholder: 'FILE',
      description:
        'path summary: path;total_conversions;total_conversion_value;total_null or path,total_conversions,total_non_conversions',
    },
    {
      name: 'touchpoints',
      type: 'string',
      placeholder: 'FILE',
      description:
        'or a raw touch log (Parquet, CSV, NDJSON; one row per touch): paths are built in the engine',
    },
    {
      name: 'clickhouse',
      type: 'string',
      placeholder: 'URL',
      description:
        'with --touchpoints TABLE: build paths on this ClickHouse server (Distributed tables spread the work)',
    },
    {
      name: 'journey_column',
      type: 'string',
      placeholder: 'NAME',
      description: 'touch log: journey id column (default journey_id)',
    },
    {
      name: 'time_column',
      type: 'string',
      placeholder: 'NAME',
      description: 'touch log: time column, timestamp or number (default ts)',
    },
    {
      name: 'channel_column',
      type: 'string',
      placeholder: 'NAME',
      description: 'touch log: channel column (default channel)',
    },
    {
      name: 'converted_column',
      type: 'string',
      placeholder: 'NAME',
      description: 'touch log: 0/1 conversion flag of the journey (default converted)',
    },
    {
      name: 'model',
      type: 'string',
      placeholder: 'MODEL',
      description:
        'first-touch, last-touch, last-non-direct, linear, time-decay, position-based, w-shaped, full-path, j-shaped, inverse-j, custom, markov, shapley, fractribution, or compare',
      default: 'markov',
    },
    {
      name: 'sep',
      type: 'string',
      placeholder: 'SEP',
      description: "channel separator inside paths (default ' > ')",
    },
    {
      name: 'format',
      type: 'string',
      choices: ['auto', 'channelattribution', 'fractribution'],
      description: 'file format (default: from the header)',
    },
    { name: 'path_column', type: 'string', placeholder: 'NAME', description: 'column holding the path' },
    {
      name: 'conversions_column',
      type: 'string',
      placeholder: 'NAME',
      description: 'column holding conversions',
    },
    {
      name: 'value_column',
      type: 'string',
      placeholder: 'NAME',
      description: 'column holding conversion value',
    },
    {
      name: 'nulls_column',
      type: 'string',
      placeholder: 'NAME',
      description: 'column holding non-conversions',
    },
    { name: 'per_path', type: 'boolean', description: 'also print credit per path' },
    {
      name: 'bootstrap',
      type: 'number',
      placeholder: 'N',
      description: 'Poisson bootstrap resamples for 95% intervals (default 0)',
    },
    { name: 'seed', type: 'number', placeholder: 'N', description: 'bootstrap seed (default 1)' },
    {
      name: 'lookback_steps',
      type: 'number',
      placeholder: 'N',
      description: 'keep the last N touches of each path',
    },
    {
      name: 'transforms',
      type: 'list',
      placeholder: 'LIST',
      description:
        'path transforms in order: exposure, unique, first, frequency, first-touch, trim(N), remove-direct, remove-last-direct',
    },
    { name: 'include', type: 'list', placeholder: 'CHANNELS', description: 'keep only these channels' },
    { name: 'exclude', type: 'list', placeholder: 'CHANNELS', description: 'drop these channels' },
    {
      name: 'direct',
      type: 'string',
      choices: ['keep', 'drop', 'drop-last'],
      description: 'direct handling: drop unless only channel, or drop a last direct unless only channel',
    },
    { name: 'markov_order', type: 'number', placeholder: 'K', description: 'Markov chain order (default 1)' },
  ],
  examples: [
    'gtm attribute --paths paths.csv --model markov',
    'gtm attribute --paths path_summary.csv --model fractribution --transforms exposure --per-path --json',
    'gtm attribute --paths paths.csv --model compare',
  ],
  async run(args, ctx) {
    const f = args.flags;
    const columns = Object.fromEntries(
      (['path', 'conversions', 'value', 'nulls'] as const)
        .filter((k) => f[`${k}_column`] !== undefined)
        .map((k) => [k, String(f[`${k}_column`])]),
    );
    const { formatAttributeTable, runAttribute, runAttributeTouchpoints } =
      await import('../../commands/attribute/index.ts');
    if (f.bootstrap !== undefined && !(Number.isInteger(f.bootstrap) && (f.bootstrap as number) >= 0))
      throw usageError(
        `must be a whole number of resamples, got ${String(f.bootstrap)}`,
        '--bootstrap',
        'e.g. --bootstrap 200',
      );
    if ((f.paths === undefined) === (f.touchpoints === undefined))
      throw usageError(
        'give exactly one of --paths and --touchpoints',
        f.paths === undefined ? '--paths' : '--touchpoints',
        'a path summary file, or a raw touch log',
      );
    const shared = {
      model: String(f.model),
      sep: f.sep as string | undefined,
      perPath: f.per_path as boolean | undefined,
      bootstrap: f.bootstrap as number | undefined,
      seed: f.seed as number | undefined,
      lookbackSteps: f.lookback_steps as number | undefined,
      transforms: f.transforms as never,
      includeChannels: f.include as string[] | undefined,
      excludeChannels: f.exclude as string[] | undefined,
      direct: f.direct as 'keep' | undefined,
      markovOrder: f.markov_order as number | undefined,
    };
    if (f.touchpoints !== undefined) {
      const result = await runAttributeTouchpoints({
        ...shared,
        touchpoints: f.clickhouse ? String(f.touchpoints) : path.resolve(ctx.cwd, String(f.touchpoints)),
        clickhouse: f.clickhouse as string | undefined,
        columns: {
          journey: f.journey_column as string | undefined,
          time: f.time_column as string | undefined,
          channel: f.channel_column as string | undefined,
          converted: f.converted_column as string | undefined,
          value: f.value_column as string | undefined,
        },
      });
      ctx.out.result(result, () => formatAttributeTable(result));
      return 0;
    }
    const result = await runAttribute({
      paths: path.resolve(ctx.cwd, String(f.paths)),
      model: String(f.model),
      sep: f.sep as string | undefined,
      format: f.format as 'auto' | undefined,
      columns: Object.keys(columns).length ? columns : undefined,
      perPath: f.per_path as boolean | undefined,
      bootstrap: f.bootstrap as number | undefined,
      seed: f.seed as number | undefined,
      lookbackSteps: f.lookback_steps as number | undefined,
      transforms: f.transforms as never,
      includeChannels: f.include as string[] | undefined,
      excludeChannels: f.exclude as string[] | undefined,
      direct: f.direct as 'keep' | undefined,
      markovOrder: f.markov_order as number | undefined,
    });
    ctx.out.result(result, () => formatAttributeTable(result));
    return 0;
  },
};
