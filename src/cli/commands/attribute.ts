import path from 'node:path';
import { usageError } from '../../errors/index.ts';
import { MODEL_ALIASES, MODEL_NAMES } from '../../analyses/attribution/model-names.ts';
import { editDistance } from '../../analyses/text/index.ts';
import type { CliCommand } from '../command.ts';
import { checkHttpUrl } from './url-flag-check.ts';

/** Resamples `--bootstrap` allows: enough for stable 95% intervals, bounded so a typo cannot run for hours. */
const MAX_BOOTSTRAP = 100000;
/** A path transform `--transforms` takes (the attribution module's names). */
const TRANSFORM =
  /^(exposure|unique|first|frequency|first-touch|remove-direct|removeifnotall|remove-last-direct|removeiflastandnotall|trim(longpath)?\(\s*[1-9]\d*\s*\))$/i;

/** What is wrong with a model name (the spellings the attribution module forgives), or undefined. */
function modelProblem(name: string): string | undefined {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (
    key === 'compare' ||
    (MODEL_NAMES as readonly string[]).includes(key) ||
    Object.hasOwn(MODEL_ALIASES, key)
  )
    return undefined;
  const known = [...MODEL_NAMES, ...Object.keys(MODEL_ALIASES), 'compare'];
  const near = known
    .map((k) => ({ k, d: editDistance(key, k) }))
    .sort((a, b) => a.d - b.d)
    .find((x) => x.d <= Math.max(2, Math.floor(key.length / 4)));
  return `unknown attribution model "${name}"${near ? ` (did you mean ${near.k}?)` : ''}; use one of ${MODEL_NAMES.join(', ')}, or compare`;
}

export const attributeCommand: CliCommand = {
  name: 'attribute',
  summary:
    'Attribution models on path summaries (ChannelAttribution or fractribution format) or raw touch logs',
  usage:
    "gtm attribute (--paths FILE | --touchpoints FILE) --model MODEL|compare [--sep ' > '] [--per-path] [--bootstrap N] [--json]",
  flags: [
    {
      name: 'paths',
      type: 'string',
      placeholder: 'FILE',
      example: 'paths.csv',
      // the touch-log flags build paths from --touchpoints; with --paths they would be ignored
      conflicts: [
        'touchpoints',
        'clickhouse',
        'journey_column',
        'time_column',
        'channel_column',
        'converted_column',
      ],
      description:
        'path summary: path;total_conversions;total_conversion_value;total_null or path,total_conversions,total_non_conversions',
    },
    {
      name: 'touchpoints',
      type: 'string',
      placeholder: 'FILE',
      example: 'touches.parquet',
      // the path-summary flags describe a --paths file; a touch log has none of them
      conflicts: ['format', 'path_column', 'conversions_column', 'nulls_column'],
      description:
        'or a raw touch log (Parquet, CSV, NDJSON; one row per touch): paths are built in the engine',
    },
    {
      name: 'clickhouse',
      type: 'string',
      placeholder: 'URL',
      example: 'http://127.0.0.1:8123',
      check: checkHttpUrl,
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
      description: 'touch log: 0/1 conversion flag of the journey, any row (default converted)',
    },
    {
      name: 'model',
      type: 'string',
      placeholder: 'MODEL',
      example: 'markov',
      check: (name: string) => modelProblem(name),
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
      type: 'integer',
      placeholder: 'N',
      min: 0,
      max: MAX_BOOTSTRAP,
      example: '200',
      description: `Poisson bootstrap resamples for 95% intervals: 0 (none, the default) or 2 to ${MAX_BOOTSTRAP}`,
      check: (n: number) => (n === 1 ? 'must be 0 (no intervals) or at least 2, got 1' : undefined),
    },
    {
      name: 'seed',
      type: 'integer',
      placeholder: 'N',
      min: 0,
      max: 2 ** 31 - 1,
      example: '42',
      description: 'bootstrap seed (default 1)',
    },
    {
      name: 'lookback_steps',
      type: 'integer',
      placeholder: 'N',
      min: 1,
      max: 10000,
      example: '10',
      description: 'keep the last N touches of each path',
    },
    {
      name: 'transforms',
      type: 'list',
      placeholder: 'LIST',
      example: 'exposure',
      description:
        'path transforms in order: exposure, unique, first, frequency, first-touch, trim(N), remove-direct, remove-last-direct',
      check: (list: string[]) => {
        const bad = list.find((t) => !TRANSFORM.test(t));
        return bad === undefined
          ? undefined
          : `unknown path transform "${bad}"; use exposure, unique, first, frequency, first-touch, trim(N), remove-direct or remove-last-direct`;
      },
    },
    { name: 'include', type: 'list', placeholder: 'CHANNELS', description: 'keep only these channels' },
    { name: 'exclude', type: 'list', placeholder: 'CHANNELS', description: 'drop these channels' },
    {
      name: 'direct',
      type: 'string',
      choices: ['keep', 'drop', 'drop-last'],
      description: 'direct handling: drop unless only channel, or drop a last direct unless only channel',
    },
    {
      name: 'custom_weights',
      type: 'string',
      placeholder: 'FIRST,MIDDLE,LAST',
      example: '0.4,0.2,0.4',
      description: 'weights of the custom model: first touch, touches between, last touch (normalized)',
      check: (text: string) =>
        /^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$/.test(text)
          ? undefined
          : `expects three numbers ≥ 0 (first, middle, last), got "${text}"`,
    },
    {
      name: 'markov_order',
      type: 'integer',
      placeholder: 'K',
      min: 1,
      max: 10,
      example: '1',
      description: 'Markov chain order (default 1)',
    },
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
    if (f.clickhouse !== undefined && f.touchpoints === undefined)
      throw usageError(
        'needs --touchpoints TABLE',
        '--clickhouse',
        'e.g. --touchpoints touches --clickhouse http://127.0.0.1:8123',
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
      customWeights: customWeightsOf(f.custom_weights as string | undefined),
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
      for (const w of result.warnings ?? []) ctx.out.warn(w);
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
      customWeights: customWeightsOf(f.custom_weights as string | undefined),
    });
    for (const w of result.warnings ?? []) ctx.out.warn(w);
    ctx.out.result(result, () => formatAttributeTable(result));
    return 0;
  },
};

/** `--custom-weights 0.4,0.2,0.4` → the custom model's position weights. */
function customWeightsOf(
  text: string | undefined,
): { first: number; middle: number; last: number } | undefined {
  if (text === undefined) return undefined;
  const [first, middle, last] = text.split(',').map(Number);
  return { first, middle, last };
}
