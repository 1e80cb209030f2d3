/**
 * Dedupe of touches arriving from several sources, on an in-memory DuckDB fixture, against an
 * independent clustering written in TypeScript and against hand-written expectations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupeSql } from '../../../src/data/entities/index.ts';
import { literal, openDuckDb, type Engine } from '../../../src/data/index.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine.close());

interface T {
  id: string;
  person_id: string | null;
  account_id: string | null;
  touch_type: string;
  /** seconds after 2026-02-01T00:00:00Z */
  at: number;
  asset: string | null;
  _source: string;
  _priority: number;
  _row: number;
}

const KEYS = ['person_id', 'touch_type', 'occurred_at', 'asset'];
const T0 = Date.parse('2026-02-01T00:00:00Z') / 1000;

async function dedupe(rows: T[], tolerance: number) {
  const values = rows
    .map(
      (r) =>
        `(${[r.id, r.person_id, r.account_id, r.touch_type].map((v) => (v === null ? 'NULL' : literal(v))).join(', ')}, to_timestamp(${T0 + r.at})::TIMESTAMP, ${r.asset === null ? 'NULL' : literal(r.asset)}, ${literal(r._source)}, ${r._priority}, ${r._row}, 'f.csv')`,
    )
    .join(', ');
  await engine.exec(
    'CREATE OR REPLACE TABLE t (id VARCHAR, person_id VARCHAR, account_id VARCHAR, touch_type VARCHAR, occurred_at TIMESTAMP, asset VARCHAR, _source VARCHAR, _priority INTEGER, _row BIGINT, _file VARCHAR)',
  );
  await engine.exec(`INSERT INTO t VALUES ${values}`);
  const got = await engine.query<{ id: string; _dup_rank: number; _kept_source: string; _kept_row: number }>(
    `SELECT id, _dup_rank, _kept_source, _kept_row FROM (${dedupeSql('t', KEYS, { timeKey: 'occurred_at', toleranceSeconds: tolerance })}) ORDER BY id`,
  );
  return Object.fromEntries(
    got.map((g) => [
      g.id,
      { kept: Number(g._dup_rank) === 1, keptSource: g._kept_source, keptRow: Number(g._kept_row) },
    ]),
  );
}

/** Independent: group by identity + keys; within a group, sort by time and cut where the gap exceeds the tolerance; keep the best by priority, source, row. */
function reference(rows: T[], tolerance: number) {
  const identity = (r: T) =>
    r.person_id ?? (r.account_id !== null ? `account:${r.account_id}` : `row:${r._source}:${r._row}`);
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = JSON.stringify([identity(r), r.touch_type, r.asset]);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: Record<string, { kept: boolean; keptSource: string; keptRow: number }> = {};
  const better = (a: T, b: T) =>
    a._priority - b._priority || a._source.localeCompare(b._source) || a._row - b._row;
  for (const g of groups.values()) {
    g.sort((a, b) => a.at - b.at || better(a, b));
    const clusters: T[][] = [];
    for (const r of g) {
      const last = clusters[clusters.length - 1];
      if (last && r.at - last[last.length - 1].at <= tolerance) last.push(r);
      else clusters.push([r]);
    }
    for (const c of clusters) {
      const best = [...c].sort(better)[0];
      for (const r of c) out[r.id] = { kept: r === best, keptSource: best._source, keptRow: best._row };
    }
  }
  return out;
}

const touch = (id: string, over: Partial<T>): T => ({
  id,
  person_id: 'ann@x',
  account_id: null,
  touch_type: 'webinar_attended',
  at: 0,
  asset: 'w1',
  _source: 'crm',
  _priority: 1,
  _row: 2,
  ...over,
});

