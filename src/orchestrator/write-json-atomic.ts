import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { plainNumber } from '../analyses/text/plain-number.ts';

/**
 * A temp file beside the target (rename is atomic only within one file system), its name random
 * as well as the process's: two writers of one name (plan files of the same millisecond) in two
 * containers sharing the workspace can have the same pid, and a pid-and-counter name then let
 * one writer link or remove the other's temp file.
 */
const tempPathFor = (path: string) =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

/**
 * The file's text: two-space JSON with every number written without binary noise, as result.json
 * is (`plainNumber`): an alert's value reads 0.968473842148871 in the plan and in the result, and
 * a sum 20160, not 20160.000000000004.
 */
const jsonText = (value: unknown) =>
  `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? plainNumber(v) : v), 2)}\n`;

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    // Without fsync a crash after the rename can leave a renamed but empty file on some file systems.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename itself durable; directories cannot be fsynced everywhere (Windows), so best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported on this platform: the data is still written, only crash durability is weaker.
  }
}

/**
 * Replaces `path` with `value` as JSON so that a reader at any moment sees either the old file or
 * the new one, never a partial write: write a temp file in the same directory, fsync, rename.
 *
 * @example
 * await writeJsonAtomic('.claude/plans/plan-20240501T120000000Z.json', record);
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await writeDurably(tmp, jsonText(value));
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

/**
 * Creates `path` with `value` as JSON only if it does not exist yet, atomically: the complete
 * temp file is hard-linked to the name, which fails with EEXIST when another writer took it.
 * Returns false in that case. On file systems without hard links it reserves the name with an
 * exclusive create first, so readers may briefly see an empty file there.
 *
 * @example
 * if (!(await createJsonExclusive(path, record))) path = nextName();
 */
export async function createJsonExclusive(path: string, value: unknown): Promise<boolean> {
  const tmp = tempPathFor(path);
  const text = jsonText(value);
  await writeDurably(tmp, text);
  try {
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
    try {
      await (await open(path, 'wx')).close();
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
    await rename(tmp, path);
    await syncDirectory(dirname(path));
    return true;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await syncDirectory(dirname(path));
  return true;
}
