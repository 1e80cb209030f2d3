/**
 * The SQL pre-selection of the string rules must never drop a referral the TypeScript scorer would
 * flag: the SQL normalization of emails and names equals the scorer's (analyses/fraud) on ASCII
 * text, DuckDB's Jaro–Winkler is never below the scorer's where the scorer reaches 0.75, and the
 * candidate condition holds for every pair on which self-referral-email, self-referral-name,
 * similar-email or similar-name fires. Checked on hand-picked edge cases and on seeded random pairs
 * built to sit near the thresholds; the scorer is the independent side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  jaroWinkler,
  nameParts,
  normalizedLevenshtein,
  normalizeEmail,
  normalizeName,
  scoreReferrals,
  type ReferralFeatureRow,
} from '../../../analyses/fraud/index.ts';
import { openDuckDb, type DuckDbEngine } from '../../../data/index.ts';
import { normalizedColumnsSql, stringSignalsSql, type CandidateParams } from './candidates-sql.ts';
import {
  emailDomainSql,
  emailLocalSql,
  firstWordSql,
  lastWordSql,
  nameFromCleanSql,
  nameSql,
  withNormalizedPerson,
} from './identity-sql.ts';

let engine: DuckDbEngine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine.close());

/** Deterministic generator (a 32-bit LCG): the cases are the same on every run. */
function lcg(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}

const EMAILS = [
  'John.Smith@Gmail.com',
  ' j.o.h.n+ref@googlemail.com ',
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
  // non-ASCII: the extraction falls back to regular expressions
  'Jürgen.Müller+x@Exämple.de',
  'zoë@gmail.com',
  '@example.com',
  'user@',
];

async function sqlColumn(values: readonly string[], expr: (col: string) => string): Promise<string[]> {
  await engine.exec('CREATE OR REPLACE TABLE vals (i INTEGER, v VARCHAR)');
  await engine.append(
    'vals',
    values.map((v, i) => [i, v]),
  );
  const rows = await engine.query<{ out: string }>(`SELECT ${expr('v')} AS out FROM vals ORDER BY i`);
  return rows.map((r) => r.out);
}

describe('SQL normalization equals the scorer’s', () => {
  it('email local parts and domains ("" where the scorer refuses the address)', async () => {
    const locals = await sqlColumn(EMAILS, (c) => emailLocalSql(c));
    const domains = await sqlColumn(EMAILS, (c) => emailDomainSql(c));
    EMAILS.forEach((e, i) => {
      const js = normalizeEmail(e);
      expect(locals[i], e).toBe(js?.local ?? '');
      if (js) expect(domains[i], e).toBe(js.domain);
    });
  });

  it('the refresh’s one-pass columns (withNormalizedPerson) agree', async () => {
    const names = ['Dr. Ann Lee', "o'brien", 'Mrs  X  Y'];
    await engine.exec('CREATE OR REPLACE TABLE people1 (i INTEGER, email VARCHAR, name VARCHAR)');
    await engine.append(
      'people1',
      EMAILS.map((e, i) => [i, e, names[i % names.length]]),
    );
    const rows = await engine.query<{
      i: number;
      email_local: string;
      email_domain: string;
      name_norm: string;
      name_first: string;
      name_last: string;
    }>(`SELECT * FROM (${withNormalizedPerson('SELECT * FROM people1', 'email', 'name')}) t ORDER BY i`);
    rows.forEach((r) => {
      const js = normalizeEmail(EMAILS[r.i]);
      expect(r.email_local, EMAILS[r.i]).toBe(js?.local ?? '');
      if (js) expect(r.email_domain, EMAILS[r.i]).toBe(js.domain);
      const norm = normalizeName(names[r.i % names.length]);
      expect(r.name_norm).toBe(norm);
      if (norm.includes(' '))
        expect([r.name_first, r.name_last]).toEqual([nameParts(norm).first, nameParts(norm).last]);
    });
  });

  it('names, their first and last words', async () => {
    const names = [
      '  Dr. John  SMITH ',
      "Mary-Jane O'Neil",
      'prof x',
      'Mr',
      'Anna  Maria  Lopez',
      'Jr. Bob',
      '  ',
      'a.b.c',
    ];
    const sql = await sqlColumn(names, (c) => nameSql(c));
    const first = await sqlColumn(names, (c) => firstWordSql(nameSql(c)));
    const last = await sqlColumn(names, (c) => lastWordSql(nameSql(c)));
    names.forEach((n, i) => {
      const js = normalizeName(n);
      expect(sql[i], n).toBe(js);
      if (js.includes(' ')) expect([first[i], last[i]], n).toEqual([nameParts(js).first, nameParts(js).last]);
    });
  });
});

