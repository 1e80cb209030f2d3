import { commonFromPayloadSchema, commonPayloadSchema } from './common-rules.ts';
import { eventPropertiesSchema, propertiesFromObjectSchema } from './event-schema.ts';
import {
  GTM_ANNOTATION,
  applyPlanAnnotation,
  eventAnnotation,
  planAnnotation,
  readEventAnnotation,
} from './governance-annotations.ts';
import type { EventFact } from './governance-annotations.ts';
import { normalizeJsonSchema } from './normalize-json-schema.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { formatSchemaVer, parseSchemaVer } from './schema-ver.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { CallType, CommonRules, JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';

/**
 * Segment Protocols tracking plans. Reads both the Public API form (`rules: [{ key, type, version,
 * jsonSchema }]`, where `jsonSchema` describes either the event's properties directly — as
 * typewriter stores it, with `eventMetadata` — or the whole message with `properties.properties`)
 * and the older Config API v1 form (`rules: { events: [{ name, version, rules }], identify_traits,
 * group_traits }`). Writes the Public API form.
 *
 * What Segment holds: event name, call type, description, labels, the rule version (an integer:
 * the SchemaVer MODEL), each event's JSON Schema and the `COMMON` rule (properties every event
 * shares; Config API v1 `rules.global`). Deprecated rules (a `deprecatedAt` other than Go's zero
 * time) import with status `deprecated`. What Segment has no field for — the full SchemaVer,
 * status, owner, sources, identities, sampling, consent category, PII and retention — gtm writes
 * as `x-gtm` annotations: on each rule's JSON Schema (event facts), inside each property's schema
 * (property facts) and at the plan's root (version, owner, consent, regulations, sources), and
 * reads back. Identify and group rules carry no `key` (Segment keys track, page and screen rules);
 * their gtm name travels in `eventMetadata.name`.
 */

/** Event facts a Segment rule holds in its own fields (the rest go to `x-gtm`). */
const SEGMENT_HELD: EventFact[] = [
  'name',
  'description',
  'type',
  'labels',
  'additional_properties',
  'schema_extras',
];

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
 * The plan's own fields when the rules sit beside them rather than inside (`{ "trackingPlan": { "name",
 * "description" }, "rules": [...] }`, the Public API's plan and its rules saved in one file).
 */
function planMeta(d: Obj): Obj {
  for (const key of ['trackingPlan', 'tracking_plan']) {
    const inner = d[key];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) return inner as Obj;
  }
  return {};
}

/**
 * The JSON Schema of an event's payload inside a rule: message-level schemas keep it under
 * `properties.properties` (track, page, screen) or `properties.traits` (identify, group).
 * A rule is message-level when its only keys are `context`, `traits` and `properties` and one of
 * those is an object schema — or, as Segment writes a rule without properties
 * (`{ "context": {}, "traits": {}, "properties": {} }`), when each is an object schema or `{}` and
 * `properties` or `traits` is among them. Read as a payload, that rule was an event with three
 * untyped properties named context, traits and properties.
 */
function payloadSchema(jsonSchema: JsonSchema, type: CallType): JsonSchema {
  const props = jsonSchema.properties ?? {};
  const keys = Object.keys(props);
  const slot = type === 'identify' || type === 'group' ? 'traits' : 'properties';
  const messageLevel =
    keys.length > 0 &&
    ((keys.every((k) => k === 'context' || k === 'traits' || k === 'properties') &&
      (isObjectSchema(props.properties) ||
        isObjectSchema(props.traits) ||
        ((keys.includes('properties') || keys.includes('traits')) &&
          keys.every((k) => isObjectSchema(props[k]) || isEmptySchema(props[k]))))) ||
      // Segment's editor also constrains the message's own fields (`anonymousId`, `userId`...):
      // then the call type's part must be an object schema to tell the rule from a payload.
      (keys.every((k) => MESSAGE_FIELDS.has(k)) && isObjectSchema(props[slot])));
  if (!messageLevel) return jsonSchema;
  const inner = type === 'identify' || type === 'group' ? props.traits : props.properties;
  return inner ?? {};
}

/** The fields of a Segment message (the spec's common fields and each call type's own). */
const MESSAGE_FIELDS: ReadonlySet<string> = new Set([
  'anonymousId',
  'userId',
  'context',
  'integrations',
  'messageId',
  'receivedAt',
  'sentAt',
  'timestamp',
  'originalTimestamp',
  'type',
  'version',
  'channel',
  'event',
  'name',
  'category',
  'properties',
  'traits',
  'groupId',
  'previousId',
]);

/** `{}`: a schema that says nothing (Segment's placeholder for a part of the message it leaves free). */
function isEmptySchema(s: unknown): boolean {
  return !!s && typeof s === 'object' && !Array.isArray(s) && Object.keys(s).length === 0;
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
  at: string,
): PlanEvent {
  // The whole rule is normalized: its `$ref`s point into the rule's own `definitions`.
  const normalized = payloadSchema(normalizeJsonSchema(jsonSchema, { at: `${at}.jsonSchema` }), type);
  const { properties, additionalProperties, schemaExtras } = propertiesFromObjectSchema(
    normalized,
    `${at}.jsonSchema.properties`,
  );
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
  // The annotation holds what the rule's own fields cannot (the full version, status, owner...).
  const {
    name: _n,
    type: _t,
    ...facts
  } = readEventAnnotation(jsonSchema[GTM_ANNOTATION], `${at}.jsonSchema`);
  return createEvent({ ...fields, ...facts });
}

/** The common rule: its `properties.properties` are the shared payload, the rest is kept verbatim. */
function commonFromRule(jsonSchema: JsonSchema, version: unknown, at: string): CommonRules {
  const { [GTM_ANNOTATION]: note, ...schema } = normalizeJsonSchema(jsonSchema, { at: `${at}.jsonSchema` });
  const { properties: parts = {}, ...rest } = schema;
  const { properties: payload, ...others } = parts;
  const message: JsonSchema = { ...rest };
  delete message.$schema;
  if (message.type === 'object') delete message.type;
  if (Object.keys(others).length) message.properties = others;
  const common = commonFromPayloadSchema(payload ?? {}, message, `${at}.jsonSchema.properties.properties`);
  const facts = readEventAnnotation(note, `${at}.jsonSchema`);
  // A rule gtm wrote carries its annotation: without a version there, the plan had none (the rule's
  // required `version` is Segment's default, not a fact of the plan). A foreign rule's version is its own.
  const v =
    facts.version ??
    (note !== undefined || version === undefined
      ? undefined
      : formatSchemaVer(parseSchemaVer(version as number)));
  if (v !== undefined) common.version = v;
  return common;
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
  const meta = planMeta(d);
  const name = String(d.display_name ?? d.name ?? meta.display_name ?? meta.name ?? 'Segment tracking plan');
  const { events, common } = Array.isArray(d.rules)
    ? publicApiRules(d.rules)
    : configApiRules(d.rules as Obj);
  const plan = createPlan({ name, events });
  if (common) plan.common = common;
  const description = d.description ?? meta.description;
  if (typeof description === 'string' && description) plan.description = description;
  applyPlanAnnotation(plan, d[GTM_ANNOTATION], GTM_ANNOTATION);
  return plan;
}

interface SegmentRules {
  events: PlanEvent[];
  common?: CommonRules;
}

function publicApiRules(rules: unknown[]): SegmentRules {
  const out: SegmentRules = { events: [] };
  rules.forEach((raw, i) => {
    const rule = raw as Obj;
    const at = `rules[${i}]`;
    const jsonSchema = (rule.jsonSchema ?? rule.json_schema) as JsonSchema | undefined;
    if (!jsonSchema || typeof jsonSchema !== 'object')
      throw new PlanParseError('rule without jsonSchema', at);
    const kind = String(rule.type ?? 'TRACK').toUpperCase();
    if (kind === 'COMMON') {
      out.common = commonFromRule(jsonSchema, rule.version, at);
      return;
    }
    const type = RULE_TYPES[kind];
    if (!type) return; // a rule type Segment may add later: not an event gtm knows
    const meta = jsonSchema.eventMetadata as Obj | undefined;
    const eventName = String(rule.key ?? meta?.name ?? (type === 'track' ? '' : type));
    if (!eventName) throw new PlanParseError('TRACK rule without a key', at);
    out.events.push(
      eventFromSchema(
        eventName,
        type,
        jsonSchema,
        rule.version,
        undefined,
        rule.deprecatedAt ?? rule.deprecated_at,
        at,
      ),
    );
  });
  return out;
}

function configApiRules(rules: Obj): SegmentRules {
  const out: SegmentRules = { events: [] };
  (rules.events as Obj[]).forEach((ev, i) => {
    if (typeof ev.name !== 'string') throw new PlanParseError('event without a name', `rules.events[${i}]`);
    out.events.push(
      eventFromSchema(
        ev.name,
        'track',
        (ev.rules ?? {}) as JsonSchema,
        ev.version,
        ev.description,
        undefined,
        `rules.events[${i}]`,
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
    out.events.push(eventFromSchema(type, type, merged, undefined, undefined, undefined, `rules.${key}`));
  }
  const global = rules.global as JsonSchema | undefined;
  if (global && typeof global === 'object' && Object.keys(global).length)
    out.common = commonFromRule(global, undefined, 'rules.global');
  return out;
}

/** Segment keys track, page and screen rules by name; identify and group rules have no key. */
const KEYED: ReadonlySet<CallType> = new Set(['track', 'page', 'screen']);

/**
 * Writes the plan as Segment Public API rules (the form `fromSegmentPlan` reads): the `COMMON`
 * rule first when the plan has common properties, then one rule per event with `type`, `key`
 * (track, page, screen), `version` = SchemaVer MODEL and `jsonSchema` = the payload schema with
 * `eventMetadata`, `labels` and the `x-gtm` annotations. Deprecated events get `deprecatedAt`
 * when the caller passes the time to write (this module reads no clock).
 */
export function toSegmentPlan(plan: TrackingPlan, options: { deprecatedAt?: string } = {}): Obj {
  const rules: Obj[] = plan.common ? [commonRule(plan.common)] : [];
  for (const e of plan.events) {
    const schema = eventPropertiesSchema(e, { annotate: true });
    const note = eventAnnotation(e, SEGMENT_HELD);
    const jsonSchema: JsonSchema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      ...(e.description !== undefined ? { description: e.description } : {}),
      eventMetadata: { name: e.name, type: e.type.toUpperCase() },
      labels: { ...(e.labels ?? {}) },
      ...schema,
      ...(note ? { [GTM_ANNOTATION]: note } : {}),
    };
    const rule: Obj = { ...(KEYED.has(e.type) ? { key: e.name } : {}), type: e.type.toUpperCase() };
    rule.version = parseSchemaVer(e.version).model;
    rule.jsonSchema = jsonSchema;
    if (e.status === 'deprecated' && options.deprecatedAt) rule.deprecatedAt = options.deprecatedAt;
    rules.push(rule);
  }
  const out: Obj = { name: plan.name };
  if (plan.description !== undefined) out.description = plan.description;
  const note = planAnnotation(plan);
  if (note) out[GTM_ANNOTATION] = note;
  out.rules = rules;
  return out;
}

function commonRule(common: CommonRules): Obj {
  const message = common.message ?? {};
  const jsonSchema: JsonSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    ...message,
    properties: {
      ...(message.properties ?? {}),
      properties: commonPayloadSchema(common, { annotate: true }),
    },
  };
  jsonSchema[GTM_ANNOTATION] = common.version !== undefined ? { version: common.version } : {};
  return {
    type: 'COMMON',
    version: parseSchemaVer(common.version ?? '1-0-0').model,
    jsonSchema,
  };
}
