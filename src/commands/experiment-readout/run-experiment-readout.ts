import { readFile } from 'node:fs/promises';
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
} from '../shared/experiment-review/readout-input.ts';
import { analyzeReadout } from '../shared/experiment-review/analyze-readout.ts';
import type { ReadoutResult } from '../shared/experiment-review/readout-result.ts';

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
  const flags = checkReadoutFlags(opts);
  const input = await readInput(opts.input);
  return analyzeWithFlags(input, flags, opts.input);
}

/**
 * The readout of `input` with the flag overrides (from `checkReadoutFlags`) over its settings.
 * The combination is checked first: an error names the flag when the setting came from one
 * (USAGE), else `where:settings.<key>` (INPUT).
 *
 * @example
 * analyzeWithFlags(readReadoutCsv(text, 'r.csv'), checkReadoutFlags({ method: 'sequential' }), 'r.csv');
 */
export function analyzeWithFlags(
  input: ReadoutInput,
  flags: ReadoutSettingsInput,
  where: string,
): ReadoutResult {
  const settings: ReadoutSettingsInput = { ...input.settings, ...flags };
  // Flags and file settings are valid on their own; some combinations are not.
  const fromFlag = (key: keyof ReadoutSettingsInput) => flags[key] !== undefined;
  checkSettings(
    settings,
    (key) => (fromFlag(key) ? (FLAGS[key] ?? key) : `${where}:settings.${snake(key)}`),
    (key) => (fromFlag(key) ? 'USAGE' : 'INPUT'),
  );

  return analyzeReadout(input, settings);
}

/**
 * The method, difference, alpha and one-sided flags as settings, each checked on its own (a USAGE
 * error naming the flag).
 *
 * @example checkReadoutFlags({ alpha: 0.1 }); // { alpha: 0.1 }
 */
export function checkReadoutFlags(opts: Omit<ExperimentReadoutOptions, 'input'>): ReadoutSettingsInput {
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
