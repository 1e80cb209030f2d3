/**
 * Excel's delimiter hint: a CSV whose first line is `sep=,` (or `sep=;`). The loader read it as the
 * header ("columns found: sep=, column2"); it now reads past it when it names the source's
 * delimiter, every row and reject keeping its line in the file, and refuses the file with one
 * line naming the delimiter to set when it names another.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { makeFixtureDir, type FixtureDir } from '../../test/helpers/fixture-dir.ts';
import { openDuckDb, type DuckDbEngine } from './duckdb-api.ts';
import { loadSource } from './read-source.ts';

let engine: DuckDbEngine;
let fx: FixtureDir;
beforeAll(async () => {
  engine = await openDuckDb();
});
afterAll(() => engine.close());
beforeEach(async () => {
  fx = await makeFixtureDir();
});
afterEach(() => fx.remove());

const file = (path: string, extra: object = {}) =>
  ({ name: 'crm', kind: 'file', path, baseDir: fx.dir, ...extra }) as const;

describe('CSV with a sep= first line', () => {
  it('reads past `sep=,`: the header is line 2, rows and rejects keep their lines', async () => {
    const text = [
      'sep=,',
      'id,name,amount',
      '1,alice,10', // 3
      '', // 4: blank
      '2,bob,20,extra', // 5: too many columns
      '3,"carol', // 6: a value over two lines…
      'smith",30', // 7
      '4,dave,40', // 8
    ].join('\r\n');
    const path = await fx.write('deals.csv', `${text}\r\n`);
    const load = await loadSource(engine, file('deals.csv'), 'raw_sep');
    expect(load.columns.map((c) => c.name)).toEqual(['id', 'name', 'amount']);
    const rows = await engine.query<{ id: string; source_row: number }>(
      'SELECT id, source_row FROM raw_sep ORDER BY source_row',
    );
    expect(rows.map((r) => [r.id, Number(r.source_row)])).toEqual([
      ['1', 3],
      ['3', 6],
      ['4', 8],
    ]);
    expect(load.rejects).toEqual([
      { row: 5, file: path, reason: 'expected 3 columns, found 4', raw: '2,bob,20,extra' },
    ]);
  });

  it('reads past `sep=;` on a source delimited by ";"', async () => {
    await fx.write('deals.csv', 'sep=;\nid;amount\n1;10\n2;20\n');
    const load = await loadSource(engine, file('deals.csv', { delimiter: ';' }), 'raw_sep_semi');
    expect(load.rows).toBe(2);
    expect(load.columns.map((c) => c.name)).toEqual(['id', 'amount']);
  });

  it('refuses `sep=;` on a source read with ",", naming the delimiter to set', async () => {
    const path = await fx.write('deals.csv', 'sep=;\nid;amount\n1;10\n');
    const err = await loadSource(engine, file('deals.csv'), 'raw_sep_bad').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GtmError);
    expect((err as GtmError).code).toBe('INPUT');
    expect((err as GtmError).message).toBe(
      'the first line "sep=;" says the file is delimited by ";", but sources.crm reads ","',
    );
    expect((err as GtmError).where).toBe(`${path}:1`);
    expect((err as GtmError).hint).toMatch(/set delimiter: ";" on sources\.crm in gtm\.yaml/);
  });

  it('a first column named sep=… with other columns is a header, not the hint', async () => {
    await fx.write('deals.csv', 'sep=x,amount\n1,10\n');
    const load = await loadSource(engine, file('deals.csv'), 'raw_sep_col');
    expect(load.columns.map((c) => c.name)).toEqual(['sep=x', 'amount']);
    expect(load.rows).toBe(1);
  });
});
