/**
 * URL-encoded UTM values and partner lists (utm-sql.ts): each case's answer written by hand, checked
 * on DuckDB, and on ClickHouse 18.16 when a server is installed (the same values on both).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../test/helpers/clickhouse-parity.ts';
import { openDuckDb } from '../duckdb-api.ts';
import type { Engine } from '../engine.ts';
import { literal } from '../sql-text.ts';
import {
  clickIdValueCh,
  clickIdValueSql,
  partnerListCh,
  partnerListSql,
  urlClickIdCh,
  urlClickIdSql,
  urlDecodedCh,
  urlDecodedSql,
  urlStateCh,
  urlParamCh,
  urlParamSql,
  urlStateSql,
  utmBitsCh,
  utmBitsSql,
} from './utm-sql.ts';

/** [raw value, decoded value, state: 0 not encoded, 1 decoded, 2 encoded with an invalid escape] */
const DECODE: [string | null, string | null, number][] = [
  ['Spring+Push', 'Spring Push', 1],
  ['spring%20push', 'spring push', 1],
  [' Spring+Push ', ' Spring Push ', 1], // the state is the trimmed value's; the cleaning trims
  ['caf%C3%A9+bar', 'café bar', 1],
  ['caf%c3%a9', 'café', 1],
  ['a%2Bb', 'a+b', 1], // an encoded plus is a plus
  ['%2541', '%41', 1], // one pass
  ['%F0%9F%98%80', '😀', 1],
  ['%E2%82%AC10', '€10', 1],
  ['%ZZ+x', '%ZZ x', 1], // not an escape: kept, the plus still a space
  ['c++ meetup', 'c++ meetup', 0], // a space: already decoded
  ['c++', 'c++', 0], // no plus between two other characters
  ['50% off', '50% off', 0],
  ['100%', '100%', 0],
  ['spring-push', 'spring-push', 0],
  ['Spring Push', 'Spring Push', 0],
  ['%C3', '%C3', 2], // a lone lead byte
  ['x%C3%28', 'x%C3%28', 2], // a lead byte without its continuation
  ['%E0%80%80', '%E0%80%80', 2], // overlong
  ['%ED%A0%80', '%ED%A0%80', 2], // a surrogate
  ['%C0%AF', '%C0%AF', 2], // overlong slash
  ['%00a', '%00a', 2], // a control character
  ['Spring+Push%C3', 'Spring+Push%C3', 2], // left whole
  ['', '', 0],
  [null, null, 0],
];

const ALIASES = {
  acme: 'acme',
  'acme co': 'acme',
  'acme-co': 'acme',
  beta: 'beta',
  'beta inc': 'beta',
  gamma: 'gamma',
  'gamma & sons': 'gamma',
  omega: 'omega',
  'omega | partners': 'omega',
  'acme (uk), ltd.': 'acme',
};

/** [explicit partner value, the partner list it names or null] */
const LISTS: [string | null, string | null][] = [
  ['acme,beta', 'acme|beta'],
  ['Acme; Beta', 'acme|beta'],
  ['beta | acme-co', 'acme|beta'],
  ['Acme Co & Beta Inc', 'acme|beta'],
  ['gamma, beta ,acme', 'acme|beta|gamma'],
  ['acme, Acme Co', null], // one partner
  ['acme, foo', null], // a part that is no partner
  ['Gamma & Sons', null], // a name, not a list (matched as a name before lists)
  ['acme&beta', null], // & without spaces is no separator
  ['acme', null],
  ['acme,,beta', null],
  // a name holding a separator is one part of a list, wherever it stands, parts trimmed
  ['Acme | Gamma & Sons | beta', 'acme|beta|gamma'],
  ['Acme; Gamma & Sons', 'acme|gamma'],
  ['Gamma & Sons, Acme', 'acme|gamma'],
  ['acme ;  Gamma & Sons  |beta', 'acme|beta|gamma'],
  ['Gamma & Sons & Beta Inc', 'beta|gamma'],
  ['gamma & sons, gamma & sons, Gamma & Sons, beta', 'beta|gamma'],
  ['Omega | Partners, acme', 'acme|omega'],
  ['beta | Omega | Partners | Gamma & Sons', 'beta|gamma|omega'],
  ['Acme (UK), Ltd., beta', 'acme|beta'],
  ['Omega | Partners', null], // one partner
  ['omega|partners, acme', null], // not the name as written: a part that is no partner
  ['acme, mega gamma & sons', null], // the name inside a longer part is no part
  ['acme, gamma & sonsx', null],
  ['acme (uk)x ltd., beta', null], // the name's dots and brackets are literal
  ['', null],
  [null, null],
];

