/**
 * A header row repeated mid-file (spreadsheet exports joined with their headers, `cat a.csv b.csv`)
 * is rejected as what it is, on DuckDB and on ClickHouse 18.16 when a server is installed: "the
 * header row again (…); remove the line". Its columns were each read as a value and the row was
 * rejected for the first that failed, "enrolled_at: cannot read Beitritt as a timestamp", which
 * did not say why (the s11 review's loyXL3). A row with some values equal to their column names,
 * not all, is read as before.
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
import { members } from './loyalty.ts';
import { clickHouseForm } from './normalize-clickhouse.ts';
import { HEADER_AGAIN, typedColumnMapped } from './typed-entity.ts';

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

/** The source's own column names (mapped in gtm.yaml) and its rows, the header again at row 4. */
const HEADER = ['Kunde', 'Beitritt', 'Stufe'];
const ROWS = [
  ['K1', '2026-01-05', 'Gold'],
  ['K2', '2026-02-01', 'Silver'],
  [' Kunde ', 'Beitritt', 'Stufe'],
  ['K3', '2026-03-01', 'Stufe'],
  ['Kunde', '2026-04-01', 'Gold'],
  ['K4', 'Beitritt', 'Gold'],
];
/** [member_id, reason] per row, in order */
const EXPECTED: [string | null, string | null][] = [
  ['K1', null],
  ['K2', null],
  [null, HEADER_AGAIN],
  ['K3', null],
  ['Kunde', null],
  [null, 'enrolled_at: cannot read Beitritt as a timestamp'],
];

const binding = (rawTable: string, types?: Record<string, string>): SourceBinding => ({
  source: 's',
  entity: 'members',
  priority: 1,
  rawTable,
  columns: { member_id: 'Kunde', enrolled_at: 'Beitritt', tier: 'Stufe' },
  ...(types ? { columnTypes: types } : {}),
  defaultCurrency: 'USD',
});

const check = (out: Record<string, unknown>[]) =>
  expect(
    out.map((r) => [
      r._reject_reason ? null : String(r.member_id),
      r._reject_reason ? String(r._reject_reason).replace(/ \(forms read.*$/, '') : null,
    ]),
  ).toEqual(EXPECTED);

const cols = HEADER.map((c) => `"${c}"`).join(', ');

describe('a repeated header row on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const values = ROWS.map((r, i) => `(${r.map((v) => literal(v)).join(', ')}, 'f.csv', ${i + 2})`).join(
      ', ',
    );
    await duck.exec(
      `CREATE TABLE raw AS SELECT * FROM (VALUES ${values}) t(${cols}, source_file, source_row)`,
    );
  });
  afterAll(async () => duck?.close());

  it('is rejected as the header again, not for its first unreadable value', async () => {
    check(await duck.query(`SELECT * FROM (${members.select(binding('raw'), SETTINGS)}) ORDER BY _row`));
  });
});

describe('a source with a typed column (Parquet, a typed table)', () => {
  it('is not searched for the header again: no row of it can be one', () => {
    const typed = binding('raw', {
      Kunde: 'VARCHAR',
      Beitritt: 'TIMESTAMP WITH TIME ZONE',
      Stufe: 'VARCHAR',
    });
    expect(typedColumnMapped(typed)).toBe(true);
    expect(members.select(typed, SETTINGS)).not.toContain(HEADER_AGAIN);
    // all text, or the types unknown (CSV): searched
    const text = binding('raw', { Kunde: 'VARCHAR', Beitritt: 'VARCHAR', Stufe: 'VARCHAR' });
    expect(typedColumnMapped(text)).toBe(false);
    expect(members.select(text, SETTINGS)).toContain(HEADER_AGAIN);
    expect(members.select(binding('raw'), SETTINGS)).toContain(HEADER_AGAIN);
    // a typed column the entity does not map does not count
    const unmapped = binding('raw', {
      Kunde: 'VARCHAR',
      Beitritt: 'VARCHAR',
      Stufe: 'VARCHAR',
      Extra: 'BIGINT',
    });
    expect(typedColumnMapped(unmapped)).toBe(false);
  });

  it('reads the typed rows as before', async () => {
    const duck = await openDuckDb();
    try {
      await duck.exec(
        `CREATE TABLE raw AS SELECT * FROM (VALUES ('K1', TIMESTAMPTZ '2026-01-05 00:00:00+00', 'Gold', 'f.parquet', 1),
           ('Kunde', TIMESTAMPTZ '2026-02-01 00:00:00+00', 'Stufe', 'f.parquet', 2)) t(${cols}, source_file, source_row)`,
      );
      const typed = binding('raw', {
        Kunde: 'VARCHAR',
        Beitritt: 'TIMESTAMP WITH TIME ZONE',
        Stufe: 'VARCHAR',
      });
      const out = await duck.query(`SELECT * FROM (${members.select(typed, SETTINGS)}) ORDER BY _row`);
      expect(out.map((r) => [String(r.member_id), r._reject_reason])).toEqual([
        ['K1', null],
        ['Kunde', null],
      ]);
    } finally {
      await duck.close();
    }
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
    const defs = HEADER.map((c) => `\`${c}\` Nullable(String)`).join(', ');
    await click.exec(`CREATE TABLE raw (${defs}, source_file String, source_row UInt64) ENGINE = Memory`);
    const values = ROWS.map(
      (r, i) => `(${r.map((v) => literal(v, 'clickhouse')).join(', ')}, 'f.csv', ${i + 2})`,
    ).join(', ');
    await click.exec(`INSERT INTO raw VALUES ${values}`);
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('is rejected as the header again, not for its first unreadable value', async () => {
    const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
    const sql = clickHouseForm(members)!.select(binding('raw', types), SETTINGS, 'raw');
    check(await click.query(`SELECT * FROM (${sql}) ORDER BY _row`));
  });
});
