/**
 * Aliases of token columns match the value as a token (lower-cased, spaces and hyphens as `_`), as
 * the token's own values do, on DuckDB and on ClickHouse 18.16 when a server is installed. Before,
 * the alias lookup compared the lower-cased raw text with the keys, so `opt_in` matched but the
 * usual spellings of consent platforms, `opt-in`, `Opt In`, `Opted In`, were rejected as
 * "status: opt-in is not one of granted, withdrawn" (a monitor-personalization acceptance check
 * with a CMP export: a grant rejected leaves the user without consent, so their decisions become
 * violations). The decisions' logged consent state reads the spellings the consent records read.
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
import { consentRecords, decisions } from './personalization.ts';

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

/** [raw, consent record status, decision consent state] (null = rejected). */
const CASES: [string, string | null, string | null][] = [
  ['granted', 'granted', 'granted'],
  ['opt_in', 'granted', 'granted'],
  ['opt-in', 'granted', 'granted'],
  ['Opt In', 'granted', 'granted'],
  ['Opted-In', 'granted', 'granted'],
  ['accepted', 'granted', 'granted'],
  ['Opt-Out', 'withdrawn', 'withdrawn'],
  ['opted out', 'withdrawn', 'withdrawn'],
  ['Revoked', 'withdrawn', 'withdrawn'],
  ['rejected', 'withdrawn', 'denied'],
  ['denied', 'withdrawn', 'denied'],
  // OneTrust's status words (its exports write them in capitals)
  ['ACTIVE', 'granted', 'granted'],
  ['WITHDRAWN', 'withdrawn', 'withdrawn'],
  ['EXPIRED', 'withdrawn', 'withdrawn'],
  ['HARD_OPT_OUT', 'withdrawn', 'withdrawn'],
  ['NO_CONSENT', 'withdrawn', 'denied'],
  ['PENDING', null, null],
  ['maybe', null, null],
];
const HEADER = ['user', 'purpose', 'status', 'ts', 'rule', 'variant'];
const rows = () =>
  CASES.map(([raw], i) => ({ r: [`u${i}`, 'personalization', raw, '2026-11-10', 'hero', 'b'], row: i + 2 }));

const binding = (
  rawTable: string,
  entity: 'consent_records' | 'decisions',
  types?: Record<string, string>,
): SourceBinding => ({
  source: 's',
  entity,
  priority: 1,
  rawTable,
  columns:
    entity === 'consent_records'
      ? { user_id: 'user', purpose: 'purpose', status: 'status', recorded_at: 'ts' }
      : { user_id: 'user', decided_at: 'ts', rule_id: 'rule', variant: 'variant', consent_state: 'status' },
  ...(types ? { columnTypes: types } : {}),
  defaultCurrency: 'USD',
});

const read = (out: Record<string, unknown>[], column: string) =>
  out.map((r) => (r._reject_reason ? null : String(r[column])));

describe('token aliases match spellings with spaces, hyphens and capitals (DuckDB)', () => {
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

  it('consent records: opt-in, Opt In, Opted-In are grants; Opt-Out, opted out are withdrawals', async () => {
    const sql = consentRecords.select(binding('raw', 'consent_records'), SETTINGS);
    const out = await duck.query<Record<string, unknown>>(`SELECT * FROM (${sql}) ORDER BY _row`);
    expect(read(out, 'status')).toEqual(CASES.map((c) => c[1]));
  });

  it('decisions: the logged consent state reads the same spellings', async () => {
    const sql = decisions.select(binding('raw', 'decisions'), SETTINGS);
    const out = await duck.query<Record<string, unknown>>(`SELECT * FROM (${sql}) ORDER BY _row`);
    expect(read(out, 'consent_state')).toEqual(CASES.map((c) => c[2]));
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('the same on ClickHouse 18.16', () => {
  let ch: ClickHouseServer;
  let click: ClickHouseEngine;
  const types = Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)']));
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

  it('consent records and decisions read the same spellings', async () => {
    const rec = clickHouseForm(consentRecords)!.select(
      binding('raw', 'consent_records', types),
      SETTINGS,
      'raw',
    );
    expect(read(await click.query(`SELECT * FROM (${rec}) ORDER BY _row`), 'status')).toEqual(
      CASES.map((c) => c[1]),
    );
    const dec = clickHouseForm(decisions)!.select(binding('raw', 'decisions', types), SETTINGS, 'raw');
    expect(read(await click.query(`SELECT * FROM (${dec}) ORDER BY _row`), 'consent_state')).toEqual(
      CASES.map((c) => c[2]),
    );
  });
});
