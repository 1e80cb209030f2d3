import { csvRecords, formatCsv } from './csv-table.ts';
import { PlanParseError } from './plan-parse-error.ts';
import {
  CALL_TYPES,
  EVENT_STATUSES,
  IDENTITIES,
  PII_KINDS,
  createEvent,
  createPlan,
} from './tracking-plan.ts';
import type {
  CommonRules,
  Governance,
  JsonSchema,
  JsonType,
  PlanEvent,
  PlanProperty,
  TrackingPlan,
} from './tracking-plan.ts';

/**
 * gtm's CSV layout: one row per event property (an event without properties gets one row with
 * an empty `property`); the event's columns repeat on each of its rows so the sheet can be
 * filtered. Lists are `;`-separated, enums and the rest of a property schema are JSON. The plan's
 * common properties (Segment `COMMON` rules) are rows with `event_type` `common` (event `*`; their
 * version and object-level keywords in `event_version` / `event_schema_extras`). The plan's own
 * metadata (name, description, version, owner, consent mode and categories, regulations, sources)
 * does not fit a row and is not written.
 */
export const PLAN_CSV_COLUMNS = [
  'event',
  'event_type',
  'event_description',
  'event_status',
  'event_owner',
  'event_version',
  'event_sources',
  'event_identities',
  'event_sampling_rate',
  'event_category',
  'event_tags',
  'event_labels',
  'event_additional_properties',
  'event_consent_category',
  'event_pii',
  'event_pii_kind',
  'event_retention_days',
  'event_schema_extras',
  'property',
  'property_description',
  'property_required',
  'property_type',
  'property_enum',
  'property_format',
  'property_pattern',
  'property_min_length',
  'property_max_length',
  'property_minimum',
  'property_maximum',
  'property_schema',
  'property_pii',
  'property_pii_kind',
  'property_consent_category',
  'property_retention_days',
] as const;

type Column = (typeof PLAN_CSV_COLUMNS)[number];

