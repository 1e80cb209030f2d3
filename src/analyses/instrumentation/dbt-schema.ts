import type { PlanEvent, PlanProperty, TrackingPlan } from './tracking-plan.ts';
import { eventTables, propertyColumn } from './warehouse-ddl.ts';

const yamlStr = (s: string) => JSON.stringify(s);

/**
 * The person identity column every message of an event fills: `user_id` when the event lists
 * userId and not anonymousId, `anonymous_id` the other way round; none when it lists both (a
 * message needs one of them, so either column may be empty) or neither.
 */
function personColumn(e: PlanEvent): string | undefined {
  const user = e.identities.includes('userId');
  const anonymous = e.identities.includes('anonymousId');
  if (user && !anonymous) return 'user_id';
  if (anonymous && !user) return 'anonymous_id';
  return undefined;
}

/** The properties an event's rows carry: its own, then the plan's common ones it does not redefine. */
function rowProperties(plan: TrackingPlan, e: PlanEvent): PlanProperty[] {
  const shared =
    e.type === 'track' || e.type === 'page' || e.type === 'screen' ? (plan.common?.properties ?? []) : [];
  const own = new Set(e.properties.map((p) => propertyColumn(e.type, p.name)));
  return [...e.properties, ...shared.filter((p) => !own.has(propertyColumn(e.type, p.name)))];
}

/**
 * A dbt `schema.yml` for the warehouse tables of a tracking plan, named as the warehouse DDL export
 * and Segment/RudderStack loads name them: a model per track event, and one per other call type
 * (identifies, pages, screens, groups) holding the rows of every event of that type. Descriptions,
 * `not_null` on what every row of the table must carry (a property every event of the table
 * requires; the person identity column each of them fills; `group_id` on groups) and
 * `accepted_values` on enums (the values of every event that defines the column, when each of
 * them lists some; a row of another event leaves it empty, which the test lets through). Teams drop
 * it into their dbt project so the plan's rules are tested where the data lands.
 * @example dbtSchemaYaml(plan).startsWith('version: 2')
 */
export function dbtSchemaYaml(plan: TrackingPlan): string {
  const lines = ['version: 2', '', 'models:'];
  const byTable = new Map<string, PlanEvent[]>();
  for (const [e, table] of eventTables(plan)) byTable.set(table, [...(byTable.get(table) ?? []), e]);
  for (const [name, events] of byTable) {
    const [first] = events;
    if (first.type === 'track')
      lines.push(
        `  - name: ${name}`,
        `    description: ${yamlStr(first.description ?? first.name)}`,
        `    meta: { event: ${yamlStr(first.name)}, version: ${yamlStr(first.version)}, owner: ${yamlStr(first.owner ?? '')} }`,
      );
    else
      lines.push(
        `  - name: ${name}`,
        `    description: ${yamlStr(`${first.type} calls: ${events.map((e) => e.name).join(', ')}`)}`,
        `    meta: { events: [${events.map((e) => yamlStr(e.name)).join(', ')}] }`,
      );
    lines.push(
      '    columns:',
      '      - name: id',
      '        tests: [not_null, unique]',
      '      - name: received_at',
      '        tests: [not_null]',
    );
    const person = personColumn(first);
    if (person && events.every((e) => personColumn(e) === person))
      lines.push(`      - name: ${person}`, '        tests: [not_null]');
    if (first.type === 'group') lines.push('      - name: group_id', '        tests: [not_null]');
    // each property column with its definition in every event of the table (undefined: not there)
    const columns = new Map<string, Array<PlanProperty | undefined>>();
    events.forEach((e, i) => {
      for (const p of rowProperties(plan, e)) {
        const column = propertyColumn(e.type, p.name);
        const defs = columns.get(column) ?? events.map(() => undefined);
        defs[i] ??= p;
        columns.set(column, defs);
      }
    });
    for (const [column, defs] of columns) {
      const defined = defs.filter((p): p is PlanProperty => p !== undefined);
      lines.push(`      - name: ${column}`);
      if (defined[0].description) lines.push(`        description: ${yamlStr(defined[0].description)}`);
      const tests: string[] = [];
      if (defs.every((p) => p?.required)) tests.push('not_null');
      const enums = defined.map((p) => p.schema.enum);
      if (enums.every((en) => Array.isArray(en) && en.length && en.every((v) => typeof v === 'string'))) {
        const values = [...new Set(enums.flat() as string[])];
        tests.push(`accepted_values: { values: [${values.map((v) => yamlStr(v)).join(', ')}] }`);
      }
      if (tests.length) lines.push('        tests:', ...tests.map((t) => `          - ${t}`));
    }
  }
  return `${lines.join('\n')}\n`;
}
