import { parseAllDocuments, stringify } from 'yaml';
import { slug, uniqueNamer } from './identifier.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { CALL_TYPES, createEvent, createPlan, schemaTypes } from './tracking-plan.ts';
import type {
  CallType,
  JsonSchema,
  JsonType,
  PlanEvent,
  PlanProperty,
  TrackingPlan,
} from './tracking-plan.ts';

/**
 * RudderStack data-catalog YAML, as `rudder-cli` reads it: `kind: events`, `kind: properties`,
 * `kind: categories`, `kind: custom-types` and `kind: tracking-plan` documents (spec version
 * `rudder/v1`; the legacy `rudder/v0.1` forms — `kind: tp`, `$ref: "#/events/group/id"`,
 * camelCase `propConfig` — are read too). Writes `rudder/v1`.
 *
 * What RudderStack holds: event name (track events only), call type, description, category; per
 * property its name, description, type(s), item type(s), validation config (enum, pattern,
 * format, lengths, ranges, item counts), nesting, whether it is required; per event rule whether
 * unplanned properties are allowed. `rudder-cli` reads its specs strictly (an unknown key is an
 * error) and takes no name for identify, page, screen and group events — so one event of each of
 * those call types: gtm writes the first and leaves the others out (the export's losses list
 * them). Versions, status, owners, sources, identities, sampling, labels, privacy facts and the
 * plan's own facts have no place.
 */

type Obj = Record<string, unknown>;

/** rudder/v1 `config` keys and the JSON Schema keywords they mean. */
const CONFIG_KEYS: Array<[string, keyof JsonSchema]> = [
  ['enum', 'enum'],
  ['pattern', 'pattern'],
  ['format', 'format'],
  ['min_length', 'minLength'],
  ['max_length', 'maxLength'],
  ['minimum', 'minimum'],
  ['maximum', 'maximum'],
  ['exclusive_minimum', 'exclusiveMinimum'],
  ['exclusive_maximum', 'exclusiveMaximum'],
  ['multiple_of', 'multipleOf'],
  ['min_items', 'minItems'],
  ['max_items', 'maxItems'],
  ['unique_items', 'uniqueItems'],
];
const CONFIG_TO_SCHEMA = new Map<string, keyof JsonSchema>(CONFIG_KEYS);
for (const [, camel] of CONFIG_KEYS) CONFIG_TO_SCHEMA.set(String(camel), camel);

const REF_ID = /^#(?:\/[a-z-]+\/[^/]+\/|[a-z-]+:)(.+)$/;

function refId(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const m = REF_ID.exec(ref);
  return m ? m[1] : undefined;
}

interface CatalogProperty {
  name: string;
  description?: string;
  schema: JsonSchema;
}

/**
 * Reads RudderStack YAML: one text with several `---`-separated documents, or several texts (the
 * files of a catalog project). The first tracking plan found is the plan.
 *
 * @throws PlanParseError when a reference does not resolve or no tracking plan is present.
 */