describe('names already clean (the full-match shortcut) and near misses', () => {
  it('equal the scorer’s normalization, shortcut taken or not', async () => {
    const fixed = [
      'john smith',
      'john smith2 3',
      'x',
      '007',
      'mr john smith',
      'john  smith',
      ' john smith',
      'john smith ',
      'John Smith',
      'john-smith',
      'john\tsmith',
      'jöhn smith',
      'john smith\n',
      '',
      ' ',
    ];
    const g = lcg(11);
    const alphabet = 'abcz09 -.Ü\t';
    const random = Array.from({ length: 2000 }, () => {
      const len = 1 + g.int(14);
      let s = '';
      // half of them words of [a-z0-9] between single spaces, the rest with any of the alphabet
      if (g.next() < 0.5)
        for (let i = 0; i < len; i++)
          s += i > 0 && g.next() < 0.2 && !s.endsWith(' ') && i < len - 1 ? ' ' : g.pick([...'abcz09']);
      else for (let i = 0; i < len; i++) s += g.pick([...alphabet]);
      return s;
    });
    const names = [...fixed, ...random];
    const sql = await sqlColumn(names, (c) => nameSql(c));
    // every name as the global replacement alone gives it (non-ASCII ones too)
    const replaced = await sqlColumn(names, (c) =>
      nameFromCleanSql(`trim(regexp_replace(lower(${c}), '[^a-z0-9]+', ' ', 'g'))`),
    );
    expect(sql).toEqual(replaced);
    // and ASCII ones as the scorer normalizes them (non-ASCII ones always go to the scorer)
    names.forEach((n, i) => {
      if (/^[\x00-\x7f]*$/.test(n)) expect(sql[i], JSON.stringify(n)).toBe(normalizeName(n));
    });
    // the shortcut was taken for some of them
    const clean = names.filter((n) => /^[a-z0-9]+( [a-z0-9]+)*$/.test(n));
    expect(clean.length).toBeGreaterThan(500);
  });
});

describe('DuckDB similarity bounds the scorer’s', () => {
  it('Jaro–Winkler: never below the scorer where the scorer reaches 0.75; Levenshtein: equal', async () => {
    const g = lcg(11);
    const pairs: [string, string][] = [];
    for (let k = 0; k < 6000; k++) {
      const alphabet = g.pick(['ab', 'abcde', 'abcdefghijklmnopqrstuvwxyz0123456789.']);
      const len = 1 + g.int(g.pick([6, 14, 30]));
      let a = '';
      for (let i = 0; i < len; i++) a += alphabet[g.int(alphabet.length)];
      let b = a
        .split('')
        .map((ch) => (g.next() < 0.12 ? alphabet[g.int(alphabet.length)] : ch))
        .join('');
      if (g.next() < 0.3) b = b.slice(1);
      if (g.next() < 0.3) b += alphabet[g.int(alphabet.length)];
      if (g.next() < 0.2) b = b.split('').reverse().join('');
      pairs.push([a, b]);
    }
    await engine.exec('CREATE OR REPLACE TABLE pairs (i INTEGER, a VARCHAR, b VARCHAR)');
    await engine.append(
      'pairs',
      pairs.map(([a, b], i) => [i, a, b]),
    );
    const rows = await engine.query<{ i: number; jw: number; lev: number }>(
      'SELECT i, jaro_winkler_similarity(a, b) AS jw, levenshtein(a, b) AS lev FROM pairs ORDER BY i',
    );
    let judged = 0;
    for (const r of rows) {
      const [a, b] = pairs[r.i];
      const js = jaroWinkler(a, b);
      if (js >= 0.75) {
        judged++;
        expect(r.jw, `${a} / ${b}`).toBeGreaterThanOrEqual(js - 1e-12);
      }
      expect(1 - Number(r.lev) / Math.max(a.length, b.length, 1)).toBeCloseTo(
        normalizedLevenshtein(a, b),
        12,
      );
    }
    expect(judged).toBeGreaterThan(1000);
  });
});

