import { csvRecords, formatCsv } from './csv-table.ts';
import {
  eventAnnotation,
  governanceAnnotation,
  readEventAnnotation,
  readGovernanceAnnotation,
} from './governance-annotations.ts';
import type { EventFact } from './governance-annotations.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { createEvent, createPlan, schemaTypes } from './tracking-plan.ts';
import type {
  EventStatus,
  JsonSchema,
  JsonType,
  PlanEvent,
  PlanProperty,
  TrackingPlan,
} from './tracking-plan.ts';

/**
 * Amplitude Data's tracking-plan CSV (Data → Events → import/export): the 42 columns of its
 * export, rows in parent/child order — an `Event` row (Object Type = Event), then one row per
 * event property (Property Type = Event Property) with the event columns empty. `User Property`
 * rows are user traits; gtm reads them as the traits of an `identify` event.
 *
 * What Amplitude holds: event name, description, owner, category, tags, sources, schema status
 * (PLANNED / LIVE) and activity; per property its description, value type (string, number,
 * boolean, enum, any; `Number Is Integer`; `Property Is Array`), required, enum values (a text
 * list: an enum reads back as `type: string`, or `integer` with `Number Is Integer`; one whose
 * values that list cannot hold, split at commas and trimmed, is written as an exact `Property
 * Regex`), regex, string length, number range and array item bounds.
 *
 * What it has no column for, gtm writes in two columns after Amplitude's 42 (Amplitude reads its
 * own columns by name): `gtm Event` on event rows — JSON of the call type, version, identities,
 * sampling, labels, unplanned-property rule, consent category, PII and retention — and
 * `gtm Property` on property rows — JSON of the consent category, PII and retention, plus the
 * property's full JSON Schema (`schema`) when Amplitude's columns cannot hold it (formats,
 * nesting, null types, exclusive bounds...; then it wins over the typed columns). Identify events
 * are Amplitude user properties (no event row): their `gtm Property` also names the event
 * (`event`) with its facts. Group, page and screen events are event rows whose `gtm Event` says
 * their call type. An identify event without traits, and the plan's own facts (version, consent,
 * regulations, sources, common properties), have no row.
 */
export const AMPLITUDE_COLUMNS = [
  'Action',
  'Object Type',
  'Object Name',
  'Event Display Name',
  'Object Owner',
  'Object Description',
  'Event Category',
  'Tags',
  'Event Schema Status',
  'Event Activity',
  'Event Hidden From Dropdowns',
  'Event Hidden From Persona Results',
  'Event Hidden From Pathfinder',
  'Event Hidden From Timeline',
  'Event Source',
  'Event 30 Day Volume',
  'Event 30 Day Queries',
  'Event First Seen',
  'Event Last Seen',
  'Property Type',
  'Property Group Names',
  'Event Property Name',
  'Property Description',
  'Property Category',
  'Property Value Type',
  'Property Schema Status',
  'Property Required',
  'Property Visibility',
  'Property Is Array',
  'String Property Value Min Length',
  'String Property Value Max Length',
  'Number Is Integer',
  'Number Property Value Min',
  'Number Property Value Max',
  'Array Unique Items',
  'Array Min Items',
  'Array Max Items',
  'Enum Values',
  'Const Value',
  'Property Regex',
  'Property First Seen',
  'Property Last Seen',
] as const;

/** gtm's columns after Amplitude's: JSON of what Amplitude has no column for. */
export const AMPLITUDE_GTM_COLUMNS = ['gtm Event', 'gtm Property'] as const;

type Column = (typeof AMPLITUDE_COLUMNS)[number] | (typeof AMPLITUDE_GTM_COLUMNS)[number];
type Row = Partial<Record<Column, string>>;
type Obj = Record<string, unknown>;

const ALL_COLUMNS: readonly Column[] = [...AMPLITUDE_COLUMNS, ...AMPLITUDE_GTM_COLUMNS];
/** Event facts an Amplitude event row holds in its own columns. */
const AMPLITUDE_HELD: EventFact[] = ['name', 'description', 'owner', 'category', 'tags', 'sources', 'status'];

const TF = (b: boolean) => (b ? 'TRUE' : 'FALSE');
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const json = (o: Obj | undefined) => (o && Object.keys(o).length ? JSON.stringify(o) : '');

function schemaStatus(status: EventStatus): string {
  return status === 'planned' ? 'PLANNED' : 'LIVE';
}

