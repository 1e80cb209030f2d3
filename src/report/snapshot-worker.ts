/**
 * The snapshot thread (see SnapshotThread): starts Chromium at once, then takes the pictures it is
 * asked for (or only closes Chromium) and answers once Chromium is closed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GtmError } from '../errors/index.ts';
import { prelaunchChromium, snapshotPngs, type SnapshotOptions } from './snapshot-png.ts';
import type { SnapshotReply, SnapshotRequest } from './snapshot-thread.ts';

const release = prelaunchChromium(workerData as SnapshotOptions);

async function handle(request: SnapshotRequest): Promise<SnapshotReply> {
  try {
    if (request.type === 'shoot') await snapshotPngs(request.html, request.shots, request.options);
    return {};
  } catch (e) {
    const error =
      e instanceof GtmError
        ? { code: e.code, message: e.message, where: e.where, hint: e.hint }
        : { message: (e as Error)?.message ?? String(e) };
    return { error };
  } finally {
    await release(); // closes Chromium when the snapshot did not take it
  }
}

parentPort!.once('message', (request: SnapshotRequest) => {
  void handle(request).then((reply) => parentPort!.postMessage(reply));
});
