/**
 * Temporary fixture directories for tests: write a few files, get the directory, remove it after.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FixtureDir {
  dir: string;
  /** Absolute path of a file inside the directory. */
  path(name: string): string;
  /** Writes (or overwrites) a file, creating subdirectories. */
  write(name: string, content: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

/** Creates a temp directory holding `files` (relative name → content). */
export async function makeFixtureDir(files: Record<string, string | Uint8Array> = {}): Promise<FixtureDir> {
  const dir = await mkdtemp(join(tmpdir(), 'gtm-fixture-'));
  const fixture: FixtureDir = {
    dir,
    path: (name) => join(dir, name),
    async write(name, content) {
      const path = join(dir, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  for (const [name, content] of Object.entries(files)) await fixture.write(name, content);
  return fixture;
}