/** The typed columns of a property: what Amplitude itself holds of its schema. */
function schemaColumns(schema: JsonSchema): Row {
  const isArray = schemaTypes(schema).includes('array');
  const value: JsonSchema =
    isArray && schema.items && !Array.isArray(schema.items) ? (schema.items as JsonSchema) : schema;
  const columns = typedColumns(schema, value, isArray);
  return Array.isArray(value.enum) && !listable(value.enum) ? { ...columns, ...enumAsRegex(value) } : columns;
}

function typedColumns(schema: JsonSchema, value: JsonSchema, isArray: boolean): Row {
  const types = schemaTypes(value).filter((t) => t !== 'null');
  let valueType = 'any';
  if (Array.isArray(value.enum)) valueType = 'enum';
  else if (value.const !== undefined) valueType = 'const';
  else if (types.length === 1 && ['string', 'number', 'integer', 'boolean'].includes(types[0])) {
    valueType = types[0] === 'integer' ? 'number' : types[0];
  }
  return {
    'Property Value Type': valueType,
    'Property Is Array': TF(isArray),
    'String Property Value Min Length': str(value.minLength),
    'String Property Value Max Length': str(value.maxLength),
    'Number Is Integer': types.includes('integer') ? 'TRUE' : '',
    'Number Property Value Min': str(value.minimum),
    'Number Property Value Max': str(value.maximum),
    'Array Unique Items': isArray && schema.uniqueItems ? 'TRUE' : '',
    'Array Min Items': isArray ? str(schema.minItems) : '',
    'Array Max Items': isArray ? str(schema.maxItems) : '',
    'Enum Values': Array.isArray(value.enum) ? value.enum.map(String).join(',') : '',
    'Const Value': value.const === undefined ? '' : String(value.const),
    'Property Regex': str(value.pattern),
  };
}

/**
 * Whether Amplitude's `Enum Values` cell can list these values: it is split at commas (with no
 * escape) and its values trimmed, so a value with a comma, edge spaces or none at all cannot be.
 */
function listable(values: unknown[]): boolean {
  return values.every((v) => typeof v !== 'string' || (v !== '' && v.trim() === v && !v.includes(',')));
}

/**
 * An enum `Enum Values` cannot list, written as the string property Amplitude can hold instead: an
 * anchored `Property Regex` matching exactly its values (and the schema's own pattern, if any).
 */
