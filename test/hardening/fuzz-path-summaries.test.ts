/**
 * Property test of path summaries (issue 10): seeded mutations of the two published formats
 * (ChannelAttribution's `;`-separated and fractribution's `,`-separated, from
 * test/reference-data/attribution) go through the public `parsePathSummary` and `attribute` API as
 * they are, and, on a smaller budget, through `gtm attribute --paths`.
 * Properties: parsing gives records or an AttributionInputError with a line (never another error);
 * every record's numbers are finite and not negative; the credit of each model adds up to the
 * conversions parsed (nothing lost); the CLI exits 0 or prints one clear line, never INTERNAL.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute, AttributionInputError, parsePathSummary } from '../../src/analyses/attribution/index.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectRefused, reportTally, tally } from './error-policy.ts';
import { mutateMany, fuzzRng, FUZZ_SCALE } from './fuzz.ts';

const CASES = 1500 * FUZZ_SCALE;
const CLI_CASES = 150 * FUZZ_SCALE;
const REFERENCE = path.resolve(import.meta.dirname, '../reference-data/attribution');
const MODELS = [
  'first-touch',
  'linear',
  'time-decay',
  'position-based',
  'markov',
  'shapley',
  'fractribution',
];

const seeds: string[] = [];
let dir: string;
beforeAll(async () => {
  for (const f of ['channelattribution-paths.csv', 'fractribution-path-summary.csv']) {
    const lines = (await readFile(path.join(REFERENCE, f), 'utf8')).split('\n');
    seeds.push(lines.slice(0, 25).join('\n') + '\n');
  }
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-fuzz-paths-'));
});
afterAll(async () => {
  reportTally('path summaries fuzz');
  await rm(dir, { recursive: true, force: true });
});

describe('mutated path summaries through parsePathSummary and attribute', () => {
  it(`${CASES} seeded cases: records or a located AttributionInputError; credit adds up`, () => {
    const r = fuzzRng(404);
    for (let i = 0; i < CASES; i++) {
      const text = mutateMany(r.pick(seeds), r);
      const label = `case ${i}: ${JSON.stringify(text.slice(0, 300))}`;
      tally.tried++;
      let records;
      try {
        records = parsePathSummary(text).records;
      } catch (err) {
        expect(err, `${label}: ${String((err as Error)?.stack ?? err)}`).toBeInstanceOf(
          AttributionInputError,
        );
        expect((err as AttributionInputError).message, label).toBeTruthy();
        tally.refused++;
        continue;
      }
      for (const rec of records) {
        expect(Number.isFinite(rec.conversions) && rec.conversions >= 0, label).toBe(true);
        if (rec.value !== undefined) expect(Number.isFinite(rec.value), label).toBe(true);
        if (rec.nulls !== undefined) expect(Number.isFinite(rec.nulls) && rec.nulls >= 0, label).toBe(true);
      }
      const conversions = records.reduce((s, x) => s + x.conversions, 0);
      const model = r.pick(MODELS);
      try {
        const result = attribute(records, model);
        const credited = result.channels.reduce((s, c) => s + c.conversions, 0);
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
        // every conversion parsed is credited to a channel or counted as dropped: none lost
        expect(
          close(credited, result.totals.conversions),
          `${label} ${model}: ${credited} vs ${result.totals.conversions}`,
        ).toBe(true);
        expect(
          close(result.totals.conversions + result.totals.dropped.conversions, conversions),
          `${label} ${model}: ${result.totals.conversions} + ${result.totals.dropped.conversions} vs ${conversions}`,
        ).toBe(true);
      } catch (err) {
        expect(err, `${label} ${model}: ${String((err as Error)?.stack ?? err)}`).toBeInstanceOf(
          AttributionInputError,
        );
      }
    }
  });
});

describe('mutated path summaries through gtm attribute --paths', () => {
  it(`${CLI_CASES} seeded cases: exit 0 or one clear line, never INTERNAL`, async () => {
    const r = fuzzRng(505);
    for (let i = 0; i < CLI_CASES; i++) {
      const name = `paths-${i}.csv`;
      await writeFile(path.join(dir, name), mutateMany(r.pick(seeds), r));
      const run = await runCli(['attribute', '--paths', name, '--model', r.pick([...MODELS, 'compare'])], {
        cwd: dir,
      });
      if (run.code === 0) {
        tally.tried++;
        // a run that succeeds may warn (one line each, e.g. a path with a value but no conversions,
        // 0fd450b), never print a stack trace or an error
        expect(
          run.stderrLines.filter((l) => !/^warning: [^\n]+$/.test(l)),
          name,
        ).toEqual([]);
      } else expectRefused(run, run.stderrLines[0]?.startsWith('error[USAGE]') ? 'USAGE' : 'INPUT');
    }
  });
});
