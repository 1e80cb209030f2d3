/**
 * gtm.yaml `loyalty.points_expiry`: the programme's expiry policy, lot_age (each earn lot expires
 * `months` after it was earned, as `points_expire_months`) or inactivity (every point a member holds
 * expires `months` after their last activity). One CONFIG error naming the key for a bad value, and
 * for both settings at once (they could disagree).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../../../src/errors/index.ts';
import { commandTemplate } from '../../../src/commands/init/command-template.ts';
import { loadWorkspace } from '../../../src/workspace/index.ts';
import { isOneLine } from '../../helpers/run-cli.ts';

const BASE = `version: 1
sources:
  - { name: ledger, entity: ledger, kind: file, path: data/ledger.csv }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-expiry-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function load(loyalty: string) {
  const name = `ws-${++n}.yaml`;
  await writeFile(path.join(dir, name), `${BASE}loyalty:\n${loyalty}`);
  return loadWorkspace({ cwd: dir, configPath: name });
}

/** The CONFIG error's one line. */
async function fails(loyalty: string): Promise<string> {
  const err = await load(loyalty).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GtmError);
  const e = err as GtmError;
  expect(e.code).toBe('CONFIG');
  expect(e.hint, 'a config error says what to do').toBeTruthy();
  const line = e.oneLine();
  expect(isOneLine(line), line).toBe(true);
  return `${line} ${e.hint}`;
}

describe('loyalty.points_expiry', () => {
  it('defaults to 12 months by lot age, and points_expire_months keeps working', async () => {
    expect((await load('  program: P\n')).loyalty).toMatchObject({
      points_expire_months: 12,
      points_expiry: { policy: 'lot_age', months: 12 },
    });
    expect((await load('  points_expire_months: 6\n')).loyalty).toMatchObject({
      points_expire_months: 6,
      points_expiry: { policy: 'lot_age', months: 6 },
    });
    expect((await load('  points_expiry: { policy: lot_age, months: 9 }\n')).loyalty).toMatchObject({
      points_expire_months: 9,
      points_expiry: { policy: 'lot_age', months: 9 },
    });
  });

  it('inactivity: no lot expires by its age (points_expire_months 0), the policy holds the months', async () => {
    expect((await load('  points_expiry: { policy: inactivity, months: 6 }\n')).loyalty).toMatchObject({
      points_expire_months: 0,
      points_expiry: { policy: 'inactivity', months: 6 },
    });
  });

  it('a bad value is one CONFIG error naming the key', async () => {
    expect(await fails('  points_expiry: { policy: idle, months: 6 }\n')).toContain(
      'loyalty.points_expiry.policy',
    );
    expect(await fails('  points_expiry: { policy: inactivity, months: -1 }\n')).toContain(
      'loyalty.points_expiry.months',
    );
    expect(await fails('  points_expiry: { policy: inactivity }\n')).toContain('months');
  });

  it('both settings at once are refused, naming them and the fix', async () => {
    const line = await fails(
      '  points_expire_months: 12\n  points_expiry: { policy: inactivity, months: 12 }\n',
    );
    expect(line).toContain('loyalty.points_expire_months is set together with loyalty.points_expiry');
    expect(line).toContain('remove points_expire_months');
  });
});

describe('gtm init --command monitor-loyalty', () => {
  it('shows one expiry setting (both at once are refused): points_expiry, as lot_age 12', () => {
    const template = commandTemplate('monitor-loyalty');
    const settings = template.slice(template.indexOf('# loyalty:'));
    expect(settings).toMatch(/points_expiry:\n# +policy: lot_age\n# +months: 12\n/);
    expect(settings).not.toContain('points_expire_months');
  });
});
