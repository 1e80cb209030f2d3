import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import { generateDemo, type DemoOptions, type DemoTruth } from './generate-demo.ts';

export const DEMO_MARKER = '# gtm demo workspace';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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

/**
 * Writes the demo workspace into `dir`. Refuses a non-empty folder that is not an earlier demo, so
 * a typo never overwrites someone's work.
 */
export async function writeDemo(
  dir: string,
  opts: DemoOptions & { force?: boolean },
): Promise<{ files: string[]; truth: DemoTruth }> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    const cfg = path.join(dir, 'gtm.yaml');
    const isDemo = existsSync(cfg) && readFileSync(cfg, 'utf8').includes(DEMO_MARKER);
    if (!isDemo)
      throw new GtmError('USAGE', 'folder is not empty and is not a gtm demo workspace', {
        where: dir,
        hint: 'pass a new folder: gtm demo ./my-demo',
      });
    // An earlier demo is regenerated, unless its gtm.yaml was edited since: that is someone's work.
    if (isDemo && !opts.force) {
      const truthFile = path.join(dir, 'data/_truth.json');
      const written = existsSync(truthFile)
        ? (JSON.parse(readFileSync(truthFile, 'utf8')) as { config_sha256?: string }).config_sha256
        : undefined;
      if (written !== sha256(readFileSync(cfg, 'utf8')))
        throw new GtmError('USAGE', 'gtm.yaml of this demo workspace was edited since it was generated', {
          where: cfg,
          hint: 'pass --force to regenerate it anyway, or choose another folder',
        });
    }
  }
  const { files, truth } = generateDemo(opts);
  const config = files.find((f) => f.path === 'gtm.yaml')!;
  truth.config_sha256 = sha256(config.content);
  const truthFile = files.find((f) => f.path === 'data/_truth.json')!;
  truthFile.content = `${JSON.stringify(truth, null, 2)}\n`;
  const written: string[] = [];
  try {
    for (const f of files) {
      const target = path.join(dir, f.path);
      await makeDirs(path.dirname(target));
      await writeFile(target, f.content);
      written.push(target);
    }
  } catch (cause) {
    const e = cause as NodeJS.ErrnoException;
    throw new GtmError('IO', `cannot write the demo workspace (${e.code ?? 'error'}: ${e.message})`, {
      where: dir,
      hint: 'pass a folder you can write to, e.g. gtm demo ./gtm-demo',
      cause,
    });
  }
  return { files: written, truth };
}
