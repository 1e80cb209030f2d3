import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// README ("Running gtm anywhere"): from a clone, `npm run gtm -- …` runs gtm. npm runs a script in
// the package root wherever it was typed, so inside the demo workspace (`cd gtm-demo`, as the
// README says) `npm run gtm -- doctor` looked for the clone's own gtm.yaml: "error[CONFIG] gtm.yaml:
// no workspace config found". bin/gtm.js now goes back to the folder npm was called from (INIT_CWD)
// for this package's `gtm` script only.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(root, 'bin/gtm.js');
const built = existsSync(path.join(root, 'dist/cli-bundle/main.js'));

const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'gtm-npm-run-')));
const ws = path.join(dir, 'ws');
mkdirSync(ws);
writeFileSync(path.join(ws, 'gtm.yaml'), 'version: 1\nsources: []\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const doctor = (cwd: string, env: Record<string, string | undefined>) =>
  spawnSync(process.execPath, [bin, 'doctor', '--json'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_lifecycle_event: undefined, INIT_CWD: undefined, ...env },
  });

describe.runIf(built)('npm run gtm -- … runs gtm in the folder it was typed in', () => {
  it('bin/gtm.js started by npm for the gtm script reads the workspace of INIT_CWD', () => {
    const r = doctor(root, { npm_lifecycle_event: 'gtm', npm_package_name: 'gtm-analytics', INIT_CWD: ws });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ config: path.join(ws, 'gtm.yaml'), ok: true });
  });

  it("leaves other scripts, other packages' scripts and npx where they run", () => {
    for (const env of [
      { npm_lifecycle_event: 'npx', npm_package_name: 'gtm-analytics', INIT_CWD: dir },
      { npm_lifecycle_event: 'gtm', npm_package_name: 'my-project', INIT_CWD: dir },
      { npm_lifecycle_event: 'gtm', npm_package_name: 'gtm-analytics', INIT_CWD: undefined },
    ]) {
      const r = doctor(ws, env);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ config: path.join(ws, 'gtm.yaml') });
    }
  });

  it('a removed INIT_CWD leaves the run where npm started it', () => {
    const r = doctor(ws, {
      npm_lifecycle_event: 'gtm',
      npm_package_name: 'gtm-analytics',
      INIT_CWD: path.join(dir, 'gone'),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ config: path.join(ws, 'gtm.yaml') });
  });

  it('through npm itself: npm run --prefix <clone> gtm -- doctor, typed in the workspace', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['run', '--silent', '--prefix', root, 'gtm', '--', 'doctor', '--json'], {
      cwd: ws,
      encoding: 'utf8',
      env: { ...process.env, npm_lifecycle_event: undefined, INIT_CWD: undefined },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ config: path.join(ws, 'gtm.yaml'), ok: true });
  }, 30_000);
});
