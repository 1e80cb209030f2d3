import type { TrackingPlan } from './tracking-plan.ts';
import { propertyColumn, trackTableNames } from './warehouse-ddl.ts';

const yamlStr = (s: string) => JSON.stringify(s);

/**
 * A dbt `schema.yml` for the warehouse tables of a tracking plan (one model per event, as
 * Segment/RudderStack warehouse loads create them): descriptions, `not_null` on required
 * properties and identities, `accepted_values` on enums. Teams drop it into their dbt project so
 * the plan's rules are tested where the data lands.
 * @example dbtSchemaYaml(plan).startsWith('version: 2')
 */
export function dbtSchemaYaml(plan: TrackingPlan): string {
  const lines = ['version: 2', '', 'models:'];
  // the tables and columns the warehouse DDL export creates, as Segment and RudderStack loads name them
  for (const [e, name] of trackTableNames(plan)) {
    lines.push(
      `  - name: ${name}`,
      `    description: ${yamlStr(e.description ?? e.name)}`,
      `    meta: { event: ${yamlStr(e.name)}, version: ${yamlStr(e.version)}, owner: ${yamlStr(e.owner ?? '')} }`,
      '    columns:',
    );
    lines.push(
      '      - name: id',
      '        tests: [not_null, unique]',
      '      - name: received_at',
      '        tests: [not_null]',
    );
    if (e.identities.includes('userId')) lines.push('      - name: user_id', '        tests: [not_null]');
    for (const p of e.properties) {
      lines.push(`      - name: ${propertyColumn(e.type, p.name)}`);
      if (p.description) lines.push(`        description: ${yamlStr(p.description)}`);
      const tests: string[] = [];
      if (p.required) tests.push('not_null');
      const en = p.schema.enum;
      if (Array.isArray(en) && en.length && en.every((v) => typeof v === 'string'))
        tests.push(`accepted_values: { values: [${en.map((v) => yamlStr(String(v))).join(', ')}] }`);
      if (tests.length) lines.push('        tests:', ...tests.map((t) => `          - ${t}`));
    }
  }
  return `${lines.join('\n')}\n`;
}
