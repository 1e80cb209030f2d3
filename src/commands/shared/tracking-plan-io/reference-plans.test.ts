/**
 * Reference checks on the two Segment tracking plans from segmentio/typewriter (MIT):
 * `src/__tests__/__data__/plan.json` (Public API form) and `plan-v1.json` (Config API v1 form).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { referencePath } from '../../../../test/helpers/reference-data.ts';
import {
  createEventValidator,
  eventPropertiesSchema,
  lintPlan,
  planLosses,
  sampleInstance,
} from '../../../analyses/instrumentation/index.ts';
import { richPlan } from '../../../analyses/instrumentation/rich-plan.fixture.ts';
import type { JsonSchema, PlanEvent, TrackingPlan } from '../../../analyses/instrumentation/index.ts';
import { FORMAT_LOSSES, exportLosses, importedPlanName } from './export-losses.ts';
import { exportPlan, planExportFiles } from './export-plan.ts';
import { importPlan } from './import-plan.ts';
import { DIRECTORY_FORMATS, PLAN_FORMATS, detectPlanFormat } from './plan-format.ts';
import type { PlanFormat } from './plan-format.ts';

const publicApi = referencePath('tracking-plans', 'segment-public-api-plan.json');
const configV1 = referencePath('tracking-plans', 'segment-config-api-plan-v1.json');
const tmp = mkdtempSync(join(tmpdir(), 'gtm-ref-plans-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Event names in the v1 file write "#1" where the Public API key says "1". */
const sameName = (n: string) => n.replace(/ #(\d)$/, ' $1');

describe('Segment reference plans', () => {
  const a = importPlan({ path: publicApi });
  const b = importPlan({ path: configV1 });

  it('are detected as Segment and import all their events', () => {
    expect(detectPlanFormat(publicApi)).toBe('segment');
    expect(detectPlanFormat(configV1)).toBe('segment');
    expect(a.name).toBe('Typewriter E2E');
    expect(a.events).toHaveLength(25);
    expect(b.events).toHaveLength(24);
    expect(a.events.map((e) => e.name)).toContain(`42_--terrible==\\"event'++name~!3`);
  });

  it('agree event by event across the two API forms', () => {
    for (const eb of b.events) {
      const ea = a.events.find((e) => sameName(e.name) === sameName(eb.name));
      expect(ea, eb.name).toBeDefined();
      expect(ea!.description).toBe(eb.description);
      expect(ea!.properties).toEqual(eb.properties);
      expect(ea!.additionalProperties).toBe(eb.additionalProperties);
    }
    // The one event only the Public API plan has.
    expect(
      a.events
        .filter((ea) => !b.events.some((eb) => sameName(ea.name) === sameName(eb.name)))
        .map((e) => e.name),
    ).toEqual(['NoID Type']);
  });

  it('keep types, unions, enums, patterns, nesting and required lists', () => {
    const byName = (n: string) => a.events.find((e) => e.name === n)!;
    expect(byName('Union Type').properties).toEqual([
      { name: 'universe_name', required: true, schema: { type: ['string', 'null', 'integer'] } },
    ]);
    expect(byName('Enum Types').properties[1]).toEqual({
      name: 'string enum',
      description: 'A string property that accepts multiple enum values.',
      required: false,
      schema: { enum: ['Evil Morty', 'Lawyer Morty'], type: 'string' },
    });
    expect(byName('Custom Violation Handler').properties[0].schema).toEqual({
      pattern: 'Lawyer Morty|Evil Morty',
      type: 'string',
    });
    const garage = byName('Nested Objects').properties[0];
    expect(garage.required).toBe(true);
    expect(garage.schema.required).toEqual(['tunnel']);
    expect(
      garage.schema.properties?.tunnel.properties?.['subterranean lab'].properties?.["jerry's memories"],
    ).toEqual({ description: '', type: 'array' });
    expect(byName('Every Required Type').properties.filter((p) => p.required)).toHaveLength(10);
  });

  it('accept a sample instance of every event and reject a broken one', () => {
    const v = createEventValidator(a);
    for (const e of a.events)
      v.validate({
        type: 'track',
        event: e.name,
        userId: 'u',
        properties: sampleInstance(eventPropertiesSchema(e)),
      });
    expect(v.report().totalViolations).toBe(0);
    v.validate({
      type: 'track',
      event: 'Custom Violation Handler',
      userId: 'u',
      properties: { 'regex property': 'Rick' },
    });
    v.validate({
      type: 'track',
      event: 'Nested Arrays',
      userId: 'u',
      properties: { universeCharacters: [[{ name: 3 }]] },
    });
    expect(v.report().violationsByType).toMatchObject({ constraint_violation: 1, wrong_type: 1 });
    expect(v.report().samples.find((s) => s.type === 'wrong_type')?.property).toBe(
      'universeCharacters.0.0.name',
    );
  });

  it('lint: the colliding names typewriter tests are reported as duplicates', () => {
    const findings = lintPlan(a).findings;
    expect(findings.filter((f) => f.rule === 'duplicate-event-name').map((f) => f.event)).toEqual([
      'event_collided',
    ]);
    expect(
      findings.filter((f) => f.rule === 'duplicate-property-name').map((f) => `${f.event} / ${f.property}`),
    ).toEqual(['Properties Collided / property_collided']);
  });
});

const RUDDER_CONFIG = [
  'enum',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
];

/** The part of a property schema RudderStack holds: type(s), config, item type(s), nested object properties. */
function rudderHeld(s: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  if (s.type !== undefined) out.type = s.type;
  for (const k of RUDDER_CONFIG) if (s[k] !== undefined) out[k] = s[k];
  const items = s.items as JsonSchema | undefined;
  if (items && !Array.isArray(items) && items.type !== undefined) out.items = { type: items.type };
  const props = Object.entries(s.properties ?? {});
  if (props.length) {
    out.properties = Object.fromEntries(
      props.map(([n, sub]) => [
        n,
        { ...(sub.description ? { description: sub.description } : {}), ...rudderHeld(sub) },
      ]),
    );
    if (s.required?.length) out.required = s.required;
    if (typeof s.additionalProperties === 'boolean') out.additionalProperties = s.additionalProperties;
  }
  return out;
}

/** What each format holds, per event (gtm → X → gtm compares these). */
const HELD: Record<PlanFormat, (e: PlanEvent) => unknown> = {
  'gtm-json': (e) => e,
  'gtm-yaml': (e) => e,
  'gtm-csv': (e) => e,
  segment: (e) => ({
    n: e.name,
    t: e.type,
    d: e.description,
    l: e.labels,
    p: e.properties,
    a: e.additionalProperties,
    v: e.version.split('-')[0],
  }),
  rudderstack: (e) => ({
    n: e.name,
    t: e.type,
    d: e.description,
    p: e.properties.map((p) => ({ n: p.name, d: p.description, r: p.required, s: rudderHeld(p.schema) })),
    a: e.additionalProperties,
  }),
  iglu: (e) => ({ n: e.name, d: e.description, p: e.properties, a: e.additionalProperties, v: e.version }),
  'json-schema': (e) => ({ n: e.name, d: e.description, p: e.properties, a: e.additionalProperties }),
  amplitude: (e) => ({
    n: e.name,
    d: e.description,
    p: e.properties.map((p) => ({ n: p.name, r: p.required, d: p.description })),
  }),
};

describe('gtm → format → gtm round trips on the Segment reference plan', () => {
  const source: TrackingPlan = importPlan({ path: publicApi });
  // Give the plan the governance facts only gtm's own formats hold.
  source.events[0].owner = 'qa@example.com';
  source.events[0].sources = ['web'];
  source.events[0].identities = ['userId'];
  source.events[0].status = 'implemented';
  source.events[1].pii = false;
  source.events[1].consentCategory = 'Analytics';
  source.events[1].retentionDays = 30;
  source.version = '3-1-0';

  it.each(Object.keys(HELD) as PlanFormat[])('%s', async (format) => {
    const out = ['iglu', 'json-schema'].includes(format)
      ? join(tmp, format)
      : join(
          tmp,
          `plan-${format}.${format.endsWith('yaml') || format === 'rudderstack' ? 'yaml' : format.endsWith('csv') || format === 'amplitude' ? 'csv' : 'json'}`,
        );
    const files = await exportPlan({ format, plan: source, out, vendor: 'com.example' });
    expect(files.length).toBeGreaterThan(0);
    const back = importPlan({ path: out });
    expect(detectPlanFormat(out)).toBe(format);
    // A directory of files holds no event order.
    const order = (p: TrackingPlan) =>
      DIRECTORY_FORMATS.includes(format)
        ? [...p.events].sort((x, y) => (x.name < y.name ? -1 : 1))
        : p.events;
    expect(order(back).map(HELD[format])).toEqual(order(source).map(HELD[format]));
    if (format === 'gtm-json' || format === 'gtm-yaml') expect(back).toEqual(source);
  });
});

describe('export → import → diff, on disk, for every format', () => {
  /** The field id of a documented loss (`plan.common (its message-level part only)` → `plan.common`). */
  const documented = (format: PlanFormat) => FORMAT_LOSSES[format].map((f) => f.split(' ')[0]);
  const outOf = (format: PlanFormat) =>
    DIRECTORY_FORMATS.includes(format)
      ? join(tmp, 'rich', format)
      : join(
          tmp,
          'rich',
          `plan-${format}.${format.endsWith('yaml') || format === 'rudderstack' ? 'yaml' : format.endsWith('csv') || format === 'amplitude' ? 'csv' : 'json'}`,
        );

  it.each([...PLAN_FORMATS])(
    '%s loses only what the format has no place for, and says so beside the file',
    async (format) => {
      const plan = richPlan();
      const out = outOf(format);
      const files = await exportPlan({ format, plan, out, vendor: 'com.rich' });
      const back = importPlan({ path: out, format });
      const losses = planLosses(plan, back);
      expect(losses.map((l) => l.field).filter((f) => !documented(format).includes(f))).toEqual([]);
      const sidecar = `${out}.losses.md`;
      if (!losses.length) {
        expect(existsSync(sidecar)).toBe(false);
        expect(back).toEqual(plan);
        return;
      }
      expect(files.at(-1)).toBe(sidecar);
      const md = readFileSync(sidecar, 'utf8');
      for (const l of losses) expect(md).toContain(`\`${l.field}\``);
      // Governance travels wherever the format has a place for it.
      if (format !== 'rudderstack')
        for (const e of plan.events.filter((x) => x.type !== 'identify' || x.properties.length)) {
          const twin = back.events.find((x) => x.name === e.name && x.type === e.type);
          expect(twin, `${format}: ${e.type} ${e.name}`).toBeDefined();
          expect(
            [
              twin!.retentionDays,
              twin!.consentCategory,
              twin!.owner,
              twin!.version,
              twin!.status,
              twin!.identities,
            ],
            `${format}: ${e.name}`,
          ).toEqual([e.retentionDays, e.consentCategory, e.owner, e.version, e.status, e.identities]);
        }
    },
  );

  it('the in-memory check agrees with what importPlan reads from disk', async () => {
    for (const format of PLAN_FORMATS) {
      const plan = richPlan();
      const out = outOf(format);
      const isDir = DIRECTORY_FORMATS.includes(format);
      const files = planExportFiles({
        format,
        plan,
        fileName: isDir ? '' : basename(out),
        vendor: 'com.rich',
      });
      const inMemory = exportLosses({ plan, format, files, name: importedPlanName(out) });
      expect(inMemory, format).toEqual(planLosses(plan, importPlan({ path: out, format })));
    }
  });
});

describe('event order through folder formats', () => {
  const names = (p: TrackingPlan) => p.events.map((e) => e.name);

  it.each(['iglu', 'json-schema'] as const)(
    '%s: read back in file-name order, and the losses say so when the plan had another order',
    async (format) => {
      const plan = richPlan();
      const files = planExportFiles({ format, plan, now: '2026-06-01T00:00:00Z', fileName: '' });
      const losses = exportLosses({ plan, format, files, name: 'rich' });
      const out = join(tmp, 'order', format);
      await exportPlan({ plan, format, out, now: '2026-06-01T00:00:00Z' });
      const back = importPlan({ path: out, format });
      expect(names(back)).not.toEqual(names(plan));
      expect(losses.find((l) => l.field === 'plan.event_order')).toMatchObject({
        label: 'order of the events (read back in file-name order)',
        events: [],
      });
      expect(readFileSync(`${out}.losses.md`, 'utf8')).toContain('`plan.event_order`');
      // a plan already in that order loses nothing of it
      const sorted = { ...plan, events: back.events.map((b) => plan.events.find((e) => e.name === b.name)!) };
      const again = exportLosses({
        plan: sorted,
        format,
        files: planExportFiles({ format, plan: sorted, now: '2026-06-01T00:00:00Z', fileName: '' }),
        name: 'rich',
      });
      expect(again.map((l) => l.field)).not.toContain('plan.event_order');
    },
  );
});
