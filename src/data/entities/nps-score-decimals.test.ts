/**
 * NPS scores written with decimals, on DuckDB and on ClickHouse 18.16 when a server is installed:
 * a whole score with a decimal part of zeros (`9.0`, `10.00`; a spreadsheet export, or a JSON /
 * Parquet number column, whose text DuckDB writes as '9.0') is that score. Every such row was
 * rejected as "score: 9.0 is not one of 0, 1, …, 10" (the s10 review's refB: an NDJSON export with
 * 9.0 and 10.0 lost all its answers). A fraction (9.5), 11 and text are still rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { openDuckDb, type Engine } from '../index.ts';
import { literal } from '../sql-text.ts';
import type { SourceBinding } from './entity-spec.ts';
import { clickHouseForm } from './normalize-clickhouse.ts';
import { npsResponses } from './referrals.ts';

const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};

const HEADER = ['response_id', 'respondent_id', 'score', 'responded_at'];
const SCORES = ['9.0', '10.0', ' 7.00 ', '0.0', '9', '9.5', '11', '10.', 'ten'];
const ALLOWED = 'not one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10';
/** [score, reason] per row, in order */
const EXPECTED: [string | null, string | null][] = [
  ['9', null],
  ['10', null],
  ['7', null],
  ['0', null],
  ['9', null],
  [null, `score: 9.5 is ${ALLOWED}`],
  [null, `score: 11 is ${ALLOWED}`],
  [null, `score: 10. is ${ALLOWED}`],
  [null, `score: ten is ${ALLOWED}`],
];

const binding = (rawTable: string, types?: Record<string, string>): SourceBinding => ({
  source: 's',
  entity: 'nps_responses',
  priority: 1,
  rawTable,
  columns: Object.fromEntries(HEADER.map((c) => [c, c])),
  ...(types ? { columnTypes: types } : {}),
  defaultCurrency: 'USD',
});

const rowsOf = () =>
  SCORES.map((s, i) => [`n${i}`, 'p1', s, '2026-11-10'] as const).map((r, i) => ({ r, row: i + 2 }));

const check = (rows: Record<string, unknown>[]) =>
  expect(
    rows.map((r) => [r._reject_reason ? null : String(r.score), (r._reject_reason as string | null) ?? null]),
  ).toEqual(EXPECTED);

describe('NPS scores with decimals on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const values = rowsOf()
      .map(({ r, row }) => `(${r.map((v) => literal(v)).join(', ')}, 'f.csv', ${row})`)
      .join(', ');
    await duck.exec(
      `CREATE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${HEADER.join(', ')}, source_file, source_row)`,
    );
    // a JSON / Parquet number column: DOUBLE, whose text is '9.0'
    await duck.exec(
      `CREATE TABLE raw_num AS SELECT * FROM (VALUES ('m1', 'p1', 9.0::DOUBLE, '2026-11-10', 'f.ndjson', 1),
         ('m2', 'p1', 10.0::DOUBLE, '2026-11-10', 'f.ndjson', 2), ('m3', 'p1', 2.5::DOUBLE, '2026-11-10', 'f.ndjson', 3))
       t(${HEADER.join(', ')}, source_file, source_row)`,
    );
  });
  afterAll(async () => duck?.close());

  it('reads 9.0 as 9 and 10.00 as 10, still rejecting 9.5, 11 and words', async () => {
    const sql = npsResponses.select(binding('raw'), SETTINGS);
    check(await duck.query(`SELECT * FROM (${sql}) ORDER BY _row`));
  });

  it('reads a DOUBLE score column', async () => {
    const types = {
      response_id: 'VARCHAR',
      respondent_id: 'VARCHAR',
      score: 'DOUBLE',
      responded_at: 'VARCHAR',
    };
    const sql = npsResponses.select(binding('raw_num', types), SETTINGS);
    const rows = await duck.query<Record<string, unknown>>(`SELECT * FROM (${sql}) ORDER BY _row`);
    expect(rows.map((r) => [r._reject_reason ? null : r.score, r._reject_reason ?? null])).toEqual([
      ['9', null],
      ['10', null],
      [null, `score: 2.5 is ${ALLOWED}`],
    ]);
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('the same on ClickHouse 18.16', () => {
  let ch: ClickHouseServer;
  let click: ClickHouseEngine;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    click = await openClickHouse({ url: ch.url });
    const cols = HEADER.map((c) => `\`${c}\` Nullable(String)`).join(', ');
    await click.exec(`CREATE TABLE raw (${cols}, source_file String, source_row UInt64) ENGINE = Memory`);
    const values = rowsOf()
      .map(({ r, row }) => `(${r.map((v) => literal(v, 'clickhouse')).join(', ')}, 'f.csv', ${row})`)
      .join(', ');
    await click.exec(`INSERT INTO raw VALUES ${values}`);
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('reads 9.0 as 9 and 10.00 as 10, still rejecting 9.5, 11 and words', async () => {
    const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
    const sql = clickHouseForm(npsResponses)!.select(binding('raw', types), SETTINGS, 'raw');
    check(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`));
  });
});
