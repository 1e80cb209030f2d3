import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectMoments, type ArmData } from '../../../analyses/experiments/index.ts';
import { readoutInputFromRows, type StatsRow } from './readout-from-rows.ts';
import { sufficientStatsSql } from './sufficient-stats-sql.ts';

describe('sufficientStatsSql text', () => {
  it('quotes identifiers and names, and orders the control first', () => {
    const sql = sufficientStatsSql({
      table: ['analytics', 'raw "events"'],
      variantColumn: 'arm',
      metrics: [{ name: "it's", type: 'mean', valueColumn: 'x"y' }],
      controlVariant: "A'",
    });
    expect(sql).toBe(
      [
        'WITH units AS (',
        '  SELECT "arm" AS variant, COALESCE(CAST("x""y" AS DOUBLE), 0) AS c0',
        '  FROM "analytics"."raw ""events"""',
        '),',
        'stats AS (',
        "SELECT 0 AS metric_order, 'it''s' AS metric, 'mean' AS type, CAST(variant AS VARCHAR) AS variant,",
        '  COUNT(*)::BIGINT AS n, CAST(SUM(c0) AS DOUBLE) AS sum, CAST(SUM(c0 * c0) AS DOUBLE) AS sum_squares, ' +
          'CAST(NULL AS DOUBLE) AS num_sum, CAST(NULL AS DOUBLE) AS num_sum_squares, CAST(NULL AS DOUBLE) AS den_sum, ' +
          'CAST(NULL AS DOUBLE) AS den_sum_squares, CAST(NULL AS DOUBLE) AS num_den_sum_product, CAST(NULL AS DOUBLE) AS pre_sum, ' +
          'CAST(NULL AS DOUBLE) AS pre_sum_squares, CAST(NULL AS DOUBLE) AS post_pre_sum_product',
        'FROM units GROUP BY variant',
        ')',
        'SELECT metric, type, variant, n, sum, sum_squares, num_sum, num_sum_squares, den_sum, den_sum_squares, num_den_sum_product, pre_sum, pre_sum_squares, post_pre_sum_product',
        'FROM stats',
        "ORDER BY metric_order, CASE WHEN variant = 'A''' THEN 0 ELSE 1 END, variant",
      ].join('\n'),
    );
  });
});

