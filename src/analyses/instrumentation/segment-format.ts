import { eventPropertiesSchema, propertiesFromObjectSchema } from './event-schema.ts';
import { normalizeJsonSchema } from './normalize-json-schema.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { formatSchemaVer, parseSchemaVer } from './schema-ver.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { CallType, JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';

/**
 * Segment Protocols tracking plans. Reads both the Public API form (`rules: [{ key, type, version,
 * jsonSchema }]`, where `jsonSchema` describes either the event's properties directly — as
 * typewriter stores it, with `eventMetadata` — or the whole message with `properties.properties`)
 * and the older Config API v1 form (`rules: { events: [{ name, version, rules }], identify_traits,
 * group_traits }`). Writes the Public API form.
 *
 * What Segment holds: event name, call type, description, labels, the rule version (an integer:
 * gtm keeps it as the SchemaVer MODEL) and each event's JSON Schema. Deprecated rules (a
 * `deprecatedAt` other than Go's zero time) import with status `deprecated`.
 */

const RULE_TYPES: Record<string, CallType> = {
  TRACK: 'track',
  IDENTIFY: 'identify',
  GROUP: 'group',
  PAGE: 'page',
  SCREEN: 'screen',
};
const ZERO_TIME = '0001-01-01T00:00:00';

type Obj = Record<string, unknown>;

/** Whether a parsed JSON document looks like a Segment tracking plan (either API form). */
export function isSegmentPlan(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object') return false;
  const d = unwrap(doc as Obj);
  return (
    Array.isArray(d.rules) ||
    (!!d.rules && typeof d.rules === 'object' && Array.isArray((d.rules as Obj).events))
  );
}

function unwrap(doc: Obj): Obj {
  let d = doc;
  for (const key of ['data', 'trackingPlan', 'tracking_plan']) {
    const inner = d[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && !('rules' in d)) d = inner as Obj;
  }
  return d;
}

/**
 * The JSON Schema of an event's payload inside a rule: message-level schemas keep it under
 * `properties.properties` (track, page, screen) or `properties.traits` (identify, group).
 */
function payloadSchema(jsonSchema: JsonSchema, type: CallType): JsonSchema {
  const props = jsonSchema.properties ?? {};
  const keys = Object.keys(props);
  const messageLevel =
    keys.length > 0 &&
    keys.every((k) => k === 'context' || k === 'traits' || k === 'properties') &&
    (isObjectSchema(props.properties) || isObjectSchema(props.traits));
  if (!messageLevel) return jsonSchema;
  const inner = type === 'identify' || type === 'group' ? props.traits : props.properties;
  return inner ?? {};
}

function isObjectSchema(s: unknown): boolean {
  return (
    !!s && typeof s === 'object' && ((s as JsonSchema).type === 'object' || !!(s as JsonSchema).properties)
  );
}

function eventFromSchema(
  name: string,
  type: CallType,
  jsonSchema: JsonSchema,
  version: unknown,
  description: unknown,
  deprecatedAt: unknown,
): PlanEvent {
  const normalized = normalizeJsonSchema(payloadSchema(jsonSchema, type));
  const { properties, additionalProperties, schemaExtras } = propertiesFromObjectSchema(normalized);
  const fields: Partial<PlanEvent> & { name: string } = { name, type, properties, additionalProperties };
  if (schemaExtras) {
    delete schemaExtras.labels;
    delete schemaExtras.eventMetadata;
    if (Object.keys(schemaExtras).length) fields.schemaExtras = schemaExtras;
  }
  const desc = typeof description === 'string' && description ? description : jsonSchema.description;
  if (typeof desc === 'string' && desc) fields.description = desc;
  const labels = jsonSchema.labels;
  if (labels && typeof labels === 'object' && Object.keys(labels).length) {
    fields.labels = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
  }
  if (typeof version === 'number' || typeof version === 'string')
    fields.version = formatSchemaVer(parseSchemaVer(version));
  if (typeof deprecatedAt === 'string' && deprecatedAt && !deprecatedAt.startsWith(ZERO_TIME))
    fields.status = 'deprecated';
  return createEvent(fields);
}

/**
 * Reads a Segment tracking plan (Public API or Config API v1 JSON, already parsed).
 *
 * @example fromSegmentPlan(JSON.parse(text)).events.map((e) => e.name)
 * @throws PlanParseError when the document has no rules.
 */
export function fromSegmentPlan(doc: unknown): TrackingPlan {
  if (!isSegmentPlan(doc)) {
    throw new PlanParseError(
      'not a Segment tracking plan',
      'rules',
      'expected "rules": [...] (Public API) or "rules": { "events": [...] } (Config API v1)',
    );
  }
  const d = unwrap(doc as Obj);
  const name = String(d.display_name ?? d.name ?? 'Segment tracking plan');
  const events: PlanEvent[] = [];
  if (Array.isArray(d.rules)) {
    d.rules.forEach((raw, i) => {
      const rule = raw as Obj;
      const type = RULE_TYPES[String(rule.type ?? 'TRACK').toUpperCase()];
      if (!type) return; // COMMON rules constrain every event; gtm has no place for them.
      const jsonSchema = (rule.jsonSchema ?? rule.json_schema) as JsonSchema | undefined;
      if (!jsonSchema || typeof jsonSchema !== 'object')
        throw new PlanParseError('rule without jsonSchema', `rules[${i}]`);
      const meta = jsonSchema.eventMetadata as Obj | undefined;
      const eventName = String(rule.key ?? meta?.name ?? (type === 'track' ? '' : type));
      if (!eventName) throw new PlanParseError('TRACK rule without a key', `rules[${i}]`);
      events.push(
        eventFromSchema(
          eventName,
          type,
          jsonSchema,
          rule.version,
          undefined,
          rule.deprecatedAt ?? rule.deprecated_at,
        ),
      );
    });
  } else {
    const rules = d.rules as Obj;
    (rules.events as Obj[]).forEach((ev, i) => {
      if (typeof ev.name !== 'string') throw new PlanParseError('event without a name', `rules.events[${i}]`);
      events.push(
        eventFromSchema(
          ev.name,
          'track',
          (ev.rules ?? {}) as JsonSchema,
          ev.version,
          ev.description,
          undefined,
        ),
      );
    });
    for (const [key, type] of [
      ['identify_traits', 'identify'],
      ['group_traits', 'group'],
    ] as const) {
      const traits = rules[key];
      const list = Array.isArray(traits) ? traits : traits && typeof traits === 'object' ? [traits] : [];
      if (list.length === 0) continue;
      const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
      for (const t of list as JsonSchema[]) {
        Object.assign(merged.properties!, payloadSchema(t, type).properties ?? t.properties ?? {});
        merged.required!.push(...(payloadSchema(t, type).required ?? []));
      }
      events.push(eventFromSchema(type, type, merged, undefined, undefined, undefined));
    }
  }
  const plan = createPlan({ name, events });
  if (typeof d.description === 'string' && d.description) plan.description = d.description;
  return plan;
}

/**
 * Writes the plan as Segment Public API rules (the form `fromSegmentPlan` reads): one rule per
 * event, `key` = event name, `version` = SchemaVer MODEL, `jsonSchema` = the payload schema
 * with `eventMetadata` and `labels`. Deprecated events get `deprecatedAt` when the caller passes
 * the time to write (this module reads no clock).
 */
export function toSegmentPlan(plan: TrackingPlan, options: { deprecatedAt?: string } = {}): Obj {
  const rules = plan.events.map((e) => {
    const schema = eventPropertiesSchema(e);
    const jsonSchema: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...(e.description !== undefined ? { description: e.description } : {}),
      eventMetadata: { name: e.name, type: e.type.toUpperCase() },
      labels: { ...(e.labels ?? {}) },
      ...schema,
    };
    const rule: Obj = {
      key: e.name,
      type: e.type.toUpperCase(),
      version: parseSchemaVer(e.version).model,
      jsonSchema,
    };
    if (e.status === 'deprecated' && options.deprecatedAt) rule.deprecatedAt = options.deprecatedAt;
    return rule;
  });
  const out: Obj = { name: plan.name };
  if (plan.description !== undefined) out.description = plan.description;
  out.rules = rules;
  return out;
}
