import { plural } from '../text/index.ts';
import type { PlanEvent, PlanProperty, TrackingPlan } from './tracking-plan.ts';

/**
 * Field-by-field comparison of a plan with the plan a format gives back (export → import): what
 * the format could not carry. Event order is compared too: folders of schemas (Iglu, JSON Schema)
 * are read back in file-name order, which is a loss to say when the plan's order differs.
 */

/** One fact a round trip lost, with the events (and properties) it concerns. */
export interface PlanLoss {
  /**
   * What was lost: `plan.<fact>`, `event` (the whole event), `event.<fact>`, `property` (the whole
   * property) or `property.<fact>`; facts in the snake_case of `gtm-tracking-plan/v1`.
   */
  field: string;
  /** What it means, in words. */
  label: string;
  /** Events concerned (empty for plan facts). */
  events: string[];
  /** `event.property` names, for property facts. */
  properties?: string[];
}

type Obj = Record<string, unknown>;

/** Plain-word names of the fields, in the order losses are listed. */
export const LOSS_LABELS: Record<string, string> = {
  'plan.name': 'plan name',
  'plan.description': 'plan description',
  'plan.version': 'plan version',
  'plan.owner': 'plan owner',
  'plan.consent_mode': 'consent mode (opt-in / opt-out)',
  'plan.consent_categories': 'consent categories of the plan',
  'plan.regulations': 'regulations',
  'plan.sources': 'source definitions (libraries, write keys)',
  'plan.common': 'common properties (Segment COMMON rules)',
  'plan.event_order': 'order of the events (read back in file-name order)',
  event: 'whole events',
  'event.name': 'event name',
  'event.type': 'call type (track, identify, page, screen, group)',
  'event.description': 'event description',
  'event.status': 'status (planned, implemented, deprecated)',
  'event.owner': 'owner',
  'event.version': 'SchemaVer version',
  'event.sources': 'sources allowed to send the event',
  'event.identities': 'identities',
  'event.sampling_rate': 'sampling rate',
  'event.category': 'category',
  'event.tags': 'tags',
  'event.labels': 'labels',
  'event.additional_properties': 'unplanned-property rule (additionalProperties)',
  'event.schema_extras': 'object-level schema keywords',
  'event.consent_category': 'consent category',
  'event.pii': 'PII flag',
  'event.pii_kind': 'PII kind',
  'event.retention_days': 'retention (days)',
  property: 'whole properties',
  'property.description': 'property description',
  'property.required': 'required flag',
  'property.schema': 'property types and constraints (JSON Schema)',
  'property.consent_category': 'property consent category',
  'property.pii': 'property PII flag',
  'property.pii_kind': 'property PII kind',
  'property.retention_days': 'property retention (days)',
};

/** JSON with sorted keys, empty lists and maps treated as absent: equal facts compare equal. */
function canonical(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x))
      return Object.fromEntries(Object.entries(x as Obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return x;
  });
}

const empty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as Obj).length === 0);
const same = (a: unknown, b: unknown) => (empty(a) && empty(b)) || canonical(a) === canonical(b);

const EVENT_FIELDS: Array<[string, (e: PlanEvent) => unknown]> = [
  ['type', (e) => e.type],
  ['description', (e) => e.description],
  ['status', (e) => e.status],
  ['owner', (e) => e.owner],
  ['version', (e) => e.version],
  ['sources', (e) => e.sources],
  ['identities', (e) => e.identities],
  ['sampling_rate', (e) => e.samplingRate],
  ['category', (e) => e.category],
  ['tags', (e) => e.tags],
  ['labels', (e) => e.labels],
  ['additional_properties', (e) => e.additionalProperties],
  ['schema_extras', (e) => e.schemaExtras],
  ['consent_category', (e) => e.consentCategory],
  ['pii', (e) => e.pii],
  ['pii_kind', (e) => e.piiKind],
  ['retention_days', (e) => e.retentionDays],
];

const PROPERTY_FIELDS: Array<[string, (p: PlanProperty) => unknown]> = [
  ['description', (p) => p.description],
  ['required', (p) => p.required],
  ['schema', (p) => p.schema],
  ['consent_category', (p) => p.consentCategory],
  ['pii', (p) => p.pii],
  ['pii_kind', (p) => p.piiKind],
  ['retention_days', (p) => p.retentionDays],
];

