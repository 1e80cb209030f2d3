/**
 * Values that exports and copy-paste leave padded with invisible characters — a tab, a carriage
 * return, a zero-width space, a byte order mark, a word joiner — are read as the value inside, on
 * DuckDB (`normalizeEntities` over a CSV) and ClickHouse (the entity's SELECT over a String table)
 * alike: an id is the id (it used to stay another id, matching nothing, its rows silently out of
 * every join), a token is the token (`paid\t` was rejected as `paid is not one of pending, paid`,
 * or, without a list, became a value of its own, `email_`), a flag is the flag (`Y\t`: "cannot
 * read Y as true or false"). The expected values are written out by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../clickhouse-engine.ts';
import { loadSource, normalizeEntities, openDuckDb, typedEntity, type Engine } from '../index.ts';
import { literal } from '../sql-text.ts';
import { typedEntityCh } from './entities-clickhouse.ts';
import type { SourceBinding } from './entity-spec.ts';
import type { TypedEntityDef } from './typed-entity.ts';

const DEF = {
  name: 'payouts',
  description: 'test',
  columns: {
    payout_id: { kind: 'id', required: true },
    advocate_id: { kind: 'key', required: true },
    status: { kind: 'token', values: ['pending', 'paid'] },
    channel: { kind: 'token' },
    held: { kind: 'boolean' },
    region: { kind: 'text' },
  },
  dedupe: { keys: ['payout_id'] },
} satisfies TypedEntityDef;
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

const HEADER = ['payout_id', 'advocate_id', 'status', 'channel', 'held', 'region'];
// each row: its cells as the export wrote them
const ROWS = [
  ['p1\t', '\tADV-1', 'paid\t', 'email\t', 'Y\t', 'EMEA\t'],
  ['p2\r', 'adv-2\u200b', '\u200bPending', '\ufeffSMS', '\u2060yes', '\u200bAPAC\u200b'],
  ['\ufeffp3', ' adv-3\u00a0', ' Paid\r', ' in app \t', 'N\r', '\t \u200b'],
  ['p4', 'adv-4', 'paid', 'email', 'y', 'NA'],
];
// what each row means
const WANT = [
  { payout_id: 'p1', advocate_id: 'adv-1', status: 'paid', channel: 'email', held: true, region: 'EMEA' },
  { payout_id: 'p2', advocate_id: 'adv-2', status: 'pending', channel: 'sms', held: true, region: 'APAC' },
  { payout_id: 'p3', advocate_id: 'adv-3', status: 'paid', channel: 'in_app', held: false, region: null },
  { payout_id: 'p4', advocate_id: 'adv-4', status: 'paid', channel: 'email', held: true, region: 'NA' },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-padded-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('values padded with tabs, line breaks and zero-width characters (DuckDB)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openDuckDb();
  });
  afterAll(() => engine.close());

  it('are read as the value inside: ids, keys, tokens, flags and text', async () => {
    const file = path.join(dir, 'payouts.csv');
    const cell = (v: string) => `"${v}"`;
    writeFileSync(file, [HEADER.join(','), ...ROWS.map((r) => r.map(cell).join(','))].join('\n') + '\n');
    const load = await loadSource(engine, { name: 'padded', kind: 'file', path: file }, 'raw_padded');
    const result = await normalizeEntities(
      engine,
      [typedEntity(DEF)],
      [
        {
          load,
          binding: {
            source: 'padded',
            entity: 'payouts',
            priority: 1,
            rawTable: load.table,
            columns: Object.fromEntries(HEADER.map((c) => [c, c])),
            columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
            defaultCurrency: 'USD',
          },
        },
      ],
      SETTINGS,
      dir,
    );
    expect(result.accounting).toEqual([
      { source: 'padded', entity: 'payouts', rows_in: 4, accepted: 4, deduplicated: 0, rejected: 0 },
    ]);
    expect(await engine.query(`SELECT ${HEADER.join(', ')} FROM payouts ORDER BY payout_id`)).toEqual(WANT);
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)(
  'values padded with tabs, line breaks and zero-width characters (ClickHouse)',
  () => {
    let ch: ClickHouseServer;
    let click: ClickHouseEngine;
    beforeAll(async () => {
      if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
      ch = await startClickHouse();
      click = await openClickHouse({ url: ch.url });
    }, 120_000);
    afterAll(async () => {
      await click?.close();
      await ch?.stop();
    });

    it('are read as the value inside, as on DuckDB', async () => {
      const cols = HEADER.map((c) => `\`${c}\` Nullable(String)`).join(', ');
      await click.exec(`DROP TABLE IF EXISTS padded`);
      await click.exec(
        `CREATE TABLE padded (${cols}, source_file String, source_row UInt64) ENGINE = Memory`,
      );
      const values = ROWS.map(
        (r, i) => `(${r.map((v) => literal(v, 'clickhouse')).join(', ')}, 'f.csv', ${i + 2})`,
      ).join(', ');
      await click.exec(`INSERT INTO padded VALUES ${values}`);
      const b: SourceBinding = {
        source: 'padded',
        entity: 'payouts',
        priority: 1,
        rawTable: 'padded',
        columns: Object.fromEntries(HEADER.map((c) => [c, c])),
        columnTypes: Object.fromEntries(HEADER.map((c) => [c, 'Nullable(String)'])),
        defaultCurrency: 'USD',
      };
      const rows = await click.query<Record<string, unknown>>(
        `SELECT ${HEADER.join(', ')}, _reject_reason FROM (${typedEntityCh(DEF).select(b, SETTINGS, 'padded')}) ORDER BY payout_id`,
      );
      expect(rows).toEqual(
        WANT.map((w) => ({ ...w, held: w.held === null ? null : Number(w.held), _reject_reason: null })),
      );
    });
  },
);
