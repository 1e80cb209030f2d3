/**
 * member_scores.csv's bytes in a worker thread: at a million members they take ~0.7 s of CPU, which
 * the main thread would otherwise spend after the rest of the report (the run's tail, one core busy,
 * the other idle). The worker starts when the report asks for the file, is sent a copy of the
 * figures (moved) and the ids, and hands back the buffers (moved).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IdPage, MemberScoresInput } from './member-scores-bytes.ts';

/** What the main thread sends: the figures and the ids. */
export interface MemberScoresRequest {
  input: MemberScoresInput;
  pages: readonly IdPage[];
}

/** The worker's answer: the file's pieces in order, or the error that stopped it. */
export type MemberScoresReply =
  { parts: { buffer: ArrayBuffer; offset: number; length: number }[] } | { error: string };

export interface MemberScoresJob {
  /** The file's bytes; rejects when the worker failed (the caller then writes them itself). */
  bytes(input: MemberScoresInput, pages: readonly IdPage[]): Promise<Buffer[]>;
  /** Ends the thread (a job not asked for its bytes, e.g. after an error). */
  cancel(): void;
}

/**
 * The worker's script: beside this module (the bundled CLI's entry `member-scores-worker.js` in
 * dist/cli-bundle, or the compiled module in dist/commands/monitor-loyalty), or, from the TypeScript
 * sources (tests, tsx), the .ts module through tsx's loader. Undefined when there is none.
 */
function startWorker(): Worker | undefined {
  if (import.meta.url.endsWith('.ts')) {
    const url = new URL('./member-scores-worker.ts', import.meta.url);
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return new Worker(boot, { eval: true });
  }
  const url = new URL('./member-scores-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? new Worker(url) : undefined;
}

/**
 * The input with every array copied into a buffer of its own, and those buffers: posted as moved,
 * not serialized (a structured clone of ~120 MB of columns took ~0.5 s of this thread; a copy and
 * a move, ~0.1 s). Copies, since the run's own arrays may still be read (a retried report).
 */
function movable(x: MemberScoresInput): { input: MemberScoresInput; buffers: ArrayBuffer[] } {
  const buffers: ArrayBuffer[] = [];
  const copy = <T extends Float64Array | Uint8Array | Int8Array>(a: T): T => {
    const c = a.slice() as T;
    buffers.push(c.buffer as ArrayBuffer);
    return c;
  };
  const each = <K extends string>(o: Record<K, Float64Array>) =>
    Object.fromEntries(Object.entries<Float64Array>(o).map(([k, v]) => [k, copy(v)])) as Record<
      K,
      Float64Array
    >;
  const r = x.rfm;
  const input: MemberScoresInput = {
    ...x,
    dims: x.dims.map((d) => ({ codes: copy(d.codes), cells: d.cells })),
    cols: each(x.cols),
    scores: each(x.scores),
    rfm: r && {
      recency: copy(r.recency),
      frequency: copy(r.frequency),
      monetary: copy(r.monetary),
      segment: copy(r.segment),
    },
    points: each(x.points),
    flags: x.flags.map((f) => ({ segment: f.segment, rows: copy(f.rows) })),
  };
  return { input, buffers };
}

/** Starts the worker (it loads while the ids are read); undefined when none can start. */
export function startMemberScoresJob(): MemberScoresJob | undefined {
  let worker: Worker | undefined;
  try {
    worker = startWorker();
  } catch {
    return undefined;
  }
  if (!worker) return undefined;
  const w = worker;
  const reply = new Promise<Buffer[]>((resolve, reject) => {
    w.once('message', (m: MemberScoresReply) => {
      if ('error' in m) reject(new Error(m.error));
      else resolve(m.parts.map((p) => Buffer.from(p.buffer, p.offset, p.length)));
    });
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the member scores thread stopped (exit code ${code})`)));
  });
  // a job cancelled before it was asked must not leave an unhandled rejection
  reply.catch(() => undefined);
  return {
    bytes: (input, pages) => {
      try {
        const m = movable(input);
        w.postMessage({ input: m.input, pages } satisfies MemberScoresRequest, m.buffers);
      } catch (e) {
        void w.terminate();
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return reply.finally(() => void w.terminate());
    },
    cancel: () => void w.terminate(),
  };
}
