import { detectPii, piiKindFromName } from './pii-detector.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type {
  CallType,
  Identity,
  JsonSchema,
  JsonType,
  PiiKind,
  PlanEvent,
  PlanProperty,
  TrackingPlan,
} from './tracking-plan.ts';

export interface InferenceOptions {
  name?: string;
  /** Presence rate from which a property is marked required (default 1: present in every message). */
  requiredThreshold?: number;
  /** Most distinct string values an enum candidate may have (default 12). */
  enumMaxValues?: number;
  /** Fewest observations before proposing an enum (default 20). */
  enumMinSamples?: number;
  /** Presence rate from which an identity is listed for the event (default 0.95). */
  identityThreshold?: number;
}

export interface PropertyStats {
  /** Dotted path (nested objects: `a.b`; array items: `a[]`). */
  path: string;
  count: number;
  /** Share of the parent's occurrences (messages of the event, for top-level properties) that have it. */
  presence: number;
  types: Partial<Record<JsonType, number>>;
  /** Distinct string values, when few enough to be an enum. */
  enumCandidate?: string[];
  /** A format every string value matched. */
  format?: string;
  min?: number;
  max?: number;
  maxLength?: number;
  /** A kind of personal data seen in the values. */
  pii?: string;
}

export interface EventStats {
  event: string;
  type: CallType;
  count: number;
  identities: Partial<Record<Identity, number>>;
  properties: PropertyStats[];
}

export interface InferenceResult {
  plan: TrackingPlan;
  events: EventStats[];
  /** Distinct messages drafted from (batches count their members). */
  messages: number;
  /**
   * Later copies of a messageId already read (retries), skipped as `gtm events validate` skips them,
   * so that they do not weigh on presence, enum candidates and required-ness.
   */
  duplicates: number;
}

