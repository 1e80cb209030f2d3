import { createHash } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { makeFixtureDir, type FixtureDir } from '../../test/helpers/fixture-dir.ts';
import { openDuckDb, type DuckDbEngine } from './duckdb-api.ts';
import type { Engine } from './engine.ts';
import { loadSource, requireColumns } from './read-source.ts';
import type { SourceLoad } from './source-spec.ts';

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

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

async function rows(table: string, order = 'source_file, source_row') {
  return engine.query(`SELECT * FROM "${table}" ORDER BY ${order}`);
}

async function expectInputError(promise: Promise<unknown>): Promise<GtmError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GtmError);
  expect((err as GtmError).code).toBe('INPUT');
  return err as GtmError;
}

describe('CSV', () => {
  it('rejects malformed lines with exact line numbers and accounts for every line', async () => {
    const text = [
      'id,name,amount',
      '1,alice,10',
      '2,bob', // 3: too few columns
      '3,carol,30',
      '4,dave,40,extra', // 5: too many
      '5,"eve,50', // 6: quote never closed…
      '6,frank,60', // 7: …so this line is swallowed
    ].join('\n');
    const path = await fx.write('deals.csv', `${text}\n`);
    const load = await loadSource(engine, file('deals.csv'), 'raw_deals');

    expect(load.rows).toBe(2);
    expect(load.rejects).toEqual([
      { row: 3, file: path, reason: 'expected 3 columns, found 2', raw: '2,bob' },
      { row: 5, file: path, reason: 'expected 3 columns, found 4', raw: '4,dave,40,extra' },
      {
        row: 6,
        file: path,
        reason: 'unterminated quoted value (a " is opened but never closed)',
        raw: '5,"eve,50',
      },
      { row: 7, file: path, reason: 'inside the quoted value left open on line 6', raw: '6,frank,60' },
    ]);
    const dataLines = text.split('\n').length - 1;
    expect(load.rows + load.rejects.length).toBe(dataLines);

    expect(await rows('raw_deals')).toEqual([
      { id: '1', name: 'alice', amount: '10', source_file: path, source_row: 2 },
      { id: '3', name: 'carol', amount: '30', source_file: path, source_row: 4 },
    ]);
    expect(load.columns).toEqual([
      { name: 'id', type: 'VARCHAR' },
      { name: 'name', type: 'VARCHAR' },
      { name: 'amount', type: 'VARCHAR' },
    ]);
    expect(load.files).toEqual([path]);
    expect(load.fingerprint).toBe(sha256(`${text}\n`));
  });

  it('numbers rows by physical line across CRLF, quoted line breaks, blank lines and a BOM', async () => {
    const text = '\uFEFFid,name,note\r\n1,"a\r\nb",x\r\n\r\n2,bad\r\n3,"say ""hi""",y\r\n4,,\r\n';
    const path = await fx.write('crlf.csv', text);
    const load = await loadSource(engine, file('crlf.csv'), 'raw_crlf');
    expect(load.columns.map((c) => c.name)).toEqual(['id', 'name', 'note']);
    expect(load.rejects).toEqual([
      { row: 5, file: path, reason: 'expected 3 columns, found 2', raw: '2,bad' },
    ]);
    expect(await rows('raw_crlf')).toEqual([
      { id: '1', name: 'a\r\nb', note: 'x', source_file: path, source_row: 2 },
      { id: '3', name: 'say "hi"', note: 'y', source_file: path, source_row: 6 },
      { id: '4', name: null, note: null, source_file: path, source_row: 7 },
    ]);
  });

  it('agrees with DuckDB on old-Mac CR line endings and a BOM before a quoted header', async () => {
    const path = await fx.write('mac.csv', '\uFEFF"id","name"\r1,a\r2\r3,"x\ry"\r4,d\r');
    const load = await loadSource(engine, file('mac.csv'), 'raw_mac');
    expect(load.columns.map((c) => c.name)).toEqual(['id', 'name']);
    expect(load.rejects.map((r) => [r.row, r.raw])).toEqual([[3, '2']]);
    expect((await rows('raw_mac')).map((r) => [r.id, r.source_row])).toEqual([
      ['1', 2],
      ['3', 4],
      ['4', 6],
    ]);
    expect(load.fingerprint).toBe(sha256(await readFile(path)));
  });

  it('keeps every value as text, so type problems are left to normalization', async () => {
    await fx.write('typed.csv', 'id,amount,closed\n007,12.50,2024-13-45\n8,n/a,yesterday\n');
    const load = await loadSource(engine, file('typed.csv'), 'raw_typed');
    expect(load.rejects).toEqual([]);
    expect((await rows('raw_typed')).map((r) => [r.id, r.amount, r.closed])).toEqual([
      ['007', '12.50', '2024-13-45'],
      ['8', 'n/a', 'yesterday'],
    ]);
  });

  it('reads headerless files, other delimiters and .tsv', async () => {
    await fx.write('plain.csv', 'a;1\nb;2\n');
    const semi = await loadSource(engine, file('plain.csv', { header: false, delimiter: ';' }), 'raw_semi');
    expect(semi.columns.map((c) => c.name)).toEqual(['column1', 'column2']);
    expect((await rows('raw_semi')).map((r) => [r.column1, r.column2, r.source_row])).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
    ]);
    await fx.write('tabs.tsv', 'k\tv\nx\t1,5\n');
    await loadSource(engine, file('tabs.tsv'), 'raw_tsv');
    expect((await rows('raw_tsv')).map((r) => r.v)).toEqual(['1,5']);
    await expectInputError(loadSource(engine, file('tabs.tsv', { delimiter: '||' }), 'raw_bad'));
  });

  it('loads a glob with source_file and per-file source_row, taking the union of columns', async () => {
    const jan = await fx.write('exports/2024-01.csv', 'id,amount\n1,10\n2,20\n');
    const feb = await fx.write('exports/2024-02.csv', 'amount,id,region\n30,3,EMEA\noops\n40,4,NA\n');
    await fx.write('exports/notes.txt', 'not matched by the glob');
    const load = await loadSource(engine, file('exports/*.csv'), 'raw_glob');

    expect(load.files).toEqual([jan, feb]);
    expect(load.rows).toBe(4);
    expect(load.rejects).toEqual([{ row: 3, file: feb, reason: 'expected 3 columns, found 1', raw: 'oops' }]);
    expect(load.columns.map((c) => c.name)).toEqual(['id', 'amount', 'region']);
    expect(await rows('raw_glob')).toEqual([
      { id: '1', amount: '10', region: null, source_file: jan, source_row: 2 },
      { id: '2', amount: '20', region: null, source_file: jan, source_row: 3 },
      { id: '3', amount: '30', region: 'EMEA', source_file: feb, source_row: 2 },
      { id: '4', amount: '40', region: 'NA', source_file: feb, source_row: 4 },
    ]);
    const manifest =
      `${sha256(await readFile(jan))}  2024-01.csv\n` + `${sha256(await readFile(feb))}  2024-02.csv\n`;
    expect(load.fingerprint).toBe(sha256(manifest));
  });

  it('gives the same fingerprint for the same bytes and a different one when a byte changes', async () => {
    await fx.write('a.csv', 'id\n1\n');
    const first = await loadSource(engine, file('a.csv'), 'raw_fp');
    const again = await loadSource(engine, file('a.csv'), 'raw_fp');
    await fx.write('a.csv', 'id\n2\n');
    const changed = await loadSource(engine, file('a.csv'), 'raw_fp');
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(changed.fingerprint).not.toBe(first.fingerprint);
    expect(await rows('raw_fp')).toHaveLength(1); // a reload replaces the table
  });

  it('accounts for every line of a large file read in parallel', async () => {
    const lines = ['id,name,amount'];
    const expectedLine = new Map<string, number>();
    const rejectedLines: number[] = [];
    for (let i = 1; i <= 120_000; i++) {
      if (i % 997 === 0) {
        rejectedLines.push(lines.length + 1);
        lines.push(`${i},short`);
      } else if (i % 1009 === 0) {
        expectedLine.set(String(i), lines.length + 1);
        lines.push(`${i},"two`, `lines",${i}`);
      } else if (i % 1013 === 0) {
        lines.push('');
      } else {
        expectedLine.set(String(i), lines.length + 1);
        lines.push(`${i},name ${i},${i}`);
      }
    }
    await fx.write('big.csv', `${lines.join('\n')}\n`);
    const load = await loadSource(engine, file('big.csv'), 'raw_big');
    expect(load.rows).toBe(expectedLine.size);
    expect(load.rejects.map((r) => r.row)).toEqual(rejectedLines);
    const got = await engine.query<{ id: string; source_row: number }>('SELECT id, source_row FROM raw_big');
    const wrong = got.filter((r) => expectedLine.get(r.id) !== r.source_row);
    expect(wrong.slice(0, 5)).toEqual([]);
    const order = await engine.query<{ ok: boolean }>(
      'SELECT bool_and(source_row > prev) AS ok FROM (SELECT source_row, lag(source_row, 1, 0) OVER (ORDER BY rowid) AS prev FROM raw_big)',
    );
    expect(order).toEqual([{ ok: true }]); // table order is file order
  });

  it('numbers rows by joining when a file has thousands of rejects and quoted line breaks', async () => {
    const lines = ['id,note'];
    const expectedLine = new Map<string, number>();
    const rejected: number[] = [];
    for (let i = 1; i <= 9000; i++) {
      if (i % 3 === 0) {
        rejected.push(lines.length + 1);
        lines.push(`${i}`);
      } else if (i % 3 === 1) {
        expectedLine.set(String(i), lines.length + 1);
        lines.push(`${i},"a`, `b"`);
      } else {
        expectedLine.set(String(i), lines.length + 1);
        lines.push(`${i},c`);
      }
    }
    await fx.write('many.csv', `${lines.join('\n')}\n`);
    const load = await loadSource(engine, file('many.csv'), 'raw_many');
    expect(load.rejects).toHaveLength(3000); // more steps than a CASE expression takes
    expect(load.rejects.map((r) => r.row)).toEqual(rejected);
    const got = await engine.query<{ id: string; source_row: number }>(
      'SELECT id, source_row FROM raw_many ORDER BY rowid',
    );
    expect(got.filter((r) => expectedLine.get(r.id) !== r.source_row)).toEqual([]);
    expect(got.map((r) => Number(r.id))).toEqual([...expectedLine.keys()].map(Number)); // file order kept
  });

  it('treats an empty file as an INPUT error and a header-only file as zero rows', async () => {
    await fx.write('empty.csv', '');
    const err = await expectInputError(loadSource(engine, file('empty.csv'), 'raw_empty'));
    expect(err.message).toMatch(/empty file/);
    await fx.write('header.csv', 'id,amount\n');
    const load = await loadSource(engine, file('header.csv'), 'raw_header');
    expect(load.rows).toBe(0);
    expect(load.columns.map((c) => c.name)).toEqual(['id', 'amount']);
  });

  it('a file of blank lines only is an empty file; blank lines above a header are named with a fix gtm.yaml can take', async () => {
    // it read "the first line … is empty; expected a header … — remove the blank first line, or set
    // header: false and map the columns by position": there is no header to move up, and gtm.yaml
    // has no header key
    for (const [name, text] of [
      ['blank.csv', '\n\n\n'],
      ['blank-crlf.csv', '\r\n\r\n'],
      ['one-blank.csv', '\n'],
    ]) {
      await fx.write(name, text);
      const err = await expectInputError(loadSource(engine, file(name), 'raw_blank'));
      expect(`${err.message} | ${err.hint}`, JSON.stringify(text)).toBe(
        'empty file, no header and no rows | check sources.crm.path in gtm.yaml points at the export you meant',
      );
    }
    await fx.write('late.csv', '\n\nid,amount\n1,2\n');
    const err = await expectInputError(loadSource(engine, file('late.csv'), 'raw_late'));
    expect(err.message).toMatch(
      /the first line of .*late\.csv is empty; expected a header naming the columns$/,
    );
    expect(err.hint).toBe('remove the blank lines above the header row');
  });

  // A glob skipped an empty file silently (no row accounting, warning or doctor line) where the
  // same file as the path was refused: one rule now, whatever names the file and its format
  it('refuses an empty file that a glob matches among others, naming it, in every format', async () => {
    await fx.write('g/a.csv', 'id,amount\n1,2\n');
    await fx.write('g/b.csv', 'id,amount\n');
    await fx.write('g/zero.csv', '');
    const one = await expectInputError(loadSource(engine, file('g/*.csv'), 'raw_g'));
    expect([one.where, one.message]).toEqual([
      fx.path('g/zero.csv'),
      'empty file, no header and no rows (one of the 3 files that sources.crm.path g/*.csv matches)',
    ]);
    expect(one.hint).toMatch(/^a glob reads every file it matches: re-export the file or move it out/);
    await fx.write('g/zero2.csv', '');
    const two = await expectInputError(loadSource(engine, file('g/*.csv'), 'raw_g'));
    expect(two.message).toBe(
      'empty file, no header and no rows (2 of the 4 files that sources.crm.path g/*.csv matches are empty: also zero2.csv)',
    );
    // a header-only file alone is 0 rows, as before
    const ok = await loadSource(engine, file('g/[ab].csv'), 'raw_g');
    expect(ok.rows).toBe(1);
    await fx.write('n/a.ndjson', '{"id":1}\n');
    await fx.write('n/zero.ndjson', '');
    const nd = await expectInputError(loadSource(engine, file('n/*.ndjson'), 'raw_n'));
    expect([nd.where, nd.message]).toEqual([
      fx.path('n/zero.ndjson'),
      'empty file (0 bytes), no rows (one of the 2 files that sources.crm.path n/*.ndjson matches)',
    ]);
    const single = await expectInputError(loadSource(engine, file('n/zero.ndjson'), 'raw_n'));
    expect([single.where, single.message]).toEqual([
      fx.path('n/zero.ndjson'),
      'empty file (0 bytes), no rows',
    ]);
    await fx.write('p/zero.parquet', '');
    const pq = await expectInputError(loadSource(engine, file('p/zero.parquet'), 'raw_p'));
    expect(pq.message).toBe('empty file (0 bytes), no rows');
  });

  it('refuses source columns named like the provenance columns', async () => {
    await fx.write('clash.csv', 'id,source_row\n1,2\n');
    const err = await expectInputError(loadSource(engine, file('clash.csv'), 'raw_clash'));
    expect(err.message).toMatch(/"source_row" is reserved/);
  });
});

