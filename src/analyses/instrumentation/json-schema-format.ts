import { eventPropertiesSchema, propertiesFromObjectSchema } from './event-schema.ts';
import { GTM_ANNOTATION, eventAnnotation, readEventAnnotation } from './governance-annotations.ts';
import type { EventFact } from './governance-annotations.ts';
import { slug, uniqueNamer } from './identifier.ts';
import { normalizeJsonSchema } from './normalize-json-schema.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';

/**
 * Plain JSON Schema, one document per event, describing the event's `properties` object (draft-07;
 * draft-04 documents are normalized on the way in). The event name is the `title`. What it
 * holds: name, description and the payload schema; gtm writes the rest of the event (call type,
 * version, status, owner, sources, identities, sampling, category, tags, labels, consent
 * category, PII, retention) as an `x-gtm` annotation at the root and each property's privacy facts
 * as an `x-gtm` inside its schema, and reads them back. The plan's own facts (name, version,
 * consent, regulations, sources, common properties) have no place in a per-event schema.
 */
export interface EventSchemaFile {
  /** File name: the event name in snake case, `.json`, unique within the plan. */
  fileName: string;
  schema: JsonSchema;
}

/** Event facts a plain JSON Schema holds in its own keywords. */
const JSON_SCHEMA_HELD: EventFact[] = ['name', 'description', 'additional_properties', 'schema_extras'];

/** One draft-07 JSON Schema per event. */
export function toJsonSchemas(plan: TrackingPlan): EventSchemaFile[] {
  const names = uniqueNamer('_');
  return plan.events.map((e) => {
    const note = eventAnnotation(e, JSON_SCHEMA_HELD);
    return {
      fileName: `${names(slug(e.type === 'track' ? e.name : `${e.type}_${e.name}`, 'event'))}.json`,
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: e.name,
        ...(e.description !== undefined ? { description: e.description } : {}),
        ...(note ? { [GTM_ANNOTATION]: note } : {}),
        ...eventPropertiesSchema(e, { annotate: true }),
      },
    };
  });
}

/**
 * Reads event schemas into a plan. `fallbackName` names a schema without a `title` (the command
 * passes the file name).
 *
 * @throws PlanParseError when a document is not an object schema.
 */
export function fromJsonSchemas(
  documents: Array<{ schema: unknown; fallbackName: string }>,
  planName = 'JSON Schema plan',
): TrackingPlan {
  const events: PlanEvent[] = documents.map(({ schema, fallbackName }) => {
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      throw new PlanParseError('not a JSON Schema object', fallbackName);
    }
    const s = normalizeJsonSchema(schema as JsonSchema, { at: fallbackName });
    const { properties, additionalProperties, schemaExtras } = propertiesFromObjectSchema(
      s,
      `${fallbackName} properties`,
    );
    const fields: Partial<PlanEvent> & { name: string } = {
      name: typeof s.title === 'string' && s.title ? s.title : fallbackName,
      properties,
      additionalProperties,
    };
    if (schemaExtras) fields.schemaExtras = schemaExtras;
    if (typeof s.description === 'string' && s.description) fields.description = s.description;
    const { name: _name, ...facts } = readEventAnnotation(s[GTM_ANNOTATION], fallbackName);
    return createEvent({ ...fields, ...facts });
  });
  return createPlan({ name: planName, events });
}
