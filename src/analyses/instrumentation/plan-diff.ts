import { plural } from '../text/index.ts';
import { bumpSchemaVer, isSchemaVer } from './schema-ver.ts';
import { duplicateKey } from './naming.ts';
import { COMMON_EVENT } from './common-rules.ts';
import { createEvent, schemaTypes } from './tracking-plan.ts';
import type {
  CallType,
  CommonRules,
  JsonSchema,
  JsonType,
  PlanEvent,
  TrackingPlan,
} from './tracking-plan.ts';

/**
 * SchemaVer level of a change: `model` breaks every historical record, `revision` may break some,
 * `addition` is compatible with all; `none` touches governance metadata only (owner, status,
 * sources, privacy facts), not the data's schema.
 */
export type ChangeLevel = 'model' | 'revision' | 'addition' | 'none';

export type ChangeKind =
  | 'event-added'
  | 'event-removed'
  | 'property-added'
  | 'property-removed'
  | 'property-now-required'
  | 'property-now-optional'
  | 'type-widened'
  | 'type-narrowed'
  | 'type-changed'
  | 'constraint-added'
  | 'constraint-tightened'
  | 'constraint-relaxed'
  | 'constraint-removed'
  | 'additional-properties-closed'
  | 'additional-properties-opened'
  | 'schema-changed'
  | 'description-changed'
  | 'metadata-changed';

export interface PlanChange {
  event: string;
  eventType: CallType;
  /** Dotted path of the property; nested `a.b`, array items `a[]`. */
  property?: string;
  kind: ChangeKind;
  level: ChangeLevel;
  /** True for MODEL changes: they break all historical data. */
  breaking: boolean;
  description: string;
}

export interface EventVersionProposal {
  event: string;
  eventType: CallType;
  level: ChangeLevel;
  from: string;
  /** The version the change calls for (unchanged when level is none). */
  proposed: string;
  /** The version the new plan declares. */
  declared: string;
}

export interface PlanDiff {
  from: { name: string; version: string };
  to: { name: string; version: string };
  changes: PlanChange[];
  events: EventVersionProposal[];
  level: ChangeLevel;
  proposedVersion: string;
}

const RANK: Record<ChangeLevel, number> = { none: 0, addition: 1, revision: 2, model: 3 };
const maxLevel = (a: ChangeLevel, b: ChangeLevel): ChangeLevel => (RANK[a] >= RANK[b] ? a : b);

/** Lower bounds (larger = tighter) and upper bounds (smaller = tighter). */
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
const OPAQUE = ['pattern', 'format', 'multipleOf', 'const', 'uniqueItems'] as const;
const HANDLED = new Set<string>([
  'type',
  'enum',
  'description',
  'title',
  'properties',
  'required',
  'additionalProperties',
  'items',
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  ...OPAQUE,
]);

/**
 * Compares two plans and classifies every change by SchemaVer rules, per event and for the plan:
 *
 * - property added: required → MODEL; optional → ADDITION if the event allowed no other
 *   properties before (no historical record can hold it), else REVISION (one may, with another type);
 * - property removed: ADDITION if the event still allows unplanned properties; otherwise MODEL when
 *   it was required (every record has it), REVISION when optional;
 * - optional → required: REVISION; required → optional: ADDITION;
 * - type widened (new types include the old; integer → number): ADDITION; narrowed: REVISION;
 *   changed to an unrelated type: MODEL when required, REVISION when optional;
 * - constraint added or tightened (enum values removed, bounds narrowed, pattern/format changed):
 *   REVISION; relaxed or removed: ADDITION; `additionalProperties` closed: REVISION, opened: ADDITION;
 * - event removed: MODEL; event added: ADDITION (a likely rename is noted on both: names equal
 *   but for case and separators, or the only removed and added events of one payload); description
 *   edits: ADDITION; governance metadata: none.
 *
 * @example
 * const diff = diffPlans(oldPlan, newPlan);
 * diff.level            // 'model'
 * diff.proposedVersion  // '2-0-0'
 */