/** [landing URL, its utm_source parameter as written, that value decoded as a UTM column's] */
const PARAMS: [string | null, string | null, string | null][] = [
  ['https://acme.com/pricing?utm_source=linkedin&utm_medium=paid_social', 'linkedin', 'linkedin'],
  ['https://acme.com/?utm_medium=cpc&utm_source=Google', 'Google', 'Google'],
  ['https://acme.com/?utm_source=first&utm_source=second', 'first', 'first'], // the first occurrence
  ['https://acme.com/?UTM_Source=Bing', 'Bing', 'Bing'], // the name in any letter case
  ['https://acme.com/?utm_source=li#top', 'li', 'li'], // the fragment is no part of the value
  ['https://acme.com/?a=1#utm_source=fb', null, null], // nor of the query
  ['https://acme.com/#/x?utm_source=fb', null, null],
  ['https://acme.com/pricing', null, null], // no query
  ['https://acme.com/?utm_source=', null, null], // empty
  ['https://acme.com/?utm_source&utm_medium=x', null, null], // no value
  ['https://acme.com/?utm_source=&utm_source=x', null, null], // the first is empty
  ['https://acme.com/?xutm_source=a&utm_source=b', 'b', 'b'], // a whole name only
  ['https://acme.com/?utm_source_platform=a&utm_source=b', 'b', 'b'],
  ['https://acme.com/?q=1&&utm_source=x', 'x', 'x'],
  ['https://acme.com/a?b?utm_source=x', null, null], // `b?utm_source` is the name
  ['?utm_source=bare', 'bare', 'bare'], // a query alone
  ['not a url', null, null],
  ['https://acme.com/?utm_source=Spring+Push', 'Spring+Push', 'Spring Push'],
  ['https://acme.com/?utm_source=ai%20launch&x=1', 'ai%20launch', 'ai launch'],
  ['https://acme.com/?utm_source=a%26b', 'a%26b', 'a&b'], // an encoded & is part of the value
  ['https://acme.com/?utm_source=caf%C3%A9', 'caf%C3%A9', 'café'],
  ['https://acme.com/?utm_source=%C3', '%C3', '%C3'], // an invalid escape: left whole
  ['https://acme.com/?utm_source=c++', 'c++', 'c++'], // as the UTM column's `c++`
  ['https://acme.com/?utm_source=ai launch', 'ai launch', 'ai launch'], // a space: already decoded
  ['', null, null],
  [null, null, null],
];

/** [landing URL, the source and the medium its first click id stands for] */
const CLICKS: [string | null, string | null, string | null][] = [
  ['https://acme.com/?gclid=Cj0KCQ', 'google', 'cpc'],
  ['https://acme.com/?wbraid=1', 'google', 'cpc'],
  ['https://acme.com/?gbraid=1', 'google', 'cpc'],
  ['https://acme.com/?msclkid=9f', 'bing', 'cpc'],
  ['https://acme.com/?li_fat_id=abc', 'linkedin', 'paid_social'],
  ['https://acme.com/?ttclid=E.C', 'tiktok', 'paid_social'],
  ['https://acme.com/?utm_content=x&msclkid=1&gclid=2', 'bing', 'cpc'], // the first in the query
  ['https://acme.com/?GCLID=abc', 'google', 'cpc'], // the name in any letter case
  ['https://acme.com/?gclid=&msclkid=9', 'bing', 'cpc'], // an empty one is none
  ['https://acme.com/?gclid=', null, null],
  ['https://acme.com/?fbclid=IwAR', null, null], // organic links carry it too
  ['https://acme.com/#gclid=abc', null, null], // the fragment is not the query
  ['https://acme.com/?xgclid=1', null, null],
  ['https://acme.com/pricing', null, null],
  ['not a url', null, null],
  [null, null, null],
];

