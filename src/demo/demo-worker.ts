/**
 * Worker thread of the demo: generates and writes the workspace's data (`runDemoJob`), posting when
 * track-source's own files are written and when the rest is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage, runDemoJob, type DemoJobMessage, type DemoJobOptions } from './demo-job-run.ts';

const post = (m: DemoJobMessage) => parentPort!.postMessage(m);
runDemoJob(workerData as DemoJobOptions, 'core', post).catch((e: unknown) => post(errorMessage(e)));
