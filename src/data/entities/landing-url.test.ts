/**
 * touchpoints' `landing_url` (touchpoints.ts `landingUtmSql`, its ClickHouse twin in
 * entities-clickhouse.ts): a UTM value is its column's when that is not empty, else the landing
 * URL's query parameter of that name, decoded, cleaned and counted as the columns' values are.
 * A touch left with neither a source nor a medium takes those of its URL's first click id.
 * Values worked out by hand; the same on DuckDB and on ClickHouse 18.16. Without `landing_url` the
 * SQL is what it was (no landing-URL parsing at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipClickHouse, useClickHouseEngine } from '../../../test/helpers/clickhouse-parity.ts';
import { openDuckDb } from '../duckdb-api.ts';
import type { Engine } from '../engine.ts';
import { literal } from '../sql-text.ts';
import { touchpointsCh } from './entities-clickhouse.ts';
import type { NormalizeSettings, SourceBinding } from './entity-spec.ts';
import { touchpoints } from './touchpoints.ts';

const SETTINGS: NormalizeSettings & { rates: [] } = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [],
  partnerAliases: { acme: 'acme' },
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [
    { channel: 'paid_search', when: { medium: ['cpc'] } },
    { channel: 'paid_social', when: { medium: ['paid_social'] } },
  ],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};

const HEADER = ['touch_id', 'account_id', 'occurred_at', 'utm_source', 'utm_medium', 'url'];
const ROWS: (string | null)[][] = [
  [
    't1',
    'A1',
    '2026-03-05',
    null,
    null,
    'https://a.com/p?utm_source=Google&utm_medium=cpc&utm_campaign=Spring+Push&utm_content=hero%20banner&utm_term=crm%2Btools',
  ],
  ['t2', 'A1', '2026-03-06', 'LinkedIn', null, 'https://a.com/?utm_source=bing&utm_medium=paid_social'],
  ['t3', 'A2', '2026-03-07', null, null, 'https://a.com/?utm_source=%C3'],
  ['t4', 'A2', '2026-03-08', null, null, 'not a url'],
  ['t5', 'A2', '2026-03-09', '  ', null, 'https://a.com/?utm_source=acme#utm_medium=y'],
  ['t6', 'A2', '2026-03-10', null, null, null],
  ['t7', 'A3', '2026-03-11', null, null, 'https://a.com/?gclid=Cj0&utm_campaign=spring'],
  ['t8', 'A3', '2026-03-12', null, null, 'https://a.com/?utm_source=newsletter&gclid=Cj0'],
  ['t9', 'A3', '2026-03-13', null, 'email', 'https://a.com/?gclid=Cj0'],
  ['t10', 'A3', '2026-03-14', null, null, 'https://a.com/?fbclid=IwAR'],
  ['t11', 'A3', '2026-03-15', null, null, 'https://a.com/?li_fat_id=abc'],
];

/**
 * `_utm_decoded` also says where the values came from: U (bit 16) a source, medium or campaign
 * from the URL (its column empty), K (bit 17) a source and medium from the URL's click id.
 */
const U = 65536;
const K = 131072;

/** [touch, source, medium, campaign, content, term, partner, _utm_decoded, channel] by hand */
const EXPECTED = [
  // campaign, content and term decoded: bits 2, 3 and 4
  ['t1', 'google', 'cpc', 'spring push', 'hero banner', 'crm+tools', null, 4 + 8 + 16 + U, 'paid_search'],
  ['t2', 'linkedin', 'paid_social', null, null, null, null, U, 'paid_social'], // the column's source wins; the medium the URL's
  ['t3', '%c3', null, null, null, null, null, (1 << 8) + U, 'unassigned'], // an invalid escape: left whole, counted
  ['t4', null, null, null, null, null, null, 0, 'unassigned'],
  ['t5', 'acme', null, null, null, null, 'acme', U, 'unassigned'], // a blank column is empty; no fragment
  ['t6', null, null, null, null, null, null, 0, 'unassigned'],
  // neither a source nor a medium: the click id's (gclid: google/cpc; li_fat_id: linkedin/paid_social)
  ['t7', 'google', 'cpc', 'spring', null, null, null, U + K, 'paid_search'], // the campaign the URL's
  ['t8', 'newsletter', null, null, null, null, null, U, 'unassigned'], // a source: no click id
  ['t9', null, 'email', null, null, null, null, 0, 'unassigned'], // a medium: no click id
  ['t10', null, null, null, null, null, null, 0, 'unassigned'], // fbclid is not read
  ['t11', 'linkedin', 'paid_social', null, null, null, null, K, 'paid_social'],
];

