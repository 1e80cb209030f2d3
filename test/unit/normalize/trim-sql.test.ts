/**
 * `trimmedSql` and `trimSql` against references written here in JavaScript (the characters stripped
 * from either end; `trimmedSql` gives an empty result as NULL) on the values where its shortcut could go wrong: every Unicode space
 * separator, the ASCII controls and other invisibles at either end, non-ASCII text, empty and blank
 * values, NULL, and a seeded batch of random strings over those characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, openDuckDb, type Engine } from '../../../src/data/index.ts';
import { trimmedSql, trimSql } from '../../../src/data/normalize/index.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine.close());

// the Unicode space separators (category Zs), the ASCII controls, and a few other invisibles
const ZS = [0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008];
const SPACES = [...ZS, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000, 0x200b, 0xfeff, 0x2060, 0x85, 0x7f];
const CONTROLS = Array.from({ length: 31 }, (_, i) => i + 1);
const EDGES = [...SPACES, ...CONTROLS].map((c) => String.fromCodePoint(c));
// written out, not imported: the space separators, tab, CR, zero-width space, word
// joiner and byte order mark are trimmed; other controls (LF, VT, FF, \x01, DEL, U+0085) are data
const TRIMMED =
  /^[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\r\u200b\u2060\ufeff]+|[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\r\u200b\u2060\ufeff]+$/g;
const reference = (v: string | null) => (v === null ? null : v.replace(TRIMMED, '') || null);

const trimmedReference = (v: string | null) => (v === null ? null : v.replace(TRIMMED, ''));

/**
 * Both helpers against the references, on a column (the shortcut inline) and on an expression
 * (`x || ''`: the value bound once to a lambda parameter).
 */
async function compare(values: (string | null)[]): Promise<void> {
  const rows = values.map((v, i) => `(${i}, ${v === null ? 'NULL' : literal(v)})`).join(', ');
  const got = await engine.query<{
    i: number;
    fast: string | null;
    bound: string | null;
    kept: string | null;
    keptBound: string | null;
  }>(
    `SELECT i, ${trimmedSql('x')} AS fast, ${trimmedSql("x || ''")} AS bound,
            ${trimSql('x')} AS kept, ${trimSql("(x || '')")} AS keptBound
     FROM (VALUES ${rows}) t(i, x) ORDER BY i`,
  );
  expect(got.length).toBe(values.length);
  for (const g of got) {
    const v = values[Number(g.i)];
    expect(g.fast, JSON.stringify(v)).toBe(reference(v));
    expect(g.bound, JSON.stringify(v)).toBe(reference(v));
    expect(g.kept, JSON.stringify(v)).toBe(trimmedReference(v));
    expect(g.keptBound, JSON.stringify(v)).toBe(trimmedReference(v));
  }
}

describe('trimmedSql', () => {
  it('trims spaces, tabs, line breaks and zero-width characters at either end, nothing else', async () => {
    const values: (string | null)[] = [
      null,
      '',
      ' ',
      '  ',
      'a',
      '!',
      '~',
      'a b',
      'a\tb',
      'Zoë',
      'Zoë ',
      ' Zoë',
      'ü',
      '日本',
    ];
    for (const e of EDGES) values.push(`${e}a`, `a${e}`, `${e}a${e}`, e, `${e}${e}`, `${e}Zoë`, `Zoë${e}`);
    await compare(values);
  });

  it('ids as exports leave them: a tab, a carriage return or a zero-width space around the id', async () => {
    const rows = [
      'M100009\t',
      '\tM100009',
      'M100009\r',
      'u042\u200b',
      '\ufeffu042',
      ' \u2060u042\u00a0 ',
      '\t \u200b',
    ]
      .map((v, i) => `(${i}, ${literal(v)})`)
      .join(', ');
    const got = await engine.query<{ v: string | null }>(
      `SELECT ${trimmedSql('x')} AS v FROM (VALUES ${rows}) t(i, x) ORDER BY i`,
    );
    // it kept all but the no-break space ones as they were: ids matching nothing
    expect(got.map((g) => g.v)).toEqual(['M100009', 'M100009', 'M100009', 'u042', 'u042', 'u042', null]);
  });

  it('agrees with the reference on a seeded batch of random strings', async () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = ['a', 'Z', '0', '-', '.', '!', '~', 'é', '日', ...EDGES];
    const values = Array.from({ length: 3000 }, () =>
      Array.from(
        { length: Math.floor(rand() * 5) },
        () => alphabet[Math.floor(rand() * alphabet.length)],
      ).join(''),
    );
    await compare(values);
  });
});
