import type { JsonSchema, PlanEvent, PlanProperty, TrackingPlan } from './tracking-plan.ts';

/** The warehouses define-events writes table DDL for. */
export type Warehouse = 'snowflake' | 'bigquery' | 'redshift' | 'databricks';
export const WAREHOUSES: readonly Warehouse[] = ['snowflake', 'bigquery', 'redshift', 'databricks'];

type Kind = 'string' | 'timestamp' | 'date' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'json';

const TYPES: Record<
  Warehouse,
  Record<Exclude<Kind, 'array'>, string> & { array: (item: string | null) => string }
> = {
  snowflake: {
    string: 'VARCHAR',
    timestamp: 'TIMESTAMP_TZ',
    date: 'DATE',
    integer: 'NUMBER(38,0)',
    number: 'FLOAT',
    boolean: 'BOOLEAN',
    array: () => 'ARRAY',
    object: 'OBJECT',
    json: 'VARIANT',
  },
  bigquery: {
    string: 'STRING',
    timestamp: 'TIMESTAMP',
    date: 'DATE',
    integer: 'INT64',
    number: 'FLOAT64',
    boolean: 'BOOL',
    array: (item) => (item ? `ARRAY<${item}>` : 'JSON'),
    object: 'JSON',
    json: 'JSON',
  },
  redshift: {
    string: 'VARCHAR(65535)',
    timestamp: 'TIMESTAMPTZ',
    date: 'DATE',
    integer: 'BIGINT',
    number: 'DOUBLE PRECISION',
    boolean: 'BOOLEAN',
    array: () => 'SUPER',
    object: 'SUPER',
    json: 'SUPER',
  },
  databricks: {
    string: 'STRING',
    timestamp: 'TIMESTAMP',
    date: 'DATE',
    integer: 'BIGINT',
    number: 'DOUBLE',
    boolean: 'BOOLEAN',
    array: (item) => (item ? `ARRAY<${item}>` : 'STRING'),
    object: 'STRING',
    json: 'STRING',
  },
};

/**
 * A name as warehouse loaders write it: camelCase split and everything else to snake_case
 * (`orderId` → `order_id`, `Order Completed` → `order_completed`).
 */
export const warehouseName = (s: string): string => snake(s);

const snake = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase() || 'column';

/** The kind of value a property schema holds (a union of types other than null is `json`). */
function kindOf(schema: JsonSchema): Kind {
  const types = (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []).filter(
    (t) => t !== 'null',
  );
  if (types.length !== 1) return 'json';
  const t = types[0];
  if (t === 'string') {
    const format = (schema as { format?: unknown }).format;
    return format === 'date-time' ? 'timestamp' : format === 'date' ? 'date' : 'string';
  }
  return t;
}

/** A column type in the warehouse's dialect. */
export function columnType(warehouse: Warehouse, schema: JsonSchema): string {
  const types = TYPES[warehouse];
  const kind = kindOf(schema);
  const maxLength = (schema as { maxLength?: unknown }).maxLength;
  // Redshift's VARCHAR length is in bytes: up to 4 per character in UTF-8
  if (warehouse === 'redshift' && kind === 'string' && typeof maxLength === 'number' && maxLength > 0)
    return `VARCHAR(${Math.min(65535, Math.ceil(maxLength) * 4)})`;
  if (kind !== 'array') return types[kind];
  const items = (schema as { items?: unknown }).items;
  const item =
    items && typeof items === 'object' && !Array.isArray(items) ? kindOf(items as JsonSchema) : 'json';
  const scalar = ['string', 'timestamp', 'date', 'integer', 'number', 'boolean'].includes(item);
  return types.array(scalar ? types[item as Exclude<Kind, 'array'>] : null);
}

const quoteId = (w: Warehouse, name: string) =>
  w === 'bigquery' || w === 'databricks'
    ? `\`${name}\``
    : // Snowflake folds unquoted names to upper case: quoted upper case is the same column as the
      // unquoted snake_case name, and still safe for reserved words (ORDER, GROUP).
      `"${w === 'snowflake' ? name.toUpperCase() : name}"`;

