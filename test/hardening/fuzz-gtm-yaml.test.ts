/**
 * Property test of `gtm.yaml` (issue 10): seeded mutations of real configs (the tiny workspace's
 * and `gtm init`'s starter) — syntax broken, values replaced by hostile ones (impossible dates,
 * non-finite numbers, aliases, wrong types) — are loaded. Property: a workspace, or a GtmError
 * CONFIG naming gtm.yaml (with a line when the YAML says where) and a hint; never another error,
 * never INTERNAL. A sample also goes through `gtm doctor`, which must print one clear line when it
 * refuses.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GTM_YAML_TEMPLATE } from '../../src/commands/init/gtm-yaml-template.ts';
import { GtmError } from '../../src/errors/index.ts';
import { loadWorkspace } from '../../src/workspace/index.ts';
import { FIXTURES } from '../helpers/fixture-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectGtmError, expectRefused, reportTally, tally } from './error-policy.ts';
import { mutateMany, fuzzRng, FUZZ_SCALE, type Rng } from './fuzz.ts';

const CASES = 1500 * FUZZ_SCALE;
const CLI_CASES = 40 * FUZZ_SCALE;
/** YAML values that must be refused or read as what they say. */
const YAML_VALUES = [
  '2026-02-30',
  '2026-13-01',
  '.nan',
  '.inf',
  '-.inf',
  '1e400',
  '-1',
  '0',
  '~',
  '[]',
  '{}',
  '"../../../etc/passwd"',
  '"=1+2"',
  '*undefined_alias',
  '&a x',
  '!!binary aGVsbG8=',
  'yes',
  '"x"',
  '99999999999999999999999',
];

/** Replaces the value of a random `key: value` line with a hostile one (keeps the YAML valid-ish). */
function mutateValue(text: string, r: Rng): string {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => (/^\s*-?\s*[\w.-]+:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (!candidates.length) return text;
  const i = r.pick(candidates);
  lines[i] = lines[i].replace(/:\s*\S.*$/, `: ${r.pick(YAML_VALUES)}`);
  return lines.join('\n');
}

let dir: string;
const seeds: string[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-fuzz-yaml-'));
  seeds.push(await readFile(path.join(FIXTURES, 'tiny-workspace', 'gtm.yaml'), 'utf8'), GTM_YAML_TEMPLATE);
});
afterAll(async () => {
  reportTally('gtm.yaml fuzz');
  await rm(dir, { recursive: true, force: true });
});

describe('mutated gtm.yaml', () => {
  it(`${CASES} seeded cases: a workspace or a CONFIG error naming gtm.yaml`, async () => {
    const r = fuzzRng(606);
    for (let i = 0; i < CASES; i++) {
      const seed = r.pick(seeds);
      let text = seed;
      for (let k = 0, n = 1 + r.int(3); k < n; k++)
        text = r.chance(0.6) ? mutateValue(text, r) : mutateMany(text, r, 1);
      const file = `gtm-${i}.yaml`;
      await writeFile(path.join(dir, file), text);
      try {
        loadWorkspace({ cwd: dir, configPath: file, env: {} });
        tally.tried++;
      } catch (err) {
        expect(err, `case ${i}: ${String((err as Error)?.stack ?? err)}\n${text}`).toBeInstanceOf(GtmError);
        const e = expectGtmError(err, ['CONFIG']);
        expect(e.where, `case ${i}`).toMatch(new RegExp(`^${file.replace('.', '\\.')}|^[\\w.\\[\\]-]+$`));
      }
    }
  });

  it(`${CLI_CASES} cases through gtm doctor: exit 0, 4 (a source unreadable) or one clear line`, async () => {
    const r = fuzzRng(707);
    for (let i = 0; i < CLI_CASES; i++) {
      await writeFile(path.join(dir, 'gtm.yaml'), mutateValue(mutateValue(seeds[0], r), r));
      const run = await runCli(['doctor'], { cwd: dir });
      if (run.code === 0 || run.code === 4) {
        tally.tried++;
        expect(run.stderr.includes('error[INTERNAL]'), run.stderr).toBe(false);
      } else expectRefused(run, 'CONFIG');
    }
  });
});
