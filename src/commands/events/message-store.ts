import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GtmError } from '../../errors/index.ts';
import { jsonDeeperThan } from '../shared/tracking-plan-io/json-depth.ts';
import { forEachLine } from '../shared/tracking-plan-io/ndjson-lines.ts';

export const STORE_FILE = 'messages.ndjson';

export interface MessageStore {
  readonly file: string;
  /**
   * Appends messages as NDJSON and resolves once they are on disk (fdatasync). Appends that
   * arrive while a sync is running are written together by the next one (group commit).
   */
  append(messages: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the durable NDJSON store of a collector in `dir`.
 *
 * @throws GtmError('IO') when the directory or file cannot be created.
 */
export async function openMessageStore(dir: string): Promise<MessageStore> {
  const file = join(dir, STORE_FILE);
  // Never append through a link: the store is written only inside the folder given to --store.
  if (isLink(file)) throw linkError(file);
  const created = !existsSync(file);
  let fh: FileHandle;
  try {
    mkdirSync(dir, { recursive: true });
    if (!created) await dropTornTail(file);
    fh = await open(file, 'a');
    if (created) {
      // Make the new directory entry itself durable.
      const dh = await open(dir, 'r');
      await dh.sync().catch(() => undefined);
      await dh.close();
    }
  } catch (err) {
    throw new GtmError('IO', `cannot open the message store: ${(err as Error).message}`, {
      where: file,
      cause: err,
      hint: 'check that the folder given to --store is writable',
    });
  }
  let pending: Array<{ text: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  let running: Promise<void> | undefined;
  let closed = false;

  const flush = async (): Promise<void> => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      try {
        await fh.write(batch.map((b) => b.text).join(''));
        await fh.datasync();
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running = undefined;
  };

  return {
    file,
    append(messages) {
      if (closed) return Promise.reject(new Error('message store is closed'));
      if (messages.length === 0) return Promise.resolve();
      let text = '';
      for (const m of messages) text += JSON.stringify(m) + '\n';
      return new Promise<void>((resolve, reject) => {
        pending.push({ text, resolve, reject });
        running ??= flush();
      });
    },
    async close() {
      closed = true;
      while (running) await running;
      await fh.close();
    },
  };
}

const linkError = (file: string) =>
  new GtmError('IO', 'the message store is a symbolic link', {
    where: file,
    hint: 'remove the link, or give --store a folder of its own',
  });

function isLink(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  } catch {
    return false; // an unreadable folder: opening the store reports it
  }
}

/**
 * Truncates a last line without its newline: a write cut short by a crash. It was never
 * acknowledged (acknowledgements wait for the sync), and appending after it would corrupt the
 * next message.
 */
async function dropTornTail(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const { size } = await fh.stat();
    if (size === 0) return;
    const buf = Buffer.alloc(64 * 1024);
    let end = size;
    const last = await fh.read(buf, 0, 1, size - 1);
    if (last.bytesRead === 1 && buf[0] === 10) return;
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      const nl = buf.subarray(0, bytesRead).lastIndexOf(10);
      if (nl >= 0) {
        await fh.truncate(start + nl + 1);
        await fh.datasync();
        return;
      }
      end = start;
    }
    await fh.truncate(0);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/**
 * Reads the messages stored in `dir`, in order. A last line cut short by a crash (never
 * acknowledged, since acknowledgements wait for the sync) is skipped and counted.
 */
export async function readStoredMessages(
  dir: string,
  onMessage: (message: unknown, line: number) => void,
): Promise<{ messages: number; skipped: number }> {
  const file = join(dir, STORE_FILE);
  if (isLink(file)) throw linkError(file);
  if (!existsSync(file)) return { messages: 0, skipped: 0 };
  let messages = 0;
  let skipped = 0;
  await forEachLine(file, (line, n) => {
    if (!line.trim()) return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      skipped++;
      return;
    }
    // The collector refuses such messages; a store written by hand may still hold one.
    if (jsonDeeperThan(msg)) {
      skipped++;
      return;
    }
    messages++;
    onMessage(msg, n);
  });
  return { messages, skipped };
}
