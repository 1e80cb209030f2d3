import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import { generateDemo, type DemoOptions, type DemoTruth } from './generate-demo.ts';

export const DEMO_MARKER = '# gtm demo workspace';

/**
 * Writes the demo workspace into `dir`. Refuses a non-empty folder that is not an earlier demo, so
 * a typo never overwrites someone's work.
 */
export async function writeDemo(
  dir: string,
  opts: DemoOptions,
): Promise<{ files: string[]; truth: DemoTruth }> {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    const cfg = path.join(dir, 'gtm.yaml');
    const isDemo = existsSync(cfg) && readFileSync(cfg, 'utf8').includes(DEMO_MARKER);
    if (!isDemo)
      throw new GtmError('USAGE', 'folder is not empty and is not a gtm demo workspace', {
        where: dir,
        hint: 'pass a new folder: gtm demo ./my-demo',
      });
  }
  const { files, truth } = generateDemo(opts);
  const written: string[] = [];
  for (const f of files) {
    const target = path.join(dir, f.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content);
    written.push(target);
  }
  return { files: written, truth };
}
