import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  createEventValidator,
  knownConsentCategories,
  mergeValidatorSnapshots,
} from '../../../analyses/instrumentation/index.ts';
import {
  MessageIdIndex,
  crossTaskCandidates,
  workerIdHash,
} from '../../../analyses/instrumentation/message-ids.ts';
import type { MessageIdExport, SeenElsewhere } from '../../../analyses/instrumentation/message-ids.ts';
import type {
  GovernancePolicy,
  TrackingPlan,
  ValidationReport,
  ValidatorOptions,
} from '../../../analyses/instrumentation/index.ts';
import { cancellationSignal, cancelledError, throwIfCancelled } from '../../../data/cancellation.ts';
import { GtmError } from '../../../errors/index.ts';
import { checkConsentIds } from './consent-ids-config.ts';
import { asInputError, importPlan } from './import-plan.ts';
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
  /**
   * gtm.yaml's `events.governance`: its `consent.ids` (consent manager id → category) are checked
   * against the plan's and gtm.yaml's categories (CONFIG naming the key) and read by the validator,
   * unless `consentIds` is given (already checked).
   */
  governance?: GovernancePolicy;
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
  const plan = checkedPlan(options);
  const validatorOptions = validatorOptionsOf(options);
  if (validatorOptions.consentIds === undefined && options.governance?.consent?.ids) {
    const ids = checkConsentIds(
      options.governance.consent.ids,
      knownConsentCategories(plan, options.governance),
    );
    if (ids) validatorOptions.consentIds = ids;
  }
  const files = eventFiles(options.input);
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1))
    throw new GtmError('USAGE', `must be a whole number of at least 1, got ${String(options.workers)}`, {
      where: '--workers',
      hint: 'e.g. --workers 4, or leave it out to use the cores for large inputs',
    });
  // more threads than cores only adds each worker's start (its own plan compile) to the run: 64 on
  // 2 cores took 18-23 s for 4,000 lines that one thread checks in 0.75 s
  const workers = Math.min(options.workers ?? (total >= PARALLEL_FROM_BYTES ? 4 : 1), availableParallelism());

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
  // (runDedupedOnWorkers may have split a task it ran again into consecutive ranges, in `tasks`)

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
  if (report.eventsChecked === 0) throw noEvents(options.input, files.length, total);
  return report;
}

/**
 * The plan of the options, read if it is a path. A plan whose schemas Ajv cannot compile is
 * refused here, naming the event, before any worker starts.
 */
function checkedPlan(options: ValidateEventsFileOptions): TrackingPlan {
  const plan =
    typeof options.plan === 'string'
      ? importPlan({ path: options.plan, format: options.planFormat })
      : options.plan;
  try {
    createEventValidator(plan, { dedupeMessageIds: false });
  } catch (err) {
    throw asInputError(
      err,
      typeof options.plan === 'string' ? options.plan : 'the tracking plan',
      'tracking',
    );
  }
  return plan;
}

/** The validator settings the options give (the ones left out keep the validator's defaults). */
function validatorOptionsOf(options: ValidateEventsFileOptions): ValidatorOptions {
  const out: ValidatorOptions = {};
  if (options.maxSamplesPerType !== undefined) out.maxSamplesPerType = options.maxSamplesPerType;
  if (options.detectPii !== undefined) out.detectPii = options.detectPii;
  if (options.dedupeMessageIds !== undefined) out.dedupeMessageIds = options.dedupeMessageIds;
  if (options.now !== undefined) out.now = options.now;
  if (options.consentIds !== undefined) out.consentIds = options.consentIds;
  return out;
}

/** The INPUT error of an input that holds no message: empty files, blank lines or empty batches. */
function noEvents(input: string, files: number, bytes: number): GtmError {
  const why =
    files > 1
      ? `its ${files} files ${bytes === 0 ? 'are empty (0 bytes)' : 'hold no message (only blank lines or empty batches)'}`
      : `the file ${bytes === 0 ? 'is empty (0 bytes)' : 'holds no message (only blank lines or empty batches)'}`;
  return new GtmError('INPUT', `no events: ${why}`, {
    where: input,
    hint: 'give NDJSON with one Segment-spec message (track, identify, page, …) or batch envelope per line; check that the capture wrote to this file',
  });
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
      // a cancelled run (gtm mcp's events-validate) stops between files
      throwIfCancelled();
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
  const rerun = candidates.flatMap((list, index) => (list ? [index] : []));
  if (!rerun.length) return results;
  const jobs = rerunJobs(tasks, results, exports, candidates, rerun, Math.floor(concurrency / rerun.length));
  const again = await runOnWorkers(
    jobs.map((j) => j.task),
    concurrency,
  );
  // the results in task order, a split task's ranges in its place (and in `tasks`, for line numbers)
  const nextTasks: ValidationTask[] = [];
  const nextResults: ValidationTaskResult[] = [];
  tasks.forEach((t, index) => {
    const mine = jobs.flatMap((j, k) => (j.index === index ? [k] : []));
    if (!mine.length) {
      nextTasks.push(t);
      nextResults.push(results[index]);
      return;
    }
    for (const k of mine) {
      const { seen: _seen, ...task } = jobs[k].task;
      nextTasks.push(task);
      nextResults.push(again[k]);
    }
  });
  tasks.splice(0, tasks.length, ...nextTasks);
  return nextResults;
}

