/**
 * Reference check on the 660 Snowplow Iglu Central self-describing schemas (snowplow/iglu-central,
 * `schemas/`, Apache-2.0): every schema compiles with Ajv's draft-04 support once registered under
 * its `iglu:` address (with the `strict-uri` format), a sample instance generated from the schema
 * itself validates against it, and the schema imported into gtm validates the same sample.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencePath } from '../../../../test/helpers/reference-data.ts';
import {
  createEventValidator,
  createIgluRegistry,
  fromIgluSchemas,
  igluKeyOf,
  igluUri,
  parseIgluUri,
  sampleInstance,
  toIgluSchemas,
} from '../../../analyses/instrumentation/index.ts';
import type { JsonSchema } from '../../../analyses/instrumentation/index.ts';
import { importPlan } from './import-plan.ts';
import { listFiles } from './plan-format.ts';

const dir = referencePath('tracking-plans', 'iglu-central-schemas');
const files = listFiles(dir);
const schemas = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as JsonSchema);
const registry = createIgluRegistry(schemas);
const resolveRef = (ref: string) => {
  const k = parseIgluUri(ref);
  return k ? registry.schema(igluUri(k)) : undefined;
};
const sampleOf = (s: JsonSchema) => sampleInstance(s, { resolveRef });

describe('Iglu Central schemas', () => {
  it('are 660 self-describing schemas laid out vendor/name/jsonschema/version', () => {
    expect(files).toHaveLength(660);
    for (const [i, f] of files.entries()) {
      const key = igluKeyOf(schemas[i])!;
      expect(f.endsWith(`${key.vendor}/${key.name}/${key.format}/${key.version}`), f).toBe(true);
    }
  });

  it('each compiles and accepts a sample generated from it, and rejects a wrong one', () => {
    const failures: string[] = [];
    let rejected = 0;
    for (const uri of registry.uris) {
      const schema = registry.schema(uri)!;
      const r = registry.validate(uri, sampleOf(schema));
      if (!r.valid) failures.push(`${uri}: ${JSON.stringify(r.errors[0])}`);
      if (!registry.validate(uri, 'not an instance').valid) rejected++;
    }
    expect(failures).toEqual([]);
    // Every schema constrains its root, except the self-describing meta schema and typeless roots.
    expect(rejected).toBeGreaterThan(650);
  });

  it('each imports into gtm, and the imported event accepts the same sample', () => {
    const failures: string[] = [];
    for (const schema of schemas) {
      const plan = fromIgluSchemas([schema], { resolveRef });
      expect(plan.events).toHaveLength(1);
      const event = plan.events[0];
      expect(event.version).toBe(igluKeyOf(schema)!.version);
      const v = createEventValidator(plan);
      v.validate({ type: 'track', event: event.name, userId: 'u1', properties: sampleOf(schema) });
      const report = v.report();
      if (report.totalViolations)
        failures.push(`${igluUri(igluKeyOf(schema)!)}: ${JSON.stringify(report.samples[0]?.detail)}`);
    }
    expect(failures).toEqual([]);
  });

  it('import as one plan: the latest version of each schema, every sample valid, round trip through Iglu', () => {
    const plan = importPlan({ format: 'iglu', path: dir });
    const distinct = new Set(schemas.map((s) => `${igluKeyOf(s)!.vendor}/${igluKeyOf(s)!.name}`));
    expect(plan.events).toHaveLength(distinct.size);
    expect(new Set(plan.events.map((e) => e.name)).size).toBe(plan.events.length);
    const v = createEventValidator(plan);
    for (const e of plan.events) {
      const schema = registry.schema(
        `iglu:${e.labels!.iglu_vendor}/${e.labels!.iglu_name}/jsonschema/${e.version}`,
      )!;
      v.validate({ type: 'track', event: e.name, userId: 'u1', properties: sampleOf(schema) });
    }
    expect(v.report().totalViolations).toBe(0);
    expect(v.report().eventsChecked).toBe(plan.events.length);
    const back = fromIgluSchemas(toIgluSchemas(plan, { vendor: 'com.example' }).map((f) => f.schema));
    const held = (p: typeof plan) =>
      p.events
        .map((e) => ({
          n: e.name,
          v: e.version,
          d: e.description,
          p: e.properties,
          a: e.additionalProperties,
          x: e.schemaExtras,
          l: e.labels,
        }))
        .sort((a, b) => (a.n < b.n ? -1 : 1));
    expect(held(back)).toEqual(held(plan));
    // The export writes every schema back at its original address.
    expect(
      toIgluSchemas(plan, { vendor: 'x' })
        .map((f) => `iglu:${f.path}`)
        .sort(),
    ).toEqual(
      [...distinct]
        .map((vn) => plan.events.find((e) => `${e.labels!.iglu_vendor}/${e.labels!.iglu_name}` === vn)!)
        .map((e) => `iglu:${e.labels!.iglu_vendor}/${e.labels!.iglu_name}/jsonschema/${e.version}`)
        .sort(),
    );
  });
});
