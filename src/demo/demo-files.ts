import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';

/** A file of the demo workspace: its path inside it and its text. */
export interface DemoFile {
  path: string;
  content: string;
}

/**
 * `mkdir -p` one level at a time: Node's recursive mkdir can spin forever on special file systems
 * (e.g. under /proc), while a plain mkdir fails at once with a clear code.
 */
async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  let d = path.resolve(dir);
  for (;;) {
    const st = await stat(d).catch(() => null);
    if (st) {
      if (!st.isDirectory()) throw Object.assign(new Error(`${d} is not a directory`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse())
    await mkdir(m).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
}

/** Writes files into `dir` (creating folders), in order; an error names the folder. */
export async function writeFiles(dir: string, files: readonly DemoFile[]): Promise<void> {
  try {
    for (const f of files) {
      const target = path.join(dir, f.path);
      await makeDirs(path.dirname(target));
      await writeFile(target, f.content);
    }
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException;
    throw new GtmError('IO', `cannot write the demo workspace (${e.code ?? 'error'}: ${e.message})`, {
      where: dir,
      hint: 'pass a folder you can write to, e.g. gtm demo ./gtm-demo',
      cause,
    });
  }
}
