import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import { generateParts, type DemoFile } from './demo-parts-job.ts';
import { demoPartSettings } from './demo-parts.ts';
import {
  demoConfigYaml,
  trackSourceDemo,
  type DemoFiles,
  type DemoOptions,
  type DemoTruth,
} from './generate-demo.ts';

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

/** Refuses a non-empty folder that is not an earlier demo, or an earlier demo whose gtm.yaml was edited. */
function checkFolder(dir: string, force: boolean | undefined): void {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return;
  const cfg = path.join(dir, 'gtm.yaml');
  const isDemo = existsSync(cfg) && readFileSync(cfg, 'utf8').includes(DEMO_MARKER);
  if (!isDemo)
    throw new GtmError('USAGE', 'folder is not empty and is not a gtm demo workspace', {
      where: dir,
      hint: 'pass a new folder: gtm demo ./my-demo',
    });
  // An earlier demo is regenerated, unless its gtm.yaml was edited since: that is someone's work.
  if (force) return;
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

/** Writes files into `dir` (creating folders), in order; an error names the folder. */
async function writeFiles(dir: string, files: readonly DemoFile[]): Promise<void> {
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

/** A demo workspace being written: what is known at once, and the end of the writing. */
export interface DemoWriting {
  /** Every file of the workspace (absolute paths), in a fixed order. */
  files: string[];
  /** The truth of the track-source demo: its counts (people, accounts) are final. */
  truth: DemoTruth;
  /** Resolves once every file is written (`data/_truth.json` last), with the whole truth. */
  done: Promise<{ files: string[]; truth: DemoTruth }>;
}

/**
 * Starts writing the demo workspace into `dir` and resolves as soon as gtm.yaml and the data of
 * track-source are written, so track-source can run while the monitoring commands' parts are
 * generated (in a worker thread) and written; `done` says when the whole workspace is there.
 * Refuses a non-empty folder that is not an earlier demo, so a typo never overwrites someone's work.
 */
export async function startDemo(dir: string, opts: DemoOptions & { force?: boolean }): Promise<DemoWriting> {
  checkFolder(dir, opts.force);
  const partOpts = { seed: opts.seed, asOf: opts.asOf };
  const parts = generateParts(partOpts);
  const config = demoConfigYaml(partOpts);
  let core: DemoFiles;
  try {
    core = trackSourceDemo(opts);
    await writeFiles(dir, [{ path: 'gtm.yaml', content: config }, ...core.files]);
  } catch (e) {
    parts.cancel();
    throw e;
  }
  const truth = core.truth;
  const paths = [
    'gtm.yaml',
    ...demoPartSettings(partOpts).flatMap((p) => p.paths),
    ...core.files.map((f) => f.path),
    'data/_truth.json',
  ].map((p) => path.join(dir, p));
  const done = parts.result.then(async (generated) => {
    await writeFiles(
      dir,
      generated.flatMap((p) => p.files),
    );
    if (generated.length) truth.parts = Object.fromEntries(generated.map((p) => [p.name, p.truth]));
    truth.config_sha256 = sha256(config);
    await writeFiles(dir, [{ path: 'data/_truth.json', content: `${JSON.stringify(truth, null, 2)}\n` }]);
    return { files: paths, truth };
  });
  return { files: paths, truth, done };
}

/**
 * Writes the demo workspace into `dir` and resolves once it is all written. Refuses a non-empty
 * folder that is not an earlier demo, so a typo never overwrites someone's work.
 */
export async function writeDemo(
  dir: string,
  opts: DemoOptions & { force?: boolean },
): Promise<{ files: string[]; truth: DemoTruth }> {
  return (await startDemo(dir, opts)).done;
}
