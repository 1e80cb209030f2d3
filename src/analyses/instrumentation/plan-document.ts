import { parseDocument, stringify } from 'yaml';
import { plural } from '../text/index.ts';
import { PLAN_DOCUMENT_FORMAT, PLAN_DOCUMENT_SCHEMA } from './plan-document-schema.ts';
import { PlanParseError, jsonSyntaxError } from './plan-parse-error.ts';
import { refuseProtoKeys } from './proto-keys.ts';
import { createSchemaCompiler } from './schema-compiler.ts';
import type { ValidateFunction } from './schema-compiler.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type {
  CommonRules,
  Governance,
  JsonSchema,
  PlanEvent,
  PlanProperty,
  TrackingPlan,
} from './tracking-plan.ts';

type Doc = Record<string, unknown>;

function governanceOut(g: Governance, out: Doc): void {
  if (g.consentCategory !== undefined) out.consent_category = g.consentCategory;
  if (g.pii !== undefined) out.pii = g.pii;
  if (g.piiKind !== undefined) out.pii_kind = g.piiKind;
  if (g.retentionDays !== undefined) out.retention_days = g.retentionDays;
}

function governanceIn(doc: Doc): Governance {
  const g: Governance = {};
  if (doc.consent_category !== undefined) g.consentCategory = doc.consent_category as string;
  if (doc.pii !== undefined) g.pii = doc.pii as boolean;
  if (doc.pii_kind !== undefined) g.piiKind = doc.pii_kind as Governance['piiKind'];
  if (doc.retention_days !== undefined) g.retentionDays = doc.retention_days as number;
  return g;
}

/**
 * The plan as a `gtm-tracking-plan/v1` document (plain data, snake_case keys; property schemas
 * verbatim JSON Schema under `schema`). Every field of the model is written, so reading it back
 * gives an equal plan.
 */
export function toPlanDocument(plan: TrackingPlan): Doc {
  const doc: Doc = { format: PLAN_DOCUMENT_FORMAT, name: plan.name };
  if (plan.description !== undefined) doc.description = plan.description;
  doc.version = plan.version;
  if (plan.owner !== undefined) doc.owner = plan.owner;
  doc.consent = { mode: plan.consentMode, categories: [...plan.consentCategories] };
  doc.regulations = [...plan.regulations];
  doc.sources = plan.sources.map((s) => {
    const o: Doc = { id: s.id, kind: s.kind };
    if (s.description !== undefined) o.description = s.description;
    if (s.libraries) o.libraries = [...s.libraries];
    if (s.writeKeys) o.write_keys = [...s.writeKeys];
    return o;
  });
  doc.events = plan.events.map((e) => {
    const o: Doc = { name: e.name, type: e.type };
    if (e.description !== undefined) o.description = e.description;
    o.status = e.status;
    if (e.owner !== undefined) o.owner = e.owner;
    o.version = e.version;
    o.sources = [...e.sources];
    o.identities = [...e.identities];
    o.sampling_rate = e.samplingRate;
    governanceOut(e, o);
    if (e.category !== undefined) o.category = e.category;
    if (e.tags) o.tags = [...e.tags];
    if (e.labels) o.labels = { ...e.labels };
    o.additional_properties = e.additionalProperties;
    if (e.schemaExtras) o.schema_extras = e.schemaExtras;
    o.properties = e.properties.map(propertyOut);
    return o;
  });
  if (plan.common) {
    const c: Doc = { properties: plan.common.properties.map(propertyOut) };
    if (plan.common.version !== undefined) c.version = plan.common.version;
    if (plan.common.schemaExtras) c.schema_extras = plan.common.schemaExtras;
    if (plan.common.message) c.message = plan.common.message;
    doc.common = c;
  }
  return doc;
}

function propertyOut(p: PlanProperty): Doc {
  const po: Doc = { name: p.name };
  if (p.description !== undefined) po.description = p.description;
  po.required = p.required;
  po.schema = p.schema;
  governanceOut(p, po);
  return po;
}

function propertyIn(p: Doc): PlanProperty {
  const prop: PlanProperty = {
    name: p.name as string,
    required: (p.required as boolean | undefined) ?? false,
    schema: (p.schema as JsonSchema | undefined) ?? {},
    ...governanceIn(p),
  };
  if (p.description !== undefined) prop.description = p.description as string;
  return prop;
}

