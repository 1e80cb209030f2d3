/**
 * Inputs of the text parsers with the values worked out by hand (not by the parsers), shared by the
 * DuckDB tests (parse-sql.test.ts) and the ClickHouse parity tests (parse-clickhouse.test.ts).
 */
import type { DateOrder, DecimalMark } from './parse-sql.ts';

/** Amount text → the number a reader of the source means, or null when it must be rejected. */
export const AMOUNT_CASES: Record<DecimalMark, readonly (readonly [string, number | null])[]> = {
  '.': [
    ['1,234.50', 1234.5],
    ['$ 99', 99],
    ['€1 000', 1000],
    ['USD 12.5', 12.5],
    ['eur12', 12],
    ['1e3', 1000],
    ['-4', -4],
    ['1,234', 1234],
    ['1,234,567.89', 1234567.89],
    ['-1,234.5', -1234.5],
    ['EUR 1,234.00', 1234],
    ['£12,345,678', 12345678],
    ['0.5', 0.5],
    // a comma that is not a thousands separator in valid groups: unreadable, never 100 times off
    ['12,50', null],
    ['12,5', null],
    ['1,5', null],
    ['1.000,00', null],
    ['1,2345', null],
    ['12345,678', null],
    [',5', null],
    ['1,,234', null],
    ['1,234,56', null],
    ['abc', null],
    ['', null],
    ['   ', null],
  ],
  ',': [
    ['1.234,56', 1234.56],
    ['12,50', 12.5],
    ['-0,5', -0.5],
    ['0,5', 0.5],
    ['42', 42],
    ['1e3', 1000],
    ['1.000', 1000],
    ['1.000,00', 1000],
    ['1.234.567,89', 1234567.89],
    ['1 234 567,8', 1234567.8],
    ['1\u202F234,5', 1234.5],
    ['1\u00A0234,5', 1234.5],
    ["1'234,5", 1234.5],
    ['€ 12,50', 12.5],
    ['12,50 €', 12.5],
    ['EUR 1.000,00', 1000],
    ['  12,50  ', 12.5],
    // a dot or space that is not a thousands separator in valid groups: unreadable
    ['12.50', null],
    ['1.2345,6', null],
    ['1,234.56', null],
    ['12 50', null],
    ['1,2,3', null],
    ['abc', null],
    ['', null],
  ],
};

/** Timestamp text → epoch milliseconds (UTC) in each slash order, or null. */
export const TIMESTAMP_CASES: readonly (readonly [string, Record<DateOrder, number | null>])[] = [
  ['02/12/2026 10:00:00', { mdy: Date.UTC(2026, 1, 12, 10), dmy: Date.UTC(2026, 11, 2, 10) }],
  ['02/12/2026 10:00', { mdy: Date.UTC(2026, 1, 12, 10), dmy: Date.UTC(2026, 11, 2, 10) }],
  ['13/12/2026', { mdy: null, dmy: Date.UTC(2026, 11, 13) }],
  ['13/12/2026 23:59:59', { mdy: null, dmy: Date.UTC(2026, 11, 13, 23, 59, 59) }],
  ['12/13/2026', { mdy: Date.UTC(2026, 11, 13), dmy: null }],
  ['1/2/2026', { mdy: Date.UTC(2026, 0, 2), dmy: Date.UTC(2026, 1, 1) }],
  ['29/02/2024', { mdy: null, dmy: Date.UTC(2024, 1, 29) }],
  ['29/02/2026', { mdy: null, dmy: null }],
  ['31/04/2026', { mdy: null, dmy: null }],
  ['2026-12-02 10:00:00', { mdy: Date.UTC(2026, 11, 2, 10), dmy: Date.UTC(2026, 11, 2, 10) }],
  ['2026-12-02T10:00:00+01:00', { mdy: Date.UTC(2026, 11, 2, 9), dmy: Date.UTC(2026, 11, 2, 9) }],
  ['1790000000', { mdy: 1790000000000, dmy: 1790000000000 }],
  ['yesterday', { mdy: null, dmy: null }],
];

/** Unreadable values → the hint appended to their reject reason, per setting. */
export const HINT_CASES = {
  amount: [
    ['12,50', '.', ' (a decimal comma? set decimal: "," on the source)'],
    ['1.000,00', '.', ' (a decimal comma? set decimal: "," on the source)'],
    ['abc', '.', ''],
    ['12.50', ',', ' (the source has decimal: ",", which reads 1.234,56 and 12,50)'],
    ['abc', ',', ''],
  ] as const,
  timestamp: [
    ['13/12/2026', 'mdy', ' (a day-first date? set date_order: dmy on the source)'],
    ['13/12/2026 10:00:00', 'mdy', ' (a day-first date? set date_order: dmy on the source)'],
    ['12/13/2026', 'dmy', ' (a month-first date? the source has date_order: dmy)'],
    [
      '31/02/2026',
      'mdy',
      ' (forms read: 2026-12-31[ 23:59[:59]][+01:00], MM/DD/YYYY[ HH:MM[:SS]], epoch seconds or milliseconds)',
    ],
    [
      '2026-13-45',
      'dmy',
      ' (forms read: 2026-12-31[ 23:59[:59]][+01:00], DD/MM/YYYY[ HH:MM[:SS]], epoch seconds or milliseconds)',
    ],
    ['yesterday', 'mdy', ''],
    ['not-a-date', 'mdy', ''],
  ] as const,
};