function enumAsRegex(value: JsonSchema): Row {
  const values = (value.enum ?? []).map((v) => String(v).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const own = typeof value.pattern === 'string' ? `(?=[\\s\\S]*(?:${value.pattern}))` : '';
  return {
    'Property Value Type': 'string',
    'Number Is Integer': '',
    'Enum Values': '',
    'Property Regex': `^${own}(?:${values.join('|')})$`,
  };
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );

function propertyRow(
  p: PlanProperty,
  status: EventStatus,
  propertyType: 'Event Property' | 'User Property',
  event?: Obj,
): Row {
  const columns = schemaColumns(p.schema);
  const note: Obj = { ...(event ? { event } : {}), ...(governanceAnnotation(p) ?? {}) };
  // The typed columns read back as a schema; when that is not the property's, gtm keeps it whole.
  const held = schemaFromColumns(
    (c) => columns[c as Column] ?? '',
    () => undefined,
  );
  if (canonical(held) !== canonical(p.schema)) note.schema = p.schema;
  const row: Row = {
    'Property Type': propertyType,
    [propertyType === 'User Property' ? 'Object Name' : 'Event Property Name']: p.name,
    'Property Description': str(p.description),
    'Property Schema Status': schemaStatus(status),
    'Property Required': TF(p.required),
    'Property Visibility': 'VISIBLE',
    ...columns,
    'gtm Property': json(note),
  };
  if (propertyType === 'User Property') row['Event Property Name'] = '';
  return row;
}

/**
 * Writes the plan as Amplitude Data CSV. `action` fills the Action column, which Amplitude's
 * import reads: blank (the default) creates or updates the entity and its sub-entities, `Ignore`
 * leaves it unchanged, `Remove` takes an event out of the plan (Amplitude's .CSV file schema
 * reference; values must match its spelling and case). `ADD`, written before, is none of them.
 */
export function toAmplitudeCsv(plan: TrackingPlan, options: { action?: string } = {}): string {
  const action = options.action ?? '';
  const rows: string[][] = [[...ALL_COLUMNS]];
  const push = (row: Row) => rows.push(ALL_COLUMNS.map((c) => row[c] ?? ''));
  for (const e of plan.events) {
    if (e.type === 'identify') {
      // Traits are user properties; each row names its event, so several identify events stay apart.
      const event = { name: e.name, ...(eventAnnotation(e, ['name']) ?? {}) };
      for (const p of e.properties)
        push({ Action: action, ...propertyRow(p, e.status, 'User Property', event) });
      continue;
    }
    push({
      Action: action,
      'Object Type': 'Event',
      'Object Name': e.name,
      'Object Owner': str(e.owner),
      'Object Description': str(e.description),
      'Event Category': str(e.category),
      Tags: (e.tags ?? []).join(','),
      'Event Schema Status': schemaStatus(e.status),
      'Event Activity': e.status === 'deprecated' ? 'INACTIVE' : 'ACTIVE',
      'Event Hidden From Dropdowns': 'FALSE',
      'Event Hidden From Persona Results': 'FALSE',
      'Event Hidden From Pathfinder': 'FALSE',
      'Event Hidden From Timeline': 'FALSE',
      'Event Source': e.sources.join(','),
      'gtm Event': json(eventAnnotation(e, AMPLITUDE_HELD)),
    });
    for (const p of e.properties) push({ Action: action, ...propertyRow(p, e.status, 'Event Property') });
  }
  return formatCsv(rows);
}

type Get = (column: string) => string;

/** Reads a number cell (or `text`, one value of it); undefined for an empty one. */
type Num = (col: Column, text?: string) => number | undefined;

/** A property schema from Amplitude's typed columns. */
function schemaFromColumns(get: Get, num: Num): JsonSchema {
  const n = (col: Column, text = get(col).trim()): number | undefined =>
    text === '' ? undefined : (num(col, text) ?? Number(text));
  const valueType = get('Property Value Type').trim().toLowerCase();
  const value: JsonSchema = {};
  const integer = get('Number Is Integer').trim().toUpperCase() === 'TRUE';
  if (valueType === 'string' || valueType === 'boolean') value.type = valueType;
  else if (valueType === 'number') value.type = integer ? 'integer' : 'number';
  else if (valueType === 'enum') {
    // Enum Values is a text list: string values, whole numbers when Number Is Integer says so.
    value.type = integer ? 'integer' : 'string';
    value.enum = split(get('Enum Values'));
    if (integer) value.enum = value.enum.map((v) => n('Enum Values', v as string));
  } else if (valueType === 'const') value.const = get('Const Value');
  const bounds: Array<[Column, keyof JsonSchema]> = [
    ['String Property Value Min Length', 'minLength'],
    ['String Property Value Max Length', 'maxLength'],
    ['Number Property Value Min', 'minimum'],
    ['Number Property Value Max', 'maximum'],
  ];
  for (const [col, kw] of bounds) {
    const v = n(col);
    if (v !== undefined) value[kw] = v;
  }
  if (get('Property Regex')) value.pattern = get('Property Regex');
  if (get('Property Is Array').trim().toUpperCase() !== 'TRUE') return value;
  const schema: JsonSchema = {
    type: 'array' as JsonType,
    ...(Object.keys(value).length ? { items: value } : {}),
  };
  const minItems = n('Array Min Items');
  const maxItems = n('Array Max Items');
  if (minItems !== undefined) schema.minItems = minItems;
  if (maxItems !== undefined) schema.maxItems = maxItems;
  if (get('Array Unique Items').trim().toUpperCase() === 'TRUE') schema.uniqueItems = true;
  return schema;
}

function parseNote(text: string, at: string): Obj | undefined {
  if (!text.trim()) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new PlanParseError(
      `not valid JSON: ${(err as Error).message}`,
      at,
      'write the cell as a JSON object',
    );
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new PlanParseError('not a JSON object', at, 'write the cell as a JSON object');
  return v as Obj;
}

/**
 * Reads Amplitude Data CSV (columns matched ignoring case; only `Object Type`/`Property Type`,
 * `Object Name` and `Event Property Name` are needed), with gtm's `gtm Event` / `gtm Property`
 * columns when present.
 *
 * @throws PlanParseError for a property row before any event row, a bad number or bad gtm JSON.
 */
export function fromAmplitudeCsv(text: string, name = 'Amplitude tracking plan'): TrackingPlan {
  const { records } = csvRecords(text, ['Object Name']);
  const reader = new AmplitudeReader();
  for (const r of records) {
    const objectType = r.get('Object Type').trim().toLowerCase();
    const propertyType = r.get('Property Type').trim().toLowerCase();
    if (objectType === 'event') reader.eventRow(r.get, r.row);
    else if (propertyType === 'event property' || propertyType === 'user property')
      reader.propertyRow(r.get, r.row, propertyType === 'user property');
  }
  return createPlan({ name, events: reader.events });
}

/** Rows to events: property rows attach to the event row above (or the one they name). */
class AmplitudeReader {
  readonly events: PlanEvent[] = [];
  private current: PlanEvent | undefined;

  eventRow(get: Get, row: number): void {
    const status = get('Event Schema Status').trim().toUpperCase();
    const activity = get('Event Activity').trim().toUpperCase();
    const fields: Partial<PlanEvent> & { name: string } = {
      name: get('Object Name'),
      status:
        activity === 'INACTIVE'
          ? 'deprecated'
          : status === 'PLANNED' || status === ''
            ? 'planned'
            : 'implemented',
      sources: split(get('Event Source')),
    };
    if (get('Object Description')) fields.description = get('Object Description');
    if (get('Object Owner')) fields.owner = get('Object Owner');
    if (get('Event Category')) fields.category = get('Event Category');
    if (get('Tags')) fields.tags = split(get('Tags'));
    const at = `row ${row}, column gtm Event`;
    const { name: _n, ...facts } = readEventAnnotation(parseNote(get('gtm Event'), at), at);
    this.current = createEvent({ ...fields, ...facts });
    this.events.push(this.current);
  }

  propertyRow(get: Get, row: number, isUser: boolean): void {
    const propName = isUser
      ? get('Event Property Name') || get('Property Name') || get('Object Name')
      : get('Event Property Name');
    if (!propName) throw new PlanParseError('property row without a name', `row ${row}`);
    const at = `row ${row}, column gtm Property`;
    const { event, schema: kept, ...governance } = parseNote(get('gtm Property'), at) ?? {};
    const target = isUser ? this.identify(event, at) : this.eventOf(get('Object Name'), row);
    const num: Num = (col, v = get(col).trim()) => {
      if (v === '') return undefined;
      const n = Number(v);
      if (col === 'Enum Values' && !Number.isInteger(n))
        throw new PlanParseError(
          `"${v}" is not a whole number`,
          `row ${row}, column ${col}`,
          'Number Is Integer is TRUE: list whole numbers, or leave it empty for text values',
        );
      if (!Number.isFinite(n))
        throw new PlanParseError(`"${v}" is not a number`, `row ${row}, column ${col}`);
      return n;
    };
    const columns = schemaFromColumns(get, num);
    if (kept !== undefined && (!kept || typeof kept !== 'object' || Array.isArray(kept)))
      throw new PlanParseError('"schema" is not a JSON Schema object', at);
    const prop: PlanProperty = {
      name: propName,
      required: get('Property Required').trim().toUpperCase() === 'TRUE',
      schema: (kept as JsonSchema | undefined) ?? columns,
      ...readGovernanceAnnotation(governance, at),
    };
    if (get('Property Description')) prop.description = get('Property Description');
    target.properties.push(prop);
  }

  /** The identify event a user property belongs to: the one its `gtm Property` names, else `identify`. */
  private identify(event: unknown, at: string): PlanEvent {
    const facts = event === undefined ? {} : readEventAnnotation(event, `${at}.event`);
    const name = facts.name ?? 'identify';
    let e = this.events.find((x) => x.type === 'identify' && x.name === name);
    if (!e) {
      e = createEvent({ ...facts, name, type: 'identify' });
      this.events.push(e);
    }
    return e;
  }

  /** Rows that name their event in Object Name attach to it; others to the event row above. */
  private eventOf(owner: string, row: number): PlanEvent {
    const named = owner ? this.events.find((e) => e.name === owner && e.type !== 'identify') : undefined;
    if (owner && !named) {
      this.current = createEvent({ name: owner });
      this.events.push(this.current);
      return this.current;
    }
    const t = named ?? this.current;
    if (!t)
      throw new PlanParseError(
        'event property before any Event row',
        `row ${row}`,
        'put each event row above its property rows',
      );
    return t;
  }
}

function split(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