function commonIn(c: Doc): CommonRules {
  const common: CommonRules = { properties: ((c.properties as Doc[] | undefined) ?? []).map(propertyIn) };
  if (c.version !== undefined) common.version = c.version as string;
  if (c.schema_extras !== undefined) common.schemaExtras = c.schema_extras as JsonSchema;
  if (c.message !== undefined) common.message = c.message as JsonSchema;
  return common;
}

let documentValidator: ValidateFunction | undefined;

/**
 * Reads a `gtm-tracking-plan/v1` document (already parsed from JSON or YAML) into a plan,
 * validating it against `PLAN_DOCUMENT_SCHEMA` first.
 *
 * @throws PlanParseError with the path of the first problem.
 */
export function fromPlanDocument(doc: unknown): TrackingPlan {
  documentValidator ??= createSchemaCompiler().compile(PLAN_DOCUMENT_SCHEMA as unknown as JsonSchema);
  if (!documentValidator(doc)) {
    const e = (documentValidator.errors ?? [])[0];
    const at = e ? jsonPointerToPath(e.instancePath) : undefined;
    throw new PlanParseError(
      e ? describeSchemaError(e, doc, at ?? '') : 'invalid document',
      at || undefined,
      `fix it in the plan file (a ${PLAN_DOCUMENT_FORMAT} document; \`gtm events export --format gtm-yaml\` writes one with every key)`,
    );
  }
  const d = doc as Doc;
  const consent = (d.consent ?? {}) as Doc;
  return createPlan({
    name: d.name as string,
    ...(d.description !== undefined ? { description: d.description as string } : {}),
    version: (d.version as string | undefined) ?? '1-0-0',
    ...(d.owner !== undefined ? { owner: d.owner as string } : {}),
    consentMode: (consent.mode as TrackingPlan['consentMode'] | undefined) ?? 'opt-out',
    consentCategories: [...((consent.categories as string[] | undefined) ?? [])],
    regulations: [...((d.regulations as TrackingPlan['regulations'] | undefined) ?? [])],
    sources: ((d.sources as Doc[] | undefined) ?? []).map((s) => ({
      id: s.id as string,
      kind: s.kind as TrackingPlan['sources'][number]['kind'],
      ...(s.description !== undefined ? { description: s.description as string } : {}),
      ...(s.libraries !== undefined ? { libraries: [...(s.libraries as string[])] } : {}),
      ...(s.write_keys !== undefined ? { writeKeys: [...(s.write_keys as string[])] } : {}),
    })),
    events: (d.events as Doc[]).map(eventFromDoc),
    ...(d.common !== undefined ? { common: commonIn(d.common as Doc) } : {}),
  });
}

