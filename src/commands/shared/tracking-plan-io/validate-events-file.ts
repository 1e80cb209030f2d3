import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { mergeValidatorSnapshots } from '../../../analyses/instrumentation/index.ts';
import { MessageIdIndex, crossTaskCandidates } from '../../../analyses/instrumentation/message-ids.ts';
import type { SeenElsewhere } from '../../../analyses/instrumentation/message-ids.ts';
import type {
  TrackingPlan,
  ValidationReport,
  ValidatorOptions,
} from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';
import { importPlan } from './import-plan.ts';
import { LineReader } from './ndjson-lines.ts';
import { listFiles } from './plan-format.ts';
import { refuseBinaryEvents } from './text-file.ts';
import type { PlanFormat } from './plan-format.ts';
import { expectedMessages, runValidationTask } from './validation-task.ts';
import type { ValidationTask, ValidationTaskResult } from './validation-task.ts';

export interface ValidateEventsFileOptions extends ValidatorOptions {
  /** The plan: a path (any supported format) or a plan already loaded. */
  plan: string | TrackingPlan;
  planFormat?: PlanFormat | 'auto';
  /** An NDJSON file (`.ndjson`, `.jsonl`, `.json`, optionally `.gz`) or a directory of them. */
  input: string;
  /**
   * Worker threads to spread the files over (byte ranges of large files). Default: the available
   * cores (at most 4) when the input is 32 MB or more, else 1 (no threads).
   */
  workers?: number;
}

const EVENT_FILE = /\.(ndjson|jsonl|json)(\.gz)?$/i;
const PARALLEL_FROM_BYTES = 32 * 1024 * 1024;

/** The NDJSON files an input names: the file itself, or the matching files under a directory. */
export function eventFiles(input: string): string[] {
  let stat;
  try {
    stat = statSync(input);
  } catch (err) {
    throw new GtmError('INPUT', 'events input not found', {
      where: input,
      hint: 'pass an NDJSON file or a directory of them',
      cause: err,
    });
  }
  if (!stat.isDirectory()) {
    refuseBinaryEvents(input);
    return [input];
  }
  const files = listFiles(input).filter((f) => EVENT_FILE.test(f));
  if (!files.length) {
    throw new GtmError('INPUT', 'no event files in directory', {
      where: input,
      hint: 'expected files ending in .ndjson, .jsonl or .json (optionally .gz)',
    });
  }
  for (const f of files) refuseBinaryEvents(f);
  return files;
}

/**
 * Validates Segment-spec messages stored as NDJSON (one message or one `batch` envelope per
 * line) against a tracking plan, streaming the files. Large inputs are split into byte ranges
 * validated on worker threads, and the results merged: the report is the same as a single pass
 * (evidence in stream order, `file:line` exact). Blank lines are skipped. Each messageId is
 * checked once, across files and threads: later copies are counted as `duplicates`.
 *
 * @example
 * const report = await validateEventsFile({ plan: 'plan.yaml', input: 'events/' });
 * console.log(formatValidationTable(report));
 * @throws GtmError('INPUT') at `file:line` for a line that is not JSON or nests deeper than 64
 *   levels, for a file that cannot be read (not gzip, truncated), and naming the input when it holds
 *   no message at all (empty, blank lines only); USAGE for `workers` below 1.
 */
export async function validateEventsFile(options: ValidateEventsFileOptions): Promise<ValidationReport> {
  const plan =
    typeof options.plan === 'string'
      ? importPlan({ path: options.plan, format: options.planFormat })
      : options.plan;
  const validatorOptions: ValidatorOptions = {};
  if (options.maxSamplesPerType !== undefined) validatorOptions.maxSamplesPerType = options.maxSamplesPerType;
  if (options.detectPii !== undefined) validatorOptions.detectPii = options.detectPii;
  if (options.dedupeMessageIds !== undefined) validatorOptions.dedupeMessageIds = options.dedupeMessageIds;
  const files = eventFiles(options.input);
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1))
    throw new GtmError('USAGE', `must be a whole number of at least 1, got ${String(options.workers)}`, {
      where: '--workers',
      hint: 'e.g. --workers 4, or leave it out to use the cores for large inputs',
    });
  const workers = options.workers ?? (total >= PARALLEL_FROM_BYTES ? Math.min(availableParallelism(), 4) : 1);

  // Tasks in stream order: whole files, or byte ranges of large plain files.
  const tasks: ValidationTask[] = [];
  files.forEach((file, i) => {
    const parts =
      file.endsWith('.gz') || workers === 1 ? 1 : Math.max(1, Math.round((workers * sizes[i]) / total));
    const step = Math.ceil(sizes[i] / parts);
    for (let k = 0; k < parts; k++) {
      const range = parts === 1 ? undefined : { start: k * step, end: Math.min(sizes[i], (k + 1) * step) };
      tasks.push({ plan, options: validatorOptions, file, ...(range ? { range } : {}) });
    }
  });

  const results: ValidationTaskResult[] =
    workers === 1 ? await runInOrder(tasks) : await runDedupedOnWorkers(tasks, workers);

  // Line numbers: a range counts from its first line; add the lines of the ranges before it.
  const offsets: number[] = [];
  const seen = new Map<string, number>();
  results.forEach((r, i) => {
    const file = tasks[i].file;
    offsets.push(seen.get(file) ?? 0);
    seen.set(file, (seen.get(file) ?? 0) + r.lines);
  });
  const failed = results.findIndex((r) => !r.ok);
  if (failed >= 0) {
    const r = results[failed] as Extract<ValidationTaskResult, { ok: false }>;
    throw new GtmError('INPUT', r.message, {
      where: r.where ?? `${tasks[failed].file}:${offsets[failed] + r.line}`,
      hint: r.hint,
    });
  }
  const report = mergeValidatorSnapshots(
    results.map((r, i) => ({
      snapshot: (r as Extract<ValidationTaskResult, { ok: true }>).snapshot,
      lineOffset: offsets[i],
    })),
  );
  // A report of 0 messages checked would pass --fail-on-violations and look like a clean capture.
  if (report.eventsChecked === 0) {
    const why =
      files.length > 1
        ? `its ${files.length} files ${total === 0 ? 'are empty (0 bytes)' : 'hold no message (only blank lines or empty batches)'}`
        : `the file ${total === 0 ? 'is empty (0 bytes)' : 'holds no message (only blank lines or empty batches)'}`;
    throw new GtmError('INPUT', `no events: ${why}`, {
      where: options.input,
      hint: 'give NDJSON with one Segment-spec message (track, identify, page, …) or batch envelope per line; check that the capture wrote to this file',
    });
  }
  return report;
}