const literal = (w: Warehouse, text: string) => {
  const t = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  if (w === 'bigquery') return JSON.stringify(t);
  if (w === 'databricks') return `'${t.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `'${t.replace(/'/g, "''")}'`;
};

interface Column {
  name: string;
  type: string;
  comment: string;
}

interface Table {
  name: string;
  comment: string;
  columns: Column[];
}

/**
 * The table of each track event that is not deprecated: the event's name in snake_case, with a `_`
 * added when a standard table (identifies, pages, screens, groups, tracks) or an earlier event has it.
 */
export function trackTableNames(plan: TrackingPlan): Map<PlanEvent, string> {
  const out = new Map<PlanEvent, string>();
  const used = new Set<string>();
  for (const e of plan.events.filter((x) => x.type === 'track' && x.status !== 'deprecated')) {
    let name = snake(e.name);
    while (used.has(name) || Object.values(TABLE_OF).includes(name) || name === 'tracks') name += '_';
    used.add(name);
    out.set(e, name);
  }
  return out;
}

/**
 * The table each event that is not deprecated lands in, in plan order: its own for a track event
 * (see `trackTableNames`), identifies, pages, screens or groups for the other call types.
 */
export function eventTables(plan: TrackingPlan): Map<PlanEvent, string> {
  const track = trackTableNames(plan);
  const out = new Map<PlanEvent, string>();
  for (const e of plan.events.filter((x) => x.status !== 'deprecated'))
    out.set(e, e.type === 'track' ? track.get(e)! : TABLE_OF[e.type]);
  return out;
}

/** A property's column: a property named like a loader column (id, timestamp, user_id) is `<name>_property`. */
export function propertyColumn(type: PlanEvent['type'], property: string): string {
  const name = snake(property);
  return standardColumns('snowflake', type).some((c) => c.name === name) ? `${name}_property` : name;
}

/** The columns every loaded message has (as Segment- and RudderStack-style loaders write them). */
function standardColumns(w: Warehouse, type: string): Column[] {
  const t = TYPES[w];
  return [
    { name: 'id', type: t.string, comment: 'message id (messageId); unique' },
    { name: 'received_at', type: t.timestamp, comment: 'when the collector received the message' },
    { name: 'timestamp', type: t.timestamp, comment: 'when the event happened' },
    { name: 'user_id', type: t.string, comment: 'userId' },
    { name: 'anonymous_id', type: t.string, comment: 'anonymousId' },
    ...(type === 'group' ? [{ name: 'group_id', type: t.string, comment: 'groupId' }] : []),
    ...(type === 'track' ? [{ name: 'event_text', type: t.string, comment: 'the event name as sent' }] : []),
  ];
}

const TABLE_OF: Record<string, string> = {
  identify: 'identifies',
  page: 'pages',
  screen: 'screens',
  group: 'groups',
};