const binding = (mapped: boolean): SourceBinding => ({
  source: 'web',
  entity: 'touchpoints',
  priority: 1,
  rawTable: 'raw_web',
  columns: {
    ...Object.fromEntries(HEADER.filter((c) => c !== 'url').map((c) => [c, c])),
    ...(mapped ? { landing_url: 'url' } : {}),
  },
  defaultCurrency: 'USD',
});

async function rows(engine: Engine, select: string) {
  const out = await engine.query<Record<string, unknown>>(
    `SELECT touch_id, utm_source, utm_medium, utm_campaign, utm_content, utm_term, partner, _utm_decoded, channel, _reject_reason
     FROM (${select}) ORDER BY _row`,
  );
  return out.map((r) => {
    expect(r._reject_reason).toBeNull();
    return [
      r.touch_id,
      r.utm_source,
      r.utm_medium,
      r.utm_campaign,
      r.utm_content,
      r.utm_term,
      r.partner,
      Number(r._utm_decoded),
      r.channel,
    ];
  });
}

const values = (ch: boolean) =>
  ROWS.map(
    (r, i) =>
      `(${r.map((v) => (v === null ? 'NULL' : literal(v, ch ? 'clickhouse' : 'duckdb'))).join(', ')}, 'f.csv', ${i + 2})`,
  ).join(', ');

describe('DuckDB: UTMs from landing URLs', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const cols = HEADER.map((c) => `"${c}" VARCHAR`).join(', ');
    await duck.exec(`CREATE TABLE raw_web (${cols}, source_file VARCHAR, source_row BIGINT)`);
    await duck.exec(`INSERT INTO raw_web VALUES ${values(false)}`);
  });
  afterAll(async () => duck?.close());

  it('reads each UTM from its column, else from the landing URL', async () => {
    expect(await rows(duck, touchpoints.select(binding(true), SETTINGS))).toEqual(EXPECTED);
  });

  it('without landing_url the SQL does not read URLs at all', () => {
    const sql = touchpoints.select(binding(false), SETTINGS);
    expect(sql).not.toContain('__gtm_landing_');
    expect(sql).not.toContain('regexp_extract');
    expect(sql).toContain('FROM "raw_web"');
  });
});

describe.skipIf(skipClickHouse)('ClickHouse 18.16: the same values', () => {
  const click = useClickHouseEngine();

  it('reads each UTM from its column, else from the landing URL', async () => {
    const cols = HEADER.map((c) => `\`${c}\` Nullable(String)`).join(', ');
    await click().exec(`DROP TABLE IF EXISTS raw_web`);
    await click().exec(
      `CREATE TABLE raw_web (${cols}, source_file String, source_row UInt64) ENGINE = Memory`,
    );
    await click().exec(`INSERT INTO raw_web VALUES ${values(true)}`);
    const b = binding(true);
    // the URLs hold `%` and `+`: the decoding is on (the probe finds one)
    const probe = touchpointsCh.probe?.(b, 'raw_web');
    expect(probe).toBeDefined();
    expect(await click().query(probe as string)).toEqual([{ n: 1 }]);
    expect(await rows(click(), touchpointsCh.select(b, SETTINGS, 'raw_web'))).toEqual(EXPECTED);
    // a source none of whose values holds a `%` or a `+` skips the decoding: the same parameters
    const plain = (
      await rows(click(), touchpointsCh.select(b, SETTINGS, 'raw_web', { urlEncoded: false }))
    ).filter(([t]) => t !== 't1' && t !== 't3');
    expect(plain).toEqual(EXPECTED.filter(([t]) => t !== 't1' && t !== 't3'));
  });

  it('without landing_url the SQL does not read URLs at all', () => {
    expect(touchpointsCh.select(binding(false), SETTINGS, 'raw_web')).not.toContain('extract(');
  });
});