/** Runs the tasks one after the other in this thread, sharing the messageIds checked (one pass). */
async function runInOrder(tasks: ValidationTask[]): Promise<ValidationTaskResult[]> {
  const out: ValidationTaskResult[] = [];
  const reader = new LineReader();
  let expected = 0;
  for (const t of tasks) expected += expectedMessages(t);
  const shared = { index: new MessageIdIndex(reader, expected), reader };
  try {
    for (const t of tasks) {
      const r = await runValidationTask(t.options.dedupeMessageIds === false ? t : { ...t, shared });
      out.push(r);
      if (!r.ok) break;
    }
  } finally {
    reader.close();
  }
  return out;
}

/**
 * Runs the tasks on worker threads, then counts each messageId once across them. Every task
 * returns the hashes and positions of the messageIds it checked first (typed arrays, moved to this
 * thread); a task holding a hash that an earlier task holds too (a retry split from its first copy,
 * or a rare equal hash) runs again with those first copies marked as seen, which it reads back and
 * compares exactly. Without such hashes there is no second round.
 */
async function runDedupedOnWorkers(
  tasks: ValidationTask[],
  concurrency: number,
): Promise<ValidationTaskResult[]> {
  if (tasks.length < 2 || tasks[0].options.dedupeMessageIds === false)
    return runOnWorkers(tasks, concurrency);
  const results = await runOnWorkers(
    tasks.map((t) => ({ ...t, exportIds: true })),
    concurrency,
  );
  if (results.some((r) => !r.ok)) return results;
  const exports = results.map((r) => (r as Extract<ValidationTaskResult, { ok: true }>).ids!);
  for (const r of results) delete (r as Extract<ValidationTaskResult, { ok: true }>).ids;
  const candidates = crossTaskCandidates(exports);
  const again: Array<{ index: number; seen: SeenElsewhere }> = [];
  candidates.forEach((list, index) => {
    if (!list) return;
    const files: string[] = [];
    const seen: SeenElsewhere = { files, file: [], pos: [], batch: [] };
    for (const { task, entry } of list) {
      let f = files.indexOf(tasks[task].file);
      if (f < 0) f = files.push(tasks[task].file) - 1;
      seen.file.push(f);
      seen.pos.push(exports[task].pos[entry]);
      seen.batch.push(exports[task].batch[entry]);
    }
    again.push({ index, seen });
  });
  if (again.length) {
    const rerun = await runOnWorkers(
      again.map(({ index, seen }) => ({ ...tasks[index], seen })),
      concurrency,
    );
    again.forEach(({ index }, k) => (results[index] = rerun[k]));
  }
  return results;
}

/**
 * Runs tasks on up to `concurrency` worker threads. From the compiled package (dist/), workers load
 * the compiled task module; from the TypeScript sources (tests, development), they load it through
 * tsx's loader API, whatever the parent's own loader is.
 */
async function runOnWorkers(tasks: ValidationTask[], concurrency: number): Promise<ValidationTaskResult[]> {
  const compiled = import.meta.url.endsWith('.js');
  const taskModule = new URL(compiled ? './validation-task.js' : './validation-task.ts', import.meta.url)
    .href;
  // The ESM build of tsx's API (its CommonJS build cannot register from an eval'd worker).
  const tsxApi = compiled
    ? null
    : pathToFileURL(
        join(
          dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
          'dist',
          'esm',
          'api',
          'index.mjs',
        ),
      ).href;
  const bootstrap = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) {
    const { register } = await import(workerData.tsxApi);
    register();
  }
  const mod = await import(workerData.taskModule);
  const result = await mod.runValidationTask(workerData.task);
  parentPort.postMessage(result, mod.transferablesOf(result));
})().catch((err) => parentPort.postMessage({ fatal: String((err && err.stack) || err) }));
`;
  const results = new Array<ValidationTaskResult>(tasks.length);
  let next = 0;
  const runOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(bootstrap, {
        eval: true,
        execArgv: [],
        workerData: { tsxApi, taskModule, task: tasks[i] },
      });
      worker.once('message', (msg: ValidationTaskResult | { fatal: string }) => {
        if ('fatal' in msg) reject(new GtmError('INTERNAL', `validation worker failed: ${msg.fatal}`));
        else {
          results[i] = msg;
          resolve();
        }
        void worker.terminate();
      });
      worker.once('error', (err) =>
        reject(new GtmError('INTERNAL', `validation worker failed: ${err.message}`, { cause: err })),
      );
    });
  const lane = async () => {
    while (next < tasks.length) await runOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, lane));
  return results;
}
