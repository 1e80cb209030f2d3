import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

it('README.md carries the command pages of docs/commands/ as they are (node scripts/sync-readme.mjs)', () => {
  const r = spawnSync(process.execPath, ['scripts/sync-readme.mjs', '--check'], {
    cwd: root,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
