/**
 * A generated demo workspace in a temp folder, shared by the tests of one file (generating it takes
 * well under a second; running track-source on it one to two seconds).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeDemo, type DemoTruth } from '../../src/demo/index.ts';

export const DEMO_SEED = 7;
export const DEMO_AS_OF = '2026-11-15';
/** The as-of before the demo's: a run for it and one for `DEMO_AS_OF` are two periods in a row (alert streaks). */
export const DEMO_PREVIOUS_AS_OF = '2026-11-14';
/** Smaller than the default 6000 accounts but still hundreds of opportunities and thousands of touches. */
export const DEMO_ACCOUNTS = 1500;
/** The specification's usage line, verbatim. */
export const USAGE_LINE = `/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full`;

export interface DemoWorkspace {
  dir: string;
  truth: DemoTruth;
  /** Reads a file of the workspace (relative path). */
  read(rel: string): Promise<string>;
  remove(): Promise<void>;
}

export async function makeDemoWorkspace(
  opts: { seed?: number; asOf?: string; accounts?: number } = {},
): Promise<DemoWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-demo-'));
  const dir = path.join(root, 'ws');
  const { truth } = await writeDemo(dir, {
    seed: opts.seed ?? DEMO_SEED,
    asOf: opts.asOf ?? DEMO_AS_OF,
    accounts: opts.accounts ?? DEMO_ACCOUNTS,
  });
  return {
    dir,
    truth,
    read: (rel) => readFile(path.join(dir, rel), 'utf8'),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
