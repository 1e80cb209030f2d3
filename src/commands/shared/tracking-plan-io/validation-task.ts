// Imported from its module rather than the folder index: worker threads load only what validation needs.
import { createEventValidator } from '../../../analyses/instrumentation/event-validator.ts';
import type {
  MessageRef,
  TrackingPlan,
  ValidatorOptions,
  ValidatorSnapshot,
} from '../../../analyses/instrumentation/index.ts';
import { forEachLine } from './ndjson-lines.ts';
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
  /** `line` counts from the first line of the task's range. */
  | { ok: false; message: string; line: number; lines: number };

/**
 * Runs a task in this thread: streams its lines, parses each as JSON and validates it. Stops at
 * the first line that is not JSON. Used directly for small inputs and by the worker threads.
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
          failure = { message: (err as Error).message, line: n };
          throw stop;
        }
        ref.line = n;
        validator.validate(msg, ref);
      },
      task.range,
    );
  } catch (err) {
    if (err !== stop) throw err;
  }
  if (failure) return { ok: false, ...failure, lines };
  return { ok: true, snapshot: validator.snapshot(), lines };
}
