import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';

// bin/gtm.js prints `gtm --help` from dist/cli-bundle/help.txt, which the build writes by running
// the CLI; it must say exactly what the CLI says (npm test builds before the tests run).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const prebuilt = path.join(root, 'dist/cli-bundle/help.txt');
const bin = path.join(root, 'bin/gtm.js');

async function cliHelp(): Promise<string> {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
  expect(await main(['--help'], { streams: { stdout: sink, stderr: sink } })).toBe(0);
  return text;
}

describe.runIf(existsSync(prebuilt))('the prebuilt --help', () => {
  it('is what the CLI prints, for --help, -h and help', async () => {
    const expected = await cliHelp();
    expect(expected).toContain('Commands:');
    expect(readFileSync(prebuilt, 'utf8')).toBe(expected);
    for (const flag of ['--help', '-h', 'help'])
      expect(execFileSync(process.execPath, [bin, flag], { encoding: 'utf8' })).toBe(expected);
  });

  it('leaves every other call to the CLI', () => {
    // with other arguments the CLI itself answers (a command's own help, an unknown flag)
    const own = spawnSync(process.execPath, [bin, 'track-source', '--help'], { encoding: 'utf8' });
    expect(own.status).toBe(0);
    expect(own.stdout).toContain('--campaign');
    const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(
      version.version,
    );
  });
});
