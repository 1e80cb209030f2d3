import { Worker } from 'node:worker_threads';
import { GtmError, type ErrorCode } from '../errors/index.ts';
import type { Shot, SnapshotOptions } from './snapshot-png.ts';

/** What the main thread asks the snapshot thread: take the pictures, or just close Chromium. */
export type SnapshotRequest =
  { type: 'shoot'; html: string; shots: Shot[]; options: SnapshotOptions } | { type: 'close' };

/** The snapshot thread's answer once the pictures are written: the error of the snapshot, if any. */
export interface SnapshotReply {
  type: 'shot';
  error?: { code?: ErrorCode; message: string; where?: string; hint?: string };
}

/** The snapshot thread's last message: Chromium is closed and its profile removed. */
export interface SnapshotClosed {
  type: 'closed';
}

/** The worker: compiled JavaScript next to this module, or the .ts module through tsx's loader. */
function startWorker(options: SnapshotOptions): Worker {
  const ts = import.meta.url.endsWith('.ts');
  const url = new URL(`./snapshot-worker.${ts ? 'ts' : 'js'}`, import.meta.url);
  if (!ts) return new Worker(url, { workerData: options });
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: options });
}

/**
 * A worker thread that starts Chromium at once (playwright-core's loading, the launch, the page
 * load and the screenshots all run there, off the main thread) and takes one snapshot or closes.
 */
export class SnapshotThread {
  private readonly worker: Worker;
  private readonly reply: Promise<SnapshotReply>;
  /** Resolves once Chromium is closed (or the thread failed) and the thread has ended. */
  private readonly finished: Promise<void>;
  private asked = false;

  constructor(options: SnapshotOptions) {
    const worker = startWorker(options);
    this.worker = worker;
    let closed!: () => void;
    const whenClosed = new Promise<void>((resolve) => (closed = resolve));
    this.reply = new Promise<SnapshotReply>((resolve, reject) => {
      worker.on('message', (m: SnapshotReply | SnapshotClosed) =>
        m.type === 'closed' ? closed() : resolve(m),
      );
      const failed = (e: Error) => {
        reject(e);
        closed();
      };
      worker.once('error', failed);
      worker.once('exit', (code) => failed(new Error(`the snapshot thread stopped (exit code ${code})`)));
    });
    this.reply.catch(() => undefined);
    this.finished = whenClosed.then(() => worker.terminate()).then(() => undefined);
  }

  /**
   * Takes the pictures in the thread and resolves once they are written (Chromium then closes
   * there: `close` waits for that). Rejects when the thread itself failed (then the caller can take
   * them here); a failed snapshot resolves with its error.
   */
  async shoot(html: string, shots: readonly Shot[], options: SnapshotOptions): Promise<SnapshotReply> {
    this.ask({ type: 'shoot', html, shots: [...shots], options });
    return this.reply;
  }

  /** Closes Chromium (when no snapshot took it), or waits until it is closed; ends the thread. */
  async close(): Promise<void> {
    this.ask({ type: 'close' });
    await this.finished;
  }

  private ask(request: SnapshotRequest): void {
    if (this.asked) return;
    this.asked = true;
    this.worker.postMessage(request);
  }
}

/** The error a snapshot thread reported, as the GtmError it was. */
export function snapshotError(e: NonNullable<SnapshotReply['error']>): Error {
  return e.code ? new GtmError(e.code, e.message, { where: e.where, hint: e.hint }) : new Error(e.message);
}
