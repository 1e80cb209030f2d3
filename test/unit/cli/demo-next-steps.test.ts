/**
 * `gtm demo`'s next steps name the command the user can type in their own shell: `npx gtm demo` in
 * a fresh clone runs with npm's `_npx/…/node_modules/.bin` (holding a `gtm`) on the PATH, which the
 * user's shell does not have, so that `gtm` must not be taken for an installed one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gtmInvocation } from '../../../src/cli/commands/demo.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-demo-next-'));
const exe = process.platform === 'win32' ? 'gtm.cmd' : 'gtm';
function binDir(...parts: string[]): string {
  const d = path.join(root, ...parts);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, exe), '#!/bin/sh\n');
  return d;
}
const npxCache = binDir('npm', '_npx', '04a00b22f1f2f55b', 'node_modules', '.bin');
const projectBin = binDir('project', 'node_modules', '.bin');
const globalBin = binDir('usr', 'bin');
const clone = path.join(root, 'clone');
const bin = path.join(clone, 'bin', 'gtm.js');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('gtm demo: how the next steps run gtm', () => {
  it('under npx in a clone (a gtm only in node_modules/.bin folders): npx gtm, not gtm', () => {
    const PATH = [npxCache, projectBin, path.join(root, 'none')].join(path.delimiter);
    expect(gtmInvocation(path.join(clone, 'gtm-demo'), { PATH }, bin)).toEqual({
      run: 'npx gtm',
      installed: false,
    });
  });
  it('under npx, for a folder outside the clone: the bin by its path', () => {
    const PATH = [npxCache, projectBin].join(path.delimiter);
    expect(gtmInvocation(path.join(root, 'elsewhere'), { PATH }, bin)).toEqual({
      run: `node ${bin}`,
      installed: false,
    });
  });
  it('with gtm installed on the PATH (npm install -g, npm link): gtm', () => {
    const PATH = [npxCache, globalBin].join(path.delimiter);
    expect(gtmInvocation(path.join(clone, 'gtm-demo'), { PATH }, bin)).toEqual({
      run: 'gtm',
      installed: true,
    });
  });
});
