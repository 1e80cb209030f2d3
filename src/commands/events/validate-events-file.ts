import { statSync } from 'node:fs';
import { createEventValidator } from '../../analyses/instrumentation/index.ts';
import type { MessageRef, TrackingPlan, ValidationReport, ValidatorOptions } from '../../analyses/instrumentation/index.ts';
import { GtmError } from '../../errors/index.ts';
import { importPlan } from './import-plan.ts';
import { forEachLine } from './ndjson-lines.ts';
import { listFiles } from './plan-format.ts';
import type { PlanFormat } from './plan-format.ts';

export interface ValidateEventsFileOptions extends ValidatorOptions {
  /** The plan: a path (any supported format) or a plan already loaded. */
  plan: string | TrackingPlan;
  planFormat?: PlanFormat | 'auto';
  /** An NDJSON file (`.ndjson`, `.jsonl`, `.json`, optionally `.gz`) or a directory of them. */
  input: string;
}

const EVENT_FILE = /\.(ndjson|jsonl|json)(\.gz)?$/i;

/** The NDJSON files an input names: the file itself, or the matching files under a directory. */
export function eventFiles(input: string): string[] {
  let stat;
  try {
    stat = statSync(input);
  } catch (err) {
    throw new GtmError('INPUT', 'events input not found', { where: input, hint: 'pass an NDJSON file or a directory of them', cause: err });
  }
  if (!stat.isDirectory()) return [input];
  const files = listFiles(input).filter((f) => EVENT_FILE.test(f));
  if (!files.length) {
    throw new GtmError('INPUT', 'no event files in directory', { where: input, hint: 'expected files ending in .ndjson, .jsonl or .json (optionally .gz)' });
  }
  return files;
}

/**
 * Validates Segment-spec messages stored as NDJSON (one message or one `batch` envelope per
 * line) against a tracking plan, streaming the files. Blank lines are skipped.
 *
 * @example
 * const report = await validateEventsFile({ plan: 'plan.yaml', input: 'events/' });
 * console.log(formatValidationTable(report));
 * @throws GtmError('INPUT') at `file:line` for a line that is not JSON.
 */
export async function validateEventsFile(options: ValidateEventsFileOptions): Promise<ValidationReport> {
  const plan = typeof options.plan === 'string' ? importPlan({ path: options.plan, format: options.planFormat }) : options.plan;
  const validator = createEventValidator(plan, options);
  for (const file of eventFiles(options.input)) {
    // One reference object, updated per line: the validator only formats `file:line` for evidence.
    const ref: MessageRef = { file, line: 0 };
    await forEachLine(file, (line, n) => {
      if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch (err) {
        throw new GtmError('INPUT', `line is not valid JSON (${(err as Error).message})`, {
          where: `${file}:${n}`,
          hint: 'each line of an NDJSON file must be one JSON message; fix or remove the line',
          cause: err,
        });
      }
      ref.line = n;
      validator.validate(msg, ref);
    });
  }
  return validator.report();
}
