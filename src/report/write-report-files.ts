import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import { refuseLinkedFolders } from './linked-folders.ts';

export interface ReportFile {
  /** Relative path inside the report directory, e.g. `dashboard.html` or `tables/partners.csv`. */
  name: string;
  /** Text, bytes, or bytes in pieces written one after the other (a large file never copied into one buffer). */
  content: string | Uint8Array | readonly Uint8Array[];
}

const HINT = 'file names must be relative paths inside the output folder (no "..", no absolute paths)';

/** Checks one name and returns its path segments; throws before anything is written. */
function segmentsOf(name: string, dir: string): string[] {
  const refuse = (why: string) =>
    new GtmError('IO', `refusing to write file "${name}": ${why}`, { where: dir, hint: HINT });
  if (typeof name !== 'string' || name.trim() === '') throw refuse('the name is empty');
  if (name.includes('\0')) throw refuse('the name contains a NUL character');
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || /^[A-Za-z]:/.test(name)) {
    throw refuse('absolute paths are not allowed');
  }
  const segments = name.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) throw refuse('the name has no file part');
  if (segments.some((s) => s === '..')) throw refuse('".." would leave the output folder');
  const root = path.resolve(dir);
  const target = path.resolve(root, ...segments);
  if (!target.startsWith(root + path.sep)) throw refuse('the path resolves outside the output folder');
  return segments;
}

/**
 * Creates the output folder one level at a time: Node's recursive mkdir can loop forever on
 * special file systems (a path under /proc), while a plain mkdir fails at once with a clear code.
 * A folder that exists (or that another process creates meanwhile) is fine.
 *
 * @returns the folders it created, outermost first.
 */
export async function makeRoot(root: string): Promise<string[]> {
  const missing: string[] = [];
  let d = root;
  for (;;) {
    const st = await lstat(d).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? undefined : Promise.reject(e),
    );
    if (st) {
      if (!st.isDirectory() && !st.isSymbolicLink())
        throw Object.assign(new Error(`${d} is a file, not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  const created: string[] = [];
  for (const m of missing.reverse()) {
    const made = await mkdir(m).then(
      () => true,
      (e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? false : Promise.reject(e)),
    );
    if (made) created.push(m);
  }
  return created;
}

/** Creates each missing directory under `root`, refusing to go through a symbolic link. */
async function ensureDirs(root: string, dirs: string[], name: string): Promise<string> {
  let current = root;
  for (const part of dirs) {
    current = path.join(current, part);
    const stat = await lstat(current).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (!stat) {
      await mkdir(current);
    } else if (stat.isSymbolicLink()) {
      throw new GtmError('IO', `refusing to write file "${name}": "${part}" is a symbolic link`, {
        where: current,
        hint: 'remove the link or choose another folder; gtm never writes through links',
      });
    } else if (!stat.isDirectory()) {
      throw new GtmError('IO', `cannot write file "${name}": "${part}" is not a directory`, {
        where: current,
      });
    }
  }
  return current;
}

/**
 * Writes report files into `dir` (created if missing), each atomically: written to a temporary
 * file beside it, then renamed over the target, so a reader never sees half a file. Names are
 * checked first, all of them before anything is written: empty, absolute, `..` and NUL names are
 * refused, and so are symbolic links at any level below `dir` (so no name can point outside it)
 * and, with `within` (the workspace), at any level between `within` and `dir`.
 *
 * @returns the absolute paths written, in input order.
 * @throws GtmError `IO` for a refused name or a failed write.
 * @example
 * await writeReportFiles('reports/track-source/run-1', [
 *   { name: 'summary.md', content: md },
 *   { name: 'tables/partners.csv', content: csv },
 * ]);
 */
export async function writeReportFiles(
  dir: string,
  files: readonly ReportFile[],
  opts: { within?: string } = {},
): Promise<string[]> {
  const root = path.resolve(dir);
  if (opts.within) refuseLinkedFolders(opts.within, root, `file "${files[0]?.name ?? ''}"`);
  const planned = files.map((f) => ({ file: f, segments: segmentsOf(f.name, root) }));
  const seen = new Set<string>();
  for (const { file, segments } of planned) {
    const key = segments.join('/');
    if (seen.has(key)) {
      throw new GtmError('IO', `file "${file.name}" is listed twice`, { where: root, hint: HINT });
    }
    seen.add(key);
  }

  try {
    await makeRoot(root);
  } catch (cause) {
    throw new GtmError('IO', `cannot create the output folder: ${(cause as Error).message}`, {
      where: root,
      hint: 'check that the path is writable',
      cause,
    });
  }

  const written: string[] = [];
  for (const { file, segments } of planned) {
    const parent = await ensureDirs(root, segments.slice(0, -1), file.name).catch((cause: unknown) => {
      if (cause instanceof GtmError) throw cause;
      throw new GtmError(
        'IO',
        `cannot create the folder of file "${file.name}": ${(cause as Error).message}`,
        {
          where: root,
          hint: 'check permissions of the output folder',
          cause,
        },
      );
    });
    const target = path.join(parent, segments[segments.length - 1]);
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isSymbolicLink()) {
      throw new GtmError('IO', `refusing to replace file "${file.name}": it is a symbolic link`, {
        where: target,
        hint: 'remove the link; gtm never writes through links',
      });
    }
    if (existing?.isDirectory()) {
      throw new GtmError('IO', `cannot write file "${file.name}": a directory has that name`, {
        where: target,
      });
    }
    const temp = path.join(
      parent,
      `.${segments[segments.length - 1]}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      // 'wx' fails rather than follow anything already at the temporary path.
      await writeFile(temp, file.content, { flag: 'wx' });
      await rename(temp, target);
    } catch (cause) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new GtmError('IO', `cannot write file "${file.name}": ${(cause as Error).message}`, {
        where: target,
        hint: 'check free space and permissions of the output folder',
        cause,
      });
    }
    written.push(target);
  }
  return written;
}
