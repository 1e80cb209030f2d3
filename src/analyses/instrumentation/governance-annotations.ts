import { PlanParseError } from './plan-parse-error.ts';
import { isSchemaVer } from './schema-ver.ts';
import {
  CALL_TYPES,
  EVENT_STATUSES,
  IDENTITIES,
  PII_KINDS,
  REGULATIONS,
  SOURCE_KINDS,
} from './tracking-plan.ts';
import type { Governance, PlanEvent, PlanSource, TrackingPlan } from './tracking-plan.ts';

/**
 * The annotation keyword gtm writes into JSON Schema documents (Segment rules, Iglu schemas, plain
 * JSON Schema) for the plan facts those formats have no field for: call type, status, owner,
 * version, sources, identities, sampling, consent category, PII and retention. JSON Schema
 * validators ignore unknown keywords (they are annotations); the `x-` prefix keeps it out of any
 * future vocabulary. Values use the snake_case keys of `gtm-tracking-plan/v1`.
 *
 * @example { "type": "object", "properties": { "email": { "type": "string", "x-gtm": { "pii": true } } },
 *            "x-gtm": { "type": "identify", "owner": "ana@acme.test", "retention_days": 365 } }
 */
export const GTM_ANNOTATION = 'x-gtm';

type Obj = Record<string, unknown>;
type Check = (v: unknown) => boolean;

