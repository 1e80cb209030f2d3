/**
 * The tracking-plan model: what gtm knows about an event catalog. Every import format maps into
 * it and every export maps out of it, so it holds the union of what the formats can say (JSON
 * Schema types and constraints per property) plus the governance facts none of them carry
 * (owner, status, sources, identities, consent category, PII, retention, sampling).
 *
 * Property schemas are JSON Schema draft-07 fragments; imports from draft-04 sources (Iglu) are
 * normalized on the way in (see `normalize-json-schema.ts`).
 */

/** JSON Schema primitive type names. */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** A JSON Schema (draft-07) fragment. Known keywords are typed; anything else passes through. */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  description?: string;
  title?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  items?: JsonSchema | JsonSchema[];
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  [keyword: string]: unknown;
}

/** Segment call types an event definition can describe. */
export type CallType = 'track' | 'identify' | 'page' | 'screen' | 'group';
export const CALL_TYPES: readonly CallType[] = ['track', 'identify', 'page', 'screen', 'group'];

export type EventStatus = 'planned' | 'implemented' | 'deprecated';
export const EVENT_STATUSES: readonly EventStatus[] = ['planned', 'implemented', 'deprecated'];

/**
 * Identities an event carries. `userId`/`anonymousId` are Segment's person identities (a message
 * needs at least one of those listed); `accountId`/`groupId` are B2B account identities (each
 * listed one is required).
 */
export type Identity = 'userId' | 'anonymousId' | 'accountId' | 'groupId';
export const IDENTITIES: readonly Identity[] = ['userId', 'anonymousId', 'accountId', 'groupId'];

/** Kinds of personal data a property can hold; `health` is PHI under HIPAA. */
export type PiiKind =
  | 'email'
  | 'phone'
  | 'name'
  | 'address'
  | 'ip'
  | 'precise_location'
  | 'date_of_birth'
  | 'government_id'
  | 'financial'
  | 'health'
  | 'device_id'
  | 'other';
export const PII_KINDS: readonly PiiKind[] = [
  'email',
  'phone',
  'name',
  'address',
  'ip',
  'precise_location',
  'date_of_birth',
  'government_id',
  'financial',
  'health',
  'device_id',
  'other',
];

/** Regulations a plan can declare; each turns into lint rules (see `lint-rules.ts`). */
export type Regulation = 'GDPR' | 'CCPA' | 'HIPAA' | 'COPPA';
export const REGULATIONS: readonly Regulation[] = ['GDPR', 'CCPA', 'HIPAA', 'COPPA'];

/** Source system kinds named by the use-case templates. `map` is a marketing automation platform. */
export type SourceKind = 'product' | 'web' | 'mobile' | 'server' | 'crm' | 'map' | 'billing' | 'other';
export const SOURCE_KINDS: readonly SourceKind[] = [
  'product',
  'web',
  'mobile',
  'server',
  'crm',
  'map',
  'billing',
  'other',
];

/** A system that sends events. Messages are matched to a source by id, library name or write key. */
export interface PlanSource {
  id: string;
  kind: SourceKind;
  description?: string;
  /** `context.library.name` values that identify this source (e.g. `analytics.js`). */
  libraries?: string[];
  /** Write keys that identify this source at the collector. */
  writeKeys?: string[];
}

/** Governance facts shared by events and properties. */
export interface Governance {
  /** Consent category the data needs, as named in the consent manager (e.g. `Analytics`). */
  consentCategory?: string;
  pii?: boolean;
  piiKind?: PiiKind;
  /** Days the data may be kept. */
  retentionDays?: number;
}

export interface PlanProperty extends Governance {
  name: string;
  description?: string;
  required: boolean;
  /** Type and constraints (and nested properties for objects), without the description. */
  schema: JsonSchema;
}

export interface PlanEvent extends Governance {
  name: string;
  type: CallType;
  description?: string;
  properties: PlanProperty[];
  /** Whether properties outside the plan are allowed (JSON Schema `additionalProperties`). */
  additionalProperties: boolean;
  identities: Identity[];
  /** Ids of the plan sources allowed to send this event; empty means any. */
  sources: string[];
  owner?: string;
  status: EventStatus;
  /** Fraction of occurrences sent, in [0, 1]. */
  samplingRate: number;
  /** SchemaVer `MODEL-REVISION-ADDITION` of this event's schema. */
  version: string;
  category?: string;
  tags?: string[];
  labels?: Record<string, string>;
  /**
   * Keywords of the payload schema beyond `properties`/`required`/`additionalProperties`
   * (`minProperties`, `anyOf`, `patternProperties`, a non-object root type...), kept from imports
   * so that nothing is lost.
   */
  schemaExtras?: JsonSchema;
}

/**
 * Whether consent must be explicit: `opt-in` (GDPR) treats a message without a consent object as
 * lacking consent; `opt-out` (CCPA) only flags categories explicitly refused.
 */
export type ConsentMode = 'opt-in' | 'opt-out';

/**
 * Rules every event shares: Segment Protocols' `COMMON` rule (Config API v1: `rules.global`). Its
 * properties apply to the payload of every track, page and screen call; an event's own property
 * of the same name takes precedence.
 */
export interface CommonRules {
  properties: PlanProperty[];
  /** SchemaVer of the common rule (Segment keeps its MODEL as the rule version). */
  version?: string;
  /**
   * Keywords of the common payload schema beyond `properties`/`required` (its
   * `additionalProperties`, `minProperties`...), kept verbatim.
   */
  schemaExtras?: JsonSchema;
  /**
   * The rest of the common rule's message schema (constraints on `context`, `traits`...), kept
   * verbatim so an export writes it back unchanged.
   */
  message?: JsonSchema;
}

export interface TrackingPlan {
  name: string;
  description?: string;
  /** SchemaVer of the plan as a whole. */
  version: string;
  owner?: string;
  consentMode: ConsentMode;
  /** Consent categories the consent manager knows, e.g. `Analytics`, `Advertising`, `Functional`. */
  consentCategories: string[];
  regulations: Regulation[];
  sources: PlanSource[];
  events: PlanEvent[];
  /** Properties shared by every event (Segment `COMMON` rules), when the plan has any. */
  common?: CommonRules;
}

/** Defaults for an event; used by importers so every format yields complete events. */
export function createEvent(fields: Partial<PlanEvent> & { name: string }): PlanEvent {
  return {
    type: 'track',
    properties: [],
    additionalProperties: true,
    identities: [],
    sources: [],
    status: 'planned',
    samplingRate: 1,
    version: '1-0-0',
    ...fields,
  };
}

/** Defaults for a plan. */
export function createPlan(fields: Partial<TrackingPlan> & { name: string }): TrackingPlan {
  return {
    version: '1-0-0',
    consentMode: 'opt-out',
    consentCategories: [],
    regulations: [],
    sources: [],
    events: [],
    ...fields,
  };
}

/** The declared JSON types of a schema as a list (empty when any type is allowed). */
export function schemaTypes(schema: JsonSchema): JsonType[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** The key an event is looked up by: track events by name, other calls by `type:name`. */
export function eventKey(event: Pick<PlanEvent, 'type' | 'name'>): string {
  return event.type === 'track' ? event.name : `${event.type}:${event.name}`;
}
