/**
 * Property test of the tracking-plan importers of every format (issue 10, "property and fuzz
 * tests"): seeded mutations of a real plan in each format (gtm JSON / YAML / CSV, Segment,
 * RudderStack, Amplitude, Iglu, JSON Schema) are imported with the format given and detected.
 * Property: a plan comes back, or a GtmError INPUT naming the file with a hint; never another
 * error, never INTERNAL. A plan that comes back exports to every format without a crash.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_FORMATS, importPlan, type PlanFormat } from '../../src/commands/events/index.ts';
import { planExportFiles } from '../../src/commands/shared/tracking-plan-io/export-plan.ts';
import { GtmError } from '../../src/errors/index.ts';
import { shopPlan } from '../fixtures/events/shop-plan.ts';
import { expectGtmError, reportTally, tally } from './error-policy.ts';
import { mutateJsonValues, mutateMany, fuzzRng, FUZZ_SCALE } from './fuzz.ts';

const CASES_PER_FORMAT = 300 * FUZZ_SCALE;
const EXT: Record<PlanFormat, string> = {
  'gtm-json': '.json',
  'gtm-yaml': '.yaml',
  'gtm-csv': '.csv',
  segment: '.json',
  rudderstack: '.yaml',
  amplitude: '.csv',
  iglu: '.json',
  'json-schema': '.json',
};
const REFERENCE = path.resolve(import.meta.dirname, '../reference-data/tracking-plans');

let dir: string;
const seeds = new Map<PlanFormat, string[]>();
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-fuzz-plans-'));
  for (const format of PLAN_FORMATS) {
    const files = planExportFiles({
      format,
      plan: shopPlan(),
      fileName: `plan${EXT[format]}`,
      vendor: 'com.acme',
    });
    seeds.set(
      format,
      files.slice(0, 2).map((f) => String(f.content)),
    );
  }
  seeds.get('segment')!.push(await readFile(path.join(REFERENCE, 'segment-public-api-plan.json'), 'utf8'));
  const vendor = path.join(REFERENCE, 'iglu-central-schemas', 'com.google.analytics');
  for (const name of (await readdir(vendor)).slice(0, 2)) {
    const versions = path.join(vendor, name, 'jsonschema');
    const [first] = await readdir(versions);
    seeds.get('iglu')!.push(await readFile(path.join(versions, first), 'utf8'));
  }
});
afterAll(async () => {
  reportTally('plan importers fuzz');
  await rm(dir, { recursive: true, force: true });
});

describe.each([...PLAN_FORMATS])('importing mutated %s plans', (format) => {
  it(`${CASES_PER_FORMAT} seeded cases: a plan or an INPUT error naming the file`, async () => {
    const r = fuzzRng(0x5eed ^ PLAN_FORMATS.indexOf(format));
    const texts = seeds.get(format)!;
    for (let i = 0; i < CASES_PER_FORMAT; i++) {
      const seed = r.pick(texts);
      // JSON formats: half the cases keep the syntax and break the values
      const text = EXT[format] === '.json' && r.chance(0.5) ? mutateJsonValues(seed, r) : mutateMany(seed, r);
      const file = path.join(dir, `${format}-${i}${EXT[format]}`);
      await writeFile(file, text);
      const given = r.chance(0.5) ? format : undefined;
      const label = `${format} case ${i} (${given ? '--format given' : 'detected'}): ${JSON.stringify(text.slice(0, 200))}`;
      let plan;
      try {
        plan = importPlan({ path: file, format: given });
      } catch (err) {
        const e = expectGtmError(err, ['INPUT']);
        expect(e.where, label).toContain(file);
        continue;
      }
      tally.tried++;
      expect(Array.isArray(plan.events), label).toBe(true);
      for (const target of PLAN_FORMATS) {
        try {
          planExportFiles({ format: target, plan, fileName: `out${EXT[target]}` });
        } catch (err) {
          expect(err, `${label} → export ${target}: ${String(err)}`).toBeInstanceOf(GtmError);
          expectGtmError(err, ['INPUT', 'USAGE']);
        }
      }
    }
  });
});
