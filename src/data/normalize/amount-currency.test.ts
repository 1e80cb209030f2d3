/**
 * The currency an amount's text names (amount-currency.ts): each case's answer written by hand,
 * checked on DuckDB, and on ClickHouse 18.16 when a server is installed (the same values on both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../test/helpers/clickhouse-parity.ts';
import { openDuckDb } from '../duckdb-api.ts';
import type { Engine } from '../engine.ts';
import { literal } from '../sql-text.ts';
import {
  amountCodeCh,
  amountCodeSql,
  amountCurrencyConflictCh,
  amountCurrencyConflictSql,
} from './amount-currency.ts';

/** [amount text (trimmed), row currency, the code it names or null, what disagrees or null] */
const CASES: [string | null, string, string | null, string | null][] = [
  ['USD 100', 'EUR', 'USD', 'USD'],
  ['usd100', 'EUR', 'USD', 'USD'],
  ['USD 100', 'USD', 'USD', null],
  ['eur 1.234,56', 'EUR', 'EUR', null],
  ['$100', 'EUR', null, '$'],
  ['$100', 'USD', null, null],
  ['$100', 'CAD', null, null],
  ['100 $', 'AUD', null, null],
  ['£100', 'USD', null, '£'],
  ['£100', 'GBP', null, null],
  ['€1,200.50', 'EUR', null, null],
  ['€100', 'GBP', null, '€'],
  ['¥5000', 'JPY', null, null],
  ['¥5000', 'USD', null, '¥'],
  ['USD $100', 'USD', 'USD', null],
  ['USD €100', 'USD', 'USD', '€'], // the code agrees, the symbol does not
  ['CAD $100', 'USD', 'CAD', 'CAD'],
  ['100', 'EUR', null, null],
  ['-5', 'EUR', null, null],
  ['1e5', 'EUR', null, null],
  [null, 'EUR', null, null],
  // a code after the number, with or without a space; a word of its own only
  ['100 USD', 'EUR', 'USD', 'USD'],
  ['100 usd', 'USD', 'USD', null],
  ['1,234.50EUR', 'EUR', 'EUR', null],
  ['1.234,56 EUR', 'USD', 'EUR', 'EUR'],
  ['12 CHF', 'CHF', 'CHF', null],
  ['100 bananas', 'EUR', null, null],
  ['bananas 100', 'EUR', null, null],
  ['USD 100 EUR', 'USD', 'USD', 'EUR'], // two codes: the leading one is the row's, the other disagrees
  // the dollars whose letters say which, and kr
  ['R$ 1.234,56', 'BRL', null, null],
  ['R$1234.56', 'USD', null, 'R$'],
  ['1.234,56 R$', 'EUR', null, 'R$'],
  ['CA$ 12', 'CAD', null, null],
  ['CA$ 12', 'AUD', null, 'CA$'], // not A$: a letter symbol stands after a non-letter
  ['C$12', 'NIO', null, null],
  ['C$12', 'USD', null, 'C$'],
  ['A$5', 'AUD', null, null],
  ['AU$5', 'USD', null, 'AU$'],
  ['-A$5', 'AUD', null, null],
  ['NZ$ 7', 'AUD', null, 'NZ$'],
  ['HK$ 8', 'HKD', null, null],
  ['S$ 9', 'SGD', null, null],
  ['MX$ 10', 'USD', null, 'MX$'],
  ['US$ 1,000', 'USD', null, null], // not S$
  ['US$ 1,000', 'SGD', null, 'US$'],
  ['100 kr', 'SEK', null, null],
  ['kr. 100', 'DKK', null, null],
  ['100 kr', 'EUR', null, 'kr'],
  ['KR 100', 'NOK', null, null],
  ['100 Kr', 'USD', null, 'Kr'], // named as written
  ['100 krona', 'SEK', null, null], // no symbol (and no number: the parser rejects it)
  ['KRW 100', 'KRW', 'KRW', null], // the won's code, not kr
  ['100 KRW', 'USD', 'KRW', 'KRW'],
  // three letters are a code only when ISO 4217 has them: no code, nothing to disagree (and no
  // number: the parser rejects them as unreadable)
  ['100 pcs', 'EUR', null, null],
  ['abc 5', 'EUR', null, null],
  ['PCS 100', 'USD', null, null],
  ['100 usx', 'USD', null, null],
  ['pcs 100 EUR', 'USD', 'EUR', 'EUR'], // the leading letters are no code, the trailing ones are
  ['hrk 5', 'EUR', 'HRK', 'HRK'], // withdrawn in 2023, still a code
  // ₹ ₩ ₱ ₺ ₫ ₪ and zł: a symbol of one currency each
  ['₹ 1,234', 'INR', null, null],
  ['₹ 1,234', 'USD', null, '₹'],
  ['₩5000', 'KRW', null, null],
  ['₩5000', 'JPY', null, '₩'],
  ['₱ 99', 'PHP', null, null],
  ['₱ 99', 'MXN', null, '₱'],
  ['₺12', 'TRY', null, null],
  ['₺12', 'EUR', null, '₺'],
  ['50000₫', 'VND', null, null],
  ['50000₫', 'USD', null, '₫'],
  ['₪ 7', 'ILS', null, null],
  ['₪ 7', 'USD', null, '₪'],
  ['100 zł', 'PLN', null, null],
  ['100 zł', 'EUR', null, 'zł'],
  ['100 ZŁ', 'CZK', null, 'ZŁ'],
  ['100 złoty', 'EUR', null, null], // no symbol (and no number)
];

async function values(engine: Engine, expr: (text: string, currency: string) => string) {
  const ch = engine.dialect === 'clickhouse';
  const rows = CASES.map(([t, c], i) => {
    const text =
      t === null
        ? ch
          ? 'CAST(NULL AS Nullable(String))'
          : 'CAST(NULL AS VARCHAR)'
        : ch
          ? `toNullable(${literal(t, 'clickhouse')})`
          : `CAST(${literal(t)} AS VARCHAR)`;
    return `SELECT ${i} AS i, ${expr(text, ch ? literal(c, 'clickhouse') : literal(c))} AS v`;
  });
  // in queries of 20 cases: ClickHouse caps a query's text at 256 KiB
  const out: { i: number; v: unknown }[] = [];
  for (let k = 0; k < rows.length; k += 20)
    out.push(
      ...(await engine.query<{ i: number; v: unknown }>(
        `SELECT i, v FROM (${rows.slice(k, k + 20).join(' UNION ALL ')}) ORDER BY i`,
      )),
    );
  // ClickHouse gives '' where DuckDB gives NULL
  return out.map((r) => (r.v === null || r.v === '' ? null : r.v));
}

function checks(engine: () => Engine, ch: boolean) {
  it('reads the ISO code leading, else ending, an amount', async () => {
    const v = await values(engine(), (t) => (ch ? amountCodeCh(t) : amountCodeSql(t)));
    expect(v).toEqual(CASES.map(([, , code]) => code));
  });

  it('names the code or symbol that disagrees with the row currency', async () => {
    const v = await values(engine(), (t, c) =>
      ch ? amountCurrencyConflictCh(t, c) : amountCurrencyConflictSql(t, c),
    );
    expect(v).toEqual(CASES.map(([, , , conflict]) => conflict));
  });
}

describe('DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(async () => duck?.close());
  checks(() => duck, false);
});

describe.skipIf(skipClickHouse)('ClickHouse 18.16 gives the same values', () => {
  checks(useClickHouseEngine(), true);
});