const PLAN_FIELDS: Array<[string, (p: TrackingPlan) => unknown]> = [
  ['name', (p) => p.name],
  ['description', (p) => p.description],
  ['version', (p) => p.version],
  ['owner', (p) => p.owner],
  ['consent_mode', (p) => p.consentMode],
  ['consent_categories', (p) => p.consentCategories],
  ['regulations', (p) => p.regulations],
  ['sources', (p) => p.sources],
  ['common', (p) => p.common],
];

/**
 * Pairs each event of `original` with its round-tripped twin: same call type and name, else same
 * name (the call type was lost), else the next unpaired event of the same call type (the name was
 * lost, as RudderStack does for non-track events).
 */
function pairEvents(original: PlanEvent[], back: PlanEvent[]): Array<[PlanEvent, PlanEvent | undefined]> {
  const free = new Set(back);
  const take = (match: (b: PlanEvent) => boolean) => {
    const b = [...free].find(match);
    if (b) free.delete(b);
    return b;
  };
  const pairs = original.map((o): [PlanEvent, PlanEvent | undefined] => [
    o,
    take((b) => b.type === o.type && b.name === o.name),
  ]);
  for (const pair of pairs) pair[1] ??= take((b) => b.name === pair[0].name);
  for (const pair of pairs) pair[1] ??= take((b) => b.type === pair[0].type);
  return pairs;
}

/**
 * What `back` (the plan a format gave back) lost of `original`, one entry per fact, in the order
 * of `LOSS_LABELS`. An empty list means the round trip was exact.
 *
 * @example planLosses(plan, fromAmplitudeCsv(toAmplitudeCsv(plan))).map((l) => l.field) // ['plan.version', ...]
 */
export function planLosses(original: TrackingPlan, back: TrackingPlan): PlanLoss[] {
  const found = new Map<string, { events: Set<string>; properties: Set<string> }>();
  const lose = (field: string, event?: string, property?: string) => {
    const entry = found.get(field) ?? { events: new Set<string>(), properties: new Set<string>() };
    if (event !== undefined) entry.events.add(event);
    if (property !== undefined) entry.properties.add(`${event}.${property}`);
    found.set(field, entry);
  };
  for (const [field, get] of PLAN_FIELDS) if (!same(get(original), get(back))) lose(`plan.${field}`);
  const pairs = pairEvents(original.events, back.events);
  const positions = pairs.flatMap(([, b]) => (b ? [back.events.indexOf(b)] : []));
  if (positions.some((at, i) => i > 0 && at < positions[i - 1])) lose('plan.event_order');
  for (const [o, b] of pairs) {
    if (!b) {
      lose('event', o.name);
      continue;
    }
    if (b.name !== o.name) lose('event.name', o.name);
    for (const [field, get] of EVENT_FIELDS) if (!same(get(o), get(b))) lose(`event.${field}`, o.name);
    for (const p of o.properties) {
      const q = b.properties.find((x) => x.name === p.name);
      if (!q) lose('property', o.name, p.name);
      else
        for (const [field, get] of PROPERTY_FIELDS)
          if (!same(get(p), get(q))) lose(`property.${field}`, o.name, p.name);
    }
  }
  const order = Object.keys(LOSS_LABELS);
  return [...found]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([field, { events, properties }]) => ({
      field,
      label: LOSS_LABELS[field] ?? field,
      events: [...events],
      ...(properties.size ? { properties: [...properties] } : {}),
    }));
}

const shortList = (names: string[], max = 8) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

/**
 * The losses of one export as a short Markdown page: what the format could not carry, for which
 * events, and that the rest round-trips.
 */
export function renderLosses(
  losses: PlanLoss[],
  about: { format: string; file: string; plan: string },
): string {
  const lines = [
    `# What ${about.format} could not carry — ${about.file}`,
    '',
    losses.length
      ? `Exported from ${about.plan} and read back by gtm, these facts did not survive; everything else did. Keep the gtm plan (tracking-plan.json) as the source of truth for them.`
      : `Exported from ${about.plan} and read back by gtm, nothing was lost.`,
    '',
  ];
  if (losses.length) {
    lines.push('| what | where |', '|---|---|');
    for (const l of losses) {
      const where = l.properties
        ? `${plural(l.properties.length, 'property', 'properties')}: ${shortList(l.properties)}`
        : l.events.length
          ? `${plural(l.events.length, 'event')}: ${shortList(l.events)}`
          : 'the plan';
      lines.push(
        `| ${l.label} (\`${l.field}\`) | ${where.replace(/\|/g, '\\|').replace(/\s*[\r\n]+\s*/g, ' ')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