export function diffPlans(oldPlan: TrackingPlan, newPlan: TrackingPlan): PlanDiff {
  const changes: PlanChange[] = [];
  const events: EventVersionProposal[] = [];
  const key = (e: PlanEvent) => `${e.type}\u0000${e.name}`;
  const oldEvents = new Map(oldPlan.events.map((e) => [key(e), e]));
  const newEvents = new Map(newPlan.events.map((e) => [key(e), e]));

  // A removed event and an added one are probably one event renamed when their names differ only
  // in case and separators, or when they are the only removed and added events of one payload
  // shape (call type, properties with their schemas, unplanned-property rule).
  const removed = oldPlan.events.filter((oe) => !newEvents.has(key(oe)));
  const added = newPlan.events.filter((ne) => !oldEvents.has(key(ne)));
  const shape = (e: PlanEvent) =>
    JSON.stringify([
      e.type,
      e.additionalProperties,
      [...e.properties]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((p) => [p.name, p.required, p.schema]),
    ]);
  const count = (list: PlanEvent[]) => {
    const n = new Map<string, number>();
    for (const e of list) n.set(shape(e), (n.get(shape(e)) ?? 0) + 1);
    return n;
  };
  const [removedShapes, addedShapes] = [count(removed), count(added)];
  const renamedTo = new Map<PlanEvent, PlanEvent>();
  for (const oe of removed) {
    const twin =
      added.find((ne) => ne.type === oe.type && duplicateKey(ne.name) === duplicateKey(oe.name)) ??
      (removedShapes.get(shape(oe)) === 1 && addedShapes.get(shape(oe)) === 1
        ? added.find((ne) => shape(ne) === shape(oe))
        : undefined);
    if (twin && ![...renamedTo.values()].includes(twin)) renamedTo.set(oe, twin);
  }
  const renamedFrom = new Map([...renamedTo].map(([o, n]) => [n, o]));

  for (const oe of removed) {
    const twin = renamedTo.get(oe);
    changes.push({
      event: oe.name,
      eventType: oe.type,
      kind: 'event-removed',
      level: 'model',
      breaking: true,
      description: twin
        ? `removed (renamed to "${twin.name}"?): its data no longer matches any event`
        : 'removed: its data no longer matches any event',
    });
  }
  for (const ne of newPlan.events) {
    const oe = oldEvents.get(key(ne));
    if (!oe) {
      const from = renamedFrom.get(ne);
      changes.push({
        event: ne.name,
        eventType: ne.type,
        kind: 'event-added',
        level: 'addition',
        breaking: false,
        description: from ? `added (renamed from "${from.name}"?)` : 'added',
      });
      continue;
    }
    const eventChanges = diffEvent(oe, ne);
    changes.push(...eventChanges);
    const level = eventChanges.reduce<ChangeLevel>((l, c) => maxLevel(l, c.level), 'none');
    const proposed =
      level === 'none' || !isSchemaVer(oe.version) ? oe.version : bumpSchemaVer(oe.version, level);
    events.push({
      event: ne.name,
      eventType: ne.type,
      level,
      from: oe.version,
      proposed,
      declared: ne.version,
    });
  }
  // Common properties change every event's payload: compared as one more event.
  if (oldPlan.common || newPlan.common)
    changes.push(...diffEvent(commonAsEvent(oldPlan.common), commonAsEvent(newPlan.common)));
  const level = changes.reduce<ChangeLevel>((l, c) => maxLevel(l, c.level), 'none');
  const proposedVersion =
    level === 'none' || !isSchemaVer(oldPlan.version)
      ? oldPlan.version
      : bumpSchemaVer(oldPlan.version, level);
  return {
    from: { name: oldPlan.name, version: oldPlan.version },
    to: { name: newPlan.name, version: newPlan.version },
    changes,
    events,
    level,
    proposedVersion,
  };
}

/** The common properties as an event (no common rules: none, and any others allowed). */
function commonAsEvent(common: CommonRules | undefined): PlanEvent {
  const { additionalProperties, ...extras } = common?.schemaExtras ?? {};
  return createEvent({
    name: COMMON_EVENT,
    properties: common?.properties ?? [],
    additionalProperties: additionalProperties !== false,
    ...(Object.keys(extras).length ? { schemaExtras: extras } : {}),
  });
}

