/**
 * Copies a workspace from test/fixtures into a fresh temp folder, so a test can run gtm in it (which
 * writes reports and plans) and break it as it likes without touching the checked-in files.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
/** The as-of date the tiny workspace is written for. */
export const TINY_AS_OF = '2026-11-15';

export interface FixtureWorkspace {
  dir: string;
  path(rel: string): string;
  read(rel: string): Promise<string>;
  write(rel: string, content: string): Promise<void>;
  /** Replaces `from` (which must occur) by `to` in a file of the workspace. */
  replace(rel: string, from: string, to: string): Promise<void>;
  remove(): Promise<void>;
}

export async function copyFixtureWorkspace(name = 'tiny-workspace'): Promise<FixtureWorkspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-ws-'));
  const dir = path.join(root, 'ws');
  await cp(path.join(FIXTURES, name), dir, { recursive: true });
  const ws: FixtureWorkspace = {
    dir,
    path: (rel) => path.join(dir, rel),
    read: (rel) => readFile(path.join(dir, rel), 'utf8'),
    write: (rel, content) => writeFile(path.join(dir, rel), content),
    async replace(rel, from, to) {
      const text = await ws.read(rel);
      if (!text.includes(from)) throw new Error(`fixture ${rel} does not contain ${JSON.stringify(from)}`);
      await ws.write(rel, text.replace(from, to));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
  return ws;
}