describe('Parquet', () => {
  it('reads a file written by DuckDB COPY, keeping types, with source_row', async () => {
    const path = fx.path('deals.parquet');
    await engine.exec(
      `COPY (SELECT range::BIGINT AS id, 'p' || range AS partner, (range * 1.5)::DECIMAL(10,2) AS amount,
             DATE '2024-01-01' + range::INTEGER AS closed_on FROM range(3)) TO '${path}' (FORMAT parquet)`,
    );
    const load = await loadSource(engine, file('deals.parquet'), 'raw_parquet');
    expect(load.rows).toBe(3);
    expect(load.rejects).toEqual([]);
    expect(load.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'partner', type: 'VARCHAR' },
      { name: 'amount', type: 'DECIMAL(10,2)' },
      { name: 'closed_on', type: 'DATE' },
    ]);
    expect(await rows('raw_parquet')).toEqual([
      { id: 0, partner: 'p0', amount: 0, closed_on: '2024-01-01', source_file: path, source_row: 1 },
      { id: 1, partner: 'p1', amount: 1.5, closed_on: '2024-01-02', source_file: path, source_row: 2 },
      { id: 2, partner: 'p2', amount: 3, closed_on: '2024-01-03', source_file: path, source_row: 3 },
    ]);
    expect(await load.fingerprint).toBe(sha256(await readFile(path)));
  });

  it('reports a damaged file as INPUT naming it', async () => {
    const path = await fx.write('broken.parquet', 'PAR1 this is not parquet');
    const err = await expectInputError(loadSource(engine, file('broken.parquet'), 'raw_broken'));
    expect(err.where).toBe(path);
    expect(err.message).toMatch(/^cannot read Parquet/);
  });
});

