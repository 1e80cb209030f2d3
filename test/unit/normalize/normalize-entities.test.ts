/**
 * `normalizeEntities` end to end on an in-memory DuckDB: a typed Parquet source (read through a
 * view) and a CSV source (parsed into a table) feeding one entity, with rejected rows, duplicates
 * inside a source and across sources, values the normalization changes and values it keeps.
 * Checked against values written by hand, and, on seeded random sources, against the reference
 * formulation (each source's normalizing SELECT, its valid rows, the exact dedupe over all of them).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  type NormalizeResult,
} from '../../../src/data/index.ts';
import { DEDUPE_LIMITS, DIFFERING_LISTED } from '../../../src/data/entities/normalize-entities.ts';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openDuckDb();
  dir = mkdtempSync(path.join(os.tmpdir(), 'gtm-normalize-'));
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

/** A typed Parquet file (VARCHAR, DOUBLE, TIMESTAMP columns) with these rows. */
async function parquet(name: string, rows: Row[]): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
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

function csv(name: string, lines: string[]): string {
  const file = path.join(dir, `${name}.csv`);
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

const normalize = (parts: BoundSource[]) => normalizeEntities(engine, [payouts], parts, SETTINGS, dir);

const canonical = () =>
  engine.query<Record<string, unknown>>(
    'SELECT * EXCLUDE (_file) FROM payouts ORDER BY payout_id, _source, _row',
  );

describe('normalizeEntities', () => {
  let result: NormalizeResult;
  beforeAll(async () => {
    const a = await parquet('a', [
      ['p1', 'a1', 10, 'USD', 'paid', '2026-02-01 10:00:00', 'x'],
      ['p2', ' A2 ', 20, 'EUR', 'pending', '2026-02-02 00:00:00', null],
      ['p3', 'a3', -5, 'USD', 'paid', '2026-02-03 00:00:00', null],
      ['p4', 'a4', 5, 'USD', 'lost', '2026-02-04 00:00:00', null],
      ['p1', 'a1', 10, 'USD', 'paid', '2026-02-01 10:00:00', 'again'],
      ['p6', 'a6', 7, null, 'In Progress', '2026-02-06 00:00:00', null],
      ['p7', 'a7', 3, 'CHF', 'paid', '2026-02-07 00:00:00', null],
    ]);
    const b = csv('b', [
      'p2,a2,21,USD,paid,2026-02-02T00:00:00Z,',
      'p9,A9,"1,000",usd,paid,2026-03-01,',
      'p10,a10,5,USD,paid,yesterday,',
    ]);
    result = await normalize([await bind('ledger_a', a, 0, 1), await bind('ledger_b', b, 1, 2)]);
  });

  it('accounts for every row: accepted, deduplicated inside and across sources, rejected with its reason', () => {
    expect(result.accounting).toEqual([
      { source: 'ledger_a', entity: 'payouts', rows_in: 7, accepted: 3, deduplicated: 1, rejected: 3 },
      { source: 'ledger_b', entity: 'payouts', rows_in: 3, accepted: 1, deduplicated: 1, rejected: 1 },
    ]);
    expect(result.entities).toEqual({ payouts: 4 });
    expect(result.rejects.map((r) => [r.source, r.file, r.row, r.reason])).toEqual([
      ['ledger_a', 'a.parquet', 3, 'amount: -5.0 is below 0'],
      ['ledger_a', 'a.parquet', 4, 'status: lost is not one of pending, paid'],
      ['ledger_a', 'a.parquet', 7, 'currency: no rate for CHF; add it under currency.rates'],
      ['ledger_b', 'b.csv', 4, 'paid_at: cannot read yesterday as a timestamp'],
    ]);
    // p1 twice in ledger_a, the note changed ('x' kept, 'again' dropped); p2 in ledger_b as 21 USD
    // paid against ledger_a's 20 EUR pending (22 USD at 1.1)
    expect(result.duplicates).toEqual([
      { source: 'ledger_a', kept_source: 'ledger_a', rows: 1, differing: 1, differing_columns: { note: 1 } },
      {
        source: 'ledger_b',
        kept_source: 'ledger_a',
        rows: 1,
        differing: 1,
        differing_columns: { amount: 1, currency: 1, status: 1 },
      },
    ]);
    const values = (r: NonNullable<NormalizeResult['differing']>[number]) =>
      r.values.map((v) => [
        v.column,
        v.value === null ? null : v.value.replace(/(\.\d{6})\d+$/, '$1'),
        v.kept,
      ]);
    expect(
      result.differing?.map((r) => [
        r.source,
        r.file,
        r.row,
        r.kept_source,
        r.kept_file,
        r.kept_row,
        values(r),
      ]),
    ).toEqual([
      ['ledger_a', 'a.parquet', 5, 'ledger_a', 'a.parquet', 1, [['note', 'again', 'x']]],
      [
        'ledger_b',
        'b.csv',
        2,
        'ledger_a',
        'a.parquet',
        2,
        [
          ['amount', '21', expect.stringMatching(/^22(\.0000000\d*)?$/)],
          ['currency', 'USD', 'EUR'],
          ['status', 'paid', 'pending'],
        ],
      ],
    ]);
  });

  it('exposes the canonical rows: typed, converted, trimmed and lower-cased where needed', async () => {
    const rows = await canonical();
    expect(rows.map((r) => ({ ...r, amount: Number((r.amount as number).toFixed(9)) }))).toEqual([
      {
        _source: 'ledger_a',
        _priority: 1,
        _row: 1,
        payout_id: 'p1',
        advocate_id: 'a1',
        amount: 10,
        currency: 'USD',
        status: 'paid',
        paid_at: '2026-02-01T10:00:00.000Z',
        note: 'x',
        amount_local: 10,
      },
      {
        _source: 'ledger_a',
        _priority: 1,
        _row: 2,
        payout_id: 'p2',
        advocate_id: 'a2',
        amount: 22,
        currency: 'EUR',
        status: 'pending',
        paid_at: '2026-02-02T00:00:00.000Z',
        note: null,
        amount_local: 20,
      },
      {
        _source: 'ledger_a',
        _priority: 1,
        _row: 6,
        payout_id: 'p6',
        advocate_id: 'a6',
        amount: 7,
        currency: 'USD',
        status: 'pending',
        paid_at: '2026-02-06T00:00:00.000Z',
        note: null,
        amount_local: 7,
      },
      {
        _source: 'ledger_b',
        _priority: 2,
        _row: 3,
        payout_id: 'p9',
        advocate_id: 'a9',
        amount: 1000,
        currency: 'USD',
        status: 'paid',
        paid_at: '2026-03-01T00:00:00.000Z',
        note: null,
        amount_local: 1000,
      },
    ]);
  });

  it('gives the canonical view the columns and types of the normalizing SELECT, without the reason', async () => {
    const view = await engine.describe('payouts');
    await engine.exec(
      `CREATE OR REPLACE TEMP VIEW ref_cols AS SELECT * EXCLUDE (_reject_reason) FROM (${payouts.select(
        {
          source: 's',
          entity: 'payouts',
          priority: 1,
          rawTable: 'raw_0',
          columns: Object.fromEntries(COLUMNS.map((c) => [c, c])),
          columnTypes: Object.fromEntries((await engine.describe('raw_0')).map((c) => [c.name, c.type])),
          defaultCurrency: 'USD',
        },
        SETTINGS,
      )})`,
    );
    expect(view).toEqual(await engine.describe('ref_cols'));
    expect(view.map((c) => c.name)).toEqual([
      '_source',
      '_priority',
      '_file',
      '_row',
      ...COLUMNS,
      'amount_local',
    ]);
  });

  it('reads the checked columns of a clean typed source as they are: later scans do not recheck them', async () => {
    const clean = await parquet('clean', [
      ['q1', 'a1', 10, 'USD', 'paid', '2026-02-01 10:00:00', 'x'],
      ['q2', 'a2', 20, 'USD', 'pending', '2026-02-02 00:00:00', null],
    ]);
    const r = await normalize([await bind('clean', clean, 2, 1)]);
    expect(r.accounting[0]).toMatchObject({ rows_in: 2, accepted: 2, deduplicated: 0, rejected: 0 });
    const [{ sql }] = await engine.query<{ sql: string }>(
      "SELECT sql FROM duckdb_views() WHERE view_name = 'payouts'",
    );
    // the checked columns are read as the source has them: no reason, no lower-casing, no token
    // rewrite, no exchange-rate join, no anti-join; an unchecked text column keeps its trim
    for (const c of ['payout_id', 'advocate_id', 'currency', 'status'])
      expect(sql).toContain(`${c} AS ${c},`);
    expect(sql).not.toMatch(/_reject_reason|lower\(|regexp_replace|JOIN|_rate_/i);
    expect(sql).toMatch(/trim"?\(CAST\(note AS VARCHAR\), \(+chr\(9\)/);
    expect((await canonical()).map((x) => [x.payout_id, x.advocate_id, x.amount, x.status])).toEqual([
      ['q1', 'a1', 10, 'paid'],
      ['q2', 'a2', 20, 'pending'],
    ]);
  });
});

describe('normalizeEntities with no source for an entity', () => {
  it('gives an empty canonical view with the columns and types of a normalized one, bookkeeping included', async () => {
    const a = await parquet('typed_for_columns', [
      ['p1', 'a1', 10, 'USD', 'paid', '2026-02-01 10:00:00', 'x'],
    ]);
    await normalize([await bind('ledger_a', a, 0, 1)]);
    const filled = await engine.describe('payouts');
    const result = await normalize([]);
    expect(result.accounting).toEqual([]);
    expect(await engine.describe('payouts')).toEqual(filled);
    // a command citing a row's source reads it as on any other entity
    expect(await engine.query('SELECT _source, count(*) AS n FROM payouts GROUP BY _source')).toEqual([]);
  });
});

describe('normalizeEntities with many duplicates', () => {
  it('dedupes them through a rescan when there are too many to fetch by row number', async () => {
    const file = path.join(dir, 'many.parquet');
    // 15,000 payouts sent twice (30,000 candidate rows), the second copy with an upper-case advocate
    await engine.exec(
      `COPY (SELECT 'p' || (i % 15000) AS payout_id, CASE WHEN i < 15000 THEN 'a' ELSE 'A' END || (i % 7) AS advocate_id,
        1.0::DOUBLE AS amount, 'USD' AS currency, 'paid' AS status, TIMESTAMP '2026-02-01' AS paid_at, NULL::VARCHAR AS note
        FROM range(30000) t(i)) TO ${literal(file)} (FORMAT parquet)`,
    );
    const r = await normalize([await bind('many', file, 6, 1)]);
    expect(r.accounting[0]).toMatchObject({
      rows_in: 30000,
      accepted: 15000,
      deduplicated: 15000,
      rejected: 0,
    });
    // the second copy of p<j> (row 15001 + j) names advocate A<(j + 15000) % 7> = a<(j + 6) % 7>,
    // never the first copy's a<j % 7>: every dropped copy differs, in advocate_id only
    expect(r.duplicates).toEqual([
      {
        source: 'many',
        kept_source: 'many',
        rows: 15000,
        differing: 15000,
        differing_columns: { advocate_id: 15000 },
      },
    ]);
    // listed up to the cap, in row order: the first is p0 (a0 kept, a6 dropped)
    expect(r.differing).toHaveLength(DIFFERING_LISTED);
    expect(r.differing?.[0]).toMatchObject({
      row: 15001,
      kept_row: 1,
      values: [{ column: 'advocate_id', value: 'a6', kept: 'a0' }],
    });
    expect(r.differing?.every((d) => d.row === d.kept_row + 15000)).toBe(true);
    const [k] = await engine.query<{ n: number; ids: number; last: number; upper: number }>(
      'SELECT count(*) AS n, count(DISTINCT payout_id) AS ids, max(_row) AS last, count(*) FILTER (WHERE advocate_id <> lower(advocate_id)) AS upper FROM payouts',
    );
    expect(k).toEqual({ n: 15000, ids: 15000, last: 15000, upper: 0 });
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

describe('normalizeEntities on seeded random sources', () => {
  it('gives the rows and counts of the reference formulation', async () => {
    const rand = rng(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const row = (): Row => [
      rand() < 0.05 ? null : `${pick(['', '', '', ' '])}p${Math.floor(rand() * 150)}`,
      pick(['a1', 'A1', ' a2', 'a3', null, '']),
      pick([10, 20.5, -1, null, 0, 3]),
      pick(['USD', 'EUR', 'usd', null, 'CHF', 'USD']),
      pick(['paid', 'pending', 'In Progress', 'lost', null, 'paid']),
      pick(['2026-02-01 00:00:00', '2025-12-01 00:00:00', null, '2026-03-01 12:00:00']),
      pick(['x', ' y ', null]),
    ];
    const generated: Record<string, Row[]> = {
      r1: Array.from({ length: 300 }, row),
      r2: Array.from({ length: 200 }, row),
      r3: Array.from({ length: 100 }, row),
    };
    const sources = [
      await bind('r1', await parquet('r1', generated.r1), 3, 2),
      await bind('r2', await parquet('r2', generated.r2), 4, 1),
      await bind(
        'r3',
        csv(
          'r3',
          generated.r3.map((r) => r.map((x) => (x === null ? '' : `"${String(x)}"`)).join(',')),
        ),
        5,
        3,
      ),
    ];
    // the reference: every source's normalizing SELECT, its valid rows, the exact dedupe over all
    const union = sources
      .map((s) => `SELECT * FROM (${payouts.select(s.binding, SETTINGS)})`)
      .join(' UNION ALL BY NAME ');
    await engine.exec(
      `CREATE OR REPLACE TEMP TABLE ref AS ${dedupeSql(`(SELECT * FROM (${union}) WHERE _reject_reason IS NULL)`, ['payout_id'], {})}`,
    );
    const refRejected = await engine.query<{ _source: string; n: number }>(
      `SELECT _source, count(*) AS n FROM (${union}) WHERE _reject_reason IS NOT NULL GROUP BY ALL`,
    );
    // continuation lines, from the rule: a rejected row whose payout_id is that of a valid row of
    // its source (one file each), every other cell blank as generated (null, '', ' ') or its
    // canonical value equal to that of the lowest such row (the amount as written: amount_local)
    const canon = await engine.query<Record<string, unknown>>(
      `SELECT _source, _row, _reject_reason IS NOT NULL AS rej, payout_id, advocate_id, amount_local,
         currency, status, CAST(paid_at AS VARCHAR) AS paid_at, note FROM (${union})`,
    );
    const OTHER = ['advocate_id', 'amount_local', 'currency', 'status', 'paid_at', 'note'];
    const expected: { source: string; row: number; kept_row: number }[] = [];
    for (const r of canon.filter((x) => x.rej && x.payout_id !== null)) {
      const head = canon
        .filter((v) => !v.rej && v._source === r._source && v.payout_id === r.payout_id)
        .sort((x, y) => Number(x._row) - Number(y._row))[0];
      if (!head) continue;
      const source = String(r._source);
      const cells = generated[source][Number(r._row) - (source === 'r3' ? 2 : 1)];
      const blankCell = (x: string | number | null) => x === null || String(x).trim() === '';
      if (OTHER.every((c, j) => blankCell(cells[j + 1]) || String(r[c]) === String(head[c])))
        expected.push({ source, row: Number(r._row), kept_row: Number(head._row) });
    }
    // seed 7 has some (in a Parquet source: read back by the reader's row numbers)
    expect(expected.length).toBeGreaterThan(0);
    const result = await normalize(sources);
    expect(
      (result.continuations ?? []).map((c) => ({ source: c.source, row: c.row, kept_row: c.kept_row })),
    ).toEqual(expected.sort((x, y) => x.source.localeCompare(y.source) || x.row - y.row));
    for (const a of result.accounting) {
      const [{ kept, dups }] = await engine.query<{ kept: number; dups: number }>(
        `SELECT count(*) FILTER (WHERE _dup_rank = 1) AS kept, count(*) FILTER (WHERE _dup_rank > 1) AS dups FROM ref WHERE _source = ${literal(a.source)}`,
      );
      const cont = expected.filter((x) => x.source === a.source).length;
      const rejected = Number(refRejected.find((r) => r._source === a.source)?.n ?? 0) - cont;
      expect(a, a.source).toMatchObject({
        accepted: Number(kept),
        deduplicated: Number(dups) + cont,
        rejected,
      });
      expect(a.accepted + a.deduplicated + a.rejected).toBe(a.rows_in);
    }
    expect(result.rejects.length).toBe(result.accounting.reduce((s, a) => s + a.rejected, 0));
    const cols = `_source, _priority, _file, _row, ${COLUMNS.join(', ')}, amount_local`;
    const got = await engine.query(`SELECT ${cols} FROM payouts ORDER BY _source, _row`);
    const want = await engine.query(`SELECT ${cols} FROM ref WHERE _dup_rank = 1 ORDER BY _source, _row`);
    expect(got.length).toBeGreaterThan(20);
    expect(got).toEqual(want);
  });
});

/**
 * Time-tolerant dedupe on many duplicate groups, checked against a computation in TypeScript
 * written from the rule (not from the SQL): rows with equal non-time keys (the advocate, trimmed and
 * lower-cased; NULL keys never match, the row being rejected) whose times chain within the
 * tolerance are one record, kept from the source of lowest priority, then name, then row.
 */
describe('normalizeEntities, time-tolerant dedupe on seeded random sources', () => {
  const TOL = 60;
  const visits = typedEntity({
    name: 'visits',
    description: 'test',
    columns: {
      advocate_id: { kind: 'key', required: true },
      paid_at: { kind: 'timestamp', required: true },
      note: { kind: 'text' },
    },
    dedupe: { keys: ['advocate_id', 'paid_at'], timeKey: 'paid_at', toleranceSeconds: TOL },
  });
  type Visit = { advocate: string | null; at: number | null; source: string; priority: number; row: number };

  /** Expected accepted / deduplicated / rejected per source. */
  function reference(rows: Visit[]) {
    const out: Record<string, { accepted: number; deduplicated: number; rejected: number }> = {};
    for (const r of rows) out[r.source] ??= { accepted: 0, deduplicated: 0, rejected: 0 };
    const groups = new Map<string, Visit[]>();
    for (const r of rows) {
      const key = r.advocate?.trim().toLowerCase();
      if (!key || r.at === null) {
        out[r.source].rejected++;
        continue;
      }
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const pref = (a: Visit, b: Visit) =>
      a.priority - b.priority || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || a.row - b.row;
    for (const g of groups.values()) {
      g.sort((a, b) => (a.at as number) - (b.at as number) || pref(a, b));
      let cluster: Visit[] = [];
      const close = () => {
        const kept = [...cluster].sort(pref)[0];
        for (const r of cluster) out[r.source][r === kept ? 'accepted' : 'deduplicated']++;
      };
      for (const r of g) {
        if (cluster.length && (r.at as number) - (cluster[cluster.length - 1].at as number) > TOL) {
          close();
          cluster = [];
        }
        cluster.push(r);
      }
      close();
    }
    return out;
  }

  async function run(
    seed: number,
    sizes: number[],
    advocates: number,
    spanSeconds: number,
    via: Engine = engine,
  ) {
    const rand = rng(seed);
    const base = Date.parse('2026-02-01T00:00:00Z') / 1000;
    const all: Visit[] = [];
    const sources: BoundSource[] = [];
    for (const [s, size] of sizes.entries()) {
      const name = `v${s}`;
      const rows: Visit[] = [];
      for (let i = 0; i < size; i++) {
        const a = Math.floor(rand() * advocates);
        // times on a grid of 30 s with offsets of 0, ±1 s around the tolerance: gaps of exactly
        // 60, 59 and 61 s are common
        const at =
          rand() < 0.02
            ? null
            : base + 30 * Math.floor(rand() * (spanSeconds / 30)) + [0, 0, 1, -1][Math.floor(rand() * 4)];
        const spelled = rand() < 0.02 ? null : [`a${a}`, ` A${a}`, `a${a} `][Math.floor(rand() * 3)];
        rows.push({ advocate: spelled, at, source: name, priority: [2, 1, 2][s], row: i + 1 });
      }
      const file = path.join(dir, `${name}-${seed}.parquet`);
      await engine.exec(
        `CREATE OR REPLACE TEMP TABLE vsrc (advocate_id VARCHAR, paid_at TIMESTAMP, note VARCHAR)`,
      );
      for (let i = 0; i < rows.length; i += 5000)
        await engine.exec(
          `INSERT INTO vsrc VALUES ${rows
            .slice(i, i + 5000)
            .map(
              (r) =>
                `(${r.advocate === null ? 'NULL' : literal(r.advocate)}, ${r.at === null ? 'NULL' : `make_timestamp(${r.at * 1_000_000})`}, NULL)`,
            )
            .join(', ')}`,
        );
      await engine.exec(`COPY (SELECT * FROM vsrc) TO ${literal(file)} (FORMAT parquet)`);
      const load = await loadSource(engine, { name, kind: 'file', path: file }, `raw_v${seed}_${s}`);
      sources.push({
        load,
        binding: {
          source: name,
          entity: 'visits',
          priority: [2, 1, 2][s],
          rawTable: load.table,
          columns: { advocate_id: 'advocate_id', paid_at: 'paid_at', note: 'note' },
          columnTypes: Object.fromEntries(load.columns.map((c) => [c.name, c.type])),
          defaultCurrency: 'USD',
        },
      });
      all.push(...rows);
    }
    const result = await normalizeEntities(via, [visits], sources, SETTINGS, dir);
    const want = reference(all);
    for (const a of result.accounting) {
      expect(a, a.source).toMatchObject(want[a.source]);
      expect(a.accepted + a.deduplicated + a.rejected).toBe(a.rows_in);
    }
    const [{ n }] = await engine.query<{ n: number }>('SELECT count(*) AS n FROM visits');
    expect(Number(n)).toBe(Object.values(want).reduce((s, x) => s + x.accepted, 0));
    return want;
  }

  it('keeps the reference rows with few candidates (their row numbers joined from a table)', async () => {
    const want = await run(3, [400, 300, 200], 60, 3600);
    const dups = Object.values(want).reduce((s, x) => s + x.deduplicated, 0);
    expect(dups).toBeGreaterThan(50);
  });

  it('keeps the reference rows with few candidates in large sources (their row numbers inlined)', async () => {
    const before = DEDUPE_LIMITS.candidatesJoinedUpTo;
    DEDUPE_LIMITS.candidatesJoinedUpTo = 250; // the 300- and 400-row sources inline, the 200-row one joins
    try {
      const want = await run(4, [400, 300, 200], 60, 3600);
      const dups = Object.values(want).reduce((s, x) => s + x.deduplicated, 0);
      expect(dups).toBeGreaterThan(50);
    } finally {
      DEDUPE_LIMITS.candidatesJoinedUpTo = before;
    }
  });

  it('keeps the reference rows of one large Parquet source, whose pass writes no row numbers (rowid + 1)', async () => {
    const before = DEDUPE_LIMITS.candidatesJoinedUpTo;
    DEDUPE_LIMITS.candidatesJoinedUpTo = 250; // one 900-row source: its candidates by position
    const passes: string[] = [];
    const spy = Object.create(engine) as Engine;
    spy.exec = (sql: string) => {
      if (sql.includes('TABLE "keys_visits"')) passes.push(sql);
      return engine.exec(sql);
    };
    try {
      const want = await run(6, [900], 60, 3600, spy);
      expect(Object.values(want).reduce((s, x) => s + x.deduplicated, 0)).toBeGreaterThan(50);
      expect(passes).toHaveLength(1);
      expect(passes[0]).not.toMatch(/AS _row/);
    } finally {
      DEDUPE_LIMITS.candidatesJoinedUpTo = before;
    }
  });

  // every row is a candidate (34,000 rows, 3,000 advocates): more than are fetched by row number
  it('keeps the reference rows with many candidates (read by a rescan)', async () => {
    const want = await run(5, [16000, 12000, 6000], 3000, 4 * 3600);
    const dups = Object.values(want).reduce((s, x) => s + x.deduplicated, 0);
    expect(dups).toBeGreaterThan(1000);
  });
});
