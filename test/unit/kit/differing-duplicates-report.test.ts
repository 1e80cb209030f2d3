/**
 * How a run reports dropped duplicates whose values differ from the row kept: duplicates.csv (one
 * line per differing duplicate, formulas neutralized, a last line when the listing was cut) and
 * the line of the "Data quality and audit" section.
 */
import { describe, expect, it } from 'vitest';
import { sourceTables, withDifferingDuplicates } from '../../../src/commands/kit/report-stage.ts';
import { dataQualitySection } from '../../../src/report/index.ts';
import { differingBlocks } from '../../../src/report/common-sections.ts';
import type { NormalizeResult } from '../../../src/data/index.ts';
import type { Dashboard } from '../../../src/report/index.ts';
import { parseCsv } from '../../helpers/csv-parse.ts';

const base: NormalizeResult = {
  accounting: [
    { source: 'orders', entity: 'conversions', rows_in: 10, accepted: 7, deduplicated: 3, rejected: 0 },
  ],
  rejects: [],
  duplicates: [
    {
      source: 'orders',
      kept_source: 'orders',
      rows: 3,
      differing: 2,
      differing_columns: { amount: 2, coupon_code: 1 },
    },
  ],
  differing: [
    {
      entity: 'conversions',
      source: 'orders',
      file: 'orders.csv',
      row: 5,
      kept_source: 'orders',
      kept_file: 'orders.csv',
      kept_row: 2,
      values: [{ column: 'amount', value: '120', kept: '100' }],
    },
    {
      entity: 'conversions',
      source: 'orders',
      file: 'orders.csv',
      row: 9,
      kept_source: 'orders',
      kept_file: 'orders.csv',
      kept_row: 3,
      values: [
        { column: 'amount', value: '5', kept: null },
        { column: 'coupon_code', value: '=HYPERLINK("http://x")', kept: 'spring' },
      ],
    },
  ],
  entities: { conversions: 7 },
};

const csvOf = (n: NormalizeResult, name: string) => {
  const f = sourceTables(n).find((x) => x.name === name);
  return f ? parseCsv(String(f.content)) : undefined;
};

describe('duplicates.csv', () => {
  it('lists each differing duplicate with the kept row and both values of each column that differs', () => {
    expect(csvOf(base, 'duplicates.csv')).toEqual([
      {
        source: 'orders',
        entity: 'conversions',
        file: 'orders.csv',
        row: '5',
        kept_source: 'orders',
        kept_file: 'orders.csv',
        kept_row: '2',
        columns: 'amount',
        values: 'amount: 120 → kept 100',
      },
      {
        source: 'orders',
        entity: 'conversions',
        file: 'orders.csv',
        row: '9',
        kept_source: 'orders',
        kept_file: 'orders.csv',
        kept_row: '3',
        columns: 'amount, coupon_code',
        values: 'amount: 5 → kept NULL; coupon_code: =HYPERLINK("http://x") → kept spring',
      },
    ]);
  });

  it('neutralizes a cell that starts like a formula', () => {
    const d = base.differing?.[0] as NonNullable<NormalizeResult['differing']>[number];
    const n: NormalizeResult = {
      ...base,
      duplicates: [{ ...base.duplicates[0], differing: 1, differing_columns: { coupon_code: 1 } }],
      differing: [{ ...d, source: '=cmd|x', file: '@f.csv' }],
    };
    const [row] = csvOf(n, 'duplicates.csv') ?? [];
    expect([row.source, row.file]).toEqual(["'=cmd|x", "'@f.csv"]);
  });

  it('says in its last line how many were not listed when the listing was cut', () => {
    const n = { ...base, duplicates: [{ ...base.duplicates[0], rows: 30, differing: 12 }] };
    const rows = csvOf(n, 'duplicates.csv') ?? [];
    expect(rows).toHaveLength(2 + 1);
    expect(rows[2].source).toMatch(/^… 10 more differing duplicates not listed \(the first 2 are;/);
  });

  it('is not written when no duplicate differs', () => {
    const n = {
      ...base,
      duplicates: [{ ...base.duplicates[0], differing: 0, differing_columns: {} }],
      differing: [],
    };
    expect(csvOf(n, 'duplicates.csv')).toBeUndefined();
    expect(sourceTables(n).map((f) => f.name)).toEqual(['row_accounting.csv']);
  });
});

describe('the data quality line', () => {
  it('counts the differing duplicates against all deduplicated rows, with the columns', () => {
    const [block] = differingBlocks([
      ...base.duplicates,
      { source: 'web', kept_source: 'orders', rows: 9, differing: 0, differing_columns: {} },
    ]);
    expect(block).toMatchObject({
      kind: 'list',
      items: [
        {
          text: '2 duplicate rows (of 12 deduplicated) had values different from the row kept: see duplicates.csv',
          detail: 'Columns: amount 2, coupon_code 1. 2 of 3 from orders (kept: orders).',
          status: 'warn',
        },
      ],
    });
    expect(differingBlocks([{ source: 'web', kept_source: 'web', rows: 4, differing: 0 }])).toEqual([]);
  });

  it('is added to the data quality section of any command that normalizes, once', () => {
    const section = dataQualitySection({ alerts: [], accounting: base.accounting, planPath: 'p.json' });
    const dashboard: Dashboard = {
      title: 't',
      generatedAt: '2026-12-05T00:00:00Z',
      runId: 'r',
      kpis: [],
      sections: [{ title: 'Other', blocks: [] }, section],
    };
    const got = withDifferingDuplicates(dashboard, base);
    const titles = (d: Dashboard) => d.sections[1].blocks.map((b) => ('title' in b ? b.title : b.kind));
    expect(titles(got)).toEqual(['Row accounting', 'Deduplicated but different']);
    expect(titles(withDifferingDuplicates(got, base))).toEqual(titles(got));
    const cut = withDifferingDuplicates(dashboard, {
      ...base,
      duplicates: [{ ...base.duplicates[0], differing: 5 }],
    });
    expect(JSON.stringify(cut.sections[1])).toContain('see duplicates.csv (the first 2 are listed)');
    expect(withDifferingDuplicates(dashboard, undefined)).toBe(dashboard);
  });
});
