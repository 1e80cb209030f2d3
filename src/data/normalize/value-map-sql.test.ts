import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, type DuckDbEngine } from '../duckdb-api.ts';
import { literal } from '../sql-text.ts';
import { trimSql } from './trim-sql.ts';
import { valueMapSql } from './value-map-sql.ts';

/**
 * What the mapping means, written independently: trim the text of spaces, tabs, line breaks and
 * zero-width characters (`trimSql`'s set) and lower-case it; the first key equal to it wins.
 */
const EDGE = '[ \\u00a0\\u1680\\u2000-\\u200b\\u202f\\u205f\\u2060\\u3000\\ufeff\\t\\r]';
const TRIM = new RegExp(`^${EDGE}+|${EDGE}+$`, 'g');
function reference(v: string | null, map: Record<string, string>, otherwise: 'keep' | 'null'): string | null {
  const clean = v === null ? null : v.replace(TRIM, '').toLowerCase() || null;
  if (clean === null) return null;
  for (const [k, to] of Object.entries(map)) if (k.trim().toLowerCase() === clean) return to;
  return otherwise === 'keep' ? clean : null;
}

/** The former formulation: a simple CASE over the cleaned value. */
function caseForm(expr: string, map: Record<string, string>, otherwise: 'keep' | 'null'): string {
  const clean = `NULLIF(lower(${trimSql(expr)}), '')`;
  const whens = Object.entries(map)
    .map(([k, v]) => `WHEN ${literal(k.trim().toLowerCase())} THEN ${literal(v)}`)
    .join(' ');
  return `(CASE ${clean} ${whens} ELSE ${otherwise === 'keep' ? clean : 'NULL'} END)`;
}

const TEXTS = [
  null,
  '',
  '   ',
  'fb',
  ' FB ',
  'Fb',
  'facebook',
  "o'brien",
  'O’Brien',
  'x',
  'Ünïcode',
  'li',
  'LinkedIn.com',
  '\tli\n',
  '\u200bFB\ufeff',
];
const MAPS: Record<string, string>[] = [
  { fb: 'facebook', 'linkedin.com': 'linkedin', li: 'linkedin' },
  // keys equal once trimmed and lower-cased: the first wins, as the CASE this replaced did
  { FB: 'first', ' fb ': 'second', "o'brien": "O'Brien Ltd" },
  { x: '' },
];

describe('valueMapSql', () => {
  let duck: DuckDbEngine;
  beforeAll(async () => {
    duck = await openDuckDb({ threads: 1 });
  });
  afterAll(async () => duck.close());

  it.each(MAPS.flatMap((m) => (['keep', 'null'] as const).map((o) => [m, o] as const)))(
    'maps every text as the reference does (%j, %s)',
    async (map, otherwise) => {
      const rows = TEXTS.map((t) => `(${t === null ? 'NULL::VARCHAR' : literal(t)})`).join(', ');
      const got = await duck.query<{ m: string | null; c: string | null }>(
        `SELECT ${valueMapSql('v', map, otherwise)} AS m, ${caseForm('v', map, otherwise)} AS c FROM (VALUES ${rows}) t(v)`,
      );
      expect(got.map((r) => r.m)).toEqual(TEXTS.map((t) => reference(t, map, otherwise)));
      // and as the CASE form it replaced
      expect(got.map((r) => r.m)).toEqual(got.map((r) => r.c));
    },
  );

  it('nests: a map over a mapped value stays small', () => {
    const inner = valueMapSql(
      'utm_source',
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `v${i}`])),
    );
    const outer = valueMapSql(
      inner,
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`v${i}`, `p${i}`])),
      'null',
    );
    // not a copy per key (30 here): the trim's fast path names a column 11 times and the map its
    // cleaned value twice; the outer map binds the inner expression once per use (a lambda)
    const copies = (sql: string) => sql.split('utm_source').length - 1;
    expect(copies(inner)).toBeLessThanOrEqual(22);
    expect(copies(outer)).toBeLessThanOrEqual(2 * copies(inner));
  });
});
