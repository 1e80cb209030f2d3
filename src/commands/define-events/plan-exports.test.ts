import { describe, expect, it } from 'vitest';
import { richPlan } from '../../analyses/instrumentation/rich-plan.fixture.ts';
import { TOOLS } from './inputs.ts';
import { planExports } from './plan-exports.ts';

const KEYS = Object.keys(TOOLS);
const PAIRS = KEYS.flatMap((a, i) => KEYS.slice(i + 1).map((b) => [a, b] as const));

describe('planExports', () => {
  it('covers every pair of the supported tools', () => {
    expect(KEYS).toHaveLength(12);
    expect(PAIRS).toHaveLength(66);
  });

  it.each(PAIRS)(
    '%s + %s: every file written once, each tool served by exactly one export naming it',
    (a, b) => {
      const out = planExports(richPlan(), [a, b], '2026-06-01', null);
      const names = out.flatMap((x) => x.files.map((f) => f.name));
      expect(names.length, names.join(', ')).toBe(new Set(names).size);
      const tools = out.filter((x) => x.tool !== 'gtm');
      for (const key of [a, b]) {
        const serving = tools.filter((x) => x.tools.includes(TOOLS[key].label));
        expect(serving, key).toHaveLength(1);
        expect(serving[0].tool.split(', ')).toEqual(serving[0].tools);
      }
      // two tools share one export exactly when they take the same format
      expect(tools).toHaveLength(TOOLS[a].format === TOOLS[b].format ? 1 : 2);
      for (const x of tools) expect(x.files.length, x.file).toBeGreaterThan(0);
    },
  );

  it('Mixpanel, Avo and JSON Schema share exports/json-schema, named in the order given', () => {
    const out = planExports(richPlan(), ['avo', 'segment', 'mixpanel', 'json-schema'], '2026-06-01', null);
    expect(out.filter((x) => x.tool !== 'gtm').map((x) => [x.tool, x.file])).toEqual([
      ['Avo, Mixpanel, JSON Schema', 'exports/json-schema'],
      ['Segment', 'exports/segment-plan.json'],
    ]);
    const js = out.find((x) => x.file === 'exports/json-schema')!;
    expect(js.tools).toEqual(['Avo', 'Mixpanel', 'JSON Schema']);
    expect(js.losses).toEqual(planExports(richPlan(), ['mixpanel'], '2026-06-01', null)[3].losses);
  });

  it('writes a DDL file per warehouse', () => {
    const out = planExports(
      richPlan(),
      ['snowflake', 'bigquery', 'redshift', 'databricks'],
      '2026-06-01',
      null,
    );
    expect(out.filter((x) => x.tool !== 'gtm').map((x) => [x.tool, x.format, x.file, x.losses])).toEqual([
      ['Snowflake', 'snowflake DDL', 'exports/warehouse/snowflake-tables.sql', null],
      ['BigQuery', 'bigquery DDL', 'exports/warehouse/bigquery-tables.sql', null],
      ['Redshift', 'redshift DDL', 'exports/warehouse/redshift-tables.sql', null],
      ['Databricks', 'databricks DDL', 'exports/warehouse/databricks-tables.sql', null],
    ]);
  });
});