describe('NDJSON and JSON', () => {
  it('rejects bad lines with their line numbers and loads the rest', async () => {
    const text = [
      '{"id": 1, "name": "a", "amount": 10.5, "closed": "2024-01-02"}',
      '{"id": 2, "name": "b"', // 2: truncated
      '',
      '[1, 2]', // 4: not an object
      '{"id": "4", "name": "d", "amount": 7}',
      '{}',
      '{"id": 5, "name": "=cmd", "tags": ["x"]}\r',
    ].join('\n');
    const path = await fx.write('events.ndjson', text);
    const load = await loadSource(engine, file('events.ndjson'), 'raw_events');

    expect(load.rows).toBe(4);
    expect(load.rejects).toHaveLength(2);
    expect(load.rejects[0]).toMatchObject({ row: 2, file: path, raw: '{"id": 2, "name": "b"' });
    expect(load.rejects[0].reason).toMatch(/^invalid JSON: /);
    expect(load.rejects[1]).toEqual({
      row: 4,
      file: path,
      reason: 'expected a JSON object, found an array',
      raw: '[1, 2]',
    });
    const got = await rows('raw_events');
    expect(got.map((r) => [r.id, r.name, r.source_row])).toEqual([
      ['1', 'a', 1], // mixed number/string ids come back as text, without JSON quotes
      ['4', 'd', 5],
      [null, null, 6],
      ['5', '=cmd', 7],
    ]);
    expect(got[0].closed).toBe('2024-01-02');
    expect(got[3].tags).toEqual(['x']);
    expect(load.fingerprint).toBe(sha256(text));
  });

  it('loads a JSON array file with element numbers as source_row', async () => {
    const path = await fx.write('list.json', '[{"id": 1, "v": "x"}, {"id": 2, "v": null}]');
    const load = await loadSource(engine, file('list.json'), 'raw_list');
    expect(load.rows).toBe(2);
    expect(await rows('raw_list')).toEqual([
      { id: 1, v: 'x', source_file: path, source_row: 1 },
      { id: 2, v: null, source_file: path, source_row: 2 },
    ]);
  });

  it('reads a .json file of one object per line as NDJSON', async () => {
    await fx.write('lines.json', '{"id": 1}\n{"id": 2}\nnope\n');
    const load = await loadSource(engine, file('lines.json'), 'raw_lines');
    expect(load.rows).toBe(2);
    expect(load.rejects.map((r) => r.row)).toEqual([3]);
  });

  it('reports a malformed JSON array file as INPUT', async () => {
    await fx.write('bad.json', '[{"id": 1}, {"id": ');
    const err = await expectInputError(loadSource(engine, file('bad.json'), 'raw_badjson'));
    expect(err.message).toMatch(/^cannot read JSON/);
  });

  it('handles a file with no good line', async () => {
    await fx.write('none.ndjson', 'x\n');
    const load = await loadSource(engine, file('none.ndjson'), 'raw_none');
    expect(load.rows).toBe(0);
    expect(load.rejects).toHaveLength(1);
    expect(load.columns).toEqual([]);
  });
});