/** First copies to mark as seen in a task, each file listed once. */
function seenList(): { seen: SeenElsewhere; add(file: string, pos: number, batch: number): void } {
  const seen: SeenElsewhere = { files: [], file: [], pos: [], batch: [] };
  return {
    seen,
    add(file, pos, batch) {
      let f = seen.files.indexOf(file);
      if (f < 0) f = seen.files.push(file) - 1;
      seen.file.push(f);
      seen.pos.push(pos);
      seen.batch.push(batch);
    },
  };
}

/**
 * The second round: each task in `rerun`, given the earlier tasks' first copies of its hashes. A
 * task runs again whole; with `parts` > 1 (fewer such tasks than workers) it is split into
 * consecutive ranges run side by side (a late re-send of a first-half message otherwise ran the
 * whole second half again on one core: 1M messages, one such re-send, 11.1 s against 6-7 s). A
 * range gets what its task would get, and those of the task's own first copies that start in the
 * ranges before it and that the task read again: a later copy there of an id first read in an
 * earlier range is then a duplicate, as in one pass.
 */
function rerunJobs(
  tasks: readonly ValidationTask[],
  results: readonly ValidationTaskResult[],
  exports: readonly MessageIdExport[],
  candidates: ReturnType<typeof crossTaskCandidates>,
  rerun: readonly number[],
  parts: number,
): Array<{ index: number; task: ValidationTask }> {
  const jobs: Array<{ index: number; task: ValidationTask }> = [];
  for (const index of rerun) {
    const elsewhere = (list: ReturnType<typeof seenList>) => {
      for (const { task, entry } of candidates[index]!)
        list.add(tasks[task].file, exports[task].pos[entry], exports[task].batch[entry]);
      return list;
    };
    const ranges = parts > 1 ? subRanges(tasks[index], parts) : undefined;
    if (!ranges) {
      jobs.push({ index, task: { ...tasks[index], seen: elsewhere(seenList()).seen } });
      continue;
    }
    // the task's own first copies that it read again later (its snapshot's repeated ids): only
    // those can be repeated in a later range (the others are read once in the task)
    const own = exports[index];
    const repeated = new Set(
      (results[index] as Extract<ValidationTaskResult, { ok: true }>).snapshot.duplicateIds.map((d) =>
        workerIdHash(d.id).join(':'),
      ),
    );
    for (const sub of ranges) {
      const list = elsewhere(seenList());
      for (let e = 0; e < own.pos.length; e++)
        if (own.pos[e] < sub.range!.start && repeated.has(`${own.h1[e]}:${own.h2[e]}`))
          list.add(sub.file, own.pos[e], own.batch[e]);
      jobs.push({ index, task: { ...sub, seen: list.seen } });
    }
  }
  return jobs;
}

/**
 * `parts` consecutive byte ranges of a plain-file task (its range, or the whole file), or undefined
 * for a gzip file (no byte ranges) or one too small to split.
 */
function subRanges(task: ValidationTask, parts: number): ValidationTask[] | undefined {
  if (task.file.endsWith('.gz')) return undefined;
  let start = 0;
  let end: number;
  if (task.range) ({ start, end } = task.range);
  else {
    try {
      end = statSync(task.file).size;
    } catch {
      return undefined;
    }
  }
  const step = Math.ceil((end - start) / parts);
  if (step < 1) return undefined;
  const out: ValidationTask[] = [];
  for (let k = 0; k < parts; k++)
    out.push({ ...task, range: { start: start + k * step, end: Math.min(end, start + (k + 1) * step) } });
  return out;
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
  // a cancelled run (gtm mcp's events-validate) starts no further task and ends the running ones
  const signal = cancellationSignal();
  const runOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(cancelledError());
      const worker = new Worker(bootstrap, {
        eval: true,
        execArgv: [],
        workerData: { tsxApi, taskModule, task: tasks[i] },
      });
      const cancel = () => {
        void worker.terminate();
        reject(cancelledError());
      };
      signal?.addEventListener('abort', cancel, { once: true });
      worker.once('exit', () => signal?.removeEventListener('abort', cancel));
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
