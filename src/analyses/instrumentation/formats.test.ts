import { describe, expect, it } from 'vitest';
import { shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { AMPLITUDE_COLUMNS, fromAmplitudeCsv, toAmplitudeCsv } from './amplitude-format.ts';
import { parseCsv } from './csv-table.ts';
import { fromIgluSchemas, toIgluSchemas } from './iglu-format.ts';
import { createIgluRegistry } from './iglu-registry.ts';
import { fromJsonSchemas, toJsonSchemas } from './json-schema-format.ts';
import { planFromCsv, planToCsv } from './plan-csv.ts';
import { parsePlanDocument, serializePlanDocument } from './plan-document.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { fromRudderYaml, toRudderYaml } from './rudderstack-format.ts';
import { sampleInstance } from './sample-instance.ts';
import { fromSegmentPlan, toSegmentPlan } from './segment-format.ts';
import type { JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';

/** The fields a format holds, per event, for gtm → X → gtm comparisons. */
function project(plan: TrackingPlan, pick: (e: PlanEvent) => unknown): unknown[] {
  return plan.events.map(pick);
}

const schemaFields = (e: PlanEvent) => ({
  name: e.name,
  type: e.type,
  description: e.description,
  additionalProperties: e.additionalProperties,
  properties: e.properties.map((p) => ({
    name: p.name,
    description: p.description,
    required: p.required,
    schema: p.schema,
  })),
});

describe('gtm-tracking-plan/v1 documents', () => {
  it('round-trip every field through JSON and YAML', () => {
    const plan = shopPlan();
    plan.owner = 'growth@shop.test';
    plan.regulations = ['GDPR', 'CCPA'];
    plan.events[0].tags = ['revenue'];
    plan.events[0].labels = { area: 'checkout' };
    plan.events[0].schemaExtras = { minProperties: 1 };
    expect(parsePlanDocument(serializePlanDocument(plan, 'json'), 'json')).toEqual(plan);
    expect(parsePlanDocument(serializePlanDocument(plan, 'yaml'), 'yaml')).toEqual(plan);
  });

  it('reports the path of the first problem', () => {
    const doc = JSON.parse(serializePlanDocument(shopPlan(), 'json'));
    doc.events[1].properties[0].requird = true;
    const err = (() => {
      try {
        parsePlanDocument(JSON.stringify(doc), 'json');
      } catch (e) {
        return e as PlanParseError;
      }
    })();
    expect(err).toBeInstanceOf(PlanParseError);
    expect(err?.message).toBe('unknown key "requird"');
    expect(err?.at).toBe('events[1].properties[0]');
    expect(() => parsePlanDocument('format: other\nname: x\nevents: []\n', 'yaml')).toThrow(
      /not a gtm-tracking-plan\/v1 document/,
    );
    expect(() => parsePlanDocument('a: [1\n', 'yaml')).toThrow(PlanParseError);
  });
});

describe('gtm CSV', () => {
  it('round-trips events and properties (plan metadata is not a row)', () => {
    const plan = shopPlan();
    plan.events[0].tags = ['revenue', 'core'];
    plan.events[0].labels = { area: 'checkout' };
    const back = planFromCsv(planToCsv(plan), plan.name);
    expect(back.events).toEqual(plan.events);
  });

  it('quotes fields with commas, quotes and line breaks', () => {
    const plan = shopPlan();
    plan.events[0].description = 'Paid, "really"\nand shipped';
    const text = planToCsv(plan);
    expect(parseCsv(text)[1][2]).toBe('Paid, "really"\nand shipped');
    expect(planFromCsv(text).events[0].description).toBe('Paid, "really"\nand shipped');
  });

  it('names the row and column of a bad value', () => {
    const text = 'event,property,property_required\nOrder Completed,order_id,maybe\n';
    expect(() => planFromCsv(text)).toThrow(
      expect.objectContaining({ at: 'row 2, column property_required' }),
    );
  });
});

describe('Segment Protocols', () => {
  it('round-trips name, call type, description, labels, schema and MODEL version', () => {
    const plan = shopPlan();
    plan.events[0].labels = { area: 'checkout' };
    const back = fromSegmentPlan(JSON.parse(JSON.stringify(toSegmentPlan(plan))));
    expect(project(back, schemaFields)).toEqual(project(plan, schemaFields));
    expect(back.events.map((e) => e.labels)).toEqual(plan.events.map((e) => e.labels));
    expect(back.events.map((e) => e.version)).toEqual(['3-0-0', '1-0-0', '1-0-0', '1-0-0', '1-0-0', '1-0-0']);
    expect(toSegmentPlan(plan, { deprecatedAt: '2024-01-01T00:00:00Z' }).rules).toContainEqual(
      expect.objectContaining({ key: 'Cart Emptied', deprecatedAt: '2024-01-01T00:00:00Z' }),
    );
  });

  it('reads message-level rule schemas (properties.properties / traits)', () => {
    const plan = fromSegmentPlan({
      rules: [
        {
          key: 'Signed Up',
          type: 'TRACK',
          version: 2,
          jsonSchema: {
            properties: {
              context: {},
              traits: { type: 'object' },
              properties: {
                type: 'object',
                properties: { method: { type: 'string', description: 'How.' } },
                required: ['method'],
              },
            },
          },
        },
        {
          type: 'IDENTIFY',
          jsonSchema: {
            properties: { traits: { type: 'object', properties: { email: { type: 'string' } } } },
          },
        },
        { type: 'COMMON', jsonSchema: { properties: {} } },
      ],
    });
    expect(plan.events).toHaveLength(2);
    expect(plan.events[0]).toMatchObject({
      name: 'Signed Up',
      version: '2-0-0',
      properties: [{ name: 'method', required: true, description: 'How.', schema: { type: 'string' } }],
    });
    expect(plan.events[1]).toMatchObject({
      name: 'identify',
      type: 'identify',
      properties: [{ name: 'email' }],
    });
  });
});

describe('RudderStack rudder/v1', () => {
  it('round-trips names, types, descriptions, config, nesting, required and unplanned-property rules', () => {
    const plan = shopPlan();
    plan.events[0].category = 'Checkout';
    const yaml = toRudderYaml(plan);
    expect(yaml).toContain('version: rudder/v1');
    expect(yaml).toContain('kind: tracking-plan');
    expect(yaml).toContain('property: "#property:order_id"');
    const back = fromRudderYaml(yaml);
    expect(project(back, schemaFields)).toEqual(project(plan, schemaFields));
    expect(back.events[0].category).toBe('Checkout');
  });

  it('gives one catalog property per distinct definition', () => {
    const plan = shopPlan();
    plan.events[1].properties.push({
      name: 'order_id',
      description: 'Another meaning.',
      required: false,
      schema: { type: 'integer' },
    });
    const yaml = toRudderYaml(plan);
    expect(yaml).toContain('id: order_id_2');
    const back = fromRudderYaml(yaml);
    expect(back.events[1].properties[1]).toEqual({
      name: 'order_id',
      description: 'Another meaning.',
      required: false,
      schema: { type: 'integer' },
    });
  });

  it('reads the legacy rudder/0.1 layout across several files', () => {
    const events = `version: rudder/0.1
kind: events
metadata:
  name: app
spec:
  events:
    - id: signed_up
      name: Signed Up
      event_type: track
      description: A user signed up.
`;
    const props = `version: rudder/0.1
kind: properties
metadata:
  name: app
spec:
  properties:
    - id: method
      name: method
      type: string
      propConfig:
        enum: [email, google]
    - id: tags
      name: tags
      type: array
      propConfig:
        itemTypes: [string]
        minItems: 1
`;
    const tp = `version: rudder/0.1
kind: tp
metadata:
  name: app
spec:
  id: app_plan
  display_name: App plan
  rules:
    - type: event_rule
      id: signed_up_rule
      event:
        $ref: "#/events/app/signed_up"
        allow_unplanned: true
      properties:
        - $ref: "#/properties/app/method"
          required: true
        - $ref: "#/properties/app/tags"
`;
    const plan = fromRudderYaml([events, props, tp]);
    expect(plan.name).toBe('App plan');
    expect(plan.events[0]).toMatchObject({
      name: 'Signed Up',
      additionalProperties: true,
      properties: [
        { name: 'method', required: true, schema: { type: 'string', enum: ['email', 'google'] } },
        { name: 'tags', required: false, schema: { type: 'array', items: { type: 'string' }, minItems: 1 } },
      ],
    });
  });

  it('says which reference does not resolve', () => {
    const tp =
      'version: rudder/v1\nkind: tracking-plan\nmetadata: {name: x}\nspec:\n  id: x\n  display_name: X\n  rules:\n    - {type: event_rule, id: r, event: "#event:missing"}\n';
    expect(() => fromRudderYaml(tp)).toThrow(
      expect.objectContaining({ message: 'event "missing" is not defined', at: 'rules[0]' }),
    );
  });
});

describe('Amplitude Data CSV', () => {
  it('writes the 42 export columns with event rows followed by their property rows', () => {
    const rows = parseCsv(toAmplitudeCsv(shopPlan()));
    expect(rows[0]).toEqual([...AMPLITUDE_COLUMNS]);
    expect(rows[0]).toHaveLength(42);
    const col = (name: string) => AMPLITUDE_COLUMNS.indexOf(name as (typeof AMPLITUDE_COLUMNS)[number]);
    expect(rows[1][col('Object Type')]).toBe('Event');
    expect(rows[2][col('Property Type')]).toBe('Event Property');
    expect(rows[2][col('Event Property Name')]).toBe('order_id');
    expect(rows[2][col('Object Name')]).toBe('');
  });

  it('round-trips what Amplitude holds', () => {
    const plan = shopPlan();
    plan.events[0].category = 'Checkout';
    plan.events[0].tags = ['revenue'];
    plan.events[0].owner = 'ana@shop.test';
    const back = fromAmplitudeCsv(toAmplitudeCsv(plan));
    const held = (e: PlanEvent) => ({
      name: e.name,
      description: e.description,
      owner: e.owner,
      category: e.category,
      tags: e.tags,
      sources: e.sources,
      status: e.status === 'planned' ? 'planned' : e.status,
      properties: e.properties.map((p) => ({
        name: p.name,
        required: p.required,
        description: p.description,
        // Amplitude has no formats, nesting or null types; enums are strings.
        type: p.schema.enum
          ? 'enum'
          : ([p.schema.type].flat().find((t) => t !== 'null' && t !== 'object') ?? 'any'),
        enum: p.schema.enum?.map(String),
        pattern: p.schema.pattern,
        maxLength: p.schema.maxLength,
        minimum: p.schema.minimum,
        maximum: p.schema.maximum,
      })),
    });
    const track = (p: TrackingPlan) => p.events.filter((e) => e.type !== 'identify');
    expect(track(back).map(held)).toEqual(track(plan).map(held));
    // User properties come back as the identify event's traits.
    expect(back.events.find((e) => e.type === 'identify')?.properties.map((p) => p.name)).toEqual(['plan']);
  });

  it('reads template-style rows that name their event on each property row', () => {
    const csv =
      'Object Type,Object Name,Property Type,Event Property Name,Property Value Type,Property Required,Number Is Integer,Enum Values\n' +
      'Event,Song Played,,,,,,\n' +
      ',Song Played,Event Property,duration,number,TRUE,TRUE,\n' +
      ',Song Played,Event Property,genre,enum,FALSE,,"rock,jazz"\n';
    const plan = fromAmplitudeCsv(csv);
    expect(plan.events).toHaveLength(1);
    expect(plan.events[0].properties).toEqual([
      { name: 'duration', required: true, schema: { type: 'integer' } },
      { name: 'genre', required: false, schema: { enum: ['rock', 'jazz'] } },
    ]);
  });
});

describe('Iglu self-describing schemas', () => {
  it('writes valid self-describing schemas at vendor/name/jsonschema/version', () => {
    const files = toIgluSchemas(shopPlan(), { vendor: 'com.shop' });
    expect(files[0].path).toBe('com.shop/order_completed/jsonschema/3-0-0');
    const registry = createIgluRegistry(files.map((f) => f.schema));
    const sample = sampleInstance(files[0].schema);
    expect(registry.validate('iglu:com.shop/order_completed/jsonschema/3-0-0', sample)).toEqual({
      valid: true,
      errors: [],
    });
    expect(registry.validate('iglu:com.shop/order_completed/jsonschema/3-0-0', { order_id: 1 }).valid).toBe(
      false,
    );
  });

  it('round-trips name, description, version and schema', () => {
    const plan = shopPlan();
    const back = fromIgluSchemas(toIgluSchemas(plan, { vendor: 'com.shop' }).map((f) => f.schema));
    const held = (e: PlanEvent) => ({ ...schemaFields(e), type: undefined, version: e.version });
    expect(project(back, held)).toEqual(project(plan, held));
  });

  it('keeps the highest version of each schema and normalizes draft-04', () => {
    const v = (version: string, extra: JsonSchema): JsonSchema => ({
      self: { vendor: 'com.acme', name: 'checkout', format: 'jsonschema', version },
      type: 'object',
      // draft-04: a boolean exclusiveMinimum qualifies minimum.
      properties: {
        total: { type: 'number', minimum: 0, exclusiveMinimum: true as unknown as number, ...extra },
      },
      additionalProperties: false,
    });
    const plan = fromIgluSchemas([v('1-0-0', {}), v('1-1-0', { maximum: 10 }), v('1-0-1', {})]);
    expect(plan.events).toHaveLength(1);
    expect(plan.events[0]).toMatchObject({ name: 'checkout', version: '1-1-0', additionalProperties: false });
    expect(plan.events[0].properties[0].schema).toEqual({ type: 'number', exclusiveMinimum: 0, maximum: 10 });
  });
});

describe('plain JSON Schema per event', () => {
  it('round-trips name, description and schema', () => {
    const plan = shopPlan();
    const files = toJsonSchemas(plan);
    expect(files.map((f) => f.fileName)).toEqual([
      'order_completed.json',
      'ad_clicked.json',
      'invoice_paid.json',
      'cart_emptied.json',
      'identify_identify.json',
      'page.json',
    ]);
    const back = fromJsonSchemas(files.map((f) => ({ schema: f.schema, fallbackName: f.fileName })));
    const held = (e: PlanEvent) => ({ ...schemaFields(e), type: undefined });
    expect(project(back, held)).toEqual(project(plan, held));
  });
});
