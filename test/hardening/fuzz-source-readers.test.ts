/**
 * Property test of the workspace readers (issue 10): seeded mutations of CSV and NDJSON sources —
 * broken quotes, stray separators and line breaks, BOMs, NUL bytes, invalid UTF-8 surrogates,
 * non-finite numbers, repeated header names — are loaded with `loadSource`. Properties: the load
 * gives rows and rejects, or a GtmError INPUT naming the file with a hint (never another error,
 * never INTERNAL, never "cannot account for every line"); nothing is lost: rows + rejects equals
 * the records of the file (non-blank lines for NDJSON, and for CSV without quotes; at most the
 * physical lines otherwise); every reject names its file and a line inside it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSource, openDuckDb, type DuckDbEngine } from '../../src/data/index.ts';
import { GtmError } from '../../src/errors/index.ts';
import { expectGtmError, reportTally, tally } from './error-policy.ts';
import { mutateMany, fuzzRng, FUZZ_SCALE } from './fuzz.ts';

const CASES = 400 * FUZZ_SCALE;
const CSV_SEED = [
  'Email,Timestamp,Activity,Source,Amount',
  'a@x.com,2026-11-01T10:00:00Z,webinar,linkedin,10.5',
  'b@x.com,2026-11-02T11:00:00Z,"demo, booked",google,-3',
  'c@x.com,2026-11-03T12:00:00Z,download,"say ""hi""",1e3',
  'd@x.com,2026-11-04T13:00:00Z,webinar,,',
  '',
  'e@x.com,2026-11-05T14:00:00Z,trial,email,7',
].join('\n');
const NDJSON_SEED = [
  '{"person_id":"p1","time":"2026-11-01T10:00:00Z","utm_source":"google","amount":1}',
  '{"person_id":"p2","time":"2026-11-02T10:00:00Z","utm_source":"bing","amount":-2.5,"nested":{"a":[1,2]}}',
  '',
  '{"person_id":"p3","time":"2026-11-03T10:00:00Z","utm_source":null}',
  '{"person_id":"p4","time":"2026-11-04","utm_source":"=HYPERLINK(\\"x\\")"}',
].join('\n');

let dir: string;
let engine: DuckDbEngine;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-fuzz-sources-'));
  engine = await openDuckDb({ threads: 1 });
});
afterAll(async () => {
  reportTally('source readers fuzz');
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

/** Non-blank lines; NDJSON breaks lines at \n only (a lone \r is inside a line), CSV at any break. */
const nonBlankLines = (text: string, ndjson = false) =>
  text
    .replace(/^\uFEFF/, '')
    .split(ndjson ? /\n/ : /\r\n|\n|\r/)
    .filter((l) => l.trim() !== '').length;
const physicalLines = (text: string) => text.split(/\r\n|\n|\r/).length;

describe.each([
  ['CSV', 'csv', CSV_SEED, 11],
  ['NDJSON', 'ndjson', NDJSON_SEED, 22],
] as const)('mutated %s sources', (_kind, ext, seed, salt) => {
  it(`${CASES} seeded cases: rows and rejects that account for every record, or INPUT`, async () => {
    const r = fuzzRng(808 + salt);
    for (let i = 0; i < CASES; i++) {
      const text = mutateMany(seed, r);
      const file = path.join(dir, `src-${ext}-${i}.${ext}`);
      await writeFile(file, text);
      if (process.env.GTM_FUZZ_DUMP === String(i)) console.log(JSON.stringify(text));
      const label = `case ${i}: ${JSON.stringify(text)}`;
      let load;
      try {
        load = await loadSource(engine, { name: 'fuzz', kind: 'file', path: file }, `raw_${i}`);
      } catch (err) {
        expect(err, `${label}: ${String((err as Error)?.stack ?? err)}`).toBeInstanceOf(GtmError);
        expect((err as GtmError).code, `${label}: ${(err as GtmError).oneLine()}`).toBe('INPUT');
        const e = expectGtmError(err, ['INPUT']);
        expect(e.message, label).not.toMatch(/cannot account/);
        expect(e.where, label).toContain(file);
        continue;
      }
      tally.tried++;
      const total = load.rows + load.rejects.length;
      if (ext === 'ndjson') expect(total, label).toBe(nonBlankLines(text, true));
      else if (!text.includes('"')) expect(total, label).toBe(Math.max(0, nonBlankLines(text) - 1));
      else expect(total, label).toBeLessThanOrEqual(physicalLines(text));
      for (const rej of load.rejects) {
        expect(rej.file, label).toBe(file);
        expect(rej.row >= 1 && rej.row <= physicalLines(text), `${label} reject row ${rej.row}`).toBe(true);
        expect(rej.reason, label).toBeTruthy();
      }
      await engine
        .exec(`DROP TABLE IF EXISTS raw_${i}`)
        .catch(() => engine.exec(`DROP VIEW IF EXISTS raw_${i}`));
    }
  });
});
