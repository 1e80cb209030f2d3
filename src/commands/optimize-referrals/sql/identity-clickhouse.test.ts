/**
 * The refresh's normalized person columns in ClickHouse 18.16 (`withNormalizedPersonCh`) against
 * DuckDB's (`withNormalizedPerson`, itself tested against the fraud scorer's normalization): the
 * same email local part and domain, normalized name and its first and last words, on edge cases
 * (Gmail dots and tags, googlemail, a trailing dot, no @, two @, non-ASCII text, titles, NULLs)
 * and on seeded random emails and names. Runs on a throwaway server; skipped without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, openClickHouse, openDuckDb, type Engine } from '../../../data/index.ts';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../../test/helpers/clickhouse-server.ts';
import { withNormalizedPersonCh } from './derive-sql.ts';
import { withNormalizedPerson } from './identity-sql.ts';

const available = findClickHouseServer() !== null;

const EMAILS = [
  'John.Smith@Gmail.com',
  'j.o.h.n+ref@googlemail.com',
  'jane+a+b@outlook.com',
  '+tag@gmail.com',
  '...@gmail.com',
  'a@b',
  'x@.com',
  'user@example.com.',
  'first.last@sub.example.co.uk',
  'no-at-sign',
  'two@at@example.org',
  'MiXeD.Case+Promo@Yahoo.COM',
  'Jürgen.Müller+x@Exämple.de',
  'zoë@gmail.com',
  '@example.com',
  'user@',
  '',
  null,
];
const NAMES = [
  'Dr. Ann Lee',
  "o'brien",
  'Mrs  X  Y',
  'Prof Zoë Ó Brien',
  'mr',
  'Mx. A-B C',
  'José',
  '',
  null,
];

/** Deterministic generator (a 32-bit LCG). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => Math.floor(((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * n);
}

function people(): [number, string | null, string | null][] {
  const r = lcg(3);
  const parts = ['ann', 'Lee', 'o.k', 'x+y', 'Zoë', 'dr', 'mr', 'Ünal', '  ', '.', '-', 'b'];
  const word = () => Array.from({ length: 1 + r(3) }, () => parts[r(parts.length)]).join(r(2) ? ' ' : '.');
  const hosts = ['gmail.com', 'GoogleMail.com', 'acme.io.', 'exämple.de', 'x', ''];
  const out: [number, string | null, string | null][] = [];
  EMAILS.forEach((e, i) => out.push([i, e, NAMES[i % NAMES.length]]));
  for (let i = 0; i < 400; i++)
    out.push([out.length, `${word()}@${hosts[r(hosts.length)]}`.replace(/ /g, r(2) ? '' : '.'), word()]);
  return out;
}

describe.skipIf(!available)('normalized person columns on ClickHouse equal DuckDB', () => {
  let server: ClickHouseServer;
  let ch: Engine;
  beforeAll(async () => {
    server = await startClickHouse();
    ch = await openClickHouse({ url: server.url });
  }, 120_000);
  afterAll(async () => {
    await ch?.close();
    await server?.stop();
  });

  it('email local part and domain, name, first and last word (NULL stays NULL)', async () => {
    const rows = people();
    const duck = await openDuckDb();
    try {
      await duck.exec('CREATE TABLE p (i INTEGER, email VARCHAR, name VARCHAR)');
      await duck.append('p', rows);
      await ch.exec(
        'CREATE TABLE p (i Int64, email Nullable(String), name Nullable(String)) ENGINE = Memory',
      );
      await ch.exec(
        `INSERT INTO p VALUES ${rows.map((r) => `(${r.map((v) => (v === null ? 'NULL' : literal(v, 'clickhouse'))).join(', ')})`).join(', ')}`,
      );
      const cols = 'i, email_local, email_domain, name_norm, name_first, name_last';
      const d = await duck.query(
        `SELECT ${cols} FROM (${withNormalizedPerson('SELECT * FROM p', 'email', 'name')}) t ORDER BY i`,
      );
      const c = await ch.query(
        `SELECT ${cols} FROM (${withNormalizedPersonCh('SELECT i, email, name FROM p', ['i', 'email', 'name'], 'email', 'name')}) ORDER BY i`,
      );
      expect(c.length).toBe(rows.length);
      c.forEach((row, k) => expect(row, JSON.stringify(rows[k])).toEqual(d[k]));
      // the cases exercise every branch: refused addresses and kept ones, non-ASCII text, NULLs
      expect(d.some((x) => /[^\x00-\x7f]/.test(String(x.email_local)))).toBe(true);
      expect(d.some((x) => x.email_local === null && x.name_norm === null)).toBe(true);
      expect(d.filter((x) => x.email_local === '').length).toBeGreaterThan(10);
      expect(
        d.filter((x) => typeof x.email_local === 'string' && x.email_local !== '').length,
      ).toBeGreaterThan(50);
    } finally {
      await duck.close();
    }
  }, 120_000);
});
