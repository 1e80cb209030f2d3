/**
 * Worker thread of `generateParts`: generates the monitoring commands' parts of the demo and posts
 * them back with each file as UTF-8 bytes, transferred rather than copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DemoPartOptions } from './demo-part.ts';
import type { PartsMessage } from './demo-parts-job.ts';
import { demoParts } from './demo-parts.ts';

const encoder = new TextEncoder();
const parts: PartsMessage = demoParts(workerData as DemoPartOptions).map((p) => ({
  name: p.name,
  truth: p.truth,
  files: p.files.map((f) => ({ path: f.path, content: encoder.encode(f.content) })),
}));
const buffers = parts.flatMap((p) => p.files.map((f) => (f.content as Uint8Array).buffer as ArrayBuffer));
parentPort!.postMessage(parts, buffers);
