import { csvRecords, formatCsv } from './csv-table.ts';
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
 * boolean, enum, any; `Number Is Integer`; `Property Is Array`), required, enum values (as
 * strings), regex, string length, number range and array item bounds. Formats, nesting, null
 * types, versions, identities and privacy facts have no column.
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

type Column = (typeof AMPLITUDE_COLUMNS)[number];
type Row = Partial<Record<Column, string>>;

const TF = (b: boolean) => (b ? 'TRUE' : 'FALSE');
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function schemaStatus(status: EventStatus): string {
  return status === 'planned' ? 'PLANNED' : 'LIVE';
}

function propertyRow(
  p: PlanProperty,
  status: EventStatus,
  propertyType: 'Event Property' | 'User Property',
): Row {
  const isArray = schemaTypes(p.schema).includes('array');
  const value: JsonSchema =
    isArray && p.schema.items && !Array.isArray(p.schema.items) ? (p.schema.items as JsonSchema) : p.schema;
  const types = schemaTypes(value).filter((t) => t !== 'null');
  let valueType = 'any';
  if (Array.isArray(value.enum)) valueType = 'enum';
  else if (value.const !== undefined) valueType = 'const';
  else if (types.length === 1 && ['string', 'number', 'integer', 'boolean'].includes(types[0])) {
    valueType = types[0] === 'integer' ? 'number' : types[0];
  }
  const row: Row = {
    'Property Type': propertyType,
    [propertyType === 'User Property' ? 'Object Name' : 'Event Property Name']: p.name,
    'Property Description': str(p.description),
    'Property Value Type': valueType,
    'Property Schema Status': schemaStatus(status),
    'Property Required': TF(p.required),
    'Property Visibility': 'VISIBLE',
    'Property Is Array': TF(isArray),
    'String Property Value Min Length': str(value.minLength),
    'String Property Value Max Length': str(value.maxLength),
    'Number Is Integer': types.includes('integer') ? 'TRUE' : '',
    'Number Property Value Min': str(value.minimum),
    'Number Property Value Max': str(value.maximum),
    'Array Unique Items': isArray && p.schema.uniqueItems ? 'TRUE' : '',
    'Array Min Items': isArray ? str(p.schema.minItems) : '',
    'Array Max Items': isArray ? str(p.schema.maxItems) : '',
    'Enum Values': Array.isArray(value.enum) ? value.enum.map(String).join(',') : '',
    'Const Value': value.const === undefined ? '' : String(value.const),
    'Property Regex': str(value.pattern),
  };
  if (propertyType === 'User Property') row['Event Property Name'] = '';
  return row;
}

/**
 * Writes the plan as Amplitude Data CSV. `action` fills the Action column (Amplitude's import
 * reads it; its own exports say IGNORE).
 */
export function toAmplitudeCsv(plan: TrackingPlan, options: { action?: string } = {}): string {
  const action = options.action ?? 'ADD';
  const rows: string[][] = [[...AMPLITUDE_COLUMNS]];
  const push = (row: Row) => rows.push(AMPLITUDE_COLUMNS.map((c) => row[c] ?? ''));
  for (const e of plan.events) {
    if (e.type === 'identify') {
      for (const p of e.properties) push({ Action: action, ...propertyRow(p, e.status, 'User Property') });
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
    });
    for (const p of e.properties) push({ Action: action, ...propertyRow(p, e.status, 'Event Property') });
  }
  return formatCsv(rows);
}

/**
 * Reads Amplitude Data CSV (columns matched ignoring case; only `Object Type`/`Property Type`,
 * `Object Name` and `Event Property Name` are needed).
 *
 * @throws PlanParseError for a property row before any event row, or a bad number.
 */
