import { eventPropertiesSchema, propertiesFromObjectSchema } from './event-schema.ts';
import { GTM_ANNOTATION, eventAnnotation, readEventAnnotation } from './governance-annotations.ts';
import type { EventFact } from './governance-annotations.ts';
import { slug, uniqueNamer } from './identifier.ts';
import { igluKeyOf, igluUri, parseIgluUri } from './iglu-registry.ts';
import type { IgluKey } from './iglu-registry.ts';
import { normalizeJsonSchema } from './normalize-json-schema.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { compareSchemaVer, parseSchemaVer } from './schema-ver.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';

/**
 * Snowplow Iglu self-describing JSON Schemas: one schema per event, addressed
 * `iglu:vendor/name/jsonschema/MODEL-REVISION-ADDITION`. The event's SchemaVer is the schema's.
 *
 * What Iglu holds: the event's payload schema (types, constraints, nesting, required,
 * additionalProperties and object-level keywords), description and version; gtm also writes the
 * event's display name as `title`. The rest of the event (call type, status, owner, sources,
 * identities, sampling, category, tags, labels, consent category, PII, retention) goes into an
 * `x-gtm` annotation beside `self`, and each property's privacy facts into an `x-gtm` inside its
 * schema; JSON Schema validators (and Snowplow's) ignore unknown keywords. A schema without the
 * annotation (one gtm did not write) keeps its address as the `iglu_vendor` and `iglu_name`
 * labels, so an export writes it back unchanged. The plan's own facts (name, version, consent,
 * regulations, sources, common properties) have no place in a per-event schema.
 */
export const IGLU_META_SCHEMA =
  'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#';
export const IGLU_VENDOR_LABEL = 'iglu_vendor';
export const IGLU_NAME_LABEL = 'iglu_name';

export { IGLU_VENDOR, PLACEHOLDER_IGLU_VENDOR, placeholderVendorWarning } from './iglu-vendor.ts';

/**
 * The events of a plan an Iglu export files under the default vendor: those without an
 * `iglu_vendor` label (a plan drafted by define-events, or imported from a format other than Iglu).
 *
 * @example eventsWithoutIgluVendor(plan).length // 0: every schema keeps its own vendor
 */
export function eventsWithoutIgluVendor(plan: TrackingPlan): PlanEvent[] {
  return plan.events.filter((e) => e.labels?.[IGLU_VENDOR_LABEL] === undefined);
}

/** Event facts an Iglu schema holds in its own fields. */
const IGLU_HELD: EventFact[] = ['name', 'description', 'version', 'additional_properties', 'schema_extras'];

export interface IgluSchemaFile {
  key: IgluKey;
  /** Path in an Iglu repository: `vendor/name/jsonschema/version`. */
  path: string;
  schema: JsonSchema;
}

/**
 * Writes one self-describing schema per event. `vendor` is the reverse-DNS vendor of events that
 * carry no `iglu_vendor` label.
 *
 * @example toIgluSchemas(plan, { vendor: 'com.acme' })[0].path // 'com.acme/order_completed/jsonschema/1-0-0'
 */
export function toIgluSchemas(plan: TrackingPlan, options: { vendor: string }): IgluSchemaFile[] {
  // Names that clean up alike ("Event Collided", "event_collided") get distinct Iglu names.
  const names = new Map<string, (base: string) => string>();
  return plan.events.map((e) => {
    const vendor = e.labels?.[IGLU_VENDOR_LABEL] ?? options.vendor;
    if (!names.has(vendor)) names.set(vendor, uniqueNamer('_'));
    const name = names.get(vendor)!(
      e.labels?.[IGLU_NAME_LABEL] ?? slug(e.type === 'track' ? e.name : `${e.type}_${e.name}`, 'event'),
    );
    const key: IgluKey = { vendor, name, format: 'jsonschema', version: e.version };
    const payload = eventPropertiesSchema(e, { annotate: true });
    const note = eventAnnotation(e, IGLU_HELD);
    const schema: JsonSchema = {
      $schema: IGLU_META_SCHEMA,
      self: { vendor: key.vendor, name: key.name, format: key.format, version: key.version },
      title: e.name,
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(note ? { [GTM_ANNOTATION]: note } : {}),
      ...payload,
    };
    return { key, path: `${key.vendor}/${key.name}/${key.format}/${key.version}`, schema };
  });
}

