// Imported from its module rather than the folder index: worker threads load only what validation needs.
import { createEventValidator } from '../../../analyses/instrumentation/event-validator.ts';
import type {
  MessageRef,
  TrackingPlan,
  ValidatorOptions,
  ValidatorSnapshot,
} from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';
import { jsonDeeperThan, TOO_DEEP } from './json-depth.ts';
import { forEachLine, notJsonReason } from './ndjson-lines.ts';
import type { ByteRange } from './ndjson-lines.ts';

/** One piece of a validation run: a file, or a byte range of one. */
export interface ValidationTask {
  plan: TrackingPlan;
  options: ValidatorOptions;
  file: string;
  range?: ByteRange;
}

export type ValidationTaskResult =
  | { ok: true; snapshot: ValidatorSnapshot; lines: number }
  /**
   * A line that is not a message (`line` counts from the first line of the task's range), or a file
   * that cannot be read (`where` and `hint` from the reader). Plain data: it crosses worker threads.
   */
  | { ok: false; message: string; line: number; lines: number; hint?: string; where?: string };

const NOT_A_MESSAGE_HINT = 'each line of an NDJSON file must be one JSON message; fix or remove the line';

/**
 * Runs a task in this thread: streams its lines, parses each as JSON and validates it. Stops at
 * the first line that is not JSON or nests deeper than `MAX_JSON_DEPTH`, or when the file cannot be
 * read (not gzip, truncated, no permission). Used directly for small inputs and by the worker threads.
 */
export async function runValidationTask(task: ValidationTask): Promise<ValidationTaskResult> {
  const validator = createEventValidator(task.plan, task.options);
  // One reference object, updated per line: the validator only keeps file and line as evidence.
  const ref: MessageRef = { file: task.file, line: 0 };
  let failure: { message: string; line: number } | undefined;
  const stop = new Error('stop');
  let lines = 0;
  try {
    lines = await forEachLine(
      task.file,
      (line, n) => {
        if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch (err) {
          failure = { message: notJsonReason(err), line: n };
          throw stop;
        }
        if (jsonDeeperThan(msg)) {
          failure = { message: `the message ${TOO_DEEP}`, line: n };
          throw stop;
        }
        ref.line = n;
        validator.validate(msg, ref);
      },
      task.range,
    );
  } catch (err) {
    if (err instanceof GtmError && err.code === 'INPUT')
      return { ok: false, message: err.message, line: 0, lines, hint: err.hint, where: err.where };
    if (err !== stop) throw err;
  }
  if (failure) return { ok: false, ...failure, lines, hint: NOT_A_MESSAGE_HINT };
  return { ok: true, snapshot: validator.snapshot(), lines };
}