function diffEvent(oe: PlanEvent, ne: PlanEvent): PlanChange[] {
  const out: PlanChange[] = [];
  const push = (kind: ChangeKind, level: ChangeLevel, description: string, property?: string) => {
    const c: PlanChange = {
      event: ne.name,
      eventType: ne.type,
      kind,
      level,
      breaking: level === 'model',
      description,
    };
    if (property !== undefined) c.property = property;
    out.push(c);
  };
  if ((oe.description ?? '') !== (ne.description ?? ''))
    push('description-changed', 'addition', 'description edited');
  const meta: Array<[string, unknown, unknown]> = [
    ['owner', oe.owner, ne.owner],
    ['status', oe.status, ne.status],
    ['sources', oe.sources, ne.sources],
    ['identities', oe.identities, ne.identities],
    ['sampling rate', oe.samplingRate, ne.samplingRate],
    ['consent category', oe.consentCategory, ne.consentCategory],
    ['pii', oe.pii, ne.pii],
    ['retention', oe.retentionDays, ne.retentionDays],
    ['category', oe.category, ne.category],
    ['tags', oe.tags, ne.tags],
    ['labels', oe.labels, ne.labels],
  ];
  for (const [what, a, b] of meta) {
    if (JSON.stringify(a) !== JSON.stringify(b))
      push('metadata-changed', 'none', `${what}: ${show(a)} → ${show(b)}`);
  }
  const oldProps = new Map(oe.properties.map((p) => [p.name, p]));
  for (const p of ne.properties) {
    const q = oldProps.get(p.name);
    if (q) {
      if (
        q.pii !== p.pii ||
        q.consentCategory !== p.consentCategory ||
        q.retentionDays !== p.retentionDays ||
        q.piiKind !== p.piiKind
      ) {
        push('metadata-changed', 'none', 'privacy facts (pii, consent category, retention) changed', p.name);
      }
    }
  }
  const asObject = (e: PlanEvent): JsonSchema => ({
    type: 'object',
    properties: Object.fromEntries(
      e.properties.map((p) => [
        p.name,
        p.description === undefined ? p.schema : { ...p.schema, description: p.description },
      ]),
    ),
    required: e.properties.filter((p) => p.required).map((p) => p.name),
    additionalProperties: e.additionalProperties,
  });
  diffObject(asObject(oe), asObject(ne), '', push);
  if (JSON.stringify(oe.schemaExtras ?? null) !== JSON.stringify(ne.schemaExtras ?? null)) {
    const level: ChangeLevel = ne.schemaExtras === undefined ? 'addition' : 'revision';
    push(
      'schema-changed',
      level,
      level === 'addition'
        ? 'object-level keywords removed'
        : 'object-level keywords (anyOf, minProperties...) changed',
    );
  }
  return out;
}

type Push = (kind: ChangeKind, level: ChangeLevel, description: string, property?: string) => void;

function diffObject(o: JsonSchema, n: JsonSchema, prefix: string, push: Push): void {
  const oProps = o.properties ?? {};
  const nProps = n.properties ?? {};
  const oReq = new Set(o.required ?? []);
  const nReq = new Set(n.required ?? []);
  const oClosed = o.additionalProperties === false;
  const nClosed = n.additionalProperties === false;
  for (const name of Object.keys(oProps)) {
    if (name in nProps) continue;
    const path = prefix + name;
    if (!nClosed)
      push(
        'property-removed',
        'addition',
        'removed; unplanned properties are still allowed, so old data stays valid',
        path,
      );
    else if (oReq.has(name))
      push(
        'property-removed',
        'model',
        'removed while no other properties are allowed: every historical record has it',
        path,
      );
    else
      push(
        'property-removed',
        'revision',
        'removed while no other properties are allowed: records that have it break',
        path,
      );
  }
  for (const [name, ns] of Object.entries(nProps)) {
    const path = prefix + name;
    const os = oProps[name];
    if (!os) {
      if (nReq.has(name))
        push('property-added', 'model', 'added as required: historical records lack it', path);
      else if (oClosed)
        push('property-added', 'addition', 'added as optional; no historical record can hold it', path);
      else
        push(
          'property-added',
          'revision',
          'added as optional; historical records may hold it with another type',
          path,
        );
      continue;
    }
    if (!oReq.has(name) && nReq.has(name))
      push('property-now-required', 'revision', 'now required: records without it break', path);
    if (oReq.has(name) && !nReq.has(name)) push('property-now-optional', 'addition', 'now optional', path);
    diffValue(os, ns, path, oReq.has(name), push);
  }
  if (!oClosed && nClosed)
    push(
      'additional-properties-closed',
      'revision',
      'unplanned properties no longer allowed: records with extra properties break',
      prefix ? prefix.slice(0, -1) : undefined,
    );
  if (oClosed && !nClosed)
    push(
      'additional-properties-opened',
      'addition',
      'unplanned properties now allowed',
      prefix ? prefix.slice(0, -1) : undefined,
    );
}