const FORMAT_TESTS: Array<[string, RegExp]> = [
  ['date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/],
  ['date', /^\d{4}-\d{2}-\d{2}$/],
  ['email', /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/],
  ['uuid', /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/],
  ['uri', /^https?:\/\/[^\s]+$/],
];

class Shape {
  count = 0;
  types = new Map<JsonType, number>();
  strings: Set<string> | undefined = new Set();
  stringCount = 0;
  formats = new Set(FORMAT_TESTS.map(([f]) => f));
  maxLength = 0;
  min = Infinity;
  max = -Infinity;
  allIntegers = true;
  pii: string | undefined;
  children = new Map<string, Shape>();
  objectCount = 0;
  items: Shape | undefined;

  add(value: unknown, enumMax: number, depth: number): void {
    this.count++;
    const t: JsonType =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : typeof value === 'number'
            ? 'number'
            : (typeof value as JsonType);
    if (!['string', 'number', 'boolean', 'object', 'array', 'null'].includes(t)) return;
    this.types.set(t, (this.types.get(t) ?? 0) + 1);
    if (typeof value === 'string') {
      this.stringCount++;
      if (this.strings) {
        this.strings.add(value);
        if (this.strings.size > enumMax) this.strings = undefined;
      }
      for (const [f, re] of FORMAT_TESTS) if (this.formats.has(f) && !re.test(value)) this.formats.delete(f);
      this.maxLength = Math.max(this.maxLength, value.length);
      this.pii ??= detectPii(value);
    } else if (typeof value === 'number') {
      this.min = Math.min(this.min, value);
      this.max = Math.max(this.max, value);
      if (!Number.isInteger(value)) this.allIntegers = false;
    } else if (Array.isArray(value) && depth < 4) {
      this.items ??= new Shape();
      for (const v of value.slice(0, 50)) this.items.add(v, enumMax, depth + 1);
    } else if (value && typeof value === 'object' && depth < 4) {
      this.objectCount++;
      for (const [k, v] of Object.entries(value)) {
        let c = this.children.get(k);
        if (!c) this.children.set(k, (c = new Shape()));
        c.add(v, enumMax, depth + 1);
      }
    }
  }
}

interface EventAcc {
  type: CallType;
  name: string;
  count: number;
  identities: Map<Identity, number>;
  payload: Shape;
}

/**
 * Drafts a tracking plan from sample messages: event names and call types, property types
 * (integer when every number is whole; nullable when null was seen), presence rate per
 * property (required at the threshold), enum candidates (few distinct strings over enough
 * samples), formats every value matched, identities present, and PII seen in values or
 * suggested by names.
 *
 * @example
 * const { plan, events } = inferPlan(messages, { name: 'Observed' });
 * events[0].properties.map((p) => [p.path, p.presence])
 */
export function inferPlan(messages: Iterable<unknown>, options: InferenceOptions = {}): InferenceResult {
  const inferrer = createPlanInferrer(options);
  for (const m of messages) inferrer.add(m);
  return inferrer.result();
}

export interface PlanInferrer {
  /** Adds one message (a `batch` envelope adds its members). */
  add(message: unknown): void;
  result(): InferenceResult;
}

/** The streaming form of `inferPlan`: add messages one by one, read the result at the end. */
export function createPlanInferrer(options: InferenceOptions = {}): PlanInferrer {
  const enumMax = options.enumMaxValues ?? 12;
  const enumMin = options.enumMinSamples ?? 20;
  const requiredAt = options.requiredThreshold ?? 1;
  const identityAt = options.identityThreshold ?? 0.95;
  const events = new Map<string, EventAcc>();
  const messageIds = new Set<string>();
  let total = 0;
  let duplicates = 0;
  const visit = (m: unknown) => {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return;
    const msg = m as Record<string, unknown>;
    if (Array.isArray(msg.batch)) {
      for (const b of msg.batch) visit(b);
      return;
    }
    if (typeof msg.messageId === 'string' && msg.messageId !== '') {
      if (messageIds.has(msg.messageId)) {
        duplicates++;
        return;
      }
      messageIds.add(msg.messageId);
    }
    total++;
    const type = (
      typeof msg.type === 'string' ? msg.type : typeof msg.event === 'string' ? 'track' : ''
    ) as CallType;
    if (!['track', 'identify', 'page', 'screen', 'group'].includes(type)) return;
    const name =
      type === 'track'
        ? String(msg.event ?? '')
        : type === 'page' || type === 'screen'
          ? typeof msg.name === 'string'
            ? msg.name
            : type
          : type;
    const k = `${type}\u0000${name}`;
    let acc = events.get(k);
    if (!acc) events.set(k, (acc = { type, name, count: 0, identities: new Map(), payload: new Shape() }));
    acc.count++;
    const context = (msg.context ?? {}) as Record<string, unknown>;
    const ids: Array<[Identity, unknown]> = [
      ['userId', msg.userId],
      ['anonymousId', msg.anonymousId],
      ['groupId', msg.groupId ?? context.groupId],
    ];
    for (const [id, v] of ids)
      if (v !== undefined && v !== null && v !== '')
        acc.identities.set(id, (acc.identities.get(id) ?? 0) + 1);
    const payload = type === 'identify' || type === 'group' ? msg.traits : msg.properties;
    acc.payload.add(
      payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {},
      enumMax,
      0,
    );
  };
  return { add: visit, result: () => build() };

  function build(): InferenceResult {
    const stats: EventStats[] = [];
    const planEvents: PlanEvent[] = [];
    for (const acc of [...events.values()].sort((a, b) => (a.type + a.name < b.type + b.name ? -1 : 1))) {
      const props: PropertyStats[] = [];
      const collect = (shape: Shape, parentCount: number, path: string) => {
        props.push(propertyStats(shape, parentCount, path, enumMin));
        for (const [k, c] of shape.children) collect(c, shape.objectCount, `${path}.${k}`);
        if (shape.items) collect(shape.items, shape.count, `${path}[]`);
      };
      for (const [k, c] of acc.payload.children) collect(c, acc.count, k);
      stats.push({
        event: acc.name,
        type: acc.type,
        count: acc.count,
        identities: Object.fromEntries(acc.identities),
        properties: props,
      });
      const properties: PlanProperty[] = [...acc.payload.children].map(([k, c]) => {
        const p: PlanProperty = {
          name: k,
          required: c.count / acc.count >= requiredAt,
          schema: schemaOf(c, enumMin, requiredAt),
        };
        const kind =
          (c.pii ? detectedToKind(c.pii) : undefined) ?? (piiKindFromName(k) as PiiKind | undefined);
        if (kind) {
          p.pii = true;
          p.piiKind = kind;
        }
        return p;
      });
      const identities = [...acc.identities].filter(([, n]) => n / acc.count >= identityAt).map(([id]) => id);
      planEvents.push(
        createEvent({
          name: acc.name,
          type: acc.type,
          properties,
          identities,
          status: 'implemented',
          additionalProperties: true,
          description: `Inferred from ${acc.count} message${acc.count === 1 ? '' : 's'}.`,
        }),
      );
    }
    return {
      plan: createPlan({ name: options.name ?? 'Inferred plan', events: planEvents }),
      events: stats,
      messages: total,
      duplicates,
    };
  }
}

function detectedToKind(d: string): PiiKind {
  return d === 'email'
    ? 'email'
    : d === 'phone'
      ? 'phone'
      : d === 'ip'
        ? 'ip'
        : d === 'ssn'
          ? 'government_id'
          : 'financial';
}

function propertyStats(shape: Shape, parentCount: number, path: string, enumMin: number): PropertyStats {
  const s: PropertyStats = {
    path,
    count: shape.count,
    presence: parentCount ? shape.count / parentCount : 0,
    types: Object.fromEntries(shape.types),
  };
  // Values that all share a format (emails, URLs, dates, uuids) are not an enum.
  if (shape.strings && shape.stringCount >= enumMin && shape.strings.size > 0 && !shape.formats.size) {
    s.enumCandidate = [...shape.strings].sort();
  }
  if (shape.stringCount && shape.formats.size) s.format = [...shape.formats][0];
  if (shape.min !== Infinity) {
    s.min = shape.min;
    s.max = shape.max;
  }
  if (shape.stringCount) s.maxLength = shape.maxLength;
  if (shape.pii) s.pii = shape.pii;
  return s;
}

function schemaOf(shape: Shape, enumMin: number, requiredAt: number): JsonSchema {
  const types: JsonType[] = [];
  for (const t of shape.types.keys()) {
    if (t === 'number') types.push(shape.allIntegers ? 'integer' : 'number');
    else types.push(t);
  }
  const order: JsonType[] = ['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'];
  types.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const s: JsonSchema = {};
  if (types.length === 1) s.type = types[0];
  else if (types.length > 1) s.type = types;
  if (
    shape.strings &&
    shape.stringCount >= enumMin &&
    shape.strings.size > 0 &&
    !shape.formats.size &&
    types.every((t) => t === 'string' || t === 'null')
  ) {
    s.enum = [...shape.strings].sort();
    if (types.includes('null')) s.enum.push(null);
  } else if (shape.stringCount && shape.formats.size) s.format = [...shape.formats][0];
  if (shape.children.size && types.includes('object')) {
    s.properties = {};
    const req: string[] = [];
    for (const [k, c] of shape.children) {
      s.properties[k] = schemaOf(c, enumMin, requiredAt);
      if (c.count / shape.objectCount >= requiredAt) req.push(k);
    }
    if (req.length) s.required = req;
  }
  if (shape.items && types.includes('array')) s.items = schemaOf(shape.items, enumMin, requiredAt);
  return s;
}