describe('input errors', () => {
  it('names the missing file and the config key to fix', async () => {
    const err = await expectInputError(loadSource(engine, file('nope/deals.csv'), 't'));
    expect(err.where).toBe(fx.path('nope/deals.csv'));
    expect(err.message).toBe('file not found');
    expect(err.hint).toMatch(/^check sources\.crm\.path in gtm\.yaml/);
  });

  it('reports an empty glob', async () => {
    const err = await expectInputError(loadSource(engine, file('exports/*.csv'), 't'));
    expect(err.message).toMatch(/^no files match /);
    expect(err.hint).toMatch(/sources\.crm\.path/);
  });

  it('reports a directory, an unknown extension and an unknown format', async () => {
    await fx.write('dir/a.csv', 'id\n1\n');
    expect((await expectInputError(loadSource(engine, file('dir'), 't'))).message).toMatch(/is a directory/);
    await fx.write('deals.xlsx', 'PK');
    const ext = await expectInputError(loadSource(engine, file('deals.xlsx'), 't'));
    expect(ext.hint).toMatch(/sources\.crm\.format/);
    const fmt = await expectInputError(
      loadSource(engine, file('dir/a.csv', { format: 'xlsx' }) as never, 't'),
    );
    expect(fmt.where).toBe('sources.crm.format');
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file (not testable as root)', async () => {
    const path = await fx.write('secret.csv', 'id\n1\n');
    await chmod(path, 0o000);
    const err = await expectInputError(loadSource(engine, file('secret.csv'), 't'));
    expect(err.message).toMatch(/permission denied/);
  });

  it('refuses to load into a non-DuckDB engine', async () => {
    const clickhouse = { dialect: 'clickhouse' } as Engine;
    await expect(loadSource(clickhouse, file('a.csv'), 't')).rejects.toMatchObject({ code: 'CONFIG' });
  });
});

describe('requireColumns', () => {
  const load: SourceLoad = {
    source: 'crm',
    table: 'raw_crm',
    rows: 1,
    columns: [
      { name: 'id', type: 'VARCHAR' },
      { name: 'Deal Value', type: 'VARCHAR' },
      { name: 'Closed', type: 'VARCHAR' },
    ],
    files: ['/data/deals.csv'],
    fingerprint: 'x',
    rejects: [],
  };

  it('passes when every column is present (names match case-insensitively, as in DuckDB)', () => {
    expect(() => requireColumns(load, ['id', 'closed'])).not.toThrow();
  });

  it('names the missing column, the file, the columns found and the fix', () => {
    const err = (() => {
      try {
        requireColumns(load, ['id', 'amount', 'currency'], 'sources.crm');
      } catch (e) {
        return e as GtmError;
      }
      throw new Error('expected an error');
    })();
    expect(err.code).toBe('INPUT');
    expect(err.where).toBe('sources.crm');
    expect(err.message).toBe('/data/deals.csv has no column "amount" (also missing: currency)');
    expect(err.hint).toBe(
      'columns found: id, Deal Value, Closed — map it under sources.crm.mapping in gtm.yaml',
    );
  });
});
