import { propertiesFromObjectSchema, propertyJsonSchema } from './event-schema.ts';
import { GTM_ANNOTATION, governanceAnnotation } from './governance-annotations.ts';
import type { CommonRules, JsonSchema, PlanEvent, TrackingPlan } from './tracking-plan.ts';

/** How lint findings, diff changes and reports name the plan's common properties. */
export const COMMON_EVENT = '(common properties)';

/**
 * The JSON Schema of the common payload: the common properties with `required`, and the kept
 * object-level keywords. `annotate` writes each property's governance facts as `x-gtm`.
 */
export function commonPayloadSchema(common: CommonRules, options: { annotate?: boolean } = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of common.properties) {
    properties[p.name] = propertyJsonSchema(p);
    const note = options.annotate ? governanceAnnotation(p) : undefined;
    if (note) properties[p.name][GTM_ANNOTATION] = note;
    if (p.required) required.push(p.name);
  }
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    ...(common.schemaExtras ?? {}),
  };
}

/**
 * Common rules from the common payload schema (and the rest of the message schema, kept as is).
 *
 * @throws PlanParseError when a property annotation holds a bad value.
 */
export function commonFromPayloadSchema(
  payload: JsonSchema,
  message: JsonSchema | undefined,
  at: string,
): CommonRules {
  const { properties, additionalProperties, schemaExtras } = propertiesFromObjectSchema(payload, at);
  const extras: JsonSchema = { ...(schemaExtras ?? {}) };
  if (!additionalProperties) extras.additionalProperties = false;
  const common: CommonRules = { properties };
  if (Object.keys(extras).length) common.schemaExtras = extras;
  if (message && Object.keys(message).length) common.message = message;
  return common;
}

/**
 * The event as validated: a track, page or screen event with the plan's common properties it does
 * not define itself (its own definition wins). Identify and group calls carry traits, which common
 * payload rules do not constrain.
 *
 * @example createEventValidator(plan) compiles withCommonProperties(plan, event) for each event
 */
export function withCommonProperties(plan: Pick<TrackingPlan, 'common'>, event: PlanEvent): PlanEvent {
  const common = plan.common?.properties ?? [];
  if (!common.length || event.type === 'identify' || event.type === 'group') return event;
  const own = new Set(event.properties.map((p) => p.name));
  const shared = common.filter((p) => !own.has(p.name));
  return shared.length ? { ...event, properties: [...event.properties, ...shared] } : event;
}
