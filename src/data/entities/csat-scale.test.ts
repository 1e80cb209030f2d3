/**
 * CSAT scores above the survey scale (`loyalty.csat_scale`, default 5), on DuckDB and on ClickHouse
 * 18.16 when a server is installed: a 7 or a 10 on a 1–5 survey is rejected with a reason naming
 * the column, the value and the setting. They were accepted (the column had `min: 1` only) and
 * counted satisfied: CSAT 4/5 = 80 % of 5, 7, 10, 4, 2 instead of 2/3 of the 5, 4 and 2. With
 * `csat_scale: 10` the same scores are all read, and 11 is rejected.
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
import type { NormalizeSettings, SourceBinding } from './entity-spec.ts';
import { csatResponses } from './loyalty.ts';
import { clickHouseForm } from './normalize-clickhouse.ts';

const settings = (limits?: Record<string, number>): NormalizeSettings & { rates: [] } => ({
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
  ...(limits ? { limits } : {}),
});

const HEADER = ['response_id', 'customer_id', 'responded_at', 'score'];
const SCORES = ['5', '7', '10', '4', '2', '0', '11', ' 6.0 '];
const above = (v: string, top: number) =>
  `score: ${v} is above the survey scale 1–${top}: set loyalty.csat_scale in gtm.yaml to your survey's top score (7 on a 1–7 survey, 10 on a 1–10 one), or correct the score`;
/** [score, reason] per row, in order, on the default scale (1–5) and on 1–10 */
const ON_5: [number | null, string | null][] = [
  [5, null],
  [null, above('7', 5)],
  [null, above('10', 5)],
  [4, null],
  [2, null],
  [null, 'score: 0 is below 1'],
  [null, above('11', 5)],
  [null, above('6.0', 5)],
];
const ON_10: [number | null, string | null][] = [
  [5, null],
  [7, null],
  [10, null],
  [4, null],
  [2, null],
  [null, 'score: 0 is below 1'],
  [null, above('11', 10)],
  [6, null],
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

const read = (out: Record<string, unknown>[]) =>
  out.map((r) => [
    r._reject_reason ? null : Number(r.score),
    r._reject_reason ? String(r._reject_reason) : null,
  ]);

describe('CSAT scores above the survey scale on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const values = rows()
      .map(({ r, row }) => `(${r.map((v) => literal(v)).join(', ')}, 'f.csv', ${row})`)
      .join(', ');
    await duck.exec(
      `CREATE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${HEADER.join(', ')}, source_file, source_row)`,
    );
    // a typed source (Parquet, a database table): its score column is an integer, read as it is
    await duck.exec(
      `CREATE TABLE raw_int AS SELECT response_id, customer_id, responded_at, TRY_CAST(trim(score) AS DOUBLE)::BIGINT AS score, source_file, source_row FROM raw`,
    );
  });
  afterAll(async () => duck?.close());

  it('rejects scores above the default scale 1–5, naming the value and the setting', async () => {
    const sql = csatResponses.select(binding('raw'), settings());
    expect(read(await duck.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(ON_5);
  });

  it('reads 7 and 10 on a 1–10 survey (loyalty.csat_scale: 10), rejecting 11', async () => {
    const sql = csatResponses.select(binding('raw'), settings({ csat_scale: 10 }));
    expect(read(await duck.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(ON_10);
  });

  it('checks a typed score column too, through the view normalize reads it by', async () => {
    const types = {
      response_id: 'VARCHAR',
      customer_id: 'VARCHAR',
      responded_at: 'VARCHAR',
      score: 'BIGINT',
    };
    const b = binding('raw_int', types);
    const view = csatResponses.view!(b, settings());
    const out = read(await duck.query(`SELECT * FROM (${view.checked}) ORDER BY _row`));
    expect(out.map((r) => r[0])).toEqual([5, null, null, 4, 2, null, null, null]);
    expect(out[1][1]).toBe(above('7', 5));
    expect(out[7][1]).toBe(above('6', 5));
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
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
  it('rejects scores above the default scale 1–5', async () => {
    const sql = clickHouseForm(csatResponses)!.select(binding('raw', types), settings(), 'raw');
    expect(read(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(ON_5);
  });

  it('reads 7 and 10 on a 1–10 survey, rejecting 11', async () => {
    const sql = clickHouseForm(csatResponses)!.select(
      binding('raw', types),
      settings({ csat_scale: 10 }),
      'raw',
    );
    expect(read(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`))).toEqual(ON_10);
  });
});

describe('the ClickHouse SQL text (no server needed)', () => {
  it('has the check with the scale of the settings', () => {
    const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
    const on5 = clickHouseForm(csatResponses)!.select(binding('raw', types), settings(), 'raw');
    const on7 = clickHouseForm(csatResponses)!.select(
      binding('raw', types),
      settings({ csat_scale: 7 }),
      'raw',
    );
    expect(on5).toContain('> 5, 0)');
    expect(on5).toContain('is above the survey scale 1–5: set loyalty.csat_scale');
    expect(on7).toContain('> 7, 0)');
    expect(on7).toContain('is above the survey scale 1–7');
  });
});
