/**
 * `trimmedSql` against DuckDB's own `NULLIF(trim(x), '')` on the values where a shortcut could go
 * wrong: every Unicode space separator and the ASCII controls at either end, non-ASCII text,
 * empty and blank values, NULL, and a seeded batch of random strings over those characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { literal, openDuckDb, type Engine } from '../../../src/data/index.ts';
import { trimmedSql } from '../../../src/data/normalize/index.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine.close());

// the Unicode space separators (category Zs), the ASCII controls, and a few other invisibles
const ZS = [0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008];
const SPACES = [...ZS, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000, 0x200b, 0xfeff, 0x85, 0x7f];
const CONTROLS = Array.from({ length: 31 }, (_, i) => i + 1);
const EDGES = [...SPACES, ...CONTROLS].map((c) => String.fromCodePoint(c));

async function compare(values: (string | null)[]): Promise<void> {
  const rows = values.map((v, i) => `(${i}, ${v === null ? 'NULL' : literal(v)})`).join(', ');
  const got = await engine.query<{ i: number; fast: string | null; trim: string | null }>(
    `SELECT i, ${trimmedSql('x')} AS fast, NULLIF(trim(x), '') AS trim FROM (VALUES ${rows}) t(i, x) ORDER BY i`,
  );
  expect(got.length).toBe(values.length);
  for (const g of got) expect(g.fast, JSON.stringify(values[Number(g.i)])).toBe(g.trim);
}

describe('trimmedSql', () => {
  it("is NULLIF(trim(x), '') for a character of every kind at either end", async () => {
    const values: (string | null)[] = [
      null,
      '',
      ' ',
      '  ',
      'a',
      '!',
      '~',
      'a b',
      'Zoë',
      'Zoë ',
      ' Zoë',
      'ü',
      '日本',
    ];
    for (const e of EDGES) values.push(`${e}a`, `a${e}`, `${e}a${e}`, e, `${e}${e}`, `${e}Zoë`, `Zoë${e}`);
    await compare(values);
  });

  it('agrees with trim on a seeded batch of random strings', async () => {
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