describe('touch dedupe with a time tolerance', () => {
  it('chains touches within the tolerance into one record; the lowest priority is kept even when it is not the first', async () => {
    const rows = [
      touch('a1', { at: 0, _source: 'web', _priority: 2, _row: 10 }),
      touch('a2', { at: 100, _source: 'crm', _priority: 1, _row: 5 }),
      touch('a3', { at: 200, _source: 'partner', _priority: 5, _row: 7 }), // 200 s from a1, but 100 s from a2: chained
    ];
    const got = await dedupe(rows, 120);
    expect(got).toEqual({
      a1: { kept: false, keptSource: 'crm', keptRow: 5 },
      a2: { kept: true, keptSource: 'crm', keptRow: 5 },
      a3: { kept: false, keptSource: 'crm', keptRow: 5 },
    });
    expect(got).toEqual(reference(rows, 120));
  });

  it('does not dedupe beyond the tolerance; exactly at the tolerance it does', async () => {
    const rows = [
      touch('b1', { at: 0, _source: 'crm' }),
      touch('b2', { at: 121, _source: 'partner', _priority: 5 }),
      touch('b3', { at: 1000, _source: 'crm', _row: 3 }),
      touch('b4', { at: 1120, _source: 'partner', _priority: 5, _row: 3 }),
    ];
    const got = await dedupe(rows, 120);
    expect(Object.values(got).map((g) => g.kept)).toEqual([true, true, true, false]);
    expect(got.b4.keptSource).toBe('crm');
    expect(got).toEqual(reference(rows, 120));
  });

  it('never dedupes touches without an identity; falls back to the account when there is no person', async () => {
    const rows = [
      touch('c1', { person_id: null, account_id: null, _row: 2 }),
      touch('c2', { person_id: null, account_id: null, _row: 3 }),
      touch('c3', { person_id: null, account_id: 'A1', _row: 4 }),
      touch('c4', { person_id: null, account_id: 'A1', _source: 'partner', _priority: 5, _row: 4 }),
    ];
    const got = await dedupe(rows, 120);
    expect([got.c1.kept, got.c2.kept, got.c3.kept, got.c4.kept]).toEqual([true, true, true, false]);
    expect(got).toEqual(reference(rows, 120));
  });

  it('keeps records that differ in any key', async () => {
    const rows = [
      touch('d1', {}),
      touch('d2', { asset: 'w2', _source: 'partner', _priority: 5 }),
      touch('d3', { touch_type: 'email_click', _source: 'partner', _priority: 5 }),
      touch('d4', { person_id: 'bob@x', _source: 'partner', _priority: 5 }),
    ];
    const got = await dedupe(rows, 120);
    expect(Object.values(got).every((g) => g.kept)).toBe(true);
  });

  it('breaks priority ties by source name, then row; a double-fired tag keeps its first row', async () => {
    const rows = [
      touch('e1', { _source: 'zeta', _priority: 3, _row: 2 }),
      touch('e2', { _source: 'alpha', _priority: 3, _row: 9 }),
      touch('e3', { _source: 'alpha', _priority: 3, _row: 4, at: 30 }),
    ];
    const got = await dedupe(rows, 120);
    expect(got.e3).toEqual({ kept: true, keptSource: 'alpha', keptRow: 4 });
    expect(got).toEqual(reference(rows, 120));
  });

  it('agrees with the reference on a seeded random batch', async () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sources = [
      ['crm', 1],
      ['web', 2],
      ['nimbus', 5],
      ['quantia', 5],
    ] as const;
    const rows: T[] = Array.from({ length: 400 }, (_, i) => {
      const [src, prio] = sources[Math.floor(rnd() * sources.length)];
      const who = Math.floor(rnd() * 6);
      return touch(`r${String(i).padStart(3, '0')}`, {
        person_id: who === 0 ? null : `p${who}`,
        account_id: rnd() < 0.5 ? `A${Math.floor(rnd() * 2)}` : null,
        touch_type: rnd() < 0.5 ? 'webinar_attended' : 'email_click',
        asset: rnd() < 0.8 ? 'w1' : null,
        at: Math.floor(rnd() * 3000),
        _source: src,
        _priority: prio,
        _row: i + 2,
      });
    });
    for (const tol of [0, 60, 120]) {
      const got = await dedupe(rows, tol);
      expect(got).toEqual(reference(rows, tol));
      if (tol > 0) expect(Object.values(got).filter((g) => !g.kept).length).toBeGreaterThan(0);
    }
  });
});

