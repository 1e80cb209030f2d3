import { describe, expect, it } from 'vitest';
import { orderCompleted, shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { AMPLITUDE_COLUMNS, fromAmplitudeCsv, toAmplitudeCsv } from './amplitude-format.ts';
import { formatCsv, parseCsv } from './csv-table.ts';
import { createEventValidator } from './event-validator.ts';
import { fromIgluSchemas, toIgluSchemas } from './iglu-format.ts';
import { createIgluRegistry } from './iglu-registry.ts';
import { fromJsonSchemas, toJsonSchemas } from './json-schema-format.ts';
import { planFromCsv, planToCsv } from './plan-csv.ts';
import { parsePlanDocument, serializePlanDocument } from './plan-document.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { fromRudderYaml, toRudderYaml } from './rudderstack-format.ts';
import { planLosses, renderLosses } from './plan-fidelity.ts';
import { richPlan } from './rich-plan.fixture.ts';
import { sampleInstance } from './sample-instance.ts';
import { fromSegmentPlan, toSegmentPlan } from './segment-format.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
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
    expect(err?.message).toBe(
      'unknown key "requird"; the keys here are name, description, required, schema, consent_category, pii, pii_kind, retention_days',
    );
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

  it('refuses a row with more values than the header names, as an unquoted comma makes it', () => {
    const text =
      'event,property,property_description\nOrder Completed,revenue,Total, in cents\nOrder Completed,order_id,Id,\n';
    expect(() => planFromCsv(text)).toThrow(
      expect.objectContaining({
        at: 'row 2',
        message: 'row 2 has 4 values but the header names 3 columns: "in cents" has no column',
      }),
    );
    // an empty cell after the last column (a trailing comma) holds nothing, and a short row is
    // read with its missing cells empty
    const ok = 'event,property,property_description\nOrder Completed,order_id,Id,\nOrder Completed\n';
    expect(planFromCsv(ok).events[0].properties.map((p) => p.description)).toEqual(['Id']);
  });

  it('names the row and column of a bad value', () => {
    const text = 'event,property,property_required\nOrder Completed,order_id,maybe\n';
    expect(() => planFromCsv(text)).toThrow(
      expect.objectContaining({ at: 'row 2, column property_required' }),
    );
  });

  it("refuses a later row whose event cell differs from the event's first row (it was dropped)", () => {
    const head = 'event,event_description,event_retention_days,event_sources,property\n';
    const edited =
      head +
      'Seat Added,Seats were added.,90,product;web,account_id\n' +
      'Seat Added,Seats were added to a workspace.,90,product;web,seats\n';
    expect(() => planFromCsv(edited)).toThrow(
      expect.objectContaining({
        at: 'row 3, column event_description',
        message:
          'event_description "Seats were added to a workspace." differs from row 2\'s "Seats were added.": only the first row of event "Seat Added" is read for its event columns',
      }),
    );
    const retention = head + 'Seat Added,,,,account_id\nSeat Added,,30,,seats\n';
    expect(() => planFromCsv(retention)).toThrow(
      expect.objectContaining({
        at: 'row 3, column event_retention_days',
        message: expect.stringContaining("differs from row 2's empty cell"),
      }),
    );
    // the common rows' version too
    const common = 'event,event_type,event_version,property\n*,common,1-0-0,ip\n*,common,2-0-0,locale\n';
    expect(() => planFromCsv(common)).toThrow(expect.objectContaining({ at: 'row 3, column event_version' }));
    // empty cells repeat the first row, and cells written differently but read the same pass
    const same =
      'event,event_retention_days,event_sampling_rate,event_sources,event_additional_properties,property\n' +
      'Seat Added,90,1,product;web,false,account_id\n' +
      'Seat Added,,1.0, product ; web ,no,seats\n' +
      'Seat Added,90,,,,role\n';
    const [event] = planFromCsv(same).events;
    expect(event).toMatchObject({ retentionDays: 90, samplingRate: 1, sources: ['product', 'web'] });
    expect(event.properties.map((p) => p.name)).toEqual(['account_id', 'seats', 'role']);
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

  it('reads the plan name and description beside the rules ({ trackingPlan: {...}, rules: [...] })', () => {
    // the Public API's plan and its rules saved in one file: the name was 'Segment tracking plan'
    const rules = [{ key: 'Signed Up', type: 'TRACK', version: 1, jsonSchema: { properties: {} } }];
    const plan = fromSegmentPlan({
      trackingPlan: { id: 'tp_1', name: 'Ledgerly Web', description: 'Web app events.' },
      rules,
    });
    expect(plan.name).toBe('Ledgerly Web');
    expect(plan.description).toBe('Web app events.');
    expect(plan.events.map((e) => e.name)).toEqual(['Signed Up']);
    // the flat and wrapped shapes as before
    expect(fromSegmentPlan({ name: 'Flat', rules }).name).toBe('Flat');
    expect(fromSegmentPlan({ data: { trackingPlan: { name: 'Wrapped', rules } } }).name).toBe('Wrapped');
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

  it('reads a rule Segment writes for an event without properties ({ context: {}, traits: {}, properties: {} }) as no properties', () => {
    // Segment's Public API (and its Terraform provider) writes the message parts an event leaves
    // free as {}: read as a payload schema, that rule was an event with three untyped properties
    // named context, traits and properties, exported back to Segment and into the warehouse DDL.
    const empty = { context: {}, traits: {}, properties: {} };
    const plan = fromSegmentPlan({
      data: {
        rules: [
          {
            type: 'TRACK',
            key: 'Signed Out',
            version: 1,
            jsonSchema: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: empty,
            },
            deprecatedAt: '0001-01-01T00:00:00Z',
          },
          { type: 'IDENTIFY', version: 1, jsonSchema: { type: 'object', properties: empty } },
          {
            type: 'PAGE',
            key: 'Home',
            version: 1,
            jsonSchema: { properties: { context: {}, properties: {} } },
          },
          // a payload schema (typewriter's form) whose properties have those names stays a payload
          {
            type: 'TRACK',
            key: 'Envelope Sent',
            version: 1,
            jsonSchema: { properties: { properties: { type: 'string' }, context: {} } },
          },
        ],
      },
    });
    expect(plan.events.map((e) => [e.name, e.type, e.status, e.properties.map((p) => p.name)])).toEqual([
      ['Signed Out', 'track', 'planned', []],
      ['identify', 'identify', 'planned', []],
      ['Home', 'page', 'planned', []],
      ['Envelope Sent', 'track', 'planned', ['properties', 'context']],
    ]);
    // and back: the export carries no property named context, traits or properties
    const out = toSegmentPlan(plan) as { rules: { jsonSchema: JsonSchema }[] };
    expect(out.rules[0].jsonSchema.properties).toEqual({});
  });

  it('reads a message-level rule that also constrains the message fields (anonymousId, userId...)', () => {
    // As Segment's JSON Schema editor writes it when a rule requires the anonymousId, a context
    // field or a trait: read as a payload schema, the event required four properties named
    // anonymousId, context, properties and traits, and every real message of it failed validation.
    const plan = fromSegmentPlan({
      data: {
        rules: [
          {
            type: 'TRACK',
            key: 'Account Created',
            version: 1,
            jsonSchema: {
              $schema: 'http://json-schema.org/draft-07/schema#',
              type: 'object',
              properties: {
                anonymousId: { type: 'string' },
                context: {
                  type: 'object',
                  properties: {
                    device: { type: 'object', properties: { advertisingId: { type: 'string' } } },
                  },
                  required: ['device'],
                },
                properties: {
                  type: 'object',
                  properties: { primary_business_unit: { type: 'string' } },
                  required: ['primary_business_unit'],
                },
                traits: { type: 'object', properties: { email: { type: 'string' } }, required: ['email'] },
              },
              required: ['anonymousId', 'context', 'properties', 'traits'],
            },
          },
          {
            type: 'GROUP',
            version: 1,
            jsonSchema: {
              properties: {
                groupId: { type: 'string' },
                traits: { type: 'object', properties: { plan: { type: 'string' } } },
              },
            },
          },
          // a payload whose properties carry message-field names, without the call type's object, stays a payload
          {
            type: 'TRACK',
            key: 'Audit Logged',
            version: 1,
            jsonSchema: { properties: { userId: { type: 'string' }, event: { type: 'string' } } },
          },
        ],
      },
    });
    expect(plan.events.map((e) => [e.name, e.properties.map((p) => [p.name, p.required])])).toEqual([
      ['Account Created', [['primary_business_unit', true]]],
      ['group', [['plan', false]]],
      [
        'Audit Logged',
        [
          ['userId', false],
          ['event', false],
        ],
      ],
    ]);
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
    // rudder/v1 takes no name for non-track events: they come back named after their call type.
    const held = (e: PlanEvent) => ({ ...schemaFields(e), name: e.type === 'track' ? e.name : e.type });
    expect(project(back, held)).toEqual(project(plan, held));
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
  it("writes Amplitude's 42 columns, then gtm's, with event rows followed by their property rows", () => {
    const rows = parseCsv(toAmplitudeCsv(shopPlan()));
    expect(rows[0]).toEqual([...AMPLITUDE_COLUMNS, 'gtm Event', 'gtm Property']);
    expect(AMPLITUDE_COLUMNS).toHaveLength(42);
    const col = (name: string) => AMPLITUDE_COLUMNS.indexOf(name as (typeof AMPLITUDE_COLUMNS)[number]);
    expect(rows[1][col('Object Type')]).toBe('Event');
    expect(rows[2][col('Property Type')]).toBe('Event Property');
    expect(rows[2][col('Event Property Name')]).toBe('order_id');
    expect(rows[2][col('Object Name')]).toBe('');
    // Action: blank creates or updates (Amplitude's values are blank, Ignore and Remove; not ADD)
    expect(new Set(rows.slice(1).map((r) => r[col('Action')]))).toEqual(new Set(['']));
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
      { name: 'genre', required: false, schema: { type: 'string', enum: ['rock', 'jazz'] } },
    ]);
  });

  it('keeps enums and their types through Amplitude itself (without gtm columns), and refuses a non-integer integer enum', () => {
    const prop = (name: string, schema: JsonSchema) => ({ name, required: false, schema });
    const schemas: JsonSchema[] = [
      { type: 'string', enum: ['rock', 'jazz'] },
      { type: 'integer', enum: [1, 2, 3] },
      { type: 'array', items: { type: 'string', enum: ['calm', 'loud'] } },
    ];
    const plan = createPlan({
      name: 'Music',
      events: [createEvent({ name: 'Song Played', properties: schemas.map((x, i) => prop(`p${i}`, x)) })],
    });
    // Typed enums fit Amplitude's own columns: no gtm Property schema is needed.
    const rows = parseCsv(toAmplitudeCsv(plan));
    const gtmProperty = rows[0].indexOf('gtm Property');
    expect(rows.slice(2).map((r) => r[gtmProperty])).toEqual(['', '', '']);
    // Amplitude's own export has only its 42 columns.
    const amplitudeOnly = formatCsv(rows.map((r) => r.slice(0, AMPLITUDE_COLUMNS.length)));
    const once = fromAmplitudeCsv(amplitudeOnly);
    expect(once.events[0].properties.map((p) => p.schema)).toEqual(schemas);
    expect(fromAmplitudeCsv(toAmplitudeCsv(once)).events[0].properties).toEqual(once.events[0].properties);
    const bad =
      'Object Type,Object Name,Property Type,Event Property Name,Property Value Type,Number Is Integer,Enum Values\n' +
      'Event,Song Played,,,,,\n' +
      ',,Event Property,stars,enum,TRUE,"1,x"\n';
    expect(() => fromAmplitudeCsv(bad)).toThrow(
      expect.objectContaining({
        at: 'row 3, column Enum Values',
        message: expect.stringContaining('"x" is not a whole number'),
      }),
    );
  });

  it('writes an enum whose values Enum Values cannot list (a comma, edge spaces, an empty value) as an exact regex', () => {
    // Enum Values is split at commas with no escape: "Enterprise, EMEA" was written "Enterprise, EMEA,SMB",
    // three values in Amplitude (and in gtm's read of Amplitude's own columns).
    const schemas: JsonSchema[] = [
      { type: 'string', enum: ['Enterprise, EMEA', 'SMB'] },
      { type: 'string', enum: [' padded', ''] },
      { type: 'array', items: { type: 'string', enum: ['a.b (c)', 'x,y'] } },
      { type: 'string', enum: ['a,b', 'ab'], pattern: '^a' },
    ];
    const plan = createPlan({
      name: 'Segments',
      events: [
        createEvent({
          name: 'Deal Won',
          properties: schemas.map((schema, i) => ({ name: `p${i}`, required: false, schema })),
        }),
      ],
    });
    const rows = parseCsv(toAmplitudeCsv(plan));
    const col = (name: string) => rows.slice(2).map((r) => r[rows[0].indexOf(name)]);
    expect(col('Enum Values')).toEqual(['', '', '', '']);
    expect(col('Property Value Type')).toEqual(['string', 'string', 'string', 'string']);
    const regexes = col('Property Regex');
    expect(regexes).toEqual([
      '^(?:Enterprise, EMEA|SMB)$',
      '^(?: padded|)$',
      '^(?:a\\.b \\(c\\)|x,y)$',
      '^(?=[\\s\\S]*(?:^a))(?:a,b|ab)$',
    ]);
    // Each regex accepts exactly the enum's values.
    const probes = [
      'Enterprise, EMEA',
      'Enterprise',
      ' EMEA',
      'SMB',
      ' padded',
      'padded',
      '',
      'a.b (c)',
      'aXb (c)',
      'x,y',
      'x',
      'a,b',
      'ab',
      'b',
    ];
    schemas.forEach((schema, i) => {
      const values = (schema.enum ?? (schema.items as JsonSchema).enum) as string[];
      const re = new RegExp(regexes[i]);
      expect(probes.filter((v) => re.test(v))).toEqual(probes.filter((v) => values.includes(v)));
    });
    // gtm's own round trip stays exact through gtm Property.
    expect(fromAmplitudeCsv(toAmplitudeCsv(plan)).events[0].properties.map((p) => p.schema)).toEqual(schemas);
  });
});

describe('Iglu self-describing schemas', () => {
  it('inlines another schema of the folder as the payload it is, not as its event', () => {
    const self = (name: string) => ({ vendor: 'com.acme', name, format: 'jsonschema', version: '1-0-0' });
    const reward = {
      $schema: 'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#',
      self: self('reward'),
      'x-gtm': { type: 'track', owner: 'econ@acme.example', pii: true, retention_days: 30 },
      type: 'object',
      properties: { coins: { type: 'integer', minimum: 0, maximum: 100000 } },
      required: ['coins'],
    };
    const level = {
      self: self('level_completed'),
      type: 'object',
      properties: { reward: { $ref: 'iglu:com.acme/reward/jsonschema/1-0-0', description: 'What was won.' } },
    };
    const plan = fromIgluSchemas([reward, level] as never);
    const prop = plan.events.find((e) => e.name === 'level_completed')!.properties[0];
    // the referenced event's owner, PII flag and retention describe that event, not this property
    expect(prop).toEqual({
      name: 'reward',
      description: 'What was won.',
      required: false,
      schema: {
        type: 'object',
        properties: { coins: { type: 'integer', minimum: 0, maximum: 100000 } },
        required: ['coins'],
      },
    });
    expect(plan.events.find((e) => e.name === 'reward')).toMatchObject({ pii: true, retentionDays: 30 });
  });

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

describe('round trips: every format loses only what it has no place for', () => {
  const vendor = { vendor: 'com.rich' };
  const name = 'Rich plan';
  const trips: Record<string, (p: TrackingPlan) => TrackingPlan> = {
    'gtm JSON': (p) => parsePlanDocument(serializePlanDocument(p, 'json'), 'json'),
    'gtm YAML': (p) => parsePlanDocument(serializePlanDocument(p, 'yaml'), 'yaml'),
    'gtm CSV': (p) => planFromCsv(planToCsv(p), name),
    Segment: (p) => fromSegmentPlan(JSON.parse(JSON.stringify(toSegmentPlan(p)))),
    RudderStack: (p) => fromRudderYaml(toRudderYaml(p)),
    Amplitude: (p) => fromAmplitudeCsv(toAmplitudeCsv(p), name),
    Iglu: (p) =>
      fromIgluSchemas(
        toIgluSchemas(p, vendor).map((f) => JSON.parse(JSON.stringify(f.schema))),
        { name },
      ),
    'JSON Schema': (p) =>
      fromJsonSchemas(
        toJsonSchemas(p).map((f) => ({
          schema: JSON.parse(JSON.stringify(f.schema)),
          fallbackName: f.fileName,
        })),
        name,
      ),
  };
  const PLAN_FACTS = [
    'plan.description',
    'plan.version',
    'plan.owner',
    'plan.consent_mode',
    'plan.consent_categories',
    'plan.regulations',
    'plan.sources',
  ];
  const expected: Record<string, string[]> = {
    'gtm JSON': [],
    'gtm YAML': [],
    'gtm CSV': PLAN_FACTS,
    Segment: [],
    RudderStack: [
      ...PLAN_FACTS.filter((f) => f !== 'plan.description'),
      'plan.common',
      'event.name',
      'event.status',
      'event.owner',
      'event.version',
      'event.sources',
      'event.identities',
      'event.sampling_rate',
      'event.tags',
      'event.labels',
      'event.consent_category',
      'event.pii',
      'event.pii_kind',
      'event.retention_days',
      'property.consent_category',
      'property.pii',
      'property.pii_kind',
      'property.retention_days',
    ],
    Amplitude: [...PLAN_FACTS, 'plan.common'],
    Iglu: [...PLAN_FACTS, 'plan.common'],
    'JSON Schema': [...PLAN_FACTS, 'plan.common'],
  };

  it.each(Object.keys(trips))('%s', (format) => {
    const plan = richPlan();
    const losses = planLosses(plan, trips[format](plan));
    expect(losses.map((l) => l.field)).toEqual(expected[format]);
  });

  it('keep identify, group, page and screen calls what they are', () => {
    const types = (p: TrackingPlan) => p.events.map((e) => `${e.type}:${e.name}`).sort();
    for (const format of Object.keys(trips).filter((f) => f !== 'RudderStack'))
      expect(types(trips[format](richPlan())), format).toEqual(types(richPlan()));
    // rudder/v1 names track events only: the call types stay, the page and screen names cannot.
    expect(types(trips.RudderStack(richPlan()))).toEqual(
      [
        'track:Order Completed',
        'track:Cart Emptied',
        'identify:identify',
        'group:group',
        'page:page',
        'screen:screen',
      ].sort(),
    );
  });

  it('name what was lost, for which events', () => {
    const plan = richPlan();
    const losses = planLosses(plan, trips.RudderStack(plan));
    expect(losses.find((l) => l.field === 'event.name')?.events).toEqual(['Pricing', 'Home']);
    expect(losses.find((l) => l.field === 'property.pii')?.properties).toEqual([
      'Order Completed.email',
      'identify.name',
    ]);
    const md = renderLosses(losses, { format: 'RudderStack', file: 'plan.yaml', plan: 'Rich plan 4-2-1' });
    expect(md).toContain(
      '| retention (days) (`event.retention_days`) | 6 events: Order Completed, Cart Emptied',
    );
    expect(renderLosses([], { format: 'gtm JSON', file: 'p.json', plan: 'P' })).toContain('nothing was lost');
  });
});

describe("Segment's COMMON rules", () => {
  const commonRule = {
    type: 'COMMON',
    version: 2,
    jsonSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        context: {
          type: 'object',
          properties: { app: { type: 'object' } },
          required: ['app'],
        },
        properties: {
          type: 'object',
          properties: { platform: { type: 'string', enum: ['web', 'ios'], description: 'Where it ran.' } },
          required: ['platform'],
        },
      },
    },
  };

  it('import from the Public API form, keeping the message-level constraints', () => {
    const plan = fromSegmentPlan({
      rules: [commonRule, { key: 'Signed Up', type: 'TRACK', version: 1, jsonSchema: { properties: {} } }],
    });
    expect(plan.events.map((e) => e.name)).toEqual(['Signed Up']);
    expect(plan.common).toEqual({
      version: '2-0-0',
      properties: [
        {
          name: 'platform',
          description: 'Where it ran.',
          required: true,
          schema: { type: 'string', enum: ['web', 'ios'] },
        },
      ],
      message: {
        properties: {
          context: { type: 'object', properties: { app: { type: 'object' } }, required: ['app'] },
        },
      },
    });
  });

  it('export as the first rule and import back unchanged', () => {
    const plan = fromSegmentPlan({ rules: [commonRule] });
    const out = toSegmentPlan(plan);
    const rules = out.rules as Array<Record<string, unknown>>;
    expect(rules[0]).toMatchObject({ type: 'COMMON', version: 2 });
    expect(rules[0]).not.toHaveProperty('key');
    expect(fromSegmentPlan(JSON.parse(JSON.stringify(out))).common).toEqual(plan.common);
  });

  it('round-trip common properties without a version: nothing lost, no version added', () => {
    const plan = shopPlan();
    plan.common = {
      properties: [{ name: 'platform', required: false, schema: { type: 'string', enum: ['web', 'ios'] } }],
    };
    const out = toSegmentPlan(plan);
    // Segment requires the rule's version: 1 is written, but it is not a fact of the plan
    expect((out.rules as Array<Record<string, unknown>>)[0]).toMatchObject({ type: 'COMMON', version: 1 });
    const back = fromSegmentPlan(JSON.parse(JSON.stringify(out)));
    expect(back.common).toEqual(plan.common);
    expect(planLosses(plan, back).map((l) => l.field)).not.toContain('plan.common');
    // a foreign COMMON rule (no gtm annotation) keeps its own version
    expect(fromSegmentPlan({ rules: [{ ...commonRule, version: 3 }] }).common?.version).toBe('3-0-0');
  });

  it('import from the Config API v1 form (rules.global)', () => {
    const plan = fromSegmentPlan({
      rules: { events: [], global: commonRule.jsonSchema, identify_traits: [], group_traits: [] },
    });
    expect(plan.common?.properties.map((p) => p.name)).toEqual(['platform']);
  });

  it('constrain every track, page and screen payload when messages are validated', () => {
    const plan = shopPlan();
    plan.common = fromSegmentPlan({ rules: [commonRule] }).common;
    const v = createEventValidator(plan);
    v.validate(orderCompleted({}, { platform: 'web' }));
    v.validate(orderCompleted());
    v.validate(orderCompleted({}, { platform: 'tv' }));
    expect(v.report().violationsByType).toMatchObject({
      missing_required_property: 1,
      constraint_violation: 1,
    });
  });
});

describe('gtm annotations in tool formats', () => {
  it('refuse a bad value, naming where it is', () => {
    const rule = toSegmentPlan(richPlan());
    const first = (rule.rules as Array<{ jsonSchema: Record<string, Record<string, unknown>> }>)[1];
    first.jsonSchema['x-gtm'].retention_days = 'forever';
    expect(() => fromSegmentPlan(rule)).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('x-gtm.retention_days'),
        at: 'rules[1].jsonSchema',
      }),
    );
    const csv = toAmplitudeCsv(richPlan()).replace('""type"":""track""', '""type"":""tracks""');
    expect(() => fromAmplitudeCsv(csv)).toThrow(expect.objectContaining({ at: 'row 2, column gtm Event' }));
  });

  it('keep identify events apart in Amplitude, each with its own facts', () => {
    const plan = richPlan();
    plan.events.push({ ...plan.events[2], name: 'Signed Up Traits', owner: 'other@rich.test' });
    const back = fromAmplitudeCsv(toAmplitudeCsv(plan), plan.name);
    expect(back.events.filter((e) => e.type === 'identify').map((e) => [e.name, e.owner])).toEqual([
      ['identify', 'crm@rich.test'],
      ['Signed Up Traits', 'other@rich.test'],
    ]);
  });

  it('read plain tool files (without annotations) as before', () => {
    const csv =
      'Object Type,Object Name,Property Type,Event Property Name,Property Value Type\n' +
      'Event,Song Played,,,\n' +
      ',,Event Property,genre,string\n' +
      ',plan,User Property,,string\n';
    const plan = fromAmplitudeCsv(csv);
    expect(plan.events.map((e) => `${e.type}:${e.name}`)).toEqual(['track:Song Played', 'identify:identify']);
  });
});