describe('sufficientStatsSql on DuckDB', () => {
  let instance: DuckDBInstance;
  let db: DuckDBConnection;

  // Raw rows: several rows per user (sessions), a boolean outcome, NULL revenue for some rows.
  const users = Array.from({ length: 60 }, (_, i) => ({
    id: `u${i}`,
    variant: i % 3 === 0 ? 'control' : i % 3 === 1 ? 'B' : "C's",
    rows: 1 + (i % 4),
  }));
  const rows = users.flatMap((u, ui) =>
    Array.from({ length: u.rows }, (_, r) => ({
      user: u.id,
      variant: u.variant,
      converted: (ui * 7 + r) % 5 === 0,
      revenue: (ui + r) % 6 === 0 ? null : ((ui * 13 + r * 7) % 17) + 0.25,
      pre: ((ui * 3) % 11) / (u.rows as number),
      pages: 1 + ((ui + r) % 3),
    })),
  );

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    await db.run(
      'CREATE TABLE "raw ""rows""" (user_id VARCHAR, "group" VARCHAR, converted BOOLEAN, revenue DOUBLE, pre_revenue DOUBLE, pages INTEGER)',
    );
    const values = rows
      .map(
        (r) =>
          `('${r.user}', '${r.variant.replaceAll("'", "''")}', ${r.converted}, ${r.revenue ?? 'NULL'}, ${r.pre}, ${r.pages})`,
      )
      .join(', ');
    await db.run(`INSERT INTO "raw ""rows""" VALUES ${values}`);
  });
  afterAll(() => {
    db.closeSync();
    instance.closeSync();
  });

  /** The same statistics computed in TypeScript from the rows, per unit. */
  const expected = (variant: string) => {
    const perUnit = users
      .filter((u) => u.variant === variant)
      .map((u) => {
        const own = rows.filter((r) => r.user === u.id);
        return {
          converted: own.some((r) => r.converted) ? 1 : 0,
          revenue: own.reduce((s, r) => s + (r.revenue ?? 0), 0),
          pre: own.reduce((s, r) => s + r.pre, 0),
          pages: own.reduce((s, r) => s + r.pages, 0),
        };
      });
    const sum = (f: (u: (typeof perUnit)[number]) => number) => perUnit.reduce((s, u) => s + f(u), 0);
    return {
      n: perUnit.length,
      conversion: { sum: sum((u) => u.converted), sum_squares: sum((u) => u.converted) },
      revenue: {
        sum: sum((u) => u.revenue),
        sum_squares: sum((u) => u.revenue ** 2),
        pre_sum: sum((u) => u.pre),
        pre_sum_squares: sum((u) => u.pre ** 2),
        post_pre_sum_product: sum((u) => u.revenue * u.pre),
      },
      per_page: {
        num_sum: sum((u) => u.revenue),
        num_sum_squares: sum((u) => u.revenue ** 2),
        den_sum: sum((u) => u.pages),
        den_sum_squares: sum((u) => u.pages ** 2),
        num_den_sum_product: sum((u) => u.revenue * u.pages),
      },
    };
  };

  const options = {
    table: 'raw "rows"',
    variantColumn: 'group',
    unitColumn: 'user_id',
    controlVariant: 'control',
    metrics: [
      { name: 'conversion', type: 'proportion', valueColumn: 'converted' },
      { name: 'revenue', type: 'mean', valueColumn: 'revenue', preColumn: 'pre_revenue' },
      { name: 'per_page', type: 'ratio', numeratorColumn: 'revenue', denominatorColumn: 'pages' },
    ],
  } as const;

  it('produces per-unit sufficient statistics that match a direct computation', async () => {
    const result = await db.runAndReadAll(sufficientStatsSql(options));
    const out = result.getRowObjects();
    expect(out.map((r) => `${String(r.metric)}/${String(r.variant)}`)).toEqual([
      'conversion/control',
      'conversion/B',
      "conversion/C's",
      'revenue/control',
      'revenue/B',
      "revenue/C's",
      'per_page/control',
      'per_page/B',
      "per_page/C's",
    ]);
    for (const row of out) {
      const e = expected(String(row.variant));
      expect(row.n).toBe(BigInt(e.n));
      const stats = e[row.metric as 'conversion' | 'revenue' | 'per_page'] as Record<string, number>;
      for (const [column, value] of Object.entries(stats))
        expect(row[column] as number).toBeCloseTo(value, 9);
      if (row.metric === 'conversion') expect(row.pre_sum).toBeNull();
    }
  });

  it('its output reads back as a readout input', async () => {
    const result = await db.runAndReadAll(sufficientStatsSql(options));
    const input = readoutInputFromRows(result.getRowObjects() as unknown as StatsRow[], { where: 'stats' });
    expect(input.variants.map((v) => v.name)).toEqual(['control', 'B', "C's"]);
    expect(input.metrics.map((m) => [m.name, m.type, m.cuped])).toEqual([
      ['conversion', 'proportion', false],
      ['revenue', 'mean', true],
      ['per_page', 'ratio', false],
    ]);
    const arms = input.metrics[1].arms as ArmData[];
    const r = effectMoments(arms[0], arms[1], 'absolute');
    expect(r.ok).toBe(true);
  });

  it('runs without a unit column when rows are already per unit', async () => {
    const sql = sufficientStatsSql({
      ...options,
      unitColumn: undefined,
      metrics: [{ name: 'pages', type: 'mean', valueColumn: 'pages' }],
    });
    const out = (await db.runAndReadAll(sql)).getRowObjects();
    const control = rows.filter((r) => r.variant === 'control');
    expect(out[0].variant).toBe('control');
    expect(out[0].n).toBe(BigInt(control.length));
    expect(out[0].sum).toBeCloseTo(
      control.reduce((s, r) => s + r.pages, 0),
      9,
    );
  });
});
