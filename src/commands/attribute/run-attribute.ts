import { open } from 'node:fs/promises';
import {
  attributeAsync,
  AttributionInputError,
  compareModelsAsync,
  formatPath,
  PathColumnsParser,
  preparePaths,
  resolveModelName,
  type AttributionOptions,
  type AttributionResult,
  type AttributionTotals,
  type ChannelCredit,
  type ChannelSpread,
  type MarkovDetails,
  type ModelName,
  type ParsedPathColumns,
  type PathColumns,
  type PathSummaryColumns,
  type PathRecord,
  type PathSummaryFormat,
  type ShapleyDetails,
} from '../../analyses/attribution/index.ts';
import { slicedPause } from '../../data/cancellation.ts';
import { GtmError } from '../../errors/index.ts';

/** Inputs of `gtm attribute`: a path-summary file, a model, and the model and path options. */
export interface AttributeOptions extends Omit<AttributionOptions, 'perPath' | 'bootstrap' | 'seed'> {
  /** Path-summary file (ChannelAttribution `;` or fractribution `,` format). */
  paths: string;
  /** Model name or alias, or `compare`. */
  model: string;
  /** Channel separator inside the path column (default ' > '). */
  sep?: string;
  /** File format; `auto` (default) reads it from the header. */
  format?: 'auto' | PathSummaryFormat;
  /** Column names when they differ from the format's defaults. */
  columns?: PathSummaryColumns;
  /** Also return credit per (prepared) path; single models only. */
  perPath?: boolean;
  /** Bootstrap resamples for confidence intervals (0 = none). */
  bootstrap?: number;
  seed?: number;
}

export interface AttributePathRow {
  path: string;
  conversions: number;
  value: number;
  nulls: number;
  shares: Record<string, number>;
}

/** The machine contract of `gtm attribute` (plain JSON). */
export interface AttributeResult {
  source: {
    file: string;
    format: PathSummaryFormat | 'touchpoints';
    columns: Record<string, string>;
    records: number;
    /**
     * A touch log read by DuckDB: its rows, those kept in a path, and those left out with the reason
     * (rows = kept + the rejected ones); converting journeys whose touches carry different values
     * (the largest is kept); journeys left without any touch (credited to `(unmatched)`).
     */
    touches?: {
      rows: number;
      kept: number;
      rejected: { no_channel: number; no_time: number };
      value_conflicts?: number;
      journeys_without_touch: number;
    };
  };
  /** What the user should know about the input (also printed as warning lines). */
  warnings?: string[];
  model: ModelName | 'compare';
  totals: AttributionTotals;
  /** Credit per channel (single model), largest first. */
  channels?: ChannelCredit[];
  /** Spread of each channel's credit across models (`compare`). */
  comparison?: {
    models: ModelName[];
    skipped: { model: ModelName; reason: string }[];
    channels: ChannelSpread[];
  };
  perPath?: AttributePathRow[];
  markov?: MarkovDetails;
  shapley?: ShapleyDetails;
  bootstrap?: { resamples: number; seed: number; level: number };
}

/**
 * Reads a path summary and attributes its conversions and value with one model, or with every
 * model (`compare`). File problems become `GtmError('INPUT')` pointing at `file:line`; a bad model
 * name or option becomes `GtmError('USAGE')` pointing at the flag.
 *
 * @example
 * const result = await runAttribute({ paths: 'paths.csv', model: 'markov', bootstrap: 200, seed: 7 });
 * console.log(formatAttributeTable(result));
 */
export async function runAttribute(opts: AttributeOptions): Promise<AttributeResult> {
  let model: ModelName | 'compare';
  try {
    model = resolveModelName(opts.model);
  } catch (err) {
    throw new GtmError('USAGE', (err as Error).message, {
      where: '--model',
      hint: 'e.g. --model markov, or compare',
    });
  }
  if (model === 'compare' && opts.perPath) {
    throw new GtmError('USAGE', '--per-path needs a single model, not compare', {
      where: '--per-path',
      hint: 'pick one model with --model, or drop --per-path',
    });
  }

  const {
    paths: file,
    model: _model,
    sep,
    format,
    columns,
    perPath,
    bootstrap,
    seed,
    ...modelOptions
  } = opts;
  let lines: ArrayLike<number> = [];
  try {
    const parsed = await readPathSummary(file, { separator: sep, format, columns });
    lines = parsed.lines;
    if (parsed.paths.rows === 0) {
      throw new GtmError('INPUT', 'the file has a header but no paths', {
        where: file,
        hint: 'add one line per path below the header',
      });
    }
    const source = {
      file,
      format: parsed.format,
      columns: parsed.columns as Record<string, string>,
      records: parsed.paths.rows,
    };
    const result = await attributeRecords(parsed.paths, source, model, {
      ...modelOptions,
      perPath,
      bootstrap,
      seed,
      sep,
    });
    const stray = valueWithoutConversions(parsed.paths, file, lines);
    if (stray) result.warnings = [...(result.warnings ?? []), stray];
    return result;
  } catch (err) {
    throw toGtmError(err, file, lines);
  }
}

/**
 * A path summary's value is the value of its conversions: a row with value but no conversions is
 * contradictory, and the models disagree on it (the rule models and Markov credit it to the path's
 * channels, Shapley and fractribution to `(unmatched)`; a touch log never has it, a non-converting
 * journey's value being 0). One warning line with the count, the sum and the first line.
 */