const isString: Check = (v) => typeof v === 'string' && v !== '';
const isBool: Check = (v) => typeof v === 'boolean';
const isDays: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isRate: Check = (v) => typeof v === 'number' && v >= 0 && v <= 1;
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const listOf =
  (item: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(item);
const isStringMap: Check = (v) =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
const isObject: Check = (v) => !!v && typeof v === 'object' && !Array.isArray(v);

/** Annotation key → model field and the check its value must pass. */
const GOVERNANCE_FACTS: Array<[string, keyof Governance, Check]> = [
  ['consent_category', 'consentCategory', isString],
  ['pii', 'pii', isBool],
  ['pii_kind', 'piiKind', oneOf(PII_KINDS)],
  ['retention_days', 'retentionDays', isDays],
];

/** Event facts, by annotation key. */
export type EventFact =
  | 'name'
  | 'description'
  | 'type'
  | 'status'
  | 'owner'
  | 'version'
  | 'sources'
  | 'identities'
  | 'sampling_rate'
  | 'category'
  | 'tags'
  | 'labels'
  | 'additional_properties'
  | 'schema_extras'
  | 'consent_category'
  | 'pii'
  | 'pii_kind'
  | 'retention_days';

const EVENT_FACTS: Array<[EventFact, keyof PlanEvent, Check]> = [
  ['name', 'name', isString],
  ['description', 'description', (v) => typeof v === 'string'],
  ['type', 'type', oneOf(CALL_TYPES)],
  ['status', 'status', oneOf(EVENT_STATUSES)],
  ['owner', 'owner', isString],
  ['version', 'version', (v) => typeof v === 'string' && isSchemaVer(v)],
  ['sources', 'sources', listOf(isString)],
  ['identities', 'identities', listOf(oneOf(IDENTITIES))],
  ['sampling_rate', 'samplingRate', isRate],
  ['category', 'category', isString],
  ['tags', 'tags', listOf(isString)],
  ['labels', 'labels', isStringMap],
  ['additional_properties', 'additionalProperties', isBool],
  ['schema_extras', 'schemaExtras', isObject],
  ...(GOVERNANCE_FACTS as Array<[EventFact, keyof PlanEvent, Check]>),
];

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

function bad(at: string, key: string, value: unknown): PlanParseError {
  return new PlanParseError(
    `${GTM_ANNOTATION}.${key} has an unexpected value ${JSON.stringify(value)}`,
    at,
    `fix or remove "${key}" in the "${GTM_ANNOTATION}" annotation`,
  );
}

function asObject(note: unknown, at: string): Obj | undefined {
  if (note === undefined) return undefined;
  if (!isObject(note))
    throw new PlanParseError(`${GTM_ANNOTATION} is not an object`, at, `write "${GTM_ANNOTATION}": { ... }`);
  return note as Obj;
}

/**
 * The event facts a format does not hold itself, as an annotation object (undefined when there is
 * nothing to write). `held` lists the facts the format carries in its own fields.
 */
export function eventAnnotation(e: PlanEvent, held: readonly EventFact[]): Obj | undefined {
  const out: Obj = {};
  for (const [key, field] of EVENT_FACTS) {
    if (held.includes(key)) continue;
    const v = e[field];
    if (v !== undefined) out[key] = clone(v);
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * Reads an event annotation into event fields (only the keys present are set).
 *
 * @throws PlanParseError naming `at` when a value has the wrong type.
 */
export function readEventAnnotation(note: unknown, at: string): Partial<PlanEvent> {
  const o = asObject(note, at);
  const fields: Partial<PlanEvent> = {};
  if (!o) return fields;
  for (const [key, field, check] of EVENT_FACTS) {
    if (!(key in o)) continue;
    if (!check(o[key])) throw bad(at, key, o[key]);
    (fields as Obj)[field] = clone(o[key]);
  }
  return fields;
}

/** A property's governance facts (consent category, PII, PII kind, retention) as an annotation. */
export function governanceAnnotation(g: Governance): Obj | undefined {
  const out: Obj = {};
  for (const [key, field] of GOVERNANCE_FACTS) if (g[field] !== undefined) out[key] = g[field];
  return Object.keys(out).length ? out : undefined;
}

/** Reads a property annotation. @throws PlanParseError naming `at` for a bad value. */
export function readGovernanceAnnotation(note: unknown, at: string): Governance {
  const o = asObject(note, at);
  const g: Governance = {};
  if (!o) return g;
  for (const [key, field, check] of GOVERNANCE_FACTS) {
    if (!(key in o)) continue;
    if (!check(o[key])) throw bad(at, key, o[key]);
    (g as Obj)[field] = o[key];
  }
  return g;
}

/** Plan-level facts by annotation key. */
export type PlanFact = 'version' | 'owner' | 'consent' | 'regulations' | 'sources';

/** The plan's own facts (version, owner, consent mode and categories, regulations, sources). */
export function planAnnotation(plan: TrackingPlan, held: readonly PlanFact[] = []): Obj | undefined {
  const out: Obj = {};
  const put = (key: PlanFact, v: unknown) => {
    if (!held.includes(key)) out[key] = v;
  };
  put('version', plan.version);
  if (plan.owner !== undefined) put('owner', plan.owner);
  put('consent', { mode: plan.consentMode, categories: [...plan.consentCategories] });
  put('regulations', [...plan.regulations]);
  put(
    'sources',
    plan.sources.map((s) => {
      const o: Obj = { id: s.id, kind: s.kind };
      if (s.description !== undefined) o.description = s.description;
      if (s.libraries) o.libraries = [...s.libraries];
      if (s.writeKeys) o.write_keys = [...s.writeKeys];
      return o;
    }),
  );
  return Object.keys(out).length ? out : undefined;
}

/** Reads a plan annotation onto `plan`. @throws PlanParseError naming `at` for a bad value. */
export function applyPlanAnnotation(plan: TrackingPlan, note: unknown, at: string): void {
  const o = asObject(note, at);
  if (!o) return;
  if ('version' in o) {
    if (typeof o.version !== 'string' || !isSchemaVer(o.version)) throw bad(at, 'version', o.version);
    plan.version = o.version;
  }
  if ('owner' in o) {
    if (!isString(o.owner)) throw bad(at, 'owner', o.owner);
    plan.owner = o.owner as string;
  }
  if ('consent' in o) {
    const c = o.consent as Obj;
    if (!isObject(c) || !oneOf(['opt-in', 'opt-out'])(c.mode) || !listOf(isString)(c.categories))
      throw bad(at, 'consent', c);
    plan.consentMode = c.mode as TrackingPlan['consentMode'];
    plan.consentCategories = [...(c.categories as string[])];
  }
  if ('regulations' in o) {
    if (!listOf(oneOf(REGULATIONS))(o.regulations)) throw bad(at, 'regulations', o.regulations);
    plan.regulations = [...(o.regulations as TrackingPlan['regulations'])];
  }
  if ('sources' in o) plan.sources = readSources(o.sources, at);
}

function readSources(v: unknown, at: string): PlanSource[] {
  if (!Array.isArray(v)) throw bad(at, 'sources', v);
  return v.map((s: Obj) => {
    if (!isObject(s) || !isString(s.id) || !oneOf(SOURCE_KINDS)(s.kind)) throw bad(at, 'sources', s);
    const out: PlanSource = { id: s.id as string, kind: s.kind as PlanSource['kind'] };
    if (typeof s.description === 'string') out.description = s.description;
    if (listOf(isString)(s.libraries)) out.libraries = [...(s.libraries as string[])];
    if (listOf(isString)(s.write_keys)) out.writeKeys = [...(s.write_keys as string[])];
    return out;
  });
}
