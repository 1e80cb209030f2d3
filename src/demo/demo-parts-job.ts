import { Worker } from 'node:worker_threads';
import type { DemoPartOptions } from './demo-part.ts';

/** A file of the workspace: its path inside it, and its text (or its UTF-8 bytes). */
export interface DemoFile {
  path: string;
  content: string | Uint8Array;
}

/** A generated part, as the writer needs it: its files and its planted truth. */
export interface GeneratedPart {
  name: string;
  truth: Record<string, unknown>;
  files: DemoFile[];
}

/** What the worker posts back: the parts, their files encoded (the buffers are transferred, not copied). */
export type PartsMessage = GeneratedPart[];

const inProcess = async (o: DemoPartOptions): Promise<GeneratedPart[]> => {
  const { demoParts } = await import('./demo-parts.ts');
  return demoParts(o).map((p) => ({ name: p.name, truth: p.truth, files: p.files }));
};

/**
 * The worker: compiled JavaScript next to this module, or, when running from the TypeScript sources
 * (tests, tsx), the .ts module through tsx's loader.
 */
function startWorker(o: DemoPartOptions): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(`./demo-parts-worker.${ts ? 'ts' : 'js'}`, import.meta.url);
  if (!ts) return new Worker(url, { workerData: o });
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: o });
}

/**
 * Generates the monitoring commands' parts of the demo in a worker thread, so that they are made
 * while the main thread writes and runs track-source (on one core, or when no worker can start,
 * they are generated in this thread instead, with the same result). `cancel` stops the worker.
 */
export function generateParts(o: DemoPartOptions): { result: Promise<GeneratedPart[]>; cancel(): void } {
  let cancelled = false;
  let worker: Worker | undefined;
  const fallback = (cause: unknown) => (cancelled ? Promise.reject(cause as Error) : inProcess(o));
  let result: Promise<GeneratedPart[]>;
  try {
    const w = startWorker(o);
    worker = w;
    result = new Promise<GeneratedPart[]>((resolve, reject) => {
      w.once('message', (m: PartsMessage) => resolve(m));
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`the demo worker stopped (exit code ${code})`)));
    }).catch(fallback);
  } catch (cause) {
    result = fallback(cause);
  }
  // the caller awaits it; a cancelled run does not, and must not see an unhandled rejection
  result.catch(() => undefined);
  return {
    result,
    cancel() {
      cancelled = true;
      void worker?.terminate();
    },
  };
}
