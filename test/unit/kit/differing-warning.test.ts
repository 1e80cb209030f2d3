/**
 * The stderr line for ids reused inside one source with other values (`differingWithinSourceLines`)
 * and the judgement of continuation lines (`judgeContinuations`), on shapes written by hand.
 */
import { describe, expect, it } from 'vitest';
import { differingWithinSourceLines } from '../../../src/commands/kit/differing-warning.ts';
import {
  blank,
  judgeContinuations,
  type ContinuationColumn,
} from '../../../src/data/entities/continuation-lines.ts';
import type { NormalizeResult } from '../../../src/data/index.ts';

const result: Pick<NormalizeResult, 'duplicates' | 'differing' | 'accounting'> = {
  accounting: [
    { source: 'ledger', entity: 'ledger', rows_in: 9, accepted: 6, deduplicated: 3, rejected: 0 },
    { source: 'web', entity: 'touchpoints', rows_in: 5, accepted: 4, deduplicated: 1, rejected: 0 },
    { source: 'partner', entity: 'ledger', rows_in: 2, accepted: 1, deduplicated: 1, rejected: 0 },
  ],
  duplicates: [
    {
      source: 'ledger',
      kept_source: 'ledger',
      rows: 3,
      differing: 2,
      differing_columns: { points: 2, note: 1 },
    },
    { source: 'web', kept_source: 'web', rows: 1, differing: 1, differing_columns: { asset: 1 } },
    { source: 'partner', kept_source: 'ledger', rows: 1, differing: 1, differing_columns: { points: 1 } },
  ],
  differing: [
    {
      entity: 'ledger',
      source: 'ledger',
      file: 'data/ledger-2.csv',
      row: 4,
      kept_source: 'ledger',
      kept_file: 'data/ledger-1.csv',
      kept_row: 7,
      key: 'E17',
      values: [
        { column: 'points', value: '120', kept: '100' },
        { column: 'note', value: null, kept: 'promo' },
        { column: 'type', value: 'adjust', kept: 'earn' },
      ],
    },
  ],
};

describe('differingWithinSourceLines', () => {
  it('gives one line for a source reusing its own id, none across sources or for a fuzzy dedupe', () => {
    const lines = differingWithinSourceLines(result, (e) => (e === 'ledger' ? 'entry_id' : undefined));
    expect(lines).toEqual([
      'source ledger: 2 rows reuse the entry_id of another row of this source with other values (points, note); ' +
        'first: entry_id E17, data/ledger-2.csv row 4 (points 120, note empty, 1 more) against data/ledger-1.csv row 7 (points 100, note promo); ' +
        'the row kept is the first in file order (within a source, the file first in name order, then the lowest row), ' +
        'the others are counted deduplicated and their values left out (duplicates.csv lists them). ' +
        'Correct the export so that each entry_id names one record, or put corrections in a source of their own with a lower priority so that they win',
    ]);
  });
  it('says nothing when no copy inside a source differs', () => {
    const same = {
      ...result,
      duplicates: result.duplicates.map((d) => ({ ...d, differing: 0, differing_columns: {} })),
    };
    expect(differingWithinSourceLines(same, () => 'entry_id')).toEqual([]);
  });
});

describe('judgeContinuations', () => {
  const columns: ContinuationColumn[] = [
    { column: 'customer_id', value: 'customer_id', raw: 'Email' },
    { column: 'amount', value: 'amount_local', raw: 'Total' },
    { column: 'landing_url', raw: 'Landing Site' },
  ];
  const head = { values: { customer_id: 'a@x', amount_local: 50 }, cells: { Email: 'a@x', Total: '50.00' } };
  const judge = (cells: Record<string, unknown>, values: Record<string, unknown> = {}) =>
    judgeContinuations(
      'orders',
      ['order_id'],
      columns,
      [{ source: 'shop', file: '/w/data/o.csv', row: 3, head: 2, key: '#1001', reason: 'amount: missing' }],
      (_, row) => (row === 2 ? head : { values, cells }),
      '/w',
    );
  it('takes blank cells (NULL, spaces, tabs, zero-width characters) and values equal to the head', () => {
    expect(judge({ Email: 'a@x', Total: ' \t\u200b', 'Landing Site': null }, { customer_id: 'a@x' })).toEqual(
      [
        {
          entity: 'orders',
          source: 'shop',
          file: 'data/o.csv',
          row: 3,
          kept_row: 2,
          key: '#1001',
          note: 'continuation line of order #1001 (row 2): its order fields are on that row',
          rejected_for: 'amount: missing',
        },
      ],
    );
  });
  it('refuses a value of its own, and any cell of a column only read (no value to compare)', () => {
    expect(judge({ Email: 'b@x', Total: null }, { customer_id: 'b@x' })).toEqual([]);
    expect(judge({ Email: null, Total: null, 'Landing Site': '/?utm_source=x' })).toEqual([]);
  });
  it('reads blank as the kit trims: a line feed or a zero is a value', () => {
    expect([blank(null), blank(''), blank(' \r'), blank('\n'), blank(0), blank('0')]).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