export function fromRudderYaml(texts: string | string[]): TrackingPlan {
  const docs: Obj[] = [];
  for (const text of Array.isArray(texts) ? texts : [texts]) {
    for (const d of parseAllDocuments(text)) {
      if ('errors' in d && d.errors.length) {
        const line = d.errors[0].linePos?.[0]?.line;
        throw new PlanParseError(
          `not valid YAML: ${d.errors[0].message.split('\n')[0]}`,
          line ? `line ${line}` : undefined,
        );
      }
      const js = d.toJS() as unknown;
      if (js && typeof js === 'object') docs.push(js as Obj);
    }
  }
  const events = new Map<string, Obj>();
  const props = new Map<string, Obj>();
  const categories = new Map<string, string>();
  const customTypes = new Map<string, Obj>();
  const plans: Obj[] = [];
  for (const d of docs) {
    const spec = (d.spec ?? {}) as Obj;
    switch (d.kind) {
      case 'events':
        for (const e of (spec.events as Obj[] | undefined) ?? []) events.set(String(e.id), e);
        break;
      case 'properties':
        for (const p of (spec.properties as Obj[] | undefined) ?? []) props.set(String(p.id), p);
        break;
      case 'categories':
        for (const c of (spec.categories as Obj[] | undefined) ?? [])
          categories.set(String(c.id), String(c.name ?? c.id));
        break;
      case 'custom-types':
        for (const t of ((spec.types ?? spec['custom-types'] ?? spec.customTypes) as Obj[] | undefined) ??
          []) {
          customTypes.set(String(t.id), t);
        }
        break;
      case 'tracking-plan':
      case 'tp':
        plans.push(spec);
        break;
    }
  }
  const tp = plans[0];
  if (!tp) {
    throw new PlanParseError(
      'no tracking plan document',
      undefined,
      'expected a document with "kind: tracking-plan" (rudder/v1) or "kind: tp" (rudder/v0.1)',
    );
  }

  const propertySchema = (id: string, at: string): CatalogProperty => {
    const p = props.get(id);
    if (!p)
      throw new PlanParseError(
        `property "${id}" is not defined`,
        at,
        'define it in a "kind: properties" document',
      );
    const schema: JsonSchema = {};
    let type = p.type as string | undefined;
    let types = p.types as string[] | undefined;
    let config = (p.config ?? p.propConfig) as Obj | undefined;
    const custom = refId(type);
    if (custom && type?.includes('custom-type')) {
      const t = customTypes.get(custom);
      if (!t) throw new PlanParseError(`custom type "${custom}" is not defined`, at);
      type = t.type as string | undefined;
      config = { ...((t.config as Obj | undefined) ?? {}), ...(config ?? {}) };
    }
    if (!types && typeof type === 'string' && type.includes(','))
      types = type.split(',').map((s) => s.trim());
    if (types && types.length) schema.type = types as JsonType[];
    else if (type) schema.type = type as JsonType;
    const itemTypes = (p.item_types ??
      (p.item_type ? [p.item_type] : undefined) ??
      config?.item_types ??
      config?.itemTypes) as string[] | undefined;
    if (itemTypes && itemTypes.length)
      schema.items = {
        type: itemTypes.length === 1 ? (itemTypes[0] as JsonType) : (itemTypes as JsonType[]),
      };
    for (const [key, value] of Object.entries(config ?? {})) {
      const kw = CONFIG_TO_SCHEMA.get(key);
      if (kw) schema[kw] = value;
    }
    const out: CatalogProperty = { name: String(p.name ?? id), schema };
    if (typeof p.description === 'string' && p.description) out.description = p.description;
    return out;
  };

  const ruleProperties = (list: Obj[] | undefined, at: string): { properties: PlanProperty[] } => {
    const properties: PlanProperty[] = [];
    (list ?? []).forEach((rp, i) => {
      const where = `${at}.properties[${i}]`;
      const id = refId(rp.property ?? rp.$ref);
      if (!id) throw new PlanParseError('property reference must look like "#property:<id>"', where);
      const cp = propertySchema(id, where);
      const schema: JsonSchema = { ...cp.schema };
      const nested = rp.properties as Obj[] | undefined;
      if (nested && nested.length) {
        const inner = ruleProperties(nested, where);
        schema.properties = Object.fromEntries(
          inner.properties.map((np) => [
            np.name,
            np.description ? { description: np.description, ...np.schema } : np.schema,
          ]),
        );
        const req = inner.properties.filter((np) => np.required).map((np) => np.name);
        if (req.length) schema.required = req;
      }
      const ap = rp.additional_properties ?? rp.additionalProperties;
      if (typeof ap === 'boolean') schema.additionalProperties = ap;
      const prop: PlanProperty = { name: cp.name, required: rp.required === true, schema };
      if (cp.description) prop.description = cp.description;
      properties.push(prop);
    });
    return { properties };
  };

  const planEvents: PlanEvent[] = [];
  ((tp.rules as Obj[] | undefined) ?? []).forEach((rule, i) => {
    const at = `rules[${i}]`;
    const evRef = typeof rule.event === 'string' ? rule.event : (rule.event as Obj | undefined)?.$ref;
    const id = refId(evRef);
    if (!id) return; // `includes` rules pull rules of other plans; not followed.
    const ev = events.get(id);
    if (!ev)
      throw new PlanParseError(`event "${id}" is not defined`, at, 'define it in a "kind: events" document');
    const type = String(ev.event_type ?? 'track') as CallType;
    if (!CALL_TYPES.includes(type)) throw new PlanParseError(`unknown event_type "${type}"`, at);
    const allow =
      rule.additional_properties ??
      (typeof rule.event === 'object' ? (rule.event as Obj).allow_unplanned : undefined);
    const fields: Partial<PlanEvent> & { name: string } = {
      name: String(ev.name ?? (type === 'track' ? id : type)),
      type,
      additionalProperties: allow === true,
      ...ruleProperties(rule.properties as Obj[] | undefined, at),
    };
    if (typeof ev.description === 'string' && ev.description) fields.description = ev.description;
    const cat = refId(
      ev.category && typeof ev.category === 'object' ? (ev.category as Obj).$ref : ev.category,
    );
    if (cat) fields.category = categories.get(cat) ?? cat;
    planEvents.push(createEvent(fields));
  });
  const plan = createPlan({
    name: String(tp.display_name ?? tp.id ?? 'RudderStack tracking plan'),
    events: planEvents,
  });
  if (typeof tp.description === 'string' && tp.description) plan.description = tp.description;
  return plan;
}

