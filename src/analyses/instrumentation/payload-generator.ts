import { eventPropertiesSchema } from './event-schema.ts';
import { sampleInstance } from './sample-instance.ts';
import { parseSchemaVer } from './schema-ver.ts';
import { seededRandom } from './seeded-random.ts';
import { schemaTypes } from './tracking-plan.ts';
import type { PlanEvent, PlanProperty, TrackingPlan } from './tracking-plan.ts';
import { VIOLATION_TYPES, emptyViolationCounts } from './validation-report.ts';
import type { ViolationType } from './validation-report.ts';

export interface PayloadGeneratorOptions {
  plan: TrackingPlan;
  seed: number;
  /** Messages to produce, planted ones included. */
  count: number;
  /** Exact number of messages to plant per violation type; each planted message carries one violation. */
  plant?: Partial<Record<ViolationType, number>>;
  /** Timestamp of the first message (ISO 8601); each next message is one second later. */
  startTime?: string;
  /** Payload variants pre-built per event (default 32); more variety, slower start. */
  variants?: number;
}

export interface PayloadGenerator {
  /** Violations the messages carry, per type: what a validator must report. */
  readonly planted: Record<ViolationType, number>;
  readonly count: number;
  /**
   * The messages, in order (a fresh generator each call; deterministic for a seed). Nested
   * payload values (arrays, objects) are shared between messages: clone before mutating them.
   */
  messages(): Generator<Record<string, unknown>>;
}

type Msg = Record<string, unknown>;

const UNPLANNED_NAMES = [
  'Legacy Button Clicked',
  'Banner Dismissed',
  'Debug Panel Opened',
  'Tooltip Hovered',
];
const LEAKED_EMAIL = 'jane.doe@example.com';
const EXTRA_TRAIT = 'ui_theme';
const ROGUE_SOURCE = 'legacy_server';

interface Planter {
  type: ViolationType;
  events: PlanEvent[];
  apply: (msg: Msg, event: PlanEvent, pick: () => number) => void;
}

/**
 * A seeded generator of Segment-spec messages for a plan, with violations planted in exact
 * numbers: every baseline message is valid (right types and constraints, identities, an allowed
 * source, consent granted for every category, no PII outside flagged properties) and every
 * planted message carries exactly one violation of its type. `planted` is therefore what a
 * correct validator reports. Pure: no clock, no I/O; same seed, same messages.
 *
 * Planting needs the plan to allow it (e.g. constraint_violation needs a property with an enum,
 * range, length or pattern; inconsistent_type needs an event that accepts unplanned properties;
 * outdated_version needs a plan or event version above 1-0-0 or a deprecated event); otherwise
 * the generator throws and says what is missing.
 *
 * @example
 * const gen = createPayloadGenerator({ plan, seed: 7, count: 1000, plant: { unplanned_event: 5 } });
 * for (const msg of gen.messages()) validator.validate(msg);
 */
