import { describe, expect, it } from 'vitest';
import { openDuckDb } from '../index.ts';
import { tokenSql } from './source-columns.ts';
import { aliasedTokenSql, tokenAliases, toToken } from './typed-entity.ts';
import { trimSql, valueMapSql } from '../normalize/index.ts';

const samples = [
  ' Sign Up ',
  'Deal-Registration',
  'in  progress',
  'A - b',
  'x--y',
  'Already_token',
  'ÉVÉNEMENT Spécial',
];

describe('toToken', () => {
  it('lower-cases, trims and turns runs of spaces and hyphens into one underscore', () => {
    expect(samples.map(toToken)).toEqual([
      'sign_up',
      'deal_registration',
      'in_progress',
      'a_b',
      'x_y',
      'already_token',
      'événement_spécial',
    ]);
    expect(tokenAliases({ ' In Progress': 'pending' })).toEqual({ in_progress: 'pending' });
  });

  it('agrees with the SQL form the sources are normalized with (DuckDB)', async () => {
    const engine = await openDuckDb();
    try {
      const values = samples.map((s) => `('${s.replace(/'/g, "''")}')`).join(', ');
      const rows = await engine.query<{ t: string }>(
        `SELECT ${tokenSql('v')} AS t FROM (VALUES ${values}) AS x(v)`,
      );
      expect(rows.map((r) => r.t)).toEqual(samples.map(toToken));
    } finally {
      await engine.close();
    }
  });

  it('takes a value that is already a token as it is, and agrees with the full rewrite on every value', async () => {
    // the rewrite without the fast path, as the sources were normalized before it
    const full = (e: string) => `NULLIF(regexp_replace(lower(${trimSql(e)}), '[\\s-]+', '_', 'g'), '')`;
    const edge = [
      '',
      ' ',
      'a',
      'A',
      '_',
      '0',
      'abc',
      'a_b',
      'a-b',
      'a b',
      ' a',
      'a ',
      '\ta',
      'a\n',
      'paid\t',
      '\u200bpaid\ufeff',
      'a\u00a0b',
    ];
    const more = [
      'é',
      'a.b',
      'email',
      'granted',
      'opt_in',
      'Opt In',
      'OPT-IN',
      'x__y',
      '__',
      'a\u2003b',
      '1e5',
      'ǅ',
    ];
    // random strings over an alphabet of token and non-token characters
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = 'abzAZ09_- \t.éÉ\u00a0';
    const random = Array.from({ length: 2000 }, () =>
      Array.from(
        { length: 1 + Math.floor(rnd() * 6) },
        () => alphabet[Math.floor(rnd() * alphabet.length)],
      ).join(''),
    );
    const all = [...edge, ...more, ...random];
    const engine = await openDuckDb();
    try {
      const values = [...all.map((s) => `('${s.replace(/'/g, "''")}')`), '(NULL)'].join(', ');
      const aliases = tokenAliases({ 'Opt In': 'granted', 'opt-out': 'withdrawn', a: 'b' });
      const rows = await engine.query<{
        v: string | null;
        fast: string | null;
        slow: string | null;
        af: string | null;
        as: string | null;
      }>(
        `SELECT v, ${tokenSql('v')} AS fast, ${full('v')} AS slow,
                ${aliasedTokenSql(tokenSql('v'), aliases)} AS af,
                COALESCE(${valueMapSql(full('v'), aliases, 'null')}, ${full('v')}) AS "as"
         FROM (VALUES ${values}) AS x(v)`,
      );
      expect(rows).toHaveLength(all.length + 1);
      const differ = rows.filter((r) => r.fast !== r.slow || r.af !== r.as);
      expect(differ).toEqual([]);
      // the fast path was taken for some values and not for others, and the aliases applied
      expect(rows.filter((r) => r.v !== null && /^[a-z0-9_]+$/.test(r.v)).length).toBeGreaterThan(100);
      expect(rows.find((r) => r.v === 'OPT-IN')?.af).toBe('granted');
      expect(rows.find((r) => r.v === 'a')?.af).toBe('b');
      expect(rows.find((r) => r.v === ' ')?.fast).toBeNull();
      expect(rows.find((r) => r.v === null)?.fast).toBeNull();
    } finally {
      await engine.close();
    }
  });
});
