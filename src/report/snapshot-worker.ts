/**
 * The snapshot thread (see SnapshotThread): starts Chromium at once, then takes the pictures it is
 * asked for and answers once they are written, closes Chromium and says so.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { GtmError } from '../errors/index.ts';
import { prelaunchChromium, snapshotPngs, type SnapshotOptions } from './snapshot-png.ts';
import type { SnapshotClosed, SnapshotReply, SnapshotRequest } from './snapshot-thread.ts';

const release = prelaunchChromium(workerData as SnapshotOptions);

async function shoot(request: SnapshotRequest): Promise<SnapshotReply> {
  try {
    if (request.type === 'shoot') await snapshotPngs(request.html, request.shots, request.options);
    return { type: 'shot' };
  } catch (e) {
    const error =
      e instanceof GtmError
        ? { code: e.code, message: e.message, where: e.where, hint: e.hint }
        : { message: (e as Error)?.message ?? String(e) };
    return { type: 'shot', error };
  }
}

parentPort!.once('message', (request: SnapshotRequest) => {
  void (async () => {
    // the answer as soon as the pictures are written, then Chromium closes
    if (request.type === 'shoot') parentPort!.postMessage(await shoot(request));
    await release();
    parentPort!.postMessage({ type: 'closed' } satisfies SnapshotClosed);
  })();
});