export function createPayloadGenerator(options: PayloadGeneratorOptions): PayloadGenerator {
  const { plan, seed, count } = options;
  const plant = options.plant ?? {};
  const start = Date.parse(options.startTime ?? '2024-03-01T00:00:00.000Z');
  const nVariants = options.variants ?? 32;
  const baseEvents = plan.events.filter((e) => e.status !== 'deprecated');
  if (baseEvents.length === 0)
    throw new Error('The plan has no events that are not deprecated; nothing to generate.');

  const rnd = seededRandom(seed);
  // Pre-built payload variants per event.
  const variants = new Map<PlanEvent, Msg[]>();
  for (const e of plan.events) {
    const schema = eventPropertiesSchema(e);
    const list: Msg[] = [];
    for (let v = 0; v < nVariants; v++)
      list.push(sampleInstance(schema, { random: rnd, optionalRate: 0.6 }) as Msg);
    variants.set(e, list);
  }
  const carrier = baseEvents.find(
    (e) => e.additionalProperties && !e.properties.some((p) => p.name === EXTRA_TRAIT),
  );
  const planters = buildPlanters(plan, baseEvents, carrier);

  const planted = emptyViolationCounts();
  const totalPlanted = VIOLATION_TYPES.reduce((n, t) => n + (plant[t] ?? 0), 0);
  if (totalPlanted > count) throw new Error(`Cannot plant ${totalPlanted} violations in ${count} messages.`);
  for (const t of VIOLATION_TYPES) {
    const n = plant[t] ?? 0;
    if (n <= 0) continue;
    const p = planters.get(t);
    if (!p || p.events.length === 0) throw new Error(cannotPlant(t));
    if (t === 'inconsistent_type' && !carrier) throw new Error(cannotPlant(t));
    planted[t] = n;
  }
  const inconsistent = planted.inconsistent_type;
  if (inconsistent && count - totalPlanted <= inconsistent) {
    throw new Error(
      'inconsistent_type needs more baseline messages than planted ones (the planted type must be the minority).',
    );
  }

  // Positions of planted messages: a seeded shuffle of the indices.
  const slots = new Int8Array(count);
  {
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    for (let i = count - 1; i > 0 && count - 1 - i < totalPlanted; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    let k = count - 1;
    VIOLATION_TYPES.forEach((t, ti) => {
      for (let n = 0; n < planted[t]; n++) slots[order[k--]] = ti + 1;
    });
  }
  const genSeed = Math.floor(rnd() * 0xffffffff);

  const categories = [
    ...new Set([
      ...plan.consentCategories,
      ...plan.events.flatMap((e) => [e.consentCategory, ...e.properties.map((p) => p.consentCategory)]),
    ]),
  ].filter((c): c is string => !!c);

  function* messages(): Generator<Msg> {
    const r = seededRandom(genSeed);
    const pick = () => r();
    let carrierBaseline = 0;
    for (let i = 0; i < count; i++) {
      const slot = slots[i];
      let event: PlanEvent;
      let planter: Planter | undefined;
      if (slot) {
        planter = planters.get(VIOLATION_TYPES[slot - 1])!;
        event =
          planter.type === 'unplanned_event'
            ? baseEvents[0]
            : planter.events[Math.floor(pick() * planter.events.length)];
      } else if (inconsistent && carrier && carrierBaseline <= inconsistent) {
        // Enough baseline messages carry the extra trait with its usual type to make the planted type a minority.
        event = carrier;
      } else {
        event = baseEvents[Math.floor(pick() * baseEvents.length)];
      }
      const msg = baseline(event, i, pick);
      if (event === carrier && inconsistent) {
        payloadOf(msg, event)[EXTRA_TRAIT] = 'dark';
        if (!slot) carrierBaseline++;
      }
      if (planter) planter.apply(msg, event, pick);
      yield msg;
    }
  }

  function baseline(event: PlanEvent, i: number, pick: () => number): Msg {
    const list = variants.get(event)!;
    // A shallow copy: planters only touch top-level properties; nested values are shared.
    const payload = { ...list[Math.floor(pick() * list.length)] };
    const n = Math.floor(pick() * 5000);
    const context: Msg = {
      library: { name: 'analytics-node', version: '2.1.0' },
      consent: { categoryPreferences: Object.fromEntries(categories.map((c) => [c, true])) },
    };
    if (event.sources.length) context.source = event.sources[Math.floor(pick() * event.sources.length)];
    const msg: Msg = {
      type: event.type,
      messageId: `msg-${seed}-${i}`,
      timestamp: new Date(start + i * 1000).toISOString(),
    };
    if (event.type === 'track') msg.event = event.name;
    if (event.type === 'page' || event.type === 'screen')
      msg.name = event.name === '*' || event.name === event.type ? 'Pricing' : event.name;
    const ids = event.identities;
    if (ids.includes('userId') || !ids.includes('anonymousId')) msg.userId = `user-${n}`;
    if (ids.includes('anonymousId')) msg.anonymousId = `anon-${n}`;
    if (ids.includes('groupId') && event.type === 'group') msg.groupId = `acct-${n % 400}`;
    else if (ids.includes('groupId') || ids.includes('accountId')) context.groupId = `acct-${n % 400}`;
    if (event.type === 'identify' || event.type === 'group') msg.traits = payload;
    else msg.properties = payload;
    msg.context = context;
    return msg;
  }

  return { planted, count, messages };
}

function payloadOf(msg: Msg, event: PlanEvent): Msg {
  const key = event.type === 'identify' || event.type === 'group' ? 'traits' : 'properties';
  return msg[key] as Msg;
}

function cannotPlant(t: ViolationType): string {
  const need: Record<ViolationType, string> = {
    unplanned_event: 'a track event',
    missing_required_property: 'an event with a required property',
    wrong_type: 'a property with a single string, number, integer or boolean type',
    additional_property: 'an event that forbids unplanned properties (additionalProperties false)',
    constraint_violation: 'a top-level property with an enum, a numeric range, a maxLength or a pattern',
    inconsistent_type: 'an event that accepts unplanned properties (additionalProperties true)',
    outdated_version: 'a plan or event version above 1-0-0, or a deprecated event',
    unexpected_source: 'an event that lists its sources',
    consent_violation: 'an event or property with a consent category',
    pii_detected: 'a string property not flagged PII, without enum/pattern/format, that fits 20 characters',
    future_timestamp: 'an event',
  };
  return `Cannot plant ${t}: the plan needs ${need[t]}.`;
}

function single(p: PlanProperty): string | undefined {
  const t = schemaTypes(p.schema);
  return t.length === 1 && ['string', 'number', 'integer', 'boolean'].includes(t[0]) ? t[0] : undefined;
}

function constraintBreaker(p: PlanProperty): ((payload: Msg) => void) | undefined {
  const s = p.schema;
  const t = single(p);
  if (!t || s.const !== undefined) return undefined;
  if (Array.isArray(s.enum) && t === 'string') return (o) => (o[p.name] = 'zz_not_in_enum');
  if (
    (t === 'integer' || t === 'number') &&
    typeof s.maximum === 'number' &&
    s.multipleOf === undefined &&
    s.exclusiveMaximum === undefined
  ) {
    return (o) => (o[p.name] = s.maximum! + 1);
  }
  if (t === 'string' && typeof s.maxLength === 'number' && !s.pattern && !s.format && s.maxLength < 5000) {
    return (o) => (o[p.name] = 'x'.repeat(s.maxLength! + 1));
  }
  if (t === 'string' && typeof s.pattern === 'string' && !s.format && !s.enum) {
    let re: RegExp;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      return undefined;
    }
    const bad = '~~~';
    if (re.test(bad) || (s.minLength ?? 0) > bad.length || (s.maxLength ?? Infinity) < bad.length)
      return undefined;
    return (o) => (o[p.name] = bad);
  }
  return undefined;
}