function propertyComment(p: PlanProperty, event: string | null): string {
  return [
    (p.description ?? '').replace(/\.\s*$/, ''),
    p.required ? 'required' : '',
    p.pii ? `PII${p.piiKind ? ` (${p.piiKind})` : ''}` : '',
    event ? `from ${event}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * The warehouse tables a tracking plan's events land in, one per track event (named after the event
 * in snake_case, as Segment and RudderStack warehouse loads name them) and one per other call type
 * (identifies, pages, screens, groups, with the columns of every event of that type): the loaders'
 * standard columns, then a column per property (the plan's common properties on track, page and
 * screen tables; an event's own property of the same name wins), typed in the warehouse's dialect.
 * Deprecated events get no table.
 * @example warehouseTables(plan, 'bigquery')[0].columns[0] // { name: 'id', type: 'STRING', ... }
 */
export function warehouseTables(plan: TrackingPlan, w: Warehouse): Table[] {
  const tables = new Map<string, Table & { kinds: Set<string> }>();
  const trackNames = trackTableNames(plan);
  for (const e of plan.events.filter((x) => x.status !== 'deprecated')) {
    const name = e.type === 'track' ? trackNames.get(e)! : TABLE_OF[e.type];
    const table =
      tables.get(name) ??
      (() => {
        const t = {
          name,
          comment:
            e.type === 'track' ? `${e.name}${e.description ? `: ${e.description}` : ''}` : `${e.type} calls`,
          columns: standardColumns(w, e.type),
          kinds: new Set<string>(),
        };
        tables.set(name, t);
        return t;
      })();
    const shared =
      e.type === 'track' || e.type === 'page' || e.type === 'screen' ? (plan.common?.properties ?? []) : [];
    const own = new Set(e.properties.map((p) => snake(p.name)));
    const props: Array<[PlanProperty, string | null]> = [
      ...e.properties.map((p): [PlanProperty, string | null] => [p, e.type === 'track' ? null : e.name]),
      ...shared
        .filter((p) => !own.has(snake(p.name)))
        .map((p): [PlanProperty, string | null] => [p, 'common properties']),
    ];
    for (const [p, from] of props) {
      const column = propertyColumn(e.type, p.name);
      const type = columnType(w, p.schema);
      const known = table.columns.find((c) => c.name === column);
      if (!known) table.columns.push({ name: column, type, comment: propertyComment(p, from) });
      else if (known.type !== type && !table.kinds.has(column)) {
        // two events of one call type disagree on a column's type: the warehouse's any-JSON type holds both
        known.type = TYPES[w].json;
        known.comment = `${known.comment}; types differ between events, kept as ${TYPES[w].json}`;
        table.kinds.add(column);
      }
    }
  }
  return [...tables.values()].map(({ kinds: _k, ...t }) => t);
}

/**
 * `CREATE TABLE IF NOT EXISTS` statements for a plan's tables in one warehouse's dialect, with the
 * plan's descriptions as comments, for teams that create the tables their loader fills (or check
 * what it created).
 * @example warehouseDdl(plan, 'snowflake').includes('CREATE TABLE IF NOT EXISTS')
 */
export function warehouseDdl(plan: TrackingPlan, w: Warehouse): string {
  const q = (n: string) => quoteId(w, n);
  const lines = [
    `-- ${plan.name} ${plan.version}: the tables its events land in, ${w === 'bigquery' ? 'BigQuery' : w === 'redshift' ? 'Amazon Redshift' : w === 'databricks' ? 'Databricks (Delta)' : 'Snowflake'} dialect.`,
    '-- One table per track event (named after the event in snake_case), identifies/pages/screens/groups for',
    "-- the other call types; the loader's standard columns, then one column per planned property.",
    '-- Columns are nullable, as loaders create them: the dbt export (--tools dbt) tests required ones.',
    '-- Create them in the schema your loader writes to (prefix the names, or set the default schema first).',
    '',
  ];
  for (const t of warehouseTables(plan, w)) {
    const cols = t.columns.map((c) => {
      const comment = !c.comment
        ? ''
        : w === 'bigquery'
          ? ` OPTIONS(description=${literal(w, c.comment)})`
          : w === 'redshift'
            ? ''
            : ` COMMENT ${literal(w, c.comment)}`;
      return `  ${q(c.name)} ${c.type}${c.name === 'id' ? ' NOT NULL' : ''}${comment}`;
    });
    const tableComment =
      w === 'bigquery'
        ? `\nOPTIONS(description=${literal(w, t.comment)})`
        : w === 'snowflake'
          ? `\nCOMMENT = ${literal(w, t.comment)}`
          : w === 'databricks'
            ? `\nCOMMENT ${literal(w, t.comment)}`
            : '';
    lines.push(`CREATE TABLE IF NOT EXISTS ${q(t.name)} (\n${cols.join(',\n')}\n)${tableComment};`);
    if (w === 'redshift') {
      lines.push(`COMMENT ON TABLE ${q(t.name)} IS ${literal(w, t.comment)};`);
      for (const c of t.columns.filter((x) => x.comment))
        lines.push(`COMMENT ON COLUMN ${q(t.name)}.${q(c.name)} IS ${literal(w, c.comment)};`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
