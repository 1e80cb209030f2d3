/**
 * Worker thread of member_scores.csv (`startMemberScoresJob`): writes the file's bytes from the
 * figures and ids it is sent, and hands the buffers back (moved).
 */
import { parentPort } from 'node:worker_threads';
import { memberScoresBytes } from './member-scores-bytes.ts';
import type { MemberScoresReply, MemberScoresRequest } from './member-scores-job.ts';

parentPort!.once('message', (m: MemberScoresRequest) => {
  let reply: MemberScoresReply;
  const moved = new Set<ArrayBuffer>();
  try {
    const parts = memberScoresBytes(m.input, m.pages).map((b) => {
      // each piece owns its buffer (CsvBytes allocates them outside Node's pool): moved, not copied;
      // one that shares a buffer is copied into its own
      if (b.buffer instanceof ArrayBuffer && !moved.has(b.buffer)) {
        moved.add(b.buffer);
        return { buffer: b.buffer, offset: b.byteOffset, length: b.length };
      }
      const own = new ArrayBuffer(b.length);
      new Uint8Array(own).set(b);
      moved.add(own);
      return { buffer: own, offset: 0, length: b.length };
    });
    reply = { parts };
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
    moved.clear();
  }
  parentPort!.postMessage(reply, [...moved]);
});
