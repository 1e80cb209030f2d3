/**
 * The MCP tools' file arguments are kept inside the workspace folder (links resolved), and every
 * tool argument that names a file is declared as one.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { GtmError } from '../../errors/index.ts';
import { COMMANDS } from '../registry.ts';
import { confinePath, confinePaths } from './confine-paths.ts';
import { toolCatalog } from './tool-catalog.ts';

let fx: FixtureDir;
let ws: string;
let outside: string;
beforeAll(async () => {
  fx = await makeFixtureDir({
    'ws/gtm.yaml': 'version: 1\n',
    'ws/data/paths.csv': 'path,total_conversions,total_non_conversions\na > b,1,0\n',
    'ws/data/sub/more.csv': 'x\n',
    'secret/secret.csv': 'password,token\nhunter2,abc\n',
    'globbed/a.csv': 'x\n',
  });
  ws = fx.path('ws');
  outside = fx.path('secret/secret.csv');
  await symlink(outside, fx.path('ws/data/link-out.csv'));
  await symlink(fx.path('ws/data/paths.csv'), fx.path('ws/link-in.csv'));
  await symlink(fx.path('secret'), fx.path('ws/secret-dir'));
  await mkdir(fx.path('ws2'));
  await symlink(ws, fx.path('ws-link'));
  await mkdir(fx.path('ws/linked'));
  await symlink(outside, fx.path('ws/linked/b.csv'));
  await writeFile(fx.path('ws/linked/a.csv'), 'x\n');
});
afterAll(() => fx?.remove());

/** The error line a refused argument gives, or null when it is accepted. */
async function line(name: string, value: string, kind: 'path' | 'plan-ref' = 'path', root = ws) {
  try {
    await confinePath(root, name, value, kind);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(GtmError);
    return (e as GtmError).oneLine();
  }
}

describe('confinePath', () => {
  it('accepts files inside the workspace: relative, absolute, missing (the command says so), through an inner link', async () => {
    for (const v of [
      'data/paths.csv',
      path.join(ws, 'data/paths.csv'),
      'data/missing.csv',
      'link-in.csv',
      'data/../data/paths.csv',
      'data/sub',
    ])
      expect(await line('paths', v), v).toBeNull();
  });

  it('refuses a path outside, with one line naming the argument and the workspace', async () => {
    expect(await line('paths', outside)).toBe(
      `error[USAGE] paths: ${outside} is outside the workspace folder ${ws} — MCP tools read files only inside the workspace (gtm mcp --workspace DIR): copy the file into it, or serve the folder that holds it`,
    );
    for (const v of ['../secret/secret.csv', '/etc/passwd', '..', 'data/../../secret/secret.csv'])
      expect(await line('touchpoints', v), v).toMatch(
        /^error\[USAGE\] touchpoints: .* is outside the workspace folder /,
      );
  });

  it('refuses links that lead outside (a file, a folder), and resolves the workspace’s own link', async () => {
    expect(await line('paths', 'data/link-out.csv')).toMatch(
      /data\/link-out\.csv is a link that leads outside the workspace folder/,
    );
    expect(await line('paths', 'secret-dir/secret.csv')).toMatch(/is outside the workspace folder/);
    // the server started on a link to the workspace: the same files are inside
    expect(await line('paths', 'data/paths.csv', 'path', fx.path('ws-link'))).toBeNull();
    expect(await line('paths', outside, 'path', fx.path('ws-link'))).toMatch(
      /is outside the workspace folder/,
    );
  });

  it('a folder given as such: no link under it, at any depth, may lead outside (it is read whole)', async () => {
    expect(await line('payloads', 'linked')).toBe(
      `error[USAGE] payloads: linked holds ${path.join(ws, 'linked/b.csv')}, a link that leads outside the workspace folder ${ws} — MCP tools read files only inside the workspace (gtm mcp --workspace DIR): copy the file into it, or serve the folder that holds it`,
    );
    for (const v of ['data', '.', ws])
      expect(await line('input', v), v).toMatch(
        /^error\[USAGE\] input: .* holds .*, a link that leads outside/,
      );
    expect(await line('input', 'data/sub')).toBeNull();
  });

  it('globs: the fixed folder inside, no .. segment, no link under it leading outside', async () => {
    expect(await line('touchpoints', 'data/*.csv')).toMatch(
      /data\/\*\.csv matches .*link-out\.csv, a link that leads outside/,
    );
    expect(await line('touchpoints', 'data/sub/*.csv')).toBeNull();
    expect(await line('touchpoints', 'linked/*.csv')).toMatch(/linked\/b\.csv, a link that leads outside/);
    expect(await line('touchpoints', '../globbed/*.csv')).toMatch(/holds a \.\. segment in a glob/);
    expect(await line('touchpoints', 'data/**/../../../secret/*.csv')).toMatch(
      /holds a \.\. segment in a glob/,
    );
    expect(await line('touchpoints', `${fx.path('globbed')}/*.csv`)).toMatch(
      /is outside the workspace folder/,
    );
    expect(await line('touchpoints', '**/*.csv')).toMatch(/a link that leads outside/);
  });

  it('plan references: ids and latest~N pass, plan files are checked', async () => {
    for (const v of ['latest', 'latest~2', 'plan-20261115T000000000Z', 'plan-x.json', '.claude/plans/p.json'])
      expect(await line('plan', v, 'plan-ref'), v).toBeNull();
    expect(await line('old', '../x.json', 'plan-ref')).toMatch(
      /^error\[USAGE\] old: \.\.\/x\.json is outside/,
    );
    expect(await line('new', outside, 'plan-ref')).toMatch(/^error\[USAGE\] new: /);
  });

  it('confinePaths checks every declared argument, list items too, and ignores the others', async () => {
    await expect(
      confinePaths(ws, { paths: 'data/paths.csv', model: '../x' }, { paths: 'path' }),
    ).resolves.toBeUndefined();
    await expect(confinePaths(ws, { input: ['data/paths.csv', outside] }, { input: 'path' })).rejects.toThrow(
      /outside/,
    );
  });
});

describe('the tools’ file arguments', () => {
  it('are every flag taking a file or folder (placeholder FILE, PATH, DIR), and the plans tools’ references', () => {
    const byTool = Object.fromEntries(toolCatalog(COMMANDS).map((t) => [t.name, t.fileArgs]));
    expect(byTool).toEqual({
      'track-source': {},
      'define-events': { payloads: 'path' },
      'optimize-referrals': {},
      'monitor-loyalty': {},
      'monitor-personalization': {},
      attribute: { paths: 'path', touchpoints: 'path' },
      'experiment-readout': { input: 'path', exposures: 'path' },
      'events-validate': { plan: 'path', input: 'path' },
      'plans-list': {},
      'plans-show': { plan: 'plan-ref' },
      'plans-diff': { old: 'plan-ref', new: 'plan-ref' },
    });
  });
});