/**
 * Writes the plan as `rudder/v1` YAML documents (properties, events, categories, tracking plan),
 * separated by `---`. A property name used with different schemas or descriptions in different
 * events gets one catalog property per variant (`name`, `name_2`, ...).
 */
export function toRudderYaml(plan: TrackingPlan): string {
  const planId = slug(plan.name, 'tracking_plan');
  const propIds = uniqueNamer('_');
  const catalog = new Map<string, Obj>();
  const catalogOrder: Obj[] = [];

  const catalogProperty = (name: string, description: string | undefined, schema: JsonSchema): string => {
    const types = schemaTypes(schema);
    const entry: Obj = { name };
    if (description) entry.description = description;
    if (types.length === 1) entry.type = types[0];
    else if (types.length > 1) entry.types = types;
    const items = schema.items as JsonSchema | undefined;
    if (items && !Array.isArray(items) && items.type !== undefined) {
      const it = schemaTypes(items);
      if (it.length === 1) entry.item_type = it[0];
      else entry.item_types = it;
    }
    const config: Obj = {};
    for (const [snake, camel] of CONFIG_KEYS) if (schema[camel] !== undefined) config[snake] = schema[camel];
    if (Object.keys(config).length) entry.config = config;
    const key = JSON.stringify(entry);
    const existing = catalog.get(key);
    if (existing) return existing.id as string;
    const id = propIds(slug(name, 'property'));
    const withId = { id, ...entry };
    catalog.set(key, withId);
    catalogOrder.push(withId);
    return id;
  };

  const ruleProps = (
    properties: Array<{ name: string; description?: string; required: boolean; schema: JsonSchema }>,
  ): Obj[] =>
    properties.map((p) => {
      const id = catalogProperty(p.name, p.description, p.schema);
      const rp: Obj = { property: `#property:${id}`, required: p.required };
      if (p.schema.properties) {
        const req = new Set(p.schema.required ?? []);
        rp.properties = ruleProps(
          Object.entries(p.schema.properties).map(([n, s]) => {
            const { description, ...rest } = s;
            return {
              name: n,
              description: typeof description === 'string' ? description : undefined,
              required: req.has(n),
              schema: rest,
            };
          }),
        );
      }
      if (typeof p.schema.additionalProperties === 'boolean' && p.schema.properties)
        rp.additional_properties = p.schema.additionalProperties;
      return rp;
    });

  const eventIds = uniqueNamer('_');
  const categoryIds = new Map<string, string>();
  const eventDocs: Obj[] = [];
  const rules: Obj[] = [];
  const untracked = new Set<string>();
  for (const e of plan.events) {
    // rudder/v1 names track events only: one rule per other call type can exist.
    if (e.type !== 'track') {
      if (untracked.has(e.type)) continue;
      untracked.add(e.type);
    }
    const id = eventIds(slug(e.type === 'track' ? e.name : `${e.type}_${e.name}`, 'event'));
    const ev: Obj = { id, ...(e.type === 'track' ? { name: e.name } : {}), event_type: e.type };
    if (e.description) ev.description = e.description;
    if (e.category) {
      if (!categoryIds.has(e.category)) categoryIds.set(e.category, slug(e.category, 'category'));
      ev.category = `#category:${categoryIds.get(e.category)}`;
    }
    eventDocs.push(ev);
    const rule: Obj = { type: 'event_rule', id: `${id}_rule`, event: `#event:${id}` };
    if (e.additionalProperties) rule.additional_properties = true;
    if (e.properties.length) rule.properties = ruleProps(e.properties);
    rules.push(rule);
  }
  const docs: Obj[] = [
    {
      version: 'rudder/v1',
      kind: 'properties',
      metadata: { name: `${planId}_properties` },
      spec: { properties: catalogOrder },
    },
    {
      version: 'rudder/v1',
      kind: 'events',
      metadata: { name: `${planId}_events` },
      spec: { events: eventDocs },
    },
  ];
  if (categoryIds.size) {
    docs.push({
      version: 'rudder/v1',
      kind: 'categories',
      metadata: { name: `${planId}_categories` },
      spec: { categories: [...categoryIds].map(([name, id]) => ({ id, name })) },
    });
  }
  const spec: Obj = { id: planId, display_name: plan.name };
  if (plan.description) spec.description = plan.description;
  spec.rules = rules;
  docs.push({ version: 'rudder/v1', kind: 'tracking-plan', metadata: { name: planId }, spec });
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
