import { GTM_ANNOTATION, governanceAnnotation, readGovernanceAnnotation } from './governance-annotations.ts';
import type { JsonSchema, PlanEvent, PlanProperty } from './tracking-plan.ts';

/** Options of `eventPropertiesSchema`. */
export interface PropertiesSchemaOptions {
  /**
   * Write each property's governance facts (consent category, PII, retention) as an `x-gtm`
   * annotation inside its schema: exports do, validators and generators do not need to.
   */
  annotate?: boolean;
}

/**
 * The JSON Schema of an event's `properties` (or `traits`) object: each plan property with its
 * description folded back in, `required` and `additionalProperties`.
 *
 * @example
 * eventPropertiesSchema(event) // { type: 'object', properties: { total: { type: 'number' } }, required: ['total'], additionalProperties: false }
 */
export function eventPropertiesSchema(
  event: Pick<PlanEvent, 'properties' | 'additionalProperties' | 'schemaExtras'>,
  options: PropertiesSchemaOptions = {},
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of event.properties) {
    properties[p.name] = propertyJsonSchema(p);
    const note = options.annotate ? governanceAnnotation(p) : undefined;
    if (note) properties[p.name][GTM_ANNOTATION] = note;
    if (p.required) required.push(p.name);
  }
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length) schema.required = required;
  schema.additionalProperties = event.additionalProperties;
  return event.schemaExtras ? { ...schema, ...event.schemaExtras } : schema;
}

/** A plan property as a JSON Schema (its schema with the description set). */
export function propertyJsonSchema(p: PlanProperty): JsonSchema {
  return p.description === undefined ? { ...p.schema } : { description: p.description, ...p.schema };
}

/**
 * Splits an object schema into plan properties: the top-level description of each property moves
 * to `PlanProperty.description`, its `x-gtm` annotation to the property's governance facts, the
 * rest stays as its schema. `additionalProperties` is true unless the schema says `false` (JSON
 * Schema's default). Other object-level keywords (but the root `x-gtm`, which the format reader
 * handles) come back as `schemaExtras`.
 *
 * @throws PlanParseError (at `at.name`) when a property annotation holds a bad value.
 */
export function propertiesFromObjectSchema(
  schema: JsonSchema | undefined,
  at = 'properties',
): {
  properties: PlanProperty[];
  additionalProperties: boolean;
  schemaExtras?: JsonSchema;
} {
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  const properties: PlanProperty[] = [];
  for (const [name, raw] of Object.entries(schema?.properties ?? {})) {
    const { description, [GTM_ANNOTATION]: note, ...rest } = (raw ?? {}) as JsonSchema;
    const prop: PlanProperty = {
      name,
      required: required.has(name),
      schema: rest,
      ...readGovernanceAnnotation(note, `${at}.${name}`),
    };
    if (typeof description === 'string' && description !== '') prop.description = description;
    properties.push(prop);
  }
  const extras: JsonSchema = {};
  for (const [key, value] of Object.entries(schema ?? {})) {
    if (PAYLOAD_KEYS.has(key)) continue;
    if (key === 'type' && value === 'object') continue;
    if (key === 'additionalProperties' && typeof value === 'boolean') continue;
    extras[key] = value;
  }
  return {
    properties,
    additionalProperties: schema?.additionalProperties !== false,
    ...(Object.keys(extras).length ? { schemaExtras: extras } : {}),
  };
}

/** Keys of a payload schema the event model holds itself (or that describe the document). */
const PAYLOAD_KEYS = new Set([
  'properties',
  'required',
  'description',
  'title',
  '$schema',
  'self',
  '$id',
  'id',
  GTM_ANNOTATION,
]);