function diffValue(o: JsonSchema, n: JsonSchema, path: string, required: boolean, push: Push): void {
  if ((o.description ?? '') !== (n.description ?? ''))
    push('description-changed', 'addition', 'description edited', path);
  // Types.
  const ot = widenInts(schemaTypes(o));
  const nt = widenInts(schemaTypes(n));
  const oTypes = schemaTypes(o);
  const nTypes = schemaTypes(n);
  if (JSON.stringify([...oTypes].sort()) !== JSON.stringify([...nTypes].sort())) {
    const label = `type ${oTypes.join('|') || 'any'} → ${nTypes.join('|') || 'any'}`;
    if (
      nTypes.length === 0 ||
      oTypes.every((t) => nTypes.includes(t) || (t === 'integer' && nTypes.includes('number')))
    ) {
      push('type-widened', 'addition', label, path);
    } else if (oTypes.length === 0 || ot.some((t) => nt.includes(t))) {
      push('type-narrowed', 'revision', `${label}: records with a dropped type break`, path);
    } else if (required)
      push('type-changed', 'model', `${label}: every historical record has the old type`, path);
    else push('type-changed', 'revision', `${label}: records that have it break`, path);
  }
  // Enum.
  const oe = Array.isArray(o.enum) ? o.enum.map((v) => JSON.stringify(v)) : undefined;
  const ne = Array.isArray(n.enum) ? n.enum.map((v) => JSON.stringify(v)) : undefined;
  if (!oe && ne) push('constraint-added', 'revision', `enum added (${plural(ne.length, 'value')})`, path);
  else if (oe && !ne) push('constraint-removed', 'addition', 'enum removed', path);
  else if (oe && ne) {
    const removed = oe.filter((v) => !ne.includes(v));
    const added = ne.filter((v) => !oe.includes(v));
    if (removed.length)
      push('constraint-tightened', 'revision', `enum values removed: ${removed.join(', ')}`, path);
    if (added.length) push('constraint-relaxed', 'addition', `enum values added: ${added.join(', ')}`, path);
  }
  // Bounds.
  for (const kw of LOWER_BOUNDS) bound(kw, o[kw] as number | undefined, n[kw] as number | undefined, 'lower');
  for (const kw of UPPER_BOUNDS) bound(kw, o[kw] as number | undefined, n[kw] as number | undefined, 'upper');
  function bound(kw: string, a: number | undefined, b: number | undefined, side: 'lower' | 'upper') {
    if (a === b) return;
    if (a === undefined) push('constraint-added', 'revision', `${kw} ${b} added`, path);
    else if (b === undefined) push('constraint-removed', 'addition', `${kw} ${a} removed`, path);
    else if ((side === 'lower' && b > a) || (side === 'upper' && b < a))
      push('constraint-tightened', 'revision', `${kw} ${a} → ${b}`, path);
    else push('constraint-relaxed', 'addition', `${kw} ${a} → ${b}`, path);
  }
  for (const kw of OPAQUE) {
    const a = o[kw];
    const b = n[kw];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a === undefined) push('constraint-added', 'revision', `${kw} ${show(b)} added`, path);
    else if (b === undefined) push('constraint-removed', 'addition', `${kw} ${show(a)} removed`, path);
    else push('constraint-tightened', 'revision', `${kw} ${show(a)} → ${show(b)}`, path);
  }
  // Nested objects and array items.
  if (
    o.properties ||
    n.properties ||
    o.additionalProperties !== undefined ||
    n.additionalProperties !== undefined
  ) {
    diffObject(o, n, `${path}.`, push);
  }
  const oi = o.items && !Array.isArray(o.items) ? (o.items as JsonSchema) : undefined;
  const ni = n.items && !Array.isArray(n.items) ? (n.items as JsonSchema) : undefined;
  if (oi && ni) diffValue(oi, ni, `${path}[]`, false, push);
  else if (!oi && ni) push('constraint-added', 'revision', 'item schema added', `${path}[]`);
  else if (oi && !ni) push('constraint-removed', 'addition', 'item schema removed', `${path}[]`);
  // Anything else (anyOf, oneOf, not, dependencies...).
  const other = new Set([...Object.keys(o), ...Object.keys(n)].filter((k) => !HANDLED.has(k)));
  for (const kw of other) {
    if (JSON.stringify(o[kw]) === JSON.stringify(n[kw])) continue;
    push(
      'schema-changed',
      n[kw] === undefined ? 'addition' : 'revision',
      `${kw} ${n[kw] === undefined ? 'removed' : 'changed'}`,
      path,
    );
  }
}

function widenInts(types: JsonType[]): JsonType[] {
  return types.map((t) => (t === 'integer' ? 'number' : t));
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
