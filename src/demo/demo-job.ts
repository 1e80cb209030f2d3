import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GtmError, type ErrorCode } from '../errors/index.ts';
import type { DemoJobMessage, DemoJobOptions, DemoRest } from './demo-job-run.ts';
import type { CoreTruth } from './generate-demo.ts';

/** The demo's data being generated and written: track-source's first, then the rest. */
export interface DemoJob {
  /** Resolves once track-source's own files are written, with their truth and paths. */
  core: Promise<{ truth: CoreTruth; paths: string[] }>;
  /** Resolves once the captured payloads and the monitoring parts are written. */
  rest: Promise<DemoRest>;
  /** Stops the worker (when the demo fails before using the data). */
  cancel(): void;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The error a job posted, as the error it was (a GtmError keeps its code, place and hint). */
function jobError(m: Extract<DemoJobMessage, { kind: 'error' }>): Error {
  const e = m.error;
  return e.gtm
    ? new GtmError(e.code as ErrorCode, e.message, { where: e.where, hint: e.hint })
    : new Error(e.message);
}

/**
 * The worker's script: the bundled one beside the CLI's chunks when built, else the compiled module
 * next to this one, or, when running from the TypeScript sources (tests, tsx), the .ts module
 * through tsx's loader.
 */
function startWorker(o: DemoJobOptions): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const url = new URL('./demo-worker.ts', import.meta.url);
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(boot, { eval: true, workerData: o });
  }
  const bundled = new URL('../cli-bundle/demo-worker.js', import.meta.url);
  return new Worker(
    existsSync(fileURLToPath(bundled)) ? bundled : new URL('./demo-worker.js', import.meta.url),
    {
      workerData: o,
    },
  );
}

/**
 * Generates and writes the demo's data in a worker thread, so that the main thread meanwhile loads
 * what the demo's run needs, and runs track-source while the rest is generated. When no worker can
 * start (or it stops without a word) the work is done in this thread instead, from where the worker
 * stopped, with the same files. An error the job itself reports (e.g. a folder it cannot write) is
 * the demo's error.
 */
export function startDemoJob(o: DemoJobOptions): DemoJob {
  const core = deferred<{ truth: CoreTruth; paths: string[] }>();
  const rest = deferred<DemoRest>();
  let stage: 'core' | 'rest' | 'done' = 'core';
  let cancelled = false;
  let worker: Worker | undefined;
  // an error before track-source's files are written is also the rest's: nothing more comes
  const fail = (e: unknown) => {
    if (stage === 'core') core.reject(e);
    rest.reject(e);
  };
  const onMessage = (m: DemoJobMessage) => {
    if (m.kind === 'core') {
      stage = 'rest';
      core.resolve({ truth: m.truth, paths: m.paths });
    } else if (m.kind === 'rest') {
      stage = 'done';
      rest.resolve({ events: m.events, parts: m.parts });
    } else {
      fail(jobError(m));
      stage = 'done';
    }
  };
  // the worker could not start or stopped without a word: this thread does what is left
  let fellBack = false;
  const inProcess = () => {
    if (cancelled || fellBack || stage === 'done') return;
    fellBack = true;
    const from = stage;
    void import('./demo-job-run.ts')
      .then(({ runDemoJob, errorMessage }) =>
        runDemoJob(o, from, onMessage).catch((e) => onMessage(errorMessage(e))),
      )
      .catch(fail);
  };
  try {
    const w = startWorker(o);
    worker = w;
    w.on('message', onMessage);
    w.once('error', inProcess);
    w.once('exit', () => {
      if (stage !== 'done') inProcess();
    });
  } catch {
    inProcess();
  }
  // a cancelled demo does not await them, and must not see an unhandled rejection
  core.promise.catch(() => undefined);
  rest.promise.catch(() => undefined);
  return {
    core: core.promise,
    rest: rest.promise,
    cancel() {
      cancelled = true;
      void worker?.terminate();
    },
  };
}