export function fromAmplitudeCsv(text: string, name = 'Amplitude tracking plan'): TrackingPlan {
  const { records } = csvRecords(text, ['Object Name']);
  const events: PlanEvent[] = [];
  let current: PlanEvent | undefined;
  let identify: PlanEvent | undefined;
  for (const r of records) {
    const objectType = r.get('Object Type').trim().toLowerCase();
    const propertyType = r.get('Property Type').trim().toLowerCase();
    const num = (col: Column): number | undefined => {
      const v = r.get(col).trim();
      if (v === '') return undefined;
      const n = Number(v);
      if (!Number.isFinite(n))
        throw new PlanParseError(`"${v}" is not a number`, `row ${r.row}, column ${col}`);
      return n;
    };
    if (objectType === 'event') {
      const status = r.get('Event Schema Status').trim().toUpperCase();
      const activity = r.get('Event Activity').trim().toUpperCase();
      const fields: Partial<PlanEvent> & { name: string } = {
        name: r.get('Object Name'),
        status:
          activity === 'INACTIVE'
            ? 'deprecated'
            : status === 'PLANNED' || status === ''
              ? 'planned'
              : 'implemented',
        sources: split(r.get('Event Source')),
      };
      if (r.get('Object Description')) fields.description = r.get('Object Description');
      if (r.get('Object Owner')) fields.owner = r.get('Object Owner');
      if (r.get('Event Category')) fields.category = r.get('Event Category');
      if (r.get('Tags')) fields.tags = split(r.get('Tags'));
      current = createEvent(fields);
      events.push(current);
      continue;
    }
    if (propertyType !== 'event property' && propertyType !== 'user property') continue;
    const isUser = propertyType === 'user property';
    const propName = isUser
      ? r.get('Event Property Name') || r.get('Property Name') || r.get('Object Name')
      : r.get('Event Property Name');
    if (!propName) throw new PlanParseError('property row without a name', `row ${r.row}`);
    let target: PlanEvent;
    if (isUser) {
      identify ??= (() => {
        const e = createEvent({ name: 'identify', type: 'identify' });
        events.push(e);
        return e;
      })();
      target = identify;
    } else {
      // Rows that name their event in Object Name attach to it; others to the event row above.
      const owner = r.get('Object Name');
      const named = owner ? events.find((e) => e.name === owner && e.type === 'track') : undefined;
      if (owner && !named) {
        const e = createEvent({ name: owner });
        events.push(e);
        current = e;
      }
      const t = named ?? current;
      if (!t)
        throw new PlanParseError(
          'event property before any Event row',
          `row ${r.row}`,
          'put each event row above its property rows',
        );
      target = t;
    }
    const valueType = r.get('Property Value Type').trim().toLowerCase();
    const value: JsonSchema = {};
    const integer = r.get('Number Is Integer').trim().toUpperCase() === 'TRUE';
    if (valueType === 'string' || valueType === 'boolean') value.type = valueType;
    else if (valueType === 'number') value.type = integer ? 'integer' : 'number';
    else if (valueType === 'enum') {
      value.enum = split(r.get('Enum Values'));
      if (integer) value.enum = value.enum.map(Number);
    } else if (valueType === 'const') value.const = r.get('Const Value');
    const ints: Array<[Column, keyof JsonSchema]> = [
      ['String Property Value Min Length', 'minLength'],
      ['String Property Value Max Length', 'maxLength'],
      ['Number Property Value Min', 'minimum'],
      ['Number Property Value Max', 'maximum'],
    ];
    for (const [col, kw] of ints) {
      const n = num(col);
      if (n !== undefined) value[kw] = n;
    }
    if (r.get('Property Regex')) value.pattern = r.get('Property Regex');
    let schema: JsonSchema = value;
    if (r.get('Property Is Array').trim().toUpperCase() === 'TRUE') {
      schema = { type: 'array' as JsonType, ...(Object.keys(value).length ? { items: value } : {}) };
      const minItems = num('Array Min Items');
      const maxItems = num('Array Max Items');
      if (minItems !== undefined) schema.minItems = minItems;
      if (maxItems !== undefined) schema.maxItems = maxItems;
      if (r.get('Array Unique Items').trim().toUpperCase() === 'TRUE') schema.uniqueItems = true;
    }
    const prop: PlanProperty = {
      name: propName,
      required: r.get('Property Required').trim().toUpperCase() === 'TRUE',
      schema,
    };
    if (r.get('Property Description')) prop.description = r.get('Property Description');
    target.properties.push(prop);
  }
  return createPlan({ name, events });
}

function split(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
