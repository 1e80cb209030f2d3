/**
 * Property test of the experiment inputs users feed `gtm experiment-readout` (issue 10): seeded
 * mutations of a JSON readout (the worked example) and of a CSV readout (one row per metric and
 * variant) are read and analysed. Property: a result whose every number is finite or null, or a
 * GtmError (INPUT for the file, USAGE for a flag) with where and hint; never another error, never
 * INTERNAL. The raw-rows path (`--exposures`) is fuzzed through the CLI on a smaller budget, since
 * each case opens the engine.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReadoutCsv } from '../../src/commands/experiment-readout/read-readout-csv.ts';
import { readReadoutJson } from '../../src/commands/experiment-readout/read-readout-json.ts';
import { analyzeWithFlags } from '../../src/commands/experiment-readout/run-experiment-readout.ts';
import { GtmError } from '../../src/errors/index.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectGtmError, expectRefused, reportTally, tally } from './error-policy.ts';
import { mutateJsonValues, mutateMany, fuzzRng, FUZZ_SCALE } from './fuzz.ts';

const CASES = 1500 * FUZZ_SCALE;
const RAW_CASES = 60 * FUZZ_SCALE;
const CSV_SEED = [
  'metric,type,variant,n,sum,sum_squares,pre_sum,pre_sum_squares,post_pre_sum_product,weight,users',
  'signup,proportion,A,1000,100,,,,,0.5,1000',
  'signup,proportion,B,1010,121,,,,,0.5,1010',
  'spend,mean,A,1000,5000,40000,4800,39000,38000,,',
  'spend,mean,B,1010,5300,43000,4900,39500,39100,,',
].join('\n');
const RAW_SEED = [
  'variant,user_id,spend,converted',
  'control,u1,3,1',
  'treatment,u2,4,0',
  'control,u3,5,1',
  'treatment,u4,6,1',
  'control,u1,2,0',
].join('\n');

let jsonSeed: string;
let dir: string;
beforeAll(async () => {
  jsonSeed = await readFile(
    path.resolve(import.meta.dirname, '../../examples/experiment-readout.json'),
    'utf8',
  );
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-fuzz-readout-'));
});
afterAll(async () => {
  reportTally('experiment inputs fuzz');
  await rm(dir, { recursive: true, force: true });
});

/** Every number anywhere in a result is finite (null stands for "not computed"). */
function nonFinite(value: unknown, at = '$'): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${at} = ${value}`;
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      const bad = nonFinite(v, `${at}.${k}`);
      if (bad) return bad;
    }
  return undefined;
}

describe.each([
  ['JSON', () => jsonSeed, readReadoutJson, 'r.json'],
  ['CSV', () => CSV_SEED, readReadoutCsv, 'r.csv'],
] as const)('mutated %s readouts', (_kind, seed, read, file) => {
  it(`${CASES} seeded cases: a finite result or a GtmError naming the file`, () => {
    const r = fuzzRng(_kind === 'JSON' ? 101 : 202);
    for (let i = 0; i < CASES; i++) {
      // half the cases break the syntax, half keep it and break the values
      const text = _kind === 'JSON' && r.chance(0.5) ? mutateJsonValues(seed(), r) : mutateMany(seed(), r);
      const label = `case ${i}: ${JSON.stringify(text.slice(0, 300))}`;
      try {
        const result = analyzeWithFlags(read(text, file), {}, file);
        tally.tried++;
        expect(nonFinite(result), label).toBeUndefined();
      } catch (err) {
        expect(err, `${label}: ${String((err as Error)?.stack ?? err)}`).toBeInstanceOf(GtmError);
        const e = expectGtmError(err, ['INPUT', 'USAGE']);
        if (e.code === 'INPUT') expect(e.where, label).toContain(file);
      }
    }
  });
});

describe('mutated raw exposure files through the CLI', () => {
  it(`${RAW_CASES} seeded cases: exit 0 with a result, or one clear line`, async () => {
    const r = fuzzRng(303);
    for (let i = 0; i < RAW_CASES; i++) {
      const name = `exposures-${i}.csv`;
      await writeFile(path.join(dir, name), mutateMany(RAW_SEED, r, 3));
      const run = await runCli(
        [
          'experiment-readout',
          '--exposures',
          name,
          '--variant-column',
          'variant',
          '--unit-column',
          'user_id',
          '--metric',
          'spend:mean:spend,conv:proportion:converted',
        ],
        { cwd: dir },
      );
      if (run.code === 0) {
        tally.tried++;
        expect(nonFinite(run.json()), name).toBeUndefined();
      } else
        expectRefused(run, run.stderrLines[0]?.match(/^error\[(\w+)\]/)?.[1] === 'USAGE' ? 'USAGE' : 'INPUT');
    }
  });
});
