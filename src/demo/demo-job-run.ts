/**
 * The demo's data, generated and written in the order the demo needs it: track-source's own files
 * first (the demo runs it as soon as they are written), then the captured event payloads and the
 * monitoring commands' parts. Runs in the demo's worker thread, or in the main thread when no worker
 * can start.
 */
import { GtmError } from '../errors/index.ts';
import { writeFiles } from './demo-files.ts';
import { demoParts } from './demo-parts.ts';
import { demoEventPayloads, trackSourceDemo, type CoreTruth, type DemoTruth } from './generate-demo.ts';

export interface DemoJobOptions {
  /** The workspace folder (absolute). */
  dir: string;
  seed: number;
  /** YYYY-MM-DD */
  asOf: string;
  accounts?: number;
}

/** What the rest of the job (after track-source's data) reports: the truth of what it wrote. */
export interface DemoRest {
  events: DemoTruth['events'];
  parts: { name: string; truth: Record<string, unknown> }[];
}

/** The job's messages, in order: track-source's data written, then the rest written; or an error. */
export type DemoJobMessage =
  | { kind: 'core'; truth: CoreTruth; paths: string[] }
  | ({ kind: 'rest' } & DemoRest)
  | { kind: 'error'; error: { code?: string; message: string; where?: string; hint?: string; gtm: boolean } };

/**
 * Generates and writes the demo's data from `from` on ('core': everything; 'rest': all but
 * track-source's own files, already written), posting each step as it is done.
 */
export async function runDemoJob(
  o: DemoJobOptions,
  from: 'core' | 'rest',
  post: (m: DemoJobMessage) => void,
): Promise<void> {
  if (from === 'core') {
    const core = trackSourceDemo(o);
    await writeFiles(o.dir, core.files);
    post({ kind: 'core', truth: core.truth, paths: core.files.map((f) => f.path) });
  }
  const parts = demoParts({ seed: o.seed, asOf: o.asOf });
  const events = demoEventPayloads(o);
  await writeFiles(o.dir, [...parts.flatMap((p) => p.files), events.file]);
  post({ kind: 'rest', events: events.events, parts: parts.map((p) => ({ name: p.name, truth: p.truth })) });
}

/** An error as a message that crosses threads (a GtmError keeps its code, place and hint). */
export function errorMessage(e: unknown): DemoJobMessage {
  if (e instanceof GtmError)
    return {
      kind: 'error',
      error: { code: e.code, message: e.message, where: e.where, hint: e.hint, gtm: true },
    };
  return { kind: 'error', error: { message: e instanceof Error ? e.message : String(e), gtm: false } };
}
