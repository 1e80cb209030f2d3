import { readFile } from 'node:fs/promises';
import {
  analyzeExperiment,
  decide,
  DEFAULT_ANALYSIS_SETTINGS,
  DEFAULT_DECISION_POLICY,
} from '../../analyses/experiments/index.ts';
import { GtmError, usageError } from '../../errors/index.ts';
import { readReadoutCsv } from './read-readout-csv.ts';
import { readReadoutJson } from './read-readout-json.ts';
import {
  checkSettings,
  DIFFERENCES,
  METHODS,
  snake,
  type ReadoutInput,
  type ReadoutSettingsInput,
} from './readout-input.ts';
import { toReadoutResult, type ReadoutResult } from './readout-result.ts';

export interface ExperimentReadoutOptions {
  /** Path of a .json or .csv file (see `readReadoutJson` and `readReadoutCsv` for the formats). */
  input: string;
  /** Overrides settings.method. */
  method?: 'frequentist' | 'bayesian' | 'sequential';
  /** Overrides settings.difference. */
  difference?: 'relative' | 'absolute';
  /** Overrides settings.alpha. */
  alpha?: number;
  /** Overrides settings.one_sided: test in each metric's good direction. */
  oneSided?: boolean;
}

const FLAGS: Partial<Record<keyof ReadoutSettingsInput, string>> = {
  method: '--method',
  difference: '--difference',
  alpha: '--alpha',
  oneSided: '--one-sided',
};

/**
 * The core of `gtm experiment-readout`: reads per-arm sufficient statistics from a JSON or CSV
 * file, analyses every variant against the control (frequentist Welch, sequential confidence
 * sequences or Bayesian), corrects for multiple testing, runs the health checks and returns the
 * result with a recommendation — ship, keep running, stop or roll back — and its reasons.
 * Flags override the file's settings.
 *
 * @example
 * const result = await runExperimentReadout({ input: 'readout.json', method: 'sequential' });
 * console.log(formatReadoutTable(result));
 * result.recommendation.action; // 'keep running'
 */
export async function runExperimentReadout(opts: ExperimentReadoutOptions): Promise<ReadoutResult> {
  const flags = checkFlags(opts);
  const input = await readInput(opts.input);
  const settings: ReadoutSettingsInput = { ...input.settings, ...flags };
  // Flags and file settings are valid on their own; some combinations are not.
  const fromFlag = (key: keyof ReadoutSettingsInput) => flags[key] !== undefined;
  checkSettings(
    settings,
    (key) => (fromFlag(key) ? (FLAGS[key] ?? key) : `${opts.input}:settings.${snake(key)}`),
    (key) => (fromFlag(key) ? 'USAGE' : 'INPUT'),
  );

  const analysis = analyzeExperiment(
    {
      variants: input.variants.map((v) => ({ name: v.name, weight: v.weight, units: v.users })),
      metrics: input.metrics.map((m) => ({
        name: m.name,
        arms: m.arms,
        lowerIsBetter: m.lowerIsBetter,
        guardrail: m.guardrail,
        nonInferiorityMargin: m.nonInferiorityMargin,
      })),
      multipleExposures: input.multipleExposures,
      daysRunning: input.daysRunning,
    },
    {
      method: settings.method ?? DEFAULT_ANALYSIS_SETTINGS.method,
      difference: settings.difference ?? DEFAULT_ANALYSIS_SETTINGS.difference,
      alpha: settings.alpha ?? DEFAULT_ANALYSIS_SETTINGS.alpha,
      oneSided: settings.oneSided ?? DEFAULT_ANALYSIS_SETTINGS.oneSided,
      sequentialTuning: settings.sequentialTuning ?? DEFAULT_ANALYSIS_SETTINGS.sequentialTuning,
      prior: settings.prior ?? null,
      correction: settings.correction ?? DEFAULT_ANALYSIS_SETTINGS.correction,
      srmThreshold: settings.srmThreshold ?? DEFAULT_ANALYSIS_SETTINGS.srmThreshold,
      maxMultipleExposureRate:
        settings.maxMultipleExposureRate ?? DEFAULT_ANALYSIS_SETTINGS.maxMultipleExposureRate,
      minSamplePerArm: settings.minSampleSize ?? DEFAULT_ANALYSIS_SETTINGS.minSamplePerArm,
      minDays: settings.minDays ?? DEFAULT_ANALYSIS_SETTINGS.minDays,
    },
  );
  const decision = decide(analysis, {
    chanceToWinThreshold: settings.chanceToWinThreshold ?? DEFAULT_DECISION_POLICY.chanceToWinThreshold,
    plannedSamplePerArm: settings.plannedSampleSize ?? null,
    plannedDays: settings.plannedDays ?? null,
  });
  return toReadoutResult(analysis, decision, input.metrics);
}

function checkFlags(opts: ExperimentReadoutOptions): ReadoutSettingsInput {
  const flags: ReadoutSettingsInput = {};
  if (opts.method !== undefined) {
    if (!METHODS.includes(opts.method)) {
      throw usageError(
        `unknown method '${String(opts.method)}'`,
        '--method',
        `use one of ${METHODS.join(', ')}`,
      );
    }
    flags.method = opts.method;
  }
  if (opts.difference !== undefined) {
    if (!DIFFERENCES.includes(opts.difference)) {
      throw usageError(
        `unknown difference '${String(opts.difference)}'`,
        '--difference',
        `use one of ${DIFFERENCES.join(', ')}`,
      );
    }
    flags.difference = opts.difference;
  }
  if (opts.alpha !== undefined) {
    if (typeof opts.alpha !== 'number' || !(opts.alpha > 0 && opts.alpha < 1)) {
      throw usageError(
        `alpha must be a number between 0 and 1, got ${String(opts.alpha)}`,
        '--alpha',
        'e.g. --alpha 0.05 for 95% intervals',
      );
    }
    flags.alpha = opts.alpha;
  }
  if (opts.oneSided !== undefined) {
    if (typeof opts.oneSided !== 'boolean') {
      throw usageError(
        `--one-sided takes no value, got ${String(opts.oneSided)}`,
        '--one-sided',
        'pass --one-sided to test in each metric’s good direction',
      );
    }
    flags.oneSided = opts.oneSided;
  }
  return flags;
}

async function readInput(path: string): Promise<ReadoutInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new GtmError(
      'INPUT',
      code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`,
      {
        where: path,
        hint: 'give the path of a .json or .csv readout file',
        cause: err,
      },
    );
  }
  const lower = path.toLowerCase();
  const json = lower.endsWith('.json') || (!lower.endsWith('.csv') && text.trimStart().startsWith('{'));
  return json ? readReadoutJson(text, path) : readReadoutCsv(text, path);
}