export function valueWithoutConversions(
  paths: PathColumns,
  file: string,
  lines: ArrayLike<number>,
): string | null {
  let rows = 0;
  let sum = 0;
  let first = -1;
  for (let r = 0; r < paths.rows; r++) {
    if (paths.value[r] > 0 && !(paths.conversions[r] > 0)) {
      rows++;
      sum += paths.value[r];
      if (first < 0) first = r;
    }
  }
  if (rows === 0) return null;
  const at = lines[first] !== undefined ? `${file}:${lines[first]}` : file;
  return (
    `${rows} path${rows === 1 ? '' : 's'} carr${rows === 1 ? 'ies' : 'y'} a conversion value but no conversions ` +
    `(${sum} in all; first at ${at}): the models disagree on it (the rule models and markov credit it to the ` +
    `path's channels, shapley and fractribution to (unmatched)) — put the value on converting paths only, or set it to 0`
  );
}

/** Bytes read per chunk: one buffer, reused, so a file of any size costs this much memory to read. */
const CHUNK_BYTES = 1 << 20;

/**
 * Parses the file chunk by chunk into columns. Reading errors become INPUT errors naming the file;
 * parse errors are left to `toGtmError`.
 */
async function readPathSummary(
  file: string,
  options: ConstructorParameters<typeof PathColumnsParser>[0],
): Promise<ParsedPathColumns> {
  const cannotRead = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    return new GtmError(
      'INPUT',
      code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`,
      { where: file, hint: 'check the path given to --paths', cause: err },
    );
  };
  let handle: Awaited<ReturnType<typeof open>>;
  let size: number;
  try {
    handle = await open(file, 'r');
    size = (await handle.stat()).size;
  } catch (err) {
    throw cannotRead(err);
  }
  try {
    const parser = new PathColumnsParser({ ...options, sizeHint: size });
    const buffer = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(1, size)));
    for (;;) {
      let n: number;
      try {
        n = (await handle.read(buffer, 0, buffer.length, null)).bytesRead;
      } catch (err) {
        throw cannotRead(err);
      }
      if (n === 0) break;
      parser.push(buffer.subarray(0, n));
    }
    return parser.finish();
  } finally {
    await handle.close();
  }
}

/** How long the model step works before it gives the event loop a turn (and reads a cancellation). */
export const MODEL_SLICE_MS = 50;

/**
 * The model step shared by path summaries and raw touchpoints: prepare the paths (records or
 * columns) once, then run one model or all of them. A bootstrap's resamples give the event loop a
 * turn every `MODEL_SLICE_MS` and stop when the run was cancelled (`withCancellation`): under
 * `gtm mcp` the server goes on sending progress and reading messages while they run, and a call
 * the client cancels stops within a slice instead of after its last resample.
 */
export async function attributeRecords(
  records: PathRecord[] | PathColumns,
  source: AttributeResult['source'],
  model: ModelName | 'compare',
  opts: AttributionOptions & { sep?: string },
): Promise<AttributeResult> {
  const { sep, ...options } = opts;
  const prepared = preparePaths(records, options);
  const pause = slicedPause(MODEL_SLICE_MS);
  if (model === 'compare') {
    const cmp = await compareModelsAsync(prepared, options, pause);
    return {
      source,
      model,
      totals: cmp.results[0].totals,
      comparison: { models: cmp.models, skipped: cmp.skipped, channels: cmp.channels },
    };
  }
  return attributeResultOf(await attributeAsync(prepared, model, options, pause), source, sep);
}

/** The command's result of one model's run. */
export function attributeResultOf(
  res: AttributionResult,
  source: AttributeResult['source'],
  sep?: string,
): AttributeResult {
  const result: AttributeResult = { source, model: res.model, totals: res.totals, channels: res.channels };
  if (res.perPath) {
    result.perPath = res.perPath.map((p) => ({
      path: formatPath(p.path, sep),
      conversions: p.conversions,
      value: p.value,
      nulls: p.nulls,
      shares: p.shares,
    }));
  }
  if (res.markov) result.markov = res.markov;
  if (res.shapley) result.shapley = res.shapley;
  if (res.bootstrap) result.bootstrap = res.bootstrap;
  return result;
}

function toGtmError(err: unknown, file: string, lines: ArrayLike<number>): unknown {
  if (err instanceof GtmError) return err;
  if (err instanceof AttributionInputError) {
    if (err.line !== undefined) {
      const column = err.column !== undefined ? ` (column ${err.column})` : '';
      return new GtmError('INPUT', `${err.message}${column}`, {
        where: `${file}:${err.line}`,
        hint: err.hint,
        cause: err,
      });
    }
    if (err.record !== undefined) {
      return new GtmError('INPUT', err.message, {
        where: `${file}:${lines[err.record] ?? '?'}`,
        hint: err.hint,
        cause: err,
      });
    }
    if (err.option !== undefined) {
      const flag = FLAG_OF_OPTION[err.option];
      // The pure module names its option (`markovOrder must be …`); the user reads the flag.
      const message = err.message.startsWith(`${err.option} `)
        ? err.message.slice(err.option.length + 1)
        : err.message;
      return new GtmError('USAGE', message, {
        where: flag ?? `option ${err.option} (library)`,
        hint: err.hint,
        cause: err,
      });
    }
    return new GtmError('INPUT', err.message, { where: file, hint: err.hint, cause: err });
  }
  return err;
}

/** Options of the attribution module that the CLI exposes as flags; the others are library-only. */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  bootstrap: '--bootstrap',
  direct: '--direct',
  customWeights: '--custom-weights',
  markovOrder: '--markov-order',
  perPath: '--per-path',
  lookbackSteps: '--lookback-steps',
  separator: '--sep',
  transforms: '--transforms',
};
