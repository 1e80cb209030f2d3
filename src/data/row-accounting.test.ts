import { readFile, readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { makeFixtureDir, type FixtureDir } from '../../test/helpers/fixture-dir.ts';
import { reconcile, writeRejects } from './row-accounting.ts';

describe('reconcile', () => {
  it.each([
    { rows_in: 0, accepted: 0, deduplicated: 0, rejected: 0 },
    { rows_in: 10, accepted: 7, deduplicated: 2, rejected: 1 },
    { rows_in: 5, accepted: 0, deduplicated: 0, rejected: 5 },
  ])('accepts balanced counts %o', (counts) => {
    const a = { source: 'crm', ...counts };
    expect(reconcile(a)).toBe(a);
  });

  it('throws a retriable DATA error naming the gap when rows go missing', () => {
    const run = () => reconcile({ source: 'crm', rows_in: 10, accepted: 7, deduplicated: 1, rejected: 1 });
    expect(run).toThrow(GtmError);
    try {
      run();
    } catch (e) {
      const err = e as GtmError;
      expect(err.code).toBe('DATA');
      expect(err.retriable).toBe(true);
      expect(err.where).toBe('sources.crm');
      expect(err.message).toBe(
        'rows of crm do not reconcile: 10 read, but 7 accepted + 1 deduplicated + 1 rejected = 9 (1 unaccounted for)',
      );
    }
  });

  it('says when rows are counted twice', () => {
    expect(() => reconcile({ source: 'crm', rows_in: 2, accepted: 2, deduplicated: 1, rejected: 0 })).toThrow(
      /1 counted twice/,
    );
  });

  it('refuses negative or fractional counts', () => {
    expect(() =>
      reconcile({ source: 'crm', rows_in: 1, accepted: 2, deduplicated: -1, rejected: 0 }),
    ).toThrow(/not whole non-negative/);
    expect(() =>
      reconcile({ source: 'crm', rows_in: 1.5, accepted: 1.5, deduplicated: 0, rejected: 0 }),
    ).toThrow(GtmError);
  });
});

describe('writeRejects', () => {
  let fx: FixtureDir;
  beforeEach(async () => {
    fx = await makeFixtureDir();
  });
  afterEach(() => fx.remove());

  it('writes source,file,row,reason,raw with formula cells neutralised, creating the directory', async () => {
    const path = fx.path('reports/run-1/rejects.csv');
    await writeRejects(path, [
      { source: 'crm', file: '/data/deals.csv', row: 3, reason: 'expected 3 columns, found 2', raw: '2,bob' },
      {
        source: 'crm',
        file: '/data/deals.csv',
        row: 9,
        reason: 'invalid JSON',
        raw: '=HYPERLINK("http://evil")',
      },
      { source: 'pg', row: 1, reason: '-negative' },
    ]);
    expect(await readFile(path, 'utf8')).toBe(
      'source,file,row,reason,raw\n' +
        'crm,/data/deals.csv,3,"expected 3 columns, found 2","2,bob"\n' +
        `crm,/data/deals.csv,9,invalid JSON,"'=HYPERLINK(""http://evil"")"\n` +
        "pg,,1,'-negative,\n",
    );
    expect(await readdir(fx.path('reports/run-1'))).toEqual(['rejects.csv']); // no temp file left
  });

  it('fails with IO when the path cannot be written', async () => {
    await fx.write('blocker', 'a file where a directory should be');
    await expect(writeRejects(fx.path('blocker/rejects.csv'), [])).rejects.toMatchObject({ code: 'IO' });
  });
});
