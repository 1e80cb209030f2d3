/**
 * The narrow copy `normalizeEntities` writes for a command (`NormalizeOptions.narrow`): the accepted
 * rows of an entity (neither rejected nor duplicates), only the columns asked for, text columns as
 * dense codes with their dictionary, others as 64-bit hashes. Checked against rows written by hand
 * and, on seeded random sources (typed Parquet, CSV, a source of two files whose row numbers
 * overlap), against the reference formulation: each source's normalizing SELECT, its valid rows, the
 * exact dedupe over all of them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dedupeSql,
  literal,
  loadSource,
  normalizeEntities,
  openDuckDb,
  typedEntity,
  type BoundSource,
  type Engine,
  type NarrowSpec,
} from '../../../src/data/index.ts';
import { narrowHashSql, repeatedSql } from '../../../src/data/entities/index.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openDuckDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-narrow-'));
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const payouts = typedEntity({
  name: 'payouts',
  description: 'test',
  columns: {
    payout_id: { kind: 'id', required: true },
    advocate_id: { kind: 'key', required: true },
    amount: { kind: 'amount', required: true, min: 0, rateAt: 'paid_at' },
    currency: { kind: 'currency' },
    status: { kind: 'token', values: ['pending', 'paid'], aliases: { 'in progress': 'pending' } },
    paid_at: { kind: 'timestamp', required: true },
    note: { kind: 'text' },
  },
  dedupe: { keys: ['payout_id'] },
});
const COLUMNS = ['payout_id', 'advocate_id', 'amount', 'currency', 'status', 'paid_at', 'note'];
const SETTINGS = {
  reportingCurrency: 'USD',
  ratesTable: 'fx',
  rates: [{ currency: 'EUR', from: '2026-01-01', rate: 1.1 }],
  partnerAliases: {},
  utmAliases: { source: {}, medium: {}, campaign: {} },
  channelRules: [],
  channelDefault: 'unassigned',
  stageMapping: {},
  dedupe: {},
};

type Row = [
  string | null,
  string | null,
  number | null,
  string | null,
  string | null,
  string | null,
  string | null,
];

async function parquet(file: string, rows: Row[]): Promise<string> {
  const v = (x: string | number | null) =>
    x === null ? 'NULL' : typeof x === 'number' ? String(x) : literal(x);
  const values = rows
    .map(
      (r) =>
        `(${v(r[0])}, ${v(r[1])}, ${r[2] === null ? 'NULL' : `${r[2]}::DOUBLE`}, ${v(r[3])}, ${v(r[4])}, ${r[5] === null ? 'NULL' : `TIMESTAMP ${literal(r[5])}`}, ${v(r[6])})`,
    )
    .join(', ');
  await engine.exec(
    `COPY (SELECT * FROM (VALUES ${values}) t(${COLUMNS.join(', ')})) TO ${literal(file)} (FORMAT parquet)`,
  );
  return file;
}

function csv(file: string, rows: Row[]): string {
  const lines = rows.map((r) => r.map((x) => (x === null ? '' : `"${String(x)}"`)).join(','));
  writeFileSync(file, [COLUMNS.join(','), ...lines].join('\n') + '\n');
  return file;
}

async function bind(source: string, file: string, index: number, priority: number): Promise<BoundSource> {
  const load = await loadSource(engine, { name: source, kind: 'file', path: file }, `raw_${index}`);
  return {
    load,
    binding: {
      source,
      entity: 'payouts',
      priority,
      rawTable: load.table,
      columns: Object.fromEntries(COLUMNS.map((c) => [c, c])),
      columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
      defaultCurrency: 'USD',
    },
  };
}

const normalize = (parts: BoundSource[], narrow?: NarrowSpec) =>
  normalizeEntities(engine, [payouts], parts, SETTINGS, dir, narrow ? { narrow: { payouts: narrow } } : {});

describe('the narrow copy of an entity', () => {
  it('keeps the accepted rows, the columns asked for, codes in text order and hashes', async () => {
    const a = await parquet(path.join(dir, 'a.parquet'), [
      ['p1', 'a1', 10, 'USD', 'paid', '2026-02-01 10:00:00', 'x'],
      ['p2', ' A2 ', 20, 'EUR', 'pending', '2026-02-02 00:00:00', null],
      ['p3', 'a3', -5, 'USD', 'paid', '2026-02-03 00:00:00', null],
      ['p4', 'a4', 5, 'USD', 'lost', '2026-02-04 00:00:00', null],
      ['p1', 'a1', 10, 'USD', 'paid', '2026-02-01 10:00:00', 'again'],
      ['p6', 'a6', 7, null, 'In Progress', '2026-02-06 00:00:00', null],
      ['p7', 'a7', 3, 'CHF', 'paid', '2026-02-07 00:00:00', null],
    ]);
    const b = csv(path.join(dir, 'b.csv'), [
      ['p2', 'a2', 21, 'USD', 'paid', '2026-02-02T00:00:00Z', null],
      ['p9', 'A9', 1000, 'usd', 'paid', '2026-03-01', null],
      ['p10', 'a10', 5, 'USD', 'paid', 'yesterday', null],
    ]);
    const r = await normalize([await bind('ledger_a', a, 0, 1), await bind('ledger_b', b, 1, 2)], {
      table: 'pay_in',
      columns: ['_source', '_row', 'amount', 'amount_local', 'paid_at'],
      codes: ['advocate_id', 'status'],
      hashes: ['payout_id'],
    });
    expect(r.narrow).toEqual({ payouts: { table: 'pay_in', rows: 4 } });
    expect(r.entities.payouts).toBe(4);
    const rows = await engine.query<Record<string, unknown>>('SELECT * FROM pay_in ORDER BY _source, _row');
    // by hand: p1 (the first of two), p2 in euros at 1.1 (the CSV copy a duplicate of lower
    // priority), p6 (status alias), p9 (key lower-cased); p3, p4, p7, p10 rejected
    expect(
      rows.map((x) => [
        x._source,
        Number(x._row),
        Number((x.amount as number).toFixed(9)),
        x.amount_local,
        x.paid_at,
        x.advocate_id,
        x.status,
      ]),
    ).toEqual([
      ['ledger_a', 1, 10, 10, '2026-02-01T10:00:00.000Z', 0, 1],
      ['ledger_a', 2, 22, 20, '2026-02-02T00:00:00.000Z', 2, 2],
      ['ledger_a', 6, 7, 7, '2026-02-06T00:00:00.000Z', 5, 2],
      ['ledger_b', 3, 1000, 1000, '2026-03-01T00:00:00.000Z', 7, 1],
    ]);
    // the dictionaries hold the canonical values of every row read, rejected and duplicate rows
    // included (they are made before the pass), in text order
    const dict = async (t: string) =>
      (await engine.query<{ code: number; value: string }>(`SELECT code, value FROM ${t} ORDER BY code`)).map(
        (x) => [x.code, x.value],
      );
    expect(await dict('pay_in_advocate_id')).toEqual(
      ['a1', 'a10', 'a2', 'a3', 'a4', 'a6', 'a7', 'a9'].map((v, i) => [i, v]),
    );
    expect(await dict('pay_in_status')).toEqual([
      [0, 'lost'],
      [1, 'paid'],
      [2, 'pending'],
    ]);
    const hashes = await engine.query<{ h: string; want: string }>(
      `SELECT CAST(payout_id_hash AS VARCHAR) AS h, CAST(hash(['p1', 'p2', 'p6', 'p9'][row_number() OVER (ORDER BY _source, _row)]) AS VARCHAR) AS want FROM pay_in`,
    );
    for (const x of hashes) expect(x.h).toBe(x.want);
    const types = Object.fromEntries((await engine.describe('pay_in')).map((c) => [c.name, c.type]));
    expect(types).toEqual({
      _source: "ENUM('ledger_a', 'ledger_b')",
      _row: 'UINTEGER',
      amount: 'DOUBLE',
      amount_local: 'DOUBLE',
      paid_at: 'TIMESTAMP',
      payout_id_hash: 'UBIGINT',
      advocate_id: 'UINTEGER',
      status: 'UINTEGER',
    });
    // the canonical view is still there, with the same rows
    const [{ n }] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM payouts');
    expect(Number(n)).toBe(4);
  });

  it('matches the reference on seeded random sources, one of them two files whose row numbers overlap', async () => {
    const rand = rng(11);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const row = (): Row => [
      rand() < 0.05 ? null : `${pick(['', '', '', ' '])}p${Math.floor(rand() * 120)}`,
      pick(['a1', 'A1', ' a2', 'a3', null, '', 'b7']),
      pick([10, 20.5, -1, null, 0, 3]),
      pick(['USD', 'EUR', 'usd', null, 'CHF', 'USD']),
      pick(['paid', 'pending', 'In Progress', 'lost', null, 'paid']),
      pick(['2026-02-01 00:00:00', '2025-12-01 00:00:00', null, '2026-03-01 12:00:00']),
      pick(['x', ' y ', null]),
    ];
    const two = path.join(dir, 'two');
    mkdirSync(two, { recursive: true });
    await parquet(path.join(two, 'm1.parquet'), Array.from({ length: 150 }, row));
    await parquet(path.join(two, 'm2.parquet'), Array.from({ length: 150 }, row));
    const sources = [
      await bind('r1', await parquet(path.join(dir, 'r1.parquet'), Array.from({ length: 300 }, row)), 3, 2),
      await bind('r2', path.join(two, '*.parquet'), 4, 1),
      await bind('r3', csv(path.join(dir, 'r3.csv'), Array.from({ length: 100 }, row)), 5, 3),
    ];
    expect(sources[1].load.files.length).toBe(2);
    const union = sources
      .map((s) => `SELECT * FROM (${payouts.select(s.binding, SETTINGS)})`)
      .join(' UNION ALL BY NAME ');
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE ref AS ${dedupeSql(`(SELECT * FROM (${union}) WHERE _reject_reason IS NULL)`, ['payout_id'], {})}`,
    );
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE ref_read AS SELECT DISTINCT advocate_id AS value FROM (${union})`,
    );
    const r = await normalize(sources, {
      table: 'pay_narrow',
      columns: ['_source', '_file', '_row', 'payout_id', 'amount', 'paid_at', 'note'],
      codes: ['advocate_id', 'currency'],
    });
    // accounting: the narrow table holds exactly the accepted rows
    const accepted = r.accounting.reduce((s, a) => s + a.accepted, 0);
    expect(r.narrow?.payouts.rows).toBe(accepted);
    for (const a of r.accounting) expect(a.accepted + a.deduplicated + a.rejected).toBe(a.rows_in);
    const [{ dups }] = await engine.query<{ dups: number }>(
      "SELECT count(*) AS dups FROM ref WHERE _dup_rank > 1 AND _source = 'r2'",
    );
    expect(Number(dups)).toBeGreaterThan(0);
    const cols = '_source, _file, CAST(_row AS BIGINT) AS _row, payout_id, amount, paid_at, note';
    const got = await engine.query(
      `SELECT ${cols}, a.value AS advocate_id, c.value AS currency FROM pay_narrow n
       LEFT JOIN pay_narrow_advocate_id a ON a.code = n.advocate_id
       LEFT JOIN pay_narrow_currency c ON c.code = n.currency ORDER BY _source, _file, _row`,
    );
    const want = await engine.query(
      `SELECT ${cols}, advocate_id, currency FROM ref WHERE _dup_rank = 1 ORDER BY _source, _file, _row`,
    );
    expect(got.length).toBeGreaterThan(50);
    expect(got.length).toBe(accepted);
    expect(got).toEqual(want);
    // the codes: dense, in the text order of the distinct values of every row read
    const dict = await engine.query<{ code: number; value: string }>(
      'SELECT code, value FROM pay_narrow_advocate_id ORDER BY code',
    );
    const read = await engine.query<{ value: string }>('SELECT value FROM ref_read WHERE value IS NOT NULL');
    const values = read.map((x) => x.value).sort();
    expect(values.length).toBeGreaterThan(2);
    expect(dict).toEqual(values.map((value, code) => ({ code, value })));
  });

  it('writes computed columns over lookups in the pass, as the reference rows joined by hand give them', async () => {
    const rand = rng(23);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const row = (): Row => [
      rand() < 0.05 ? null : `p${Math.floor(rand() * 200)}`,
      pick(['a1', 'A1', ' a2', 'a3', null, 'b7', 'b8']),
      pick([10, 20.5, -1, null, 0, 3]),
      pick(['USD', 'EUR', null]),
      pick(['paid', 'pending', 'lost', null]),
      pick(['2026-02-01 00:00:00', null, '2026-03-01 12:00:00']),
      pick(['x', ' y ', null]),
    ];
    const files = [
      await parquet(path.join(dir, 'c1.parquet'), Array.from({ length: 300 }, row)),
      csv(path.join(dir, 'c2.csv'), Array.from({ length: 120 }, row)),
    ];
    // bound again for each run (a text source's raw table goes once normalized)
    const bound = async () => [await bind('c1', files[0], 20, 2), await bind('c2', files[1], 21, 1)];
    const sources = await bound();
    const union = sources
      .map((s) => `SELECT * FROM (${payouts.select(s.binding, SETTINGS)})`)
      .join(' UNION ALL BY NAME ');
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE ref AS ${dedupeSql(`(SELECT * FROM (${union}) WHERE _reject_reason IS NULL)`, ['payout_id'], {})}`,
    );
    const spec: NarrowSpec = {
      table: 'pay_computed',
      columns: ['_source', '_row'],
      hashes: ['payout_id'],
      // written before the pass: a number per advocate (a3 has none: its rows get NULL)
      prepare: {
        after: [],
        run: (e) =>
          e.exec(
            "CREATE OR REPLACE TABLE adv_num AS SELECT * FROM (VALUES ('a1', 1), ('a2', 2), ('b7', 7), ('b8', 8)) t(advocate_id, num)",
          ),
      },
      lookups: [{ alias: 'an', table: 'adv_num', on: { advocate_id: 'advocate_id' } }],
      computed: {
        num: 'an.num',
        doubled: "CASE WHEN s.status = 'paid' THEN s.amount * 2 END",
        tag: "s._source || ':' || CAST(s._row AS VARCHAR)",
      },
    };
    const r = await normalize(sources, spec);
    const accepted = r.accounting.reduce((s, a) => s + a.accepted, 0);
    expect(r.narrow?.payouts.rows).toBe(accepted);
    for (const a of r.accounting) expect(a.accepted + a.deduplicated + a.rejected).toBe(a.rows_in);
    const got = await engine.query(
      `SELECT CAST(_source AS VARCHAR) AS src, CAST(_row AS BIGINT) AS r, payout_id_hash AS h, num, doubled, tag FROM pay_computed ORDER BY src, r`,
    );
    const want = await engine.query(
      `SELECT _source AS src, CAST(_row AS BIGINT) AS r, hash(payout_id) AS h,
         (SELECT num FROM adv_num m WHERE m.advocate_id = ref.advocate_id) AS num,
         CASE WHEN status = 'paid' THEN amount * 2 END AS doubled, _source || ':' || CAST(_row AS VARCHAR) AS tag
       FROM ref WHERE _dup_rank = 1 ORDER BY src, r`,
    );
    expect(got.length).toBeGreaterThan(50);
    expect(got).toEqual(want);
    expect(got.some((x) => x.num === null) && got.some((x) => x.num === 7)).toBe(true);
    // a lookup with two rows for a key would multiply rows: the pass stops
    await engine.exec("INSERT INTO adv_num VALUES ('a1', 100)");
    await expect(normalize(await bound(), { ...spec, prepare: undefined })).rejects.toThrow(
      /more than one row for a key/,
    );
    // a prepare step waiting on an entity not in the run
    await expect(
      normalize(await bound(), { ...spec, prepare: { after: ['ledger'], run: async () => undefined } }),
    ).rejects.toThrow(/prepare needs ledger/);
    // a computed column named like a column of the staged row (here the canonical amount, not
    // copied) would be shadowed by the row's own value in the pass: refused
    for (const name of ['amount', 'status', '_reject_reason'])
      await expect(
        normalize(await bound(), { ...spec, prepare: undefined, computed: { [name]: 'an.num' } }),
      ).rejects.toThrow(new RegExp(`computed column ${name} has the name of another column`));
  });

  it('normalizes an entity a prepare step needs first, and reports in the order given', async () => {
    const advs = typedEntity({
      name: 'advs',
      description: 'test',
      columns: { advocate_id: { kind: 'key', required: true }, tier: { kind: 'text' } },
      dedupe: { keys: ['advocate_id'] },
    });
    const advFile = path.join(dir, 'advs.parquet');
    await engine.exec(
      `COPY (SELECT * FROM (VALUES ('A1', 'gold'), ('a2', 'silver'), ('a1', 'dup')) t(advocate_id, tier)) TO ${literal(advFile)} (FORMAT parquet)`,
    );
    const advLoad = await loadSource(engine, { name: 'adv_src', kind: 'file', path: advFile }, 'raw_30');
    const advSource: BoundSource = {
      load: advLoad,
      binding: {
        source: 'adv_src',
        entity: 'advs',
        priority: 1,
        rawTable: advLoad.table,
        columns: { advocate_id: 'advocate_id', tier: 'tier' },
        columnTypes: Object.fromEntries(advLoad.columns.map((c) => [c.name, c.type])),
        defaultCurrency: 'USD',
      },
    };
    const file = await parquet(path.join(dir, 'order.parquet'), [
      ['p1', 'a1', 5, 'USD', 'paid', '2026-02-01 00:00:00', null],
      ['p2', 'a2', 5, 'USD', 'paid', '2026-02-01 00:00:00', null],
      ['p3', 'a3', 5, 'USD', 'paid', '2026-02-01 00:00:00', null],
    ]);
    const r = await normalizeEntities(
      engine,
      [payouts, advs],
      [await bind('ord', file, 31, 1), advSource],
      SETTINGS,
      dir,
      {
        narrow: {
          payouts: {
            table: 'pay_ordered',
            columns: ['payout_id'],
            // reads the canonical advs: only there once advs is normalized
            prepare: {
              after: ['advs'],
              run: (e) => e.exec('CREATE OR REPLACE TABLE adv_tier AS SELECT advocate_id, tier FROM advs'),
            },
            lookups: [{ alias: 't', table: 'adv_tier', on: { advocate_id: 'advocate_id' } }],
            computed: { tier: 't.tier' },
          },
        },
      },
    );
    expect(r.accounting.map((a) => a.entity)).toEqual(['payouts', 'advs']);
    expect(Object.keys(r.entities)).toEqual(['payouts', 'advs']);
    expect(r.accounting[1]).toMatchObject({ accepted: 2, deduplicated: 1 });
    expect(await engine.query('SELECT payout_id, tier FROM pay_ordered ORDER BY payout_id')).toEqual([
      { payout_id: 'p1', tier: 'gold' },
      { payout_id: 'p2', tier: 'silver' },
      { payout_id: 'p3', tier: null },
    ]);
  });

  it('codes a column of more than 10,000 values (coded through a join, not an ENUM) like a small one', async () => {
    const file = path.join(dir, 'wide.parquet');
    // 15,000 payouts (1 in 1,000 without its required date), 12,000 advocates, every 5th row in
    // upper case and padded; the last 500 payouts repeat earlier ones
    await engine.exec(
      `COPY (SELECT 'p' || (i % 14500) AS payout_id, CASE WHEN i % 5 = 0 THEN ' A' ELSE 'a' END || (i % 12000) AS advocate_id,
        1.0::DOUBLE AS amount, 'USD' AS currency, CASE WHEN i % 3 = 0 THEN 'paid' ELSE 'pending' END AS status,
        CASE WHEN i % 1000 = 999 THEN NULL ELSE TIMESTAMP '2026-02-01' + INTERVAL (i) MINUTE END AS paid_at, NULL::VARCHAR AS note
        FROM range(15000) t(i)) TO ${literal(file)} (FORMAT parquet)`,
    );
    const r = await normalize([await bind('wide', file, 7, 1)], {
      table: 'pay_wide',
      columns: ['_row', 'paid_at'],
      codes: ['advocate_id', 'status'],
    });
    const [a] = r.accounting;
    expect(a.rejected).toBe(15);
    expect(a.accepted + a.deduplicated + a.rejected).toBe(15000);
    expect(r.narrow?.payouts.rows).toBe(a.accepted);
    // decoded through the dictionaries, the rows are the canonical view's
    const got = await engine.query(
      `SELECT CAST(_row AS BIGINT) AS r, paid_at, a.value AS advocate_id, s.value AS status FROM pay_wide n
       JOIN pay_wide_advocate_id a ON a.code = n.advocate_id JOIN pay_wide_status s ON s.code = n.status ORDER BY r`,
    );
    const want = await engine.query(
      'SELECT CAST(_row AS BIGINT) AS r, paid_at, advocate_id, status FROM payouts ORDER BY r',
    );
    expect(got.length).toBe(a.accepted);
    expect(got).toEqual(want);
    // independent of the code: the advocates of every row read (a0 … a11999), in text order
    const values = Array.from({ length: 12000 }, (_, i) => `a${i}`).sort();
    expect(values.length).toBeGreaterThan(10000);
    const dict = await engine.query<{ code: number; value: string }>(
      'SELECT code, value FROM pay_wide_advocate_id ORDER BY code',
    );
    expect(dict).toEqual(values.map((value, code) => ({ code, value })));
  });

  it('is an empty table of the same columns for an entity no source feeds', async () => {
    const r = await normalize([], {
      table: 'pay_none',
      columns: ['_source', 'amount'],
      codes: ['status'],
      hashes: ['payout_id'],
    });
    expect(r.narrow).toEqual({ payouts: { table: 'pay_none', rows: 0 } });
    expect((await engine.describe('pay_none')).map((c) => [c.name, c.type])).toEqual([
      ['_source', 'VARCHAR'],
      ['amount', 'DOUBLE'],
      ['status', 'UINTEGER'],
      ['payout_id_hash', 'UBIGINT'],
    ]);
    expect(await engine.query('SELECT * FROM pay_none_status')).toEqual([]);
    // with computed columns: typed as they would be, over the lookups
    await engine.exec("CREATE OR REPLACE TABLE st_num AS SELECT 'paid' AS status, 1::TINYINT AS k");
    await normalize([], {
      table: 'pay_none2',
      columns: ['amount'],
      lookups: [{ alias: 'st', table: 'st_num', on: { status: 'status' } }],
      computed: { k: 'st.k', twice: 's.amount * 2' },
    });
    expect((await engine.describe('pay_none2')).map((c) => [c.name, c.type])).toEqual([
      ['amount', 'DOUBLE'],
      ['k', 'TINYINT'],
      ['twice', 'DOUBLE'],
    ]);
  });

  describe('hashes are exact keys', () => {
    // a hash of 3 bits (8 keys) for the test: with ~40 advocates nearly every key is shared
    const weak = (x: string) => `(hash(${x}) % 8)`;
    const rows = (): Row[] => {
      const rand = rng(23);
      return Array.from({ length: 400 }, (_, i): Row => {
        const a = Math.floor(rand() * 40);
        return [
          `p${i}`,
          rand() < 0.05 ? null : [`a${a}`, ` A${a}`][Math.floor(rand() * 2)],
          rand() < 0.03 ? null : 5,
          'USD',
          'paid',
          '2026-02-01 00:00:00',
          rand() < 0.3 ? null : `n${Math.floor(rand() * 30)}`,
        ];
      });
    };
    const spec = (table: string, rekey: boolean): NarrowSpec => ({
      table,
      columns: ['_row', 'amount'],
      hashes: ['advocate_id', 'note'],
      rekey,
    });

    it('stops with an INTERNAL error naming the column when two values share a hash', async () => {
      const file = await parquet(path.join(dir, 'weak1.parquet'), rows());
      const run = normalizeEntities(engine, [payouts], [await bind('weak', file, 8, 1)], SETTINGS, dir, {
        narrow: { payouts: spec('pay_weak1', false) },
        hash: weak,
      });
      await expect(run).rejects.toMatchObject({ code: 'INTERNAL' });
      await expect(run).rejects.toThrow(/payouts\.advocate_id share a 64-bit hash/);
    });

    it('leaves unchecked columns out of the check: written as hash(value), never rekeyed', async () => {
      const file = await parquet(path.join(dir, 'weak3.parquet'), rows());
      const r = await normalizeEntities(engine, [payouts], [await bind('weak', file, 22, 1)], SETTINGS, dir, {
        narrow: { payouts: { ...spec('pay_weak3', true), unchecked: ['note'] } },
        hash: weak,
      });
      expect(Object.keys(r.narrow?.payouts.rekeyed ?? {})).toEqual(['advocate_id']);
      const [{ bad }] = await engine.query<{ bad: number }>(
        `SELECT count(*) AS bad FROM pay_weak3 n JOIN payouts p ON p._row = n._row WHERE n.note_hash IS DISTINCT FROM ${weak('p.note')}`,
      );
      expect(Number(bad)).toBe(0);
      // with both unchecked, a collision does not stop a run without rekey
      const again = await normalizeEntities(
        engine,
        [payouts],
        [await bind('weak', file, 23, 1)],
        SETTINGS,
        dir,
        {
          narrow: { payouts: { ...spec('pay_weak4', false), unchecked: ['advocate_id', 'note'] } },
          hash: weak,
        },
      );
      expect(again.narrow?.payouts.rekeyed).toBeUndefined();
      await expect(
        normalize([await bind('weak', file, 24, 1)], { ...spec('pay_weak5', false), unchecked: ['amount'] }),
      ).rejects.toThrow(/unchecked column amount is not hashed/);
    });

    it('gives colliding values keys of their own when the command joins through narrowHashSql', async () => {
      const file = await parquet(path.join(dir, 'weak2.parquet'), rows());
      const r = await normalizeEntities(engine, [payouts], [await bind('weak', file, 9, 1)], SETTINGS, dir, {
        narrow: { payouts: spec('pay_weak2', true) },
        hash: weak,
      });
      const n = r.narrow?.payouts;
      // the note's NULL shares a key with some value: that value is rekeyed, NULL keeps its hash
      expect(Object.keys(n?.rekeyed ?? {}).sort()).toEqual(['advocate_id', 'note']);
      // every distinct value (and NULL) has a key no other has, in the narrow table
      for (const c of ['advocate_id', 'note']) {
        const [k] = await engine.query<{ keys: number; values: number }>(
          `SELECT count(DISTINCT ${c}_hash) AS keys, (SELECT count(DISTINCT COALESCE(${c}, '(null)')) FROM payouts) AS values FROM pay_weak2`,
        );
        expect(Number(k.keys), c).toBe(Number(k.values));
      }
      // a command's join on the keys: the advocates and notes of another table, joined through
      // narrowHashSql, give what a join on the text gives. (Only values the accepted rows have:
      // a value of the other table alone that shares a key is not seen by the kit, see the docs.)
      await engine.exec(
        `CREATE OR REPLACE TEMP TABLE others AS SELECT 'a' || (i % 40) AS advocate_id, CASE WHEN i % 3 = 0 THEN NULL ELSE 'n' || (i % 30) END AS note, i AS o FROM range(60) t(i)`,
      );
      for (const c of ['advocate_id', 'note']) {
        const key = narrowHashSql(n, c, `o.${c}`, weak);
        const got = await engine.query(
          `SELECT o.o, CAST(p._row AS BIGINT) AS r FROM others o JOIN pay_weak2 p ON p.${c}_hash = ${key} ORDER BY ALL`,
        );
        const want = await engine.query(
          `SELECT o.o, CAST(p._row AS BIGINT) AS r FROM others o JOIN payouts p ON p.${c} IS NOT DISTINCT FROM o.${c} ORDER BY ALL`,
        );
        expect(want.length, c).toBeGreaterThan(100);
        expect(got, c).toEqual(want);
        // with hash(x) alone the join would not be exact
        const loose = await engine.query(
          `SELECT count(*) AS n FROM others o JOIN pay_weak2 p ON p.${c}_hash = ${weak(`o.${c}`)}`,
        );
        expect(Number(loose[0].n)).not.toBe(want.length);
      }
    });

    it('rekeys a column of mostly distinct values (checked on the repeated hashes first)', async () => {
      // 400 payout ids on 300 keys: most keys are used once, a hundred or so twice
      const mod300 = (x: string) => `(hash(${x}) % 300)`;
      const file = await parquet(path.join(dir, 'weak3.parquet'), rows());
      const r = await normalizeEntities(
        engine,
        [payouts],
        [await bind('weak3', file, 11, 1)],
        SETTINGS,
        dir,
        {
          narrow: { payouts: { table: 'pay_weak3', columns: ['_row'], hashes: ['payout_id'], rekey: true } },
          hash: mod300,
        },
      );
      const n = r.narrow?.payouts;
      expect(n?.rekeyed?.payout_id.length).toBeGreaterThan(50);
      const [k] = await engine.query<{ keys: number; rows: number }>(
        'SELECT count(DISTINCT payout_id_hash) AS keys, count(*) AS rows FROM pay_weak3',
      );
      expect(Number(k.keys)).toBe(Number(k.rows));
      const got = await engine.query(
        `SELECT CAST(p._row AS BIGINT) AS r, v.payout_id FROM pay_weak3 p JOIN payouts v ON p.payout_id_hash = ${narrowHashSql(n, 'payout_id', 'v.payout_id', mod300)} ORDER BY ALL`,
      );
      const want = await engine.query(
        'SELECT CAST(_row AS BIGINT) AS r, payout_id FROM payouts ORDER BY ALL',
      );
      expect(got).toEqual(want);
    });

    it('finds no collision with the real hash, and keys stay hash(value)', async () => {
      const file = await parquet(path.join(dir, 'real.parquet'), rows());
      const r = await normalizeEntities(engine, [payouts], [await bind('real', file, 10, 1)], SETTINGS, dir, {
        narrow: { payouts: spec('pay_real', false) },
      });
      expect(r.narrow?.payouts.rekeyed).toBeUndefined();
      expect(narrowHashSql(r.narrow?.payouts, 'advocate_id', 'x')).toBe('hash(x)');
      const [{ bad }] = await engine.query<{ bad: number }>(
        'SELECT count(*) AS bad FROM pay_real p JOIN payouts v USING (_row) WHERE p.advocate_id_hash <> hash(v.advocate_id) OR p.note_hash <> hash(v.note)',
      );
      expect(Number(bad)).toBe(0);
    });

    it('repeatedSql lists exactly the values seen more than once', async () => {
      // values whose upper 32 bits are equal but lower ones differ must not be listed
      await engine.exec(
        `CREATE OR REPLACE TEMP TABLE reps AS SELECT CAST(v AS UBIGINT) AS h FROM (VALUES (1), (1), (4294967296 + 1), (4294967296 + 2), (4294967296 + 2), (4294967296 + 2), (NULL), (NULL), (7), (18446744073709551615), (18446744073709551615)) t(v)`,
      );
      const got = await engine.query<{ h: string }>(
        `SELECT CAST(h AS VARCHAR) AS h FROM (${repeatedSql('reps', 'h')}) ORDER BY 1`,
      );
      expect(got.map((x) => x.h)).toEqual(['1', '18446744073709551615', '4294967298']);
    });
  });

  it('refuses a column the entity does not have', async () => {
    await expect(normalize([], { table: 'pay_bad', columns: ['nope'] })).rejects.toThrow(
      /payouts has no column nope/,
    );
  });
});

/** Seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
