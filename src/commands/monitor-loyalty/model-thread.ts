/**
 * The churn and value models' fits in a worker thread. A fit holds the thread it runs on for tens
 * to hundreds of milliseconds (BG/NBD on ~20,000 distinct (x, t_x, T), its discounted purchases,
 * Gamma-Gamma, the holdout fit); on the main thread that is time in which the other stages running
 * beside the models (KPIs, liability, experiments) cannot hand the engine their next statement, and
 * its threads sit idle with work queued (see `engineTurn`). In a worker the main thread stays free.
 *
 * The functions are the pure ones of src/analyses/loyalty, called with the same arguments (copied
 * to the worker: small arrays of distinct combinations), so the results are the same numbers. A
 * worker that cannot start or fails leaves its calls to this thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MODEL_CALLS, type ModelCalls } from './model-calls.ts';

/** What the main thread asks: call `name` with `args`, answer `id`. */
export interface ModelRequest {
  id: number;
  name: keyof ModelCalls;
  args: unknown[];
}

/** The answer to request `id`: its value, or the error it threw. */
export type ModelReply = { id: number; value: unknown } | { id: number; error: string };

export interface ModelThread {
  /** `MODEL_CALLS[name](...args)`, in the worker when there is one. */
  call<K extends keyof ModelCalls>(
    name: K,
    ...args: Parameters<ModelCalls[K]>
  ): Promise<ReturnType<ModelCalls[K]>>;
  /** Ends the worker (pending calls are answered here). */
  close(): void;
  /** How many calls the worker answered (the others ran here). */
  readonly answered: number;
}

/**
 * The worker's script: beside this module (the bundled CLI's entry `model-worker.js` in
 * dist/cli-bundle, or the compiled module in dist/commands/monitor-loyalty), or, from the
 * TypeScript sources (tests, tsx), the .ts module through tsx's loader. Undefined when there is none.
 */
function startWorker(): Worker | undefined {
  if (import.meta.url.endsWith('.ts')) {
    const url = new URL('./model-worker.ts', import.meta.url);
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(boot, { eval: true });
  }
  const url = new URL('./model-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? new Worker(url) : undefined;
}

/** `MODEL_CALLS[name](...args)` here, as a promise (a throw becomes its rejection). */
const here = (name: keyof ModelCalls, args: readonly unknown[]): Promise<unknown> =>
  new Promise((resolve) => resolve((MODEL_CALLS[name] as (...a: unknown[]) => unknown)(...args)));

/** Calls in this thread (no worker, or small data where starting one costs more than it saves). */
export const inThisThread: ModelThread = {
  call: (name, ...args) => here(name, args) as Promise<never>,
  close: () => undefined,
  answered: 0,
};

/** Starts the worker; its calls fall back to this thread once it fails. */
export function startModelThread(): ModelThread {
  let worker: Worker | undefined;
  try {
    worker = startWorker();
  } catch {
    worker = undefined;
  }
  if (!worker) return inThisThread;
  const w = worker;
  let failed = false;
  let next = 0;
  let answered = 0;
  const pending = new Map<
    number,
    { name: keyof ModelCalls; args: unknown[]; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  // the worker gone (an error, an exit): what it had not answered is computed here
  const fail = () => {
    if (failed) return;
    failed = true;
    for (const [id, p] of pending) {
      pending.delete(id);
      here(p.name, p.args).then(p.resolve, p.reject);
    }
  };
  w.on('message', (m: ModelReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    // an error is thrown again here, so that the caller sees the function's own error object
    if ('error' in m) here(p.name, p.args).then(p.resolve, p.reject);
    else {
      answered++;
      p.resolve(m.value);
    }
  });
  w.once('error', fail);
  w.once('exit', fail);
  // an idle worker does not keep the process alive (a run that ends early never closes it)
  w.unref();
  return {
    call: (name, ...args) => {
      if (failed) return inThisThread.call(name, ...args);
      return new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { name, args, resolve: resolve as (v: unknown) => void, reject });
        w.ref();
        try {
          w.postMessage({ id, name, args } satisfies ModelRequest);
        } catch {
          fail();
        }
      }).finally(() => {
        if (!pending.size) w.unref();
      }) as Promise<never>;
    },
    close: () => {
      fail();
      void w.terminate();
    },
    get answered() {
      return answered;
    },
  };
}
