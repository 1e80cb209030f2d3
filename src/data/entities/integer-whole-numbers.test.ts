/**
 * Whole-number columns of typed entities (CSAT scores, tier ranks, qualification months, share
 * recipients), on DuckDB and on ClickHouse 18.16 when a server is installed: a fraction is rejected
 * ("score: cannot read 3.5 as a whole number") instead of being rounded. A CSAT of 3.5 was read as
 * 4 and counted satisfied, 4.6 as 5: the s10 review's loyD gave CSAT 75 % and a mean score of 4
 * from 3.5, 4.6, 5 and 2 (now the two fractions are rejects, naming the file row, and CSAT is 50 %
 * of the 5 and the 2). Whole numbers written 4.0, '1,000' or with spaces are still read.
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
import { csatResponses } from './loyalty.ts';
import { clickHouseForm } from './normalize-clickhouse.ts';

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
  // a survey scale that reads '1,000' (the scale's own check is csat-scale.test.ts)
  limits: { csat_scale: 1000 },
};

const HEADER = ['response_id', 'customer_id', 'responded_at', 'score'];
const SCORES = ['3.5', '4.6', '5', '2', '4.0', ' 3 ', '1,000', '2.5', '0.49', 'five'];
/** [score, reason] per row, in order */
const EXPECTED: [number | null, string | null][] = [
  [null, 'score: cannot read 3.5 as a whole number'],
  [null, 'score: cannot read 4.6 as a whole number'],
  [5, null],
  [2, null],
  [4, null],
  [3, null],
  [1000, null],
  [null, 'score: cannot read 2.5 as a whole number'],
  [null, 'score: cannot read 0.49 as a whole number'],
  [null, 'score: cannot read five as a whole number'],
];

const binding = (rawTable: string, types?: Record<string, string>): SourceBinding => ({
  source: 's',
  entity: 'csat_responses',
  priority: 1,
  rawTable,
  columns: Object.fromEntries(HEADER.map((c) => [c, c])),
  ...(types ? { columnTypes: types } : {}),
  defaultCurrency: 'USD',
});

const rows = () => SCORES.map((s, i) => ({ r: [`r${i}`, 'm1', '2026-11-10', s], row: i + 2 }));

const check = (out: Record<string, unknown>[]) =>
  expect(
    out.map((r) => [
      r._reject_reason ? null : Number(r.score),
      // the reason's own text (the hint a source setting would add is checked elsewhere)
      r._reject_reason ? String(r._reject_reason).replace(/ \(.*$/, '') : null,
    ]),
  ).toEqual(EXPECTED);

describe('whole-number columns on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const values = rows()
      .map(({ r, row }) => `(${r.map((v) => literal(v)).join(', ')}, 'f.csv', ${row})`)
      .join(', ');
    await duck.exec(
      `CREATE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${HEADER.join(', ')}, source_file, source_row)`,
    );
  });
  afterAll(async () => duck?.close());

  it('rejects a fraction instead of rounding it, reading whole numbers as before', async () => {
    const sql = csatResponses.select(binding('raw'), SETTINGS);
    check(await duck.query(`SELECT * FROM (${sql}) ORDER BY _row`));
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
    const values = rows()
      .map(({ r, row }) => `(${r.map((v) => literal(v, 'clickhouse')).join(', ')}, 'f.csv', ${row})`)
      .join(', ');
    await click.exec(`INSERT INTO raw VALUES ${values}`);
    await click.exec(
      'CREATE TABLE raw_num (response_id Nullable(String), customer_id Nullable(String), responded_at Nullable(String), score Nullable(Float64), source_file String, source_row UInt64) ENGINE = Memory',
    );
    await click.exec(
      `INSERT INTO raw_num VALUES ('n1', 'm1', '2026-11-10', 4, 'f', 2), ('n2', 'm1', '2026-11-10', 3.5, 'f', 3)`,
    );
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('rejects a fraction instead of rounding it, reading whole numbers as before', async () => {
    const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
    const sql = clickHouseForm(csatResponses)!.select(binding('raw', types), SETTINGS, 'raw');
    check(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`));
  });

  it('the same from a Float64 column', async () => {
    const types: Record<string, string> = {
      ...Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)'])),
      score: 'Nullable(Float64)',
    };
    const sql = clickHouseForm(csatResponses)!.select(binding('raw_num', types), SETTINGS, 'raw_num');
    const out = await click.query<Record<string, unknown>>(`SELECT * FROM (${sql}) ORDER BY _row`);
    expect(out.map((r) => [r._reject_reason ? null : Number(r.score), r._reject_reason ? 1 : 0])).toEqual([
      [4, 0],
      [null, 1],
    ]);
  });
});