const LIFTED = ['type', 'enum', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;

const str = (v: string | number | boolean | undefined) => (v === undefined ? '' : String(v));

/** `event_type` of the rows of the plan's common properties, and their `event` cell. */
export const COMMON_ROW_TYPE = 'common';
const COMMON_ROW_EVENT = '*';

/** Writes the plan's events and properties (common properties first) as gtm CSV. */
export function planToCsv(plan: TrackingPlan): string {
  const rows: string[][] = [[...PLAN_CSV_COLUMNS]];
  if (plan.common) {
    const base: Partial<Record<Column, string>> = {
      event: COMMON_ROW_EVENT,
      event_type: COMMON_ROW_TYPE,
      event_version: str(plan.common.version),
      event_schema_extras: plan.common.schemaExtras ? JSON.stringify(plan.common.schemaExtras) : '',
    };
    const props = plan.common.properties.length ? plan.common.properties : [undefined];
    for (const p of props) {
      const cells = { ...base, ...(p ? propertyCells(p) : {}) };
      rows.push(PLAN_CSV_COLUMNS.map((c) => cells[c] ?? ''));
    }
  }
  for (const e of plan.events) {
    const eventCells: Partial<Record<Column, string>> = {
      event: e.name,
      event_type: e.type,
      event_description: str(e.description),
      event_status: e.status,
      event_owner: str(e.owner),
      event_version: e.version,
      event_sources: e.sources.join(';'),
      event_identities: e.identities.join(';'),
      event_sampling_rate: String(e.samplingRate),
      event_category: str(e.category),
      event_tags: e.tags ? e.tags.join(';') : '',
      event_labels: e.labels ? JSON.stringify(e.labels) : '',
      event_additional_properties: String(e.additionalProperties),
      event_consent_category: str(e.consentCategory),
      event_pii: str(e.pii),
      event_pii_kind: str(e.piiKind),
      event_retention_days: str(e.retentionDays),
      event_schema_extras: e.schemaExtras ? JSON.stringify(e.schemaExtras) : '',
    };
    const props: Array<PlanProperty | undefined> = e.properties.length ? e.properties : [undefined];
    for (const p of props) {
      const cells: Partial<Record<Column, string>> = { ...eventCells, ...(p ? propertyCells(p) : {}) };
      rows.push(PLAN_CSV_COLUMNS.map((c) => cells[c] ?? ''));
    }
  }
  return formatCsv(rows);
}

function propertyCells(p: PlanProperty): Partial<Record<Column, string>> {
  const rest: JsonSchema = { ...p.schema };
  for (const k of LIFTED) delete rest[k];
  const type = p.schema.type;
  return {
    property: p.name,
    property_description: str(p.description),
    property_required: String(p.required),
    property_type: type === undefined ? '' : Array.isArray(type) ? type.join('|') : type,
    property_enum: p.schema.enum ? JSON.stringify(p.schema.enum) : '',
    property_format: str(p.schema.format),
    property_pattern: str(p.schema.pattern),
    property_min_length: str(p.schema.minLength),
    property_max_length: str(p.schema.maxLength),
    property_minimum: str(p.schema.minimum),
    property_maximum: str(p.schema.maximum),
    property_schema: Object.keys(rest).length ? JSON.stringify(rest) : '',
    property_pii: str(p.pii),
    property_pii_kind: str(p.piiKind),
    property_consent_category: str(p.consentCategory),
    property_retention_days: str(p.retentionDays),
  };
}

/**
 * Reads gtm CSV into a plan named `name`. Rows of the same event must be consecutive or not, as
 * you like: they are grouped by event name and type, in order of first appearance. Rows of type
 * `common` are the plan's common properties.
 *
 * @throws PlanParseError naming the row and column of a bad value.
 */
export function planFromCsv(text: string, name = 'Imported plan'): TrackingPlan {
  const { records } = csvRecords(text, ['event', 'property']);
  const events = new Map<string, PlanEvent>();
  // the row each event (and the common rows) was read from: a later row must repeat its event cells
  const firstRows = new Map<string, { row: number; get: Get }>();
  let common: CommonRules | undefined;
  for (const r of records) {
    const at = (column: Column) => `row ${r.row}, column ${column}`;
    const eventName = r.get('event');
    if (!eventName) throw new PlanParseError('empty event name', at('event'));
    const type = r.get('event_type') || 'track';
    if (type === COMMON_ROW_TYPE) {
      if (common)
        sameEventCells(firstRows.get(COMMON_ROW_TYPE)!, r, 'the common properties', (get) =>
          commonFromRow(get, at),
        );
      else {
        common = commonFromRow(r.get, at);
        firstRows.set(COMMON_ROW_TYPE, r);
      }
      if (r.get('property')) common.properties.push(propertyFromRow(r.get, at));
      continue;
    }
    if (!CALL_TYPES.includes(type as PlanEvent['type']))
      throw new PlanParseError(
        `unknown call type "${type}"`,
        at('event_type'),
        `use one of ${CALL_TYPES.join(', ')}, or ${COMMON_ROW_TYPE} for common properties`,
      );
    const key = `${type}\u0000${eventName}`;
    let event = events.get(key);
    if (!event) {
      event = eventFromRow(r.get, eventName, type as PlanEvent['type'], at);
      events.set(key, event);
      firstRows.set(key, r);
    } else
      sameEventCells(firstRows.get(key)!, r, `event "${eventName}"`, (get) =>
        eventFromRow(get, eventName, type as PlanEvent['type'], at),
      );
    if (r.get('property')) event.properties.push(propertyFromRow(r.get, at));
  }
  const plan = createPlan({ name, events: [...events.values()] });
  if (common) plan.common = common;
  return plan;
}

type Get = (column: string) => string;
type At = (column: Column) => string;

/** The event columns: an event's rows each repeat them (the `event` and `event_type` cells group the rows). */
const EVENT_CELLS = PLAN_CSV_COLUMNS.filter((c) => c.startsWith('event_') && c !== 'event_type');

/**
 * Refuses a later row of an event whose event cell says something else than the event's first
 * row: only the first row's cells make the event, so the later value (an edited description, a
 * retention period typed on one row of a filtered sheet) would be dropped without a word. An
 * empty cell repeats the first row's value; cells that differ only in how they are written
 * (`1` and `1.0`, `true` and `yes`, list spacing) read the same and pass.
 *
 * @param read builds the event (or the common rules) from a row's cells, as the first row was read
 */
function sameEventCells(
  first: { row: number; get: Get },
  later: { row: number; get: Get },
  what: string,
  read: (get: Get) => unknown,
): void {
  let firstRead: string | undefined;
  for (const column of EVENT_CELLS) {
    const value = later.get(column);
    const was = first.get(column);
    if (value.trim() === '' || value === was) continue;
    firstRead ??= JSON.stringify(read(first.get));
    const overlaid = read((c) => (c === column ? value : first.get(c)));
    if (JSON.stringify(overlaid) === firstRead) continue;
    throw new PlanParseError(
      `${column} "${value}" differs from row ${first.row}'s ${was.trim() === '' ? 'empty cell' : `"${was}"`}: only the first row of ${what} is read for its event columns`,
      `row ${later.row}, column ${column}`,
      `give every row of ${what} the same ${column} (or leave it empty on the later rows)`,
    );
  }
}

function commonFromRow(get: Get, at: At): CommonRules {
  const common: CommonRules = { properties: [] };
  if (get('event_version')) common.version = get('event_version');
  if (get('event_schema_extras'))
    common.schemaExtras = json(get('event_schema_extras'), at('event_schema_extras')) as JsonSchema;
  return common;
}

function eventFromRow(get: Get, eventName: string, type: PlanEvent['type'], at: At): PlanEvent {
  const status = (get('event_status') || 'planned') as PlanEvent['status'];
  if (!EVENT_STATUSES.includes(status))
    throw new PlanParseError(
      `unknown status "${status}"`,
      at('event_status'),
      `use one of ${EVENT_STATUSES.join(', ')}`,
    );
  const identities = list(get('event_identities')) as PlanEvent['identities'];
  for (const id of identities)
    if (!IDENTITIES.includes(id))
      throw new PlanParseError(
        `unknown identity "${id}"`,
        at('event_identities'),
        `use ${IDENTITIES.join(', ')}`,
      );
  const fields: Partial<PlanEvent> & { name: string } = {
    name: eventName,
    type,
    status,
    sources: list(get('event_sources')),
    identities,
    additionalProperties: bool(get('event_additional_properties'), at('event_additional_properties')) ?? true,
    ...governance(get, 'event_', at),
  };
  const description = get('event_description');
  if (description) fields.description = description;
  const owner = get('event_owner');
  if (owner) fields.owner = owner;
  if (get('event_version')) fields.version = get('event_version');
  const rate = num(get('event_sampling_rate'), at('event_sampling_rate'));
  if (rate !== undefined) fields.samplingRate = rate;
  if (get('event_category')) fields.category = get('event_category');
  if (get('event_tags')) fields.tags = list(get('event_tags'));
  if (get('event_labels'))
    fields.labels = json(get('event_labels'), at('event_labels')) as Record<string, string>;
  if (get('event_schema_extras'))
    fields.schemaExtras = json(get('event_schema_extras'), at('event_schema_extras')) as JsonSchema;
  return createEvent(fields);
}

function propertyFromRow(get: Get, at: At): PlanProperty {
  const schema: JsonSchema = {};
  const typeCell = get('property_type');
  if (typeCell) {
    const types = typeCell.split('|').map((t) => t.trim()) as JsonType[];
    schema.type = types.length === 1 ? types[0] : types;
  }
  if (get('property_enum')) {
    const raw = get('property_enum');
    schema.enum = raw.trim().startsWith('[') ? (json(raw, at('property_enum')) as unknown[]) : raw.split('|');
  }
  if (get('property_format')) schema.format = get('property_format');
  if (get('property_pattern')) schema.pattern = get('property_pattern');
  const numeric: Array<[Column, keyof JsonSchema]> = [
    ['property_min_length', 'minLength'],
    ['property_max_length', 'maxLength'],
    ['property_minimum', 'minimum'],
    ['property_maximum', 'maximum'],
  ];
  for (const [col, kw] of numeric) {
    const v = num(get(col), at(col));
    if (v !== undefined) schema[kw] = v;
  }
  if (get('property_schema'))
    Object.assign(schema, json(get('property_schema'), at('property_schema')) as JsonSchema);
  const prop: PlanProperty = {
    name: get('property'),
    required: bool(get('property_required'), at('property_required')) ?? false,
    schema,
    ...governance(get, 'property_', at),
  };
  if (get('property_description')) prop.description = get('property_description');
  return prop;
}

function governance(
  get: (c: string) => string,
  prefix: 'event_' | 'property_',
  at: (c: Column) => string,
): Governance {
  const g: Governance = {};
  const c = get(`${prefix}consent_category`);
  if (c) g.consentCategory = c;
  const pii = bool(get(`${prefix}pii`), at(`${prefix}pii` as Column));
  if (pii !== undefined) g.pii = pii;
  const kind = get(`${prefix}pii_kind`);
  if (kind) {
    if (!PII_KINDS.includes(kind as Governance['piiKind'] & string)) {
      throw new PlanParseError(
        `unknown PII kind "${kind}"`,
        at(`${prefix}pii_kind` as Column),
        `use one of ${PII_KINDS.join(', ')}`,
      );
    }
    g.piiKind = kind as Governance['piiKind'];
  }
  const days = num(get(`${prefix}retention_days`), at(`${prefix}retention_days` as Column));
  if (days !== undefined) g.retentionDays = days;
  return g;
}

function list(v: string): string[] {
  return v
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(v: string, at: string): boolean | undefined {
  const t = v.trim().toLowerCase();
  if (t === '') return undefined;
  if (t === 'true' || t === 'yes' || t === '1') return true;
  if (t === 'false' || t === 'no' || t === '0') return false;
  throw new PlanParseError(`"${v}" is not a boolean`, at, 'use true or false');
}

function num(v: string, at: string): number | undefined {
  const t = v.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new PlanParseError(`"${v}" is not a number`, at);
  return n;
}

function json(v: string, at: string): unknown {
  try {
    return JSON.parse(v);
  } catch (err) {
    throw new PlanParseError(
      `not valid JSON: ${(err as Error).message}`,
      at,
      'write the value as JSON, e.g. ["a","b"]',
    );
  }
}