describe('the candidate condition keeps every pair a string rule fires on', () => {
  const FIRST = ['john', 'jon', 'joan', 'anna', 'ana', 'hannah', 'maria', 'mario', 'li', 'lee'];
  const LAST = ['smith', 'smyth', 'smithe', 'lopez', 'lopes', 'nguyen', 'ngyuen', 'okafor', 'okafur'];
  const DOMAINS = ['gmail.com', 'googlemail.com', 'outlook.com', 'acme.example'];
  const mutate = (g: ReturnType<typeof lcg>, s: string) =>
    g.next() < 0.5
      ? s
      : s.slice(0, g.int(s.length)) + g.pick(['', '.', 'x', '1', '+promo']) + s.slice(g.int(s.length));

  for (const similarity of ['jaro-winkler', 'levenshtein'] as const)
    it(`${similarity}: random near-identical emails and names`, async () => {
      const g = lcg(similarity === 'levenshtein' ? 5 : 7);
      const rows: ReferralFeatureRow[] = [];
      for (let k = 0; k < 4000; k++) {
        const [f, l] = [g.pick(FIRST), g.pick(LAST)];
        const local = `${f}${g.pick(['.', '', '_'])}${l}${g.next() < 0.3 ? g.int(100) : ''}`;
        rows.push({
          referralId: `r${k}`,
          advocateId: `a${k}`,
          advocateEmail: `${local}@${g.pick(DOMAINS)}`,
          friendEmail: `${mutate(g, local)}@${g.pick(DOMAINS)}`,
          advocateName: `${f} ${l}`,
          friendName: g.next() < 0.5 ? `${mutate(g, f)} ${mutate(g, l)}` : `${mutate(g, l)} ${mutate(g, f)}`,
        });
      }
      const p: CandidateParams = {
        days: 30,
        revenueStages: [],
        similarity,
        emailThreshold: 0.92,
        nameThreshold: 0.93,
        minLocalPartLength: 4,
        fastSeconds: 30,
        alreadyReferredRank: 1,
      };
      await engine.exec(
        'CREATE OR REPLACE TABLE people (i INTEGER, advocate_email VARCHAR, friend_email VARCHAR, advocate_name VARCHAR, friend_name VARCHAR)',
      );
      await engine.append(
        'people',
        rows.map((r, i) => [i, r.advocateEmail!, r.friendEmail!, r.advocateName!, r.friendName!]),
      );
      const kept = new Set(
        (
          await engine.query<{ i: number }>(
            `SELECT i FROM (SELECT *, ${normalizedColumnsSql('advocate_email', 'friend_email', 'advocate_name', 'friend_name')} FROM people) t
             WHERE ${stringSignalsSql(p)}`,
          )
        ).map((r) => r.i),
      );
      const review = scoreReferrals(rows, {}, { similarity });
      const fired = review.flagged.filter((v) =>
        v.rules.some((x) =>
          ['self-referral-email', 'self-referral-name', 'similar-email', 'similar-name'].includes(x.rule),
        ),
      );
      expect(fired.length).toBeGreaterThan(200);
      expect(
        fired
          .filter((v) => !kept.has(v.index))
          .map((v) => [rows[v.index].friendEmail, rows[v.index].friendName]),
      ).toEqual([]);
      // and it pre-selects: a good share of the pairs is left out
      expect(kept.size).toBeLessThan(rows.length);
    });
});