function buildPlanters(
  plan: TrackingPlan,
  events: PlanEvent[],
  carrier: PlanEvent | undefined,
): Map<ViolationType, Planter> {
  const planters = new Map<ViolationType, Planter>();
  const add = (type: ViolationType, evs: PlanEvent[], apply: Planter['apply']) =>
    planters.set(type, { type, events: evs, apply });
  const propsOf = (e: PlanEvent) => e.properties;
  const usable = (e: PlanEvent) => !e.pii;

  add('unplanned_event', events, (msg, _e, pick) => {
    msg.type = 'track';
    msg.event = UNPLANNED_NAMES[Math.floor(pick() * UNPLANNED_NAMES.length)];
    delete msg.name;
    delete msg.traits;
    msg.properties = { note: 'n/a' };
  });

  add(
    'missing_required_property',
    events.filter((e) => e.properties.some((p) => p.required)),
    (msg, e, pick) => {
      const req = e.properties.filter((p) => p.required);
      delete payloadOf(msg, e)[req[Math.floor(pick() * req.length)].name];
    },
  );

  add(
    'wrong_type',
    events.filter((e) => propsOf(e).some((p) => single(p))),
    (msg, e, pick) => {
      const cands = e.properties.filter((p) => single(p));
      const p = cands[Math.floor(pick() * cands.length)];
      payloadOf(msg, e)[p.name] = single(p) === 'boolean' ? 'yes' : single(p) === 'string' ? true : 'NaN';
    },
  );

  add(
    'additional_property',
    events.filter((e) => !e.additionalProperties),
    (msg, e) => {
      payloadOf(msg, e).debug_flag = true;
    },
  );

  add(
    'constraint_violation',
    events.filter((e) => e.properties.some((p) => constraintBreaker(p))),
    (msg, e, pick) => {
      const cands = e.properties.filter((p) => constraintBreaker(p));
      constraintBreaker(cands[Math.floor(pick() * cands.length)])!(payloadOf(msg, e));
    },
  );

  // The extra trait is a string on every baseline message of the carrier event, a number here.
  add('inconsistent_type', carrier ? [carrier] : [], (msg, e) => {
    payloadOf(msg, e)[EXTRA_TRAIT] = 42;
  });

  const planVer = parseSchemaVer(plan.version);
  const deprecated = plan.events.filter((e) => e.status === 'deprecated');
  if (planVer.model > 1 || planVer.revision > 0) {
    const older =
      planVer.model > 1 ? `${planVer.model - 1}-0-0` : `${planVer.model}-${planVer.revision - 1}-0`;
    add('outdated_version', events, (msg) => {
      (msg.context as Msg).protocols = { plan_version: older };
    });
  } else if (events.some((e) => parseSchemaVer(e.version).model > 1)) {
    add(
      'outdated_version',
      events.filter((e) => parseSchemaVer(e.version).model > 1),
      (msg, e) => {
        (msg.context as Msg).protocols = { event_version: parseSchemaVer(e.version).model - 1 };
      },
    );
  } else if (deprecated.length) {
    // Sending a deprecated event is the violation; its message is otherwise valid.
    add('outdated_version', deprecated, () => undefined);
  }

  add(
    'unexpected_source',
    events.filter((e) => e.sources.length > 0),
    (msg) => {
      (msg.context as Msg).source = ROGUE_SOURCE;
    },
  );

  add(
    'consent_violation',
    events.filter((e) => !!e.consentCategory),
    (msg, e) => {
      const prefs = ((msg.context as Msg).consent as Msg).categoryPreferences as Msg;
      prefs[e.consentCategory!] = false;
    },
  );

  const leakable = (p: PlanProperty) =>
    !p.pii &&
    single(p) === 'string' &&
    !p.schema.enum &&
    !p.schema.pattern &&
    !p.schema.format &&
    (p.schema.maxLength ?? Infinity) >= LEAKED_EMAIL.length &&
    (p.schema.minLength ?? 0) <= LEAKED_EMAIL.length;
  add(
    'pii_detected',
    events.filter((e) => usable(e) && e.properties.some((p) => leakable(p))),
    (msg, e, pick) => {
      const cands = e.properties.filter((p) => leakable(p));
      payloadOf(msg, e)[cands[Math.floor(pick() * cands.length)].name] = LEAKED_EMAIL;
    },
  );

  // Sent at its own time, stamped a day later: a client clock or a hand-set timestamp gone wrong.
  add('future_timestamp', events, (msg) => {
    const t = Date.parse(msg.timestamp as string);
    msg.sentAt = new Date(t).toISOString();
    msg.timestamp = new Date(t + 86_400_000).toISOString();
  });
  return planters;
}

/**
 * All messages of a generator in an array, with the planted counts.
 *
 * @example const { messages, planted } = generateSamplePayloads({ plan, seed: 1, count: 500, plant: { wrong_type: 3 } });
 */
export function generateSamplePayloads(options: PayloadGeneratorOptions): {
  messages: Msg[];
  planted: Record<ViolationType, number>;
} {
  const gen = createPayloadGenerator(options);
  return { messages: [...gen.messages()], planted: gen.planted };
}
