import { describe, expect, it } from 'vitest';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { JsonSchema, PlanProperty } from './tracking-plan.ts';
import { parse } from 'yaml';
import { dbtSchemaYaml } from './dbt-schema.ts';
import { columnType, warehouseDdl, warehouseTables } from './warehouse-ddl.ts';

const plan = createPlan({
  name: 'Shop',
  version: '1-2-0',
  common: { properties: [{ name: 'session_id', required: false, schema: { type: 'string' } }] },
  events: [
    createEvent({
      name: 'Order Completed',
      description: "Customer's order paid.",
      properties: [
        {
          name: 'orderId',
          description: 'Order id.',
          required: true,
          schema: { type: 'string', maxLength: 32 },
        },
        { name: 'total', required: true, schema: { type: 'number' } },
        { name: 'items', required: false, schema: { type: 'integer', minimum: 0 } },
        { name: 'paid_at', required: false, schema: { type: 'string', format: 'date-time' } },
        { name: 'gift', required: false, schema: { type: ['boolean', 'null'] } },
        { name: 'skus', required: false, schema: { type: 'array', items: { type: 'string' } } },
        { name: 'timestamp', required: false, schema: { type: 'string' } },
        { name: 'session_id', required: false, schema: { type: 'integer' } },
      ],
    }),
    createEvent({ name: 'Old Thing', status: 'deprecated' }),
    createEvent({
      name: 'identify',
      type: 'identify',
      properties: [{ name: 'plan', required: false, schema: { type: 'string' } }],
    }),
    createEvent({
      name: 'identify (crm)',
      type: 'identify',
      properties: [{ name: 'plan', required: false, schema: { type: 'integer' } }],
    }),
  ],
});

