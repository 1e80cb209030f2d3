/**
 * The string rules' pre-selection in TypeScript (used where the engine has no similarity
 * functions: ClickHouse 18.16) against DuckDB itself: its `jaro_winkler_similarity` and
 * `levenshtein` on seeded random pairs, and the whole condition (`stringSignalsSql` evaluated by
 * DuckDB) on rows of emails and names, for both measures and several thresholds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbEngine, type Row } from '../../data/index.ts';
import { normalizedColumnsSql, stringSignalsSql, type CandidateParams } from './sql/candidates-sql.ts';
import { jaroWinkler, levenshtein, stringPreselected } from './string-preselect.ts';

let engine: DuckDbEngine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine.close());

/** Deterministic generator (a 32-bit LCG): the cases are the same on every run. */
function lcg(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  return { int: (n: number) => Math.floor(next() * n), next };
}

const ALPHABET = 'abcdeéfghijklmnopqrstuvwxyz. 0123';

/** A word and a variant of it (edits, swaps, cuts), or an unrelated word. */
function pairs(n: number, seed: number): [string, string][] {
  const r = lcg(seed);
  const word = () => Array.from({ length: r.int(12) }, () => ALPHABET[r.int(ALPHABET.length)]).join('');
  const out: [string, string][] = [
    ['', ''],
    ['', 'a'],
    ['a', 'a'],
    ['ab', 'ba'],
    ['martha', 'marhta'],
  ];
  for (let i = 0; i < n; i++) {
    const a = word();
    const b = [...a];
    for (let k = r.int(3); k > 0; k--) {
      const at = r.int(b.length + 1);
      const op = r.int(4);
      if (op === 0) b.splice(at, 1);
      else if (op === 1) b.splice(at, 0, ALPHABET[r.int(ALPHABET.length)]);
      else if (op === 2 && at + 1 < b.length) [b[at], b[at + 1]] = [b[at + 1], b[at]];
      else b[at] = ALPHABET[r.int(ALPHABET.length)];
    }
    out.push([a, r.next() < 0.1 ? word() : b.join('')]);
  }
  return out;
}

async function duckdbOf(ps: [string, string][]): Promise<{ jw: number; lev: number }[]> {
  await engine.exec('CREATE OR REPLACE TABLE sp_pairs (i INTEGER, a VARCHAR, b VARCHAR)');
  await engine.append(
    'sp_pairs',
    ps.map(([a, b], i) => [i, a, b]),
  );
  return engine.query<{ jw: number; lev: number }>(
    'SELECT jaro_winkler_similarity(a, b) AS jw, levenshtein(a, b) AS lev FROM sp_pairs ORDER BY i',
  );
}

describe("DuckDB's similarity measures in TypeScript", () => {
  it('Jaro–Winkler and Levenshtein equal DuckDB on 3,000 seeded pairs (ASCII and not)', async () => {
    const ps = pairs(3000, 14);
    const duck = await duckdbOf(ps);
    let jwMax = 0;
    ps.forEach(([a, b], i) => {
      expect(levenshtein(a, b), `${a} | ${b}`).toBe(Number(duck[i].lev));
      jwMax = Math.max(jwMax, Math.abs(jaroWinkler(a, b) - Number(duck[i].jw)));
    });
    expect(jwMax).toBeLessThan(1e-12);
  });

  it.each([
    ['jaro-winkler', 0.9, 0.85],
    ['jaro-winkler', 0.8, 0.78],
    ['levenshtein', 0.8, 0.75],
  ] as const)(
    'the whole pre-selection (%s, email %s, name %s) equals stringSignalsSql on DuckDB',
    async (similarity, emailThreshold, nameThreshold) => {
      const r = lcg(7);
      const first = ['john', 'jon', 'jane', 'janet', 'müller', 'ann', 'anne', 'chris', 'kris'];
      const last = ['smith', 'smyth', 'nolan', 'nolan-x', 'lee', 'li', 'o brien'];
      const hosts = ['gmail.com', 'googlemail.com', 'outlook.com', 'acme.io', 'exämple.de'];
      const person = () => {
        const f = first[r.int(first.length)];
        const l = last[r.int(last.length)];
        const sep = ['.', '', '_', '+x.'][r.int(4)];
        return {
          email:
            r.next() < 0.05
              ? null
              : `${f}${sep}${l}${r.int(3) === 0 ? r.int(99) : ''}@${hosts[r.int(hosts.length)]}`,
          name: r.next() < 0.05 ? null : `${r.next() < 0.1 ? 'Dr ' : ''}${f} ${r.next() < 0.2 ? '' : l}`,
        };
      };
      const rows = Array.from({ length: 1500 }, () => [person(), person()] as const);
      await engine.exec(
        'CREATE OR REPLACE TABLE sp_people (i INTEGER, ae VARCHAR, fe VARCHAR, an VARCHAR, fn VARCHAR)',
      );
      await engine.append(
        'sp_people',
        rows.map(([a, f], i) => [i, a.email, f.email, a.name, f.name]),
      );
      const p: CandidateParams = {
        days: 30,
        revenueStages: [],
        similarity,
        emailThreshold,
        nameThreshold,
        minLocalPartLength: 4,
        fastSeconds: 0,
        alreadyReferredRank: 1,
      };
      const got = await engine.query<Row>(
        `SELECT i, advocate_email, friend_email, advocate_name, friend_name, la, lf, da, df, na, nf, naf, nal, nff, nfl,
           (${stringSignalsSql(p)}) AS duck
         FROM (SELECT i, ae AS advocate_email, fe AS friend_email, an AS advocate_name, fn AS friend_name,
                 ${normalizedColumnsSql('ae', 'fe', 'an', 'fn')} FROM sp_people) t ORDER BY i`,
      );
      let admitted = 0;
      for (const row of got) {
        const duck = row.duck === true;
        admitted += duck ? 1 : 0;
        expect(stringPreselected(row, p), JSON.stringify(row)).toBe(duck);
      }
      // both outcomes are exercised
      expect(admitted).toBeGreaterThan(50);
      expect(admitted).toBeLessThan(got.length - 50);
    },
  );
});