export interface FromIgluOptions {
  /** Resolves `$ref`s to other Iglu schemas (`iglu:` or Iglu Central URLs); defaults to the given schemas. */
  resolveRef?: (ref: string) => JsonSchema | undefined;
  /** Plan name (default "Iglu schemas"). */
  name?: string;
}

/**
 * Reads self-describing schemas into a plan: one event per `vendor/name`, at its highest
 * SchemaVer (a repository keeps every version; the plan holds the current one). The event is
 * named after `title` when present, else `name`; names two schemas would share become
 * `vendor/name`. Schemas are normalized from draft-04 (see `normalizeJsonSchema`); properties
 * with an `email`/`ipv4`/`ipv6` format are flagged PII.
 *
 * @throws PlanParseError for a schema without a `self` block.
 */
export function fromIgluSchemas(schemas: JsonSchema[], options: FromIgluOptions = {}): TrackingPlan {
  const byUri = new Map<string, JsonSchema>();
  const latest = new Map<string, { key: IgluKey; schema: JsonSchema }>();
  schemas.forEach((schema, i) => {
    const key = igluKeyOf(schema);
    if (!key)
      throw new PlanParseError(
        'not a self-describing schema (no "self" block)',
        `schema ${i + 1}`,
        'Iglu schemas carry self: { vendor, name, format, version }',
      );
    byUri.set(igluUri(key), schema);
    const id = `${key.vendor}/${key.name}`;
    const prev = latest.get(id);
    if (!prev || compareSchemaVer(parseSchemaVer(key.version), parseSchemaVer(prev.key.version)) > 0)
      latest.set(id, { key, schema });
  });
  const lookUp =
    options.resolveRef ??
    ((ref: string) => {
      const k = parseIgluUri(ref);
      return k ? byUri.get(igluUri(k)) : undefined;
    });
  // Another self-describing schema is inlined as the payload it describes: its address, meta-schema
  // and root annotation (the facts of its own event: owner, PII, retention) are not the property's.
  const resolveRef = (ref: string): JsonSchema | undefined => {
    const target = lookUp(ref);
    if (!target) return undefined;
    const { self: _self, $schema: _meta, [GTM_ANNOTATION]: _facts, ...payload } = target;
    return payload;
  };
  // Preferred name: the title, else the schema name; where two schemas would share one, both use vendor/name.
  const entries = [...latest.values()];
  const preferred = entries.map(({ key, schema }) =>
    typeof schema.title === 'string' && schema.title ? schema.title : key.name,
  );
  const uses = new Map<string, number>();
  for (const n of preferred) uses.set(n, (uses.get(n) ?? 0) + 1);
  const events: PlanEvent[] = [];
  entries.forEach(({ key, schema }, i) => {
    const at = igluUri(key);
    const normalized = normalizeJsonSchema(schema, { draft04: true, resolveRef, at });
    const { properties, additionalProperties, schemaExtras } = propertiesFromObjectSchema(
      normalized,
      `${at} properties`,
    );
    const note = schema[GTM_ANNOTATION];
    // A schema gtm wrote says what is personal data; others are read by their formats.
    if (note === undefined) flagFormatPii(properties);
    const name = (uses.get(preferred[i]) ?? 0) > 1 ? `${key.vendor}/${key.name}` : preferred[i];
    const fields: Partial<PlanEvent> & { name: string } = {
      name,
      version: key.version,
      properties,
      additionalProperties,
    };
    if (note === undefined) fields.labels = { [IGLU_VENDOR_LABEL]: key.vendor, [IGLU_NAME_LABEL]: key.name };
    if (schemaExtras) fields.schemaExtras = schemaExtras;
    if (typeof schema.description === 'string' && schema.description) fields.description = schema.description;
    const { name: _name, version: _version, ...facts } = readEventAnnotation(note, at);
    events.push(createEvent({ ...fields, ...facts }));
  });
  return createPlan({ name: options.name ?? 'Iglu schemas', events });
}

/** Properties whose format is an e-mail address or an IP address are personal data. */
function flagFormatPii(properties: PlanEvent['properties']): void {
  for (const p of properties) {
    const f = p.schema.format;
    if (f === 'email' || f === 'ipv4' || f === 'ipv6') {
      p.pii = true;
      p.piiKind = f === 'email' ? 'email' : 'ip';
    }
  }
}