function eventFromDoc(o: Doc): PlanEvent {
  const fields: Partial<PlanEvent> & { name: string } = { name: o.name as string, ...governanceIn(o) };
  if (o.type !== undefined) fields.type = o.type as PlanEvent['type'];
  if (o.description !== undefined) fields.description = o.description as string;
  if (o.status !== undefined) fields.status = o.status as PlanEvent['status'];
  if (o.owner !== undefined) fields.owner = o.owner as string;
  if (o.version !== undefined) fields.version = o.version as string;
  if (o.sources !== undefined) fields.sources = [...(o.sources as string[])];
  if (o.identities !== undefined) fields.identities = [...(o.identities as PlanEvent['identities'])];
  if (o.sampling_rate !== undefined) fields.samplingRate = o.sampling_rate as number;
  if (o.category !== undefined) fields.category = o.category as string;
  if (o.tags !== undefined) fields.tags = [...(o.tags as string[])];
  if (o.labels !== undefined) fields.labels = { ...(o.labels as Record<string, string>) };
  if (o.additional_properties !== undefined) fields.additionalProperties = o.additional_properties as boolean;
  if (o.schema_extras !== undefined) fields.schemaExtras = o.schema_extras as JsonSchema;
  fields.properties = ((o.properties as Doc[] | undefined) ?? []).map(propertyIn);
  return createEvent(fields);
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

const unescapePointer = (p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~');

/** The value at a JSON pointer of `doc`. */
function valueAt(doc: unknown, pointer: string): unknown {
  let v = doc;
  for (const part of pointer.split('/').slice(1))
    v = (v as Record<string, unknown> | undefined)?.[unescapePointer(part)];
  return v;
}

/** A value as the user wrote it, cut to printable text of at most 60 characters. */
function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 59)}…` : printable;
}

const KIND: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of keys to values',
  array: 'a list',
  null: 'empty (null)',
};

function kindOf(v: unknown): string {
  if (v === null) return KIND.null;
  if (Array.isArray(v)) return KIND.array;
  if (typeof v === 'number') return Number.isInteger(v) ? KIND.integer : KIND.number;
  return KIND[typeof v] ?? typeof v;
}

const SCHEMA_VER = /^\^\[1-9\]\[0-9\]\*-/;

/**
 * One schema violation of a plan document in the user's words: what the value must be (the allowed
 * values, the type, the bound, the keys a mapping takes) and what was found, without the schema's
 * internal names.
 */
function describeSchemaError(e: SchemaError, doc: unknown, at: string): string {
  const p = e.params;
  const value = valueAt(doc, e.instancePath);
  const got = `got ${shown(value)}`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const parent = valueAt(
        PLAN_DOCUMENT_SCHEMA,
        e.schemaPath.replace(/^#/, '').replace(/\/additionalProperties$/, ''),
      ) as { properties?: Record<string, unknown> } | undefined;
      const keys = Object.keys(parent?.properties ?? {});
      return `unknown key "${String(p.additionalProperty)}"${keys.length ? `; the keys here are ${keys.join(', ')}` : ''}`;
    }
    case 'required':
      return `missing key "${String(p.missingProperty)}"`;
    case 'const':
      return at === 'format'
        ? `not a ${PLAN_DOCUMENT_FORMAT} document (format is ${shown(value)})`
        : `must be ${shown(p.allowedValue)}; ${got}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}; ${got}`;
    case 'type': {
      const types = String(p.type).split(',');
      return `must be ${types.map((t) => KIND[t] ?? t).join(' or ')}; got ${kindOf(value)}${value !== null && typeof value !== 'object' ? ` (${shown(value)})` : ''}`;
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = {
        '>=': 'at least',
        '>': 'more than',
        '<=': 'at most',
        '<': 'less than',
      };
      return `must be ${words[String(p.comparison)] ?? String(p.comparison)} ${String(p.limit)}; ${got}`;
    }
    case 'minLength':
      return p.limit === 1
        ? 'must not be empty'
        : `must be at least ${String(p.limit)} characters long; ${got}`;
    case 'maxLength':
      return `must be at most ${plural(Number(p.limit), 'character')} long`;
    case 'minItems':
      return `must list at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must list at most ${plural(Number(p.limit), 'item')}`;
    case 'uniqueItems':
      return `lists the same value twice (items ${Number(p.j) + 1} and ${Number(p.i) + 1}: ${shown((value as unknown[])[Number(p.i)])})`;
    case 'pattern':
      return SCHEMA_VER.test(String(p.pattern))
        ? `must be a SchemaVer version MODEL-REVISION-ADDITION, e.g. 1-0-0; ${got}`
        : `must match ${String(p.pattern)}; ${got}`;
    default:
      return `${e.message ?? 'is not valid'}; ${got}`;
  }
}

function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p, i) =>
      /^\d+$/.test(p) ? `[${p}]` : `${i ? '.' : ''}${p.replace(/~1/g, '/').replace(/~0/g, '~')}`,
    )
    .join('');
}

/**
 * Parses a plan document from JSON or YAML text.
 *
 * @example parsePlanDocument(text, 'yaml').events.length
 */
export function parsePlanDocument(text: string, syntax: 'json' | 'yaml'): TrackingPlan {
  let data: unknown;
  if (syntax === 'json') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw jsonSyntaxError(text, err, 'check the file is JSON');
    }
  } else {
    const doc = parseDocument(text);
    if (doc.errors.length) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line;
      throw new PlanParseError(
        `not valid YAML: ${e.message.split('\n')[0]}`,
        line ? `line ${line}` : undefined,
      );
    }
    data = doc.toJS();
  }
  refuseProtoKeys(data);
  return fromPlanDocument(data);
}

/** Serializes a plan as a `gtm-tracking-plan/v1` document in JSON or YAML. */
export function serializePlanDocument(plan: TrackingPlan, syntax: 'json' | 'yaml'): string {
  const doc = toPlanDocument(plan);
  return syntax === 'json' ? JSON.stringify(doc, null, 2) + '\n' : stringify(doc, { lineWidth: 0 });
}