describe('warehouseDdl', () => {
  it('writes BigQuery DDL as written by hand for the plan', () => {
    const ddl = warehouseDdl(plan, 'bigquery');
    const statements = ddl
      .split('\n')
      .filter((l) => !l.startsWith('--'))
      .join('\n')
      .trim();
    expect(statements).toBe(
      [
        'CREATE TABLE IF NOT EXISTS `order_completed` (',
        '  `id` STRING NOT NULL OPTIONS(description="message id (messageId); unique"),',
        '  `received_at` TIMESTAMP OPTIONS(description="when the collector received the message"),',
        '  `timestamp` TIMESTAMP OPTIONS(description="when the event happened"),',
        '  `user_id` STRING OPTIONS(description="userId"),',
        '  `anonymous_id` STRING OPTIONS(description="anonymousId"),',
        '  `event_text` STRING OPTIONS(description="the event name as sent"),',
        '  `order_id` STRING OPTIONS(description="Order id; required"),',
        '  `total` FLOAT64 OPTIONS(description="required"),',
        '  `items` INT64,',
        '  `paid_at` TIMESTAMP,',
        '  `gift` BOOL,',
        '  `skus` ARRAY<STRING>,',
        '  `timestamp_property` STRING,',
        '  `session_id` INT64',
        ')',
        'OPTIONS(description="Order Completed: Customer\'s order paid.");',
        '',
        'CREATE TABLE IF NOT EXISTS `identifies` (',
        '  `id` STRING NOT NULL OPTIONS(description="message id (messageId); unique"),',
        '  `received_at` TIMESTAMP OPTIONS(description="when the collector received the message"),',
        '  `timestamp` TIMESTAMP OPTIONS(description="when the event happened"),',
        '  `user_id` STRING OPTIONS(description="userId"),',
        '  `anonymous_id` STRING OPTIONS(description="anonymousId"),',
        '  `plan` JSON OPTIONS(description="from identify; types differ between events, kept as JSON")',
        ')',
        'OPTIONS(description="identify calls");',
      ].join('\n'),
    );
    expect(ddl).not.toContain('old_thing');
  });

  it('types columns and quotes identifiers and text in each dialect', () => {
    const s = { type: 'string' as const };
    expect(['snowflake', 'bigquery', 'redshift', 'databricks'].map((w) => columnType(w as never, s))).toEqual(
      ['VARCHAR', 'STRING', 'VARCHAR(65535)', 'STRING'],
    );
    expect(columnType('redshift', { type: 'string', maxLength: 32 })).toBe('VARCHAR(128)');
    expect(columnType('snowflake', { type: 'integer' })).toBe('NUMBER(38,0)');
    expect(columnType('databricks', { type: 'array', items: { type: 'integer' } })).toBe('ARRAY<BIGINT>');
    expect(columnType('redshift', { type: 'object' })).toBe('SUPER');
    expect(columnType('snowflake', { type: ['string', 'integer'] })).toBe('VARIANT');
    const sf = warehouseDdl(plan, 'snowflake');
    expect(sf).toContain('CREATE TABLE IF NOT EXISTS "ORDER_COMPLETED" (');
    expect(sf).toContain(`COMMENT = 'Order Completed: Customer''s order paid.';`);
    const db = warehouseDdl(plan, 'databricks');
    expect(db).toContain("COMMENT 'Order Completed: Customer\\'s order paid.';");
    const rs = warehouseDdl(plan, 'redshift');
    expect(rs).toContain(`COMMENT ON COLUMN "order_completed"."order_id" IS 'Order id; required';`);
    expect(rs).toContain('"order_id" VARCHAR(128),');
  });

  it('names a track event after a standard table with a trailing _', () => {
    const p = createPlan({
      name: 'x',
      events: [createEvent({ name: 'Pages' }), createEvent({ name: 'pages' })],
    });
    expect(warehouseTables(p, 'snowflake').map((t) => t.name)).toEqual(['pages_', 'pages__']);
  });

  it('names tables and columns as the dbt export does (camelCase split, loader columns kept apart)', () => {
    const dbt = parse(dbtSchemaYaml(plan)) as { models: { name: string; columns: { name: string }[] }[] };
    const tables = warehouseTables(plan, 'snowflake');
    expect(dbt.models.map((m) => m.name)).toEqual(['order_completed', 'identifies']);
    for (const m of dbt.models) {
      const t = tables.find((x) => x.name === m.name)!;
      for (const c of m.columns)
        expect(
          t.columns.map((x) => x.name),
          c.name,
        ).toContain(c.name);
    }
    expect(dbt.models[0].columns.map((c) => c.name)).toEqual(
      expect.arrayContaining(['order_id', 'timestamp_property', 'paid_at']),
    );
  });

  it("tests in dbt what every row of each table must carry, the other call types' tables included", () => {
    const req = (name: string, schema: JsonSchema, required = true): PlanProperty => ({
      name,
      required,
      schema,
      description: `${name}.`,
    });
    const p = createPlan({
      name: 'x',
      common: { properties: [req('locale', { type: 'string', maxLength: 9 })] },
      events: [
        // a message needs one of userId and anonymousId: neither column is always filled
        createEvent({ name: 'Signed Up', identities: ['userId', 'anonymousId'], properties: [] }),
        createEvent({ name: 'Order Completed', identities: ['userId', 'accountId'], properties: [] }),
        createEvent({ name: 'Lead Captured', identities: ['anonymousId'], properties: [] }),
        createEvent({
          name: 'Pricing',
          type: 'page',
          identities: ['anonymousId'],
          properties: [
            req('plan', { type: 'string', enum: ['free', 'pro'] }),
            req('referrer', { type: 'string' }),
          ],
        }),
        createEvent({
          name: 'Docs',
          type: 'page',
          identities: ['anonymousId'],
          properties: [
            req('plan', { type: 'string', enum: ['pro', 'enterprise'] }),
            req('section', { type: 'string' }),
          ],
        }),
        createEvent({
          name: 'Old',
          type: 'page',
          status: 'deprecated',
          properties: [req('gone', { type: 'string' })],
        }),
        createEvent({
          name: 'group',
          type: 'group',
          identities: ['userId', 'groupId'],
          properties: [
            req('company_name', { type: 'string' }),
            req('plan', { type: 'string', enum: ['a'] }, false),
          ],
        }),
      ],
    });
    type Model = { name: string; meta: object; columns: { name: string; tests?: unknown[] }[] };
    const models = (parse(dbtSchemaYaml(p)) as { models: Model[] }).models;
    const tested = (m: Model) =>
      Object.fromEntries(m.columns.filter((c) => c.tests).map((c) => [c.name, c.tests]));
    const byName = Object.fromEntries(models.map((m) => [m.name, m]));
    expect(models.map((m) => m.name)).toEqual([
      'signed_up',
      'order_completed',
      'lead_captured',
      'pages',
      'groups',
    ]);
    const base = { id: ['not_null', 'unique'], received_at: ['not_null'] };
    expect(tested(byName.signed_up)).toEqual({ ...base, locale: ['not_null'] });
    expect(tested(byName.order_completed)).toEqual({ ...base, user_id: ['not_null'], locale: ['not_null'] });
    expect(tested(byName.lead_captured)).toEqual({
      ...base,
      anonymous_id: ['not_null'],
      locale: ['not_null'],
    });
    // referrer and section: each required by one page only; plan: by both, its values from both
    expect(tested(byName.pages)).toEqual({
      ...base,
      anonymous_id: ['not_null'],
      plan: ['not_null', { accepted_values: { values: ['free', 'pro', 'enterprise'] } }],
      locale: ['not_null'],
    });
    expect(byName.pages.meta).toEqual({ events: ['Pricing', 'Docs'] });
    expect(tested(byName.groups)).toEqual({
      ...base,
      user_id: ['not_null'],
      group_id: ['not_null'],
      company_name: ['not_null'],
      plan: [{ accepted_values: { values: ['a'] } }],
    });
    // every model and column is a table and column of the warehouse DDL
    const tables = warehouseTables(p, 'snowflake');
    for (const m of models)
      expect(tables.find((t) => t.name === m.name)?.columns.map((c) => c.name)).toEqual(
        expect.arrayContaining(m.columns.map((c) => c.name)),
      );
  });
});
