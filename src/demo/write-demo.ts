import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import { demoConfigYaml } from './demo-config.ts';
import { writeFiles } from './demo-files.ts';
import { startDemoJob } from './demo-job.ts';
import { demoPartSettings } from './demo-parts.ts';
import { CAPTURED_EVENTS_PATH, type CoreTruth, type DemoOptions, type DemoTruth } from './generate-demo.ts';

export const DEMO_MARKER = '# gtm demo workspace';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

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

/** A demo workspace being written: what is known at once, and the end of the writing. */
export interface DemoWriting {
  /** Every file of the workspace (absolute paths), in a fixed order. */
  files: string[];
  /** The truth of the track-source demo's own data: its counts (people, accounts) are final. */
  truth: CoreTruth;
  /** Resolves once every file is written (`data/_truth.json` last), with the whole truth. */
  done: Promise<{ files: string[]; truth: DemoTruth }>;
}

/**
 * Starts writing the demo workspace into `dir` and resolves as soon as gtm.yaml and the data of
 * track-source are written, so track-source can run while the captured event payloads and the
 * monitoring commands' parts are generated and written; `done` says when the whole workspace is
 * there. The data is generated and written by a worker thread (`startDemoJob`), so the caller can
 * load what its run needs meanwhile. Refuses a non-empty folder that is not an earlier demo, so a
 * typo never overwrites someone's work.
 */
export async function startDemo(dir: string, opts: DemoOptions & { force?: boolean }): Promise<DemoWriting> {
  checkFolder(dir, opts.force);
  const root = path.resolve(dir);
  const partOpts = { seed: opts.seed, asOf: opts.asOf };
  const job = startDemoJob({ dir: root, seed: opts.seed, asOf: opts.asOf, accounts: opts.accounts });
  let core: { truth: CoreTruth; paths: string[] };
  let config: string;
  try {
    core = await job.core;
    // after the data: the reject limit follows the size of the sources the bad rows were planted in
    config = demoConfigYaml(partOpts, core.truth.rejects);
    await writeFiles(root, [{ path: 'gtm.yaml', content: config }]);
  } catch (e) {
    job.cancel();
    throw e;
  }
  const paths = [
    'gtm.yaml',
    ...demoPartSettings(partOpts).flatMap((p) => p.paths),
    ...core.paths,
    CAPTURED_EVENTS_PATH,
    'data/_truth.json',
  ].map((p) => path.join(root, p));
  const done = job.rest.then(async (rest) => {
    const truth: DemoTruth = { ...core.truth, events: rest.events };
    if (rest.parts.length) truth.parts = Object.fromEntries(rest.parts.map((p) => [p.name, p.truth]));
    truth.config_sha256 = sha256(config);
    await writeFiles(root, [{ path: 'data/_truth.json', content: `${JSON.stringify(truth, null, 2)}\n` }]);
    return { files: paths, truth };
  });
  return { files: paths, truth: core.truth, done };
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
