/**
 * `gtm mcp` refuses the command line's --config and --as-of, which no tool call would use: before,
 * `gtm mcp --workspace ws --as-of 2026-11-15` served, and a track-source call without as_of ran to
 * today; `--config other.yaml` served ws/gtm.yaml. Started as an agent host starts it (stdin a
 * pipe, closed at once): one error line on stderr, exit 2, nothing on stdout.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../helpers/fixture-dir.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

let fx: FixtureDir;
beforeAll(async () => {
  fx = await makeFixtureDir({ 'ws/gtm.yaml': 'version: 1\n', 'ws/gtm.prod.yaml': 'version: 1\n' });
});
afterAll(() => fx?.remove());

const serve = (...flags: string[]) =>
  spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(process.argv.slice(1));`,
      'mcp',
      '--workspace',
      fx.path('ws'),
      ...flags,
    ],
    { cwd: ROOT, input: '', encoding: 'utf8', timeout: 60_000 },
  );

describe('gtm mcp and the global flags', () => {
  it('refuses --as-of and --config with one line saying what to do, and serves without them', () => {
    const asOf = serve('--as-of', '2026-11-15');
    expect(asOf.status).toBe(2);
    expect(asOf.stdout).toBe('');
    expect(asOf.stderr.trim()).toBe(
      'error[USAGE] --as-of: gtm mcp takes no --as-of: each tool call takes its own — give as_of in the calls (e.g. as_of: "2026-11-15"); a call without it runs to today',
    );
    const config = serve('--config', fx.path('ws/gtm.prod.yaml'));
    expect(config.status).toBe(2);
    expect(config.stderr.trim()).toBe(
      'error[USAGE] --config: gtm mcp serves the gtm.yaml of its workspace folder, not another config — serve the folder that holds the config (gtm mcp --workspace DIR), its file named gtm.yaml',
    );
    // without them: serves until stdin closes, then exits 0
    expect(serve().status).toBe(0);
  }, 120_000);
});