describe('dedupe without a time key (opportunities)', () => {
  it('keeps the lowest-priority copy of the same id', async () => {
    await engine.exec(
      `CREATE OR REPLACE TABLE o AS SELECT * FROM (VALUES ('O1', 'quantia_co_sell', 20, 2, 'q.csv'), ('O1', 'crm', 1, 9, 'c.csv'), ('O2', 'quantia_co_sell', 20, 3, 'q.csv')) v(opportunity_id, _source, _priority, _row, _file)`,
    );
    const got = await engine.query<{
      opportunity_id: string;
      _source: string;
      _dup_rank: number;
      _kept_source: string;
    }>(
      `SELECT opportunity_id, _source, _dup_rank, _kept_source FROM (${dedupeSql('o', ['opportunity_id'], {})}) ORDER BY opportunity_id, _source`,
    );
    expect(got.map((g) => [g.opportunity_id, g._source, Number(g._dup_rank), g._kept_source])).toEqual([
      ['O1', 'crm', 1, 'crm'],
      ['O1', 'quantia_co_sell', 2, 'crm'],
      ['O2', 'quantia_co_sell', 1, 'quantia_co_sell'],
    ]);
  });
});

describe('dedupe within a source of several files', () => {
  it('names the kept row by source, file and row: equal row numbers in two files are told apart by the file', async () => {
    // one source, two files, each with the entry at row 2: a row number alone names two rows
    await engine.exec(
      `CREATE OR REPLACE TABLE m AS SELECT * FROM (VALUES ('E1', 'ledger', 1, 2, 'b.csv'), ('E1', 'ledger', 1, 2, 'a.csv'), ('E1', 'ledger', 1, 3, 'a.csv')) v(entry_id, _source, _priority, _row, _file)`,
    );
    const got = await engine.query<{
      _file: string;
      _row: number;
      _dup_rank: number;
      _kept_file: string;
      _kept_row: number;
    }>(
      `SELECT _file, _row, _dup_rank, _kept_file, _kept_row FROM (${dedupeSql('m', ['entry_id'], {})}) ORDER BY _dup_rank`,
    );
    // within the source, the file first (a before b), then the row, as on ClickHouse
    expect(
      got.map((g) => [g._file, Number(g._row), Number(g._dup_rank), g._kept_file, Number(g._kept_row)]),
    ).toEqual([
      ['a.csv', 2, 1, 'a.csv', 2],
      ['a.csv', 3, 2, 'a.csv', 2],
      ['b.csv', 2, 3, 'a.csv', 2],
    ]);
  });

  it('keeps the copies of one file for every record, whatever their row numbers', async () => {
    // E1 sits lower in b.csv, E2 lower in a.csv: before, the row number chose, so a.csv won E2
    // and b.csv won E1 (a correction file won one record and lost the other)
    await engine.exec(
      `CREATE OR REPLACE TABLE m2 AS SELECT * FROM (VALUES ('E1', 'ledger', 1, 9, 'a.csv'), ('E1', 'ledger', 1, 2, 'b.csv'), ('E2', 'ledger', 1, 3, 'a.csv'), ('E2', 'ledger', 1, 7, 'b.csv')) v(entry_id, _source, _priority, _row, _file)`,
    );
    const kept = await engine.query<{ entry_id: string; _file: string; _row: number }>(
      `SELECT entry_id, _file, _row FROM (${dedupeSql('m2', ['entry_id'], {})}) WHERE _dup_rank = 1 ORDER BY entry_id`,
    );
    expect(kept.map((k) => [k.entry_id, k._file, Number(k._row)])).toEqual([
      ['E1', 'a.csv', 9],
      ['E2', 'a.csv', 3],
    ]);
  });
});