async function values(engine: Engine, inputs: readonly (string | null)[], expr: (x: string) => string) {
  const ch = engine.dialect === 'clickhouse';
  const rows = inputs.map((v, i) => {
    const x =
      v === null
        ? ch
          ? 'CAST(NULL AS Nullable(String))'
          : 'CAST(NULL AS VARCHAR)'
        : ch
          ? `toNullable(${literal(v, 'clickhouse')})`
          : `CAST(${literal(v)} AS VARCHAR)`;
    return `SELECT ${i} AS i, ${expr(x)} AS v`;
  });
  const out = await engine.query<{ i: number; v: unknown }>(
    `SELECT i, v FROM (${rows.join(' UNION ALL ')}) ORDER BY i`,
  );
  return out.map((r) => (r.v === null ? null : typeof r.v === 'bigint' ? Number(r.v) : r.v));
}

function checks(engine: () => Engine, ch: boolean) {
  it('decodes URL-encoded values, keeps the others, and leaves invalid escapes whole', async () => {
    const decoded = await values(
      engine(),
      DECODE.map(([v]) => v),
      ch ? urlDecodedCh : urlDecodedSql,
    );
    expect(decoded).toEqual(DECODE.map(([, d]) => d));
    const state = await values(
      engine(),
      DECODE.map(([v]) => v),
      ch ? urlStateCh : urlStateSql,
    );
    expect(state.map(Number)).toEqual(DECODE.map(([, , s]) => s));
  });

  it('sets a bit per decoded column and one per undecodable column', async () => {
    const bits = ch ? utmBitsCh : utmBitsSql;
    const state = ch ? urlStateCh : urlStateSql;
    // column 0 decoded (bit 0), column 2 undecodable (bit 2 + 8), column 4 decoded (bit 4)
    const v = await values(engine(), ['x'], () =>
      bits(["'Spring+Push'", "'plain'", "'%C3'", 'NULL', "'a%20b'"].map((x) => state(x === 'NULL' ? x : x))),
    );
    expect(Number(v[0])).toBe(1 + (1 << 10) + 16);
  });

  it("reads a UTM parameter from a landing URL's query, decoded as the UTM columns are", async () => {
    const urls = PARAMS.map(([u]) => u);
    const param = (x: string) => (ch ? urlParamCh(x, 'utm_source') : urlParamSql(x, 'utm_source'));
    expect(await values(engine(), urls, param)).toEqual(PARAMS.map(([, raw]) => raw));
    const decoded = (x: string) => (ch ? urlDecodedCh(param(x)) : urlDecodedSql(param(x)));
    expect(await values(engine(), urls, decoded)).toEqual(PARAMS.map(([, , d]) => d));
  });

  it("reads the source and medium of a landing URL's first click id", async () => {
    const urls = CLICKS.map(([u]) => u);
    const of = (which: 1 | 2) => (x: string) =>
      ch ? clickIdValueCh(urlClickIdCh(x), which) : clickIdValueSql(urlClickIdSql(x), which);
    expect(await values(engine(), urls, of(1))).toEqual(CLICKS.map(([, src]) => src));
    expect(await values(engine(), urls, of(2))).toEqual(CLICKS.map(([, , med]) => med));
  });

  it('reads partner lists of declared partners only', async () => {
    const lists = await values(
      engine(),
      LISTS.map(([v]) => v),
      (x) => (ch ? partnerListCh(x, ALIASES) : partnerListSql(x, ALIASES)),
    );
    expect(lists).toEqual(LISTS.map(([, l]) => l));
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
