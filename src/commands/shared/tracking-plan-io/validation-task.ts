// Imported from its module rather than the folder index: worker threads load only what validation needs.
import { statSync } from 'node:fs';
import { createEventValidator } from '../../../analyses/instrumentation/event-validator.ts';
import { MessageIdIndex } from '../../../analyses/instrumentation/message-ids.ts';
import type { MessageIdExport, SeenElsewhere } from '../../../analyses/instrumentation/message-ids.ts';
import type {
  MessageRef,
  TrackingPlan,
  ValidatorOptions,
  ValidatorSnapshot,
} from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';
import { jsonDeeperThan, TOO_DEEP } from './json-depth.ts';
import { LineReader, forEachLine, notJsonReason } from './ndjson-lines.ts';
import type { ByteRange } from './ndjson-lines.ts';

/** One piece of a validation run: a file, or a byte range of one. */
export interface ValidationTask {
  plan: TrackingPlan;
  options: ValidatorOptions;
  file: string;
  range?: ByteRange;
  /** Return this task's first copies of messageIds (`ids`), to find the ones other tasks repeat. */
  exportIds?: boolean;
  /** First copies of messageIds in earlier tasks that this task's messages may repeat. */
  seen?: SeenElsewhere;
  /**
   * In this thread only (not sent to workers): the index of the tasks run before this one, with
   * `reader` to read their lines back.
   */
  shared?: { index: MessageIdIndex; reader: LineReader };
}

export type ValidationTaskResult =
  | { ok: true; snapshot: ValidatorSnapshot; lines: number; ids?: MessageIdExport }
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
  const dedupe = task.options.dedupeMessageIds ?? true;
  const reader = task.shared?.reader ?? (dedupe ? new LineReader() : undefined);
  try {
    return await runWith(
      task,
      dedupe ? (task.shared?.index ?? new MessageIdIndex(reader, expectedMessages(task))) : undefined,
    );
  } finally {
    if (!task.shared) reader?.close();
  }
}

/**
 * About how many messages a task may hold, to size its messageId index up front: a Segment
 * message takes 256 bytes or more of NDJSON (the benchmark's take 444), and gzip packs NDJSON
 * about 8 to 1.
 */
export function expectedMessages(task: Pick<ValidationTask, 'file' | 'range'>): number {
  let bytes = 0;
  try {
    bytes = task.range ? task.range.end - task.range.start : statSync(task.file).size;
  } catch {
    // the reader names the file it cannot read
  }
  return Math.ceil(((task.file.endsWith('.gz') ? 8 : 1) * bytes) / 256);
}

async function runWith(
  task: ValidationTask,
  index: MessageIdIndex | undefined,
): Promise<ValidationTaskResult> {
  if (index && task.seen) await index.seeElsewhere(task.seen);
  index?.setFile(task.file);
  const validator = createEventValidator(
    task.plan,
    index ? { ...task.options, messageIds: index } : task.options,
  );
  // One reference object, updated per line: the validator only keeps file and line as evidence.
  const ref: MessageRef = { file: task.file, line: 0 };
  // Where a messageId's first copy is read back: its byte offset (gzip: its line number).
  const offsets = !task.file.endsWith('.gz');
  let failure: { message: string; line: number } | undefined;
  const stop = new Error('stop');
  let lines = 0;
  try {
    lines = await forEachLine(
      task.file,
      (line, n, offset) => {
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
        if (offsets) ref.offset = offset;
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
  await validator.settle();
  const result: ValidationTaskResult = { ok: true, snapshot: validator.snapshot(), lines };
  if (index && task.exportIds) result.ids = index.exportOwn();
  return result;
}

/** The buffers of a result's typed arrays, moved (not copied) to the thread that receives it. */
export function transferablesOf(result: ValidationTaskResult): ArrayBuffer[] {
  if (!result.ok || !result.ids) return [];
  const { h1, h2, pos, batch } = result.ids;
  return [h1.buffer, h2.buffer, pos.buffer, batch.buffer] as ArrayBuffer[];
}
