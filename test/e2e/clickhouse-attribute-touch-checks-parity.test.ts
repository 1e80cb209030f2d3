/**
 * `gtm attribute --touchpoints` checks a touch log the same way on both engines: each log below is
 * written as a CSV (read by DuckDB) and inserted into a ClickHouse table with signed and nullable
 * columns (so a −1 is a −1 there, not the 255 of a UInt8), and the two CLI runs must give the same
 * exit code and the same error line — except where the line names the row: a file's line and data
 * row, a table's journey and time — or, for logs that are not refused, the same JSON result (row
 * counts, left-out rows, value conflicts, credit) and the same warnings.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type Engine } from '../../src/data/index.ts';
import { quoteString } from '../../src/data/sql-text.ts';
import { findClickHouseServer, startClickHouse } from '../helpers/clickhouse-server.ts';
import { runCli } from '../helpers/run-cli.ts';

/** One touch: journey, time, channel, converted, value; null is an empty cell / NULL. */
type Touch = [string, number | null, string | null, string | null, string | null];

const chServer = findClickHouseServer();
let dir: string;
let server: Awaited<ReturnType<typeof startClickHouse>>;
let ch: Engine;

/** The log as a CSV file and as a ClickHouse table of the same name; `converted` typed as given. */
async function writeBoth(name: string, touches: Touch[], convertedType = 'Nullable(Int8)'): Promise<string> {
  const cell = (v: string | number | null) => (v === null ? '' : String(v));
  const file = path.join(dir, `${name}.csv`);
  await writeFile(
    file,
    `journey_id,ts,channel,converted,value\n${touches.map((t) => t.map(cell).join(',')).join('\n')}\n`,
  );
  const lit = (v: string | number | null, text = false) =>
    v === null ? 'NULL' : text ? quoteString(String(v), 'clickhouse') : String(v);
  await ch.exec(`DROP TABLE IF EXISTS ${name}`);
  await ch.exec(
    `CREATE TABLE ${name} (journey_id String, ts Nullable(Int64), channel Nullable(String), converted ${convertedType}, value Nullable(Float64)) ENGINE = MergeTree ORDER BY journey_id`,
  );
  await ch.exec(
    `INSERT INTO ${name} VALUES ${touches.map(([j, ts, c, cv, v]) => `(${lit(j, true)}, ${lit(ts)}, ${lit(c, true)}, ${lit(cv, convertedType.includes('String'))}, ${lit(v)})`).join(', ')}`,
  );
  return file;
}

const both = async (name: string, file: string, model: string) => ({
  duck: await runCli(['attribute', '--touchpoints', file, '--model', model, '--json'], { cwd: dir }),
  ch: await runCli(
    ['attribute', '--touchpoints', name, '--clickhouse', server.url, '--model', model, '--json'],
    {
      cwd: dir,
    },
  ),
});

describe.skipIf(!chServer && !process.env.CI)(
  'attribute --touchpoints: the touch checks on DuckDB and ClickHouse',
  () => {
    beforeAll(async () => {
      if (!chServer) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
      dir = await mkdtemp(path.join(tmpdir(), 'gtm-tp-parity-'));
      server = await startClickHouse();
      ch = await openClickHouse({ url: server.url });
    }, 120_000);
    afterAll(async () => {
      await ch?.close();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    // [name, touches, the refused row (index into touches), its column, converted's type on ClickHouse]
    const refused: [string, Touch[], number, string, string?][] = [
      [
        'conv_minus_one',
        [
          ['j1', 1, 'A', '0', '5'],
          ['j1', 2, 'B', '-1', '5'],
          ['j2', 1, 'A', '0', '0'],
        ],
        1,
        'converted',
      ],
      [
        'conv_two',
        [
          ['j1', 1, 'A', '0', '5'],
          ['j2', 1, 'A', '2', '5'],
          ['j2', 2, 'B', '2', '5'],
        ],
        1,
        'converted',
      ],
      [
        'conv_half',
        [
          ['j1', 1, 'A', '0', '0'],
          ['j2', 1, 'A', '0', '0'],
          ['j2', 2, 'B', '0.5', '0'],
        ],
        2,
        'converted',
        'Nullable(Float64)',
      ],
      [
        // a text column mixing 0/1 and true/false: only the word that is no flag is refused
        'conv_yes',
        [
          ['j1', 1, 'A', '0', '5'],
          ['j1', 2, 'B', 'true', '5'],
          ['j2', 1, 'A', 'yes', '0'],
        ],
        2,
        'converted',
        'Nullable(String)',
      ],
      [
        'value_negative',
        [
          ['j1', 1, 'A', '1', '10'],
          ['j1', 2, 'B', '1', '-10'],
        ],
        1,
        'value',
      ],
      [
        'value_nan',
        [
          ['j1', 1, 'A', '1', '10'],
          ['j2', 1, 'B', '0', 'nan'],
        ],
        1,
        'value',
      ],
      [
        'value_inf',
        [
          ['j1', 1, 'A', '0', null],
          ['j2', 3, 'B', '1', 'inf'],
          ['j2', 4, 'A', '1', '1'],
        ],
        1,
        'value',
      ],
      // (a CSV whose only value is -inf is read by DuckDB as a DATE column: refused by the path query's cast instead)
      [
        'value_minus_inf',
        [
          ['j1', 1, 'A', '1', '5'],
          ['j2', 1, 'A', '1', '-inf'],
        ],
        1,
        'value',
      ],
    ];
    it.each(refused)(
      '%s: the same exit code and error line (the row named by journey and time on ClickHouse)',
      async (name, touches, bad, column, convertedType) => {
        const file = await writeBoth(name, touches, convertedType);
        for (const model of ['linear', 'markov']) {
          const { duck, ch: onCh } = await both(name, file, model);
          expect(duck.code).toBe(4);
          expect(duck.stdout).toBe('');
          expect(duck.stderrLines).toHaveLength(1);
          expect(onCh.code).toBe(duck.code);
          expect(onCh.stdout).toBe('');
          expect(onCh.stderrLines).toHaveLength(1);
          // DuckDB names the file's line and data row; ClickHouse the table and the row's journey and time
          const [j, ts] = touches[bad];
          expect(duck.stderrLines[0]).toContain(`${file}:${bad + 2}:${column}: `);
          expect(duck.stderrLines[0]).toContain(`(column ${column}, data row ${bad + 1})`);
          const expected = duck.stderrLines[0]
            .replace(`${file}:${bad + 2}:${column}: `, `${name}:${column}: `)
            .replace(`data row ${bad + 1})`, `journey_id ${j}, ts ${ts})`);
          expect(onCh.stderrLines[0]).toBe(expected);
          // the value as the table holds it, never a cast of it
          expect(onCh.stderrLines[0]).toContain(`"${touches[bad][column === 'converted' ? 3 : 4]}" is `);
        }
      },
      60_000,
    );

    // [name, touches, what source.touches must say (checked by hand), the warnings' count,
    // converted's type on ClickHouse]
    const counted: [string, Touch[], Record<string, unknown>, number, string?][] = [
      [
        // converted as text mixing 0/1, true/false in any case and empty (a CSV DuckDB types as
        // text, a String column): "true" was "not a finite number" on DuckDB, 0 on ClickHouse
        'conv_mixed',
        [
          ['j1', 1, 'A', '0', '10'],
          ['j1', 2, 'B', 'TRUE', '10'],
          ['j2', 1, 'A', 'false', null],
          ['j2', 2, 'C', '1', '4'],
          ['j3', 1, 'B', 'False', '0'],
          ['j3', 2, 'C', null, null],
        ],
        {
          rows: 6,
          kept: 6,
          rejected: { no_channel: 0, no_time: 0 },
          value_conflicts: 0,
          journeys_without_touch: 0,
        },
        0,
        'Nullable(String)',
      ],
      [
        // j1: A, (no channel), C converting at 100; j2: A; j3: a blank channel, converting at 7;
        // j4: B without a time, then B
        'holes',
        [
          ['j1', 1, 'A', '1', '100'],
          ['j1', 2, null, '1', '100'],
          ['j1', 3, 'C', '1', '100'],
          ['j2', 1, 'A', '0', '0'],
          ['j3', 1, '  ', '1', '7'],
          ['j4', null, 'B', '0', '0'],
          ['j4', 2, 'B', '0', '0'],
        ],
        {
          rows: 7,
          kept: 4,
          rejected: { no_channel: 2, no_time: 1 },
          value_conflicts: 0,
          journeys_without_touch: 1,
        },
        2,
      ],
      [
        // blank is one definition on both engines (DuckDB's trim: the Unicode space separators):
        // j1: A, then a no-break space, converting at 10; j2: an ideographic space, a space and a
        // thin space, converting at 5 (no touch left); j3: 'B<no-break space>C' (a name), then a
        // narrow no-break space. ClickHouse took all of these for channels (it removed ' ' only).
        'unicode_blanks',
        [
          ['j1', 1, 'A', '1', '10'],
          ['j1', 2, '\u00a0', '1', '10'],
          ['j2', 1, '\u3000 \u2009', '1', '5'],
          ['j3', 1, 'B\u00a0C', '0', '0'],
          ['j3', 2, '\u202f', '0', '0'],
        ],
        {
          rows: 5,
          kept: 2,
          rejected: { no_channel: 3, no_time: 0 },
          value_conflicts: 0,
          journeys_without_touch: 1,
        },
        2,
      ],
      [
        // j1, j2 disagree and convert; j3 has its value on the converting row only; j4 repeats it;
        // j5 disagrees but does not convert
        'values',
        [
          ['j1', 1, 'A', '1', '100'],
          ['j1', 2, 'B', '1', '50'],
          ['j2', 1, 'A', '1', '50'],
          ['j2', 2, 'B', '1', '100'],
          ['j3', 1, 'A', '0', '0'],
          ['j3', 2, 'B', '1', '30'],
          ['j4', 1, 'A', '1', '20'],
          ['j4', 2, 'B', '1', '20'],
          ['j5', 1, 'A', '0', '3'],
          ['j5', 2, 'B', '0', '4'],
        ],
        {
          rows: 10,
          kept: 10,
          rejected: { no_channel: 0, no_time: 0 },
          value_conflicts: 2,
          journeys_without_touch: 0,
        },
        1,
      ],
      [
        // a clean log, rows out of time order, empty flags: no warning, nothing left out
        'clean',
        [
          ['1', 30, 'email', '1', '100'],
          ['1', 10, 'search', '1', '100'],
          ['1', 20, 'social', '1', '100'],
          ['2', 6, 'search', null, null],
          ['2', 5, 'search', '0', null],
          ['3', 2, 'email', '1', '40'],
          ['3', 1, 'social', '1', '40'],
          ['4', 9, 'search', '0', '0'],
          ['4', 3, 'email', '0', '0'],
          ['5', 12, 'email', '1', '60'],
          ['5', 4, 'search', '1', '60'],
          ['5', 8, 'social', '1', '60'],
        ],
        {
          rows: 12,
          kept: 12,
          rejected: { no_channel: 0, no_time: 0 },
          value_conflicts: 0,
          journeys_without_touch: 0,
        },
        0,
      ],
    ];
    it.each(counted)(
      '%s: the same rows counted, warnings and credit on both engines',
      async (name, touches, expectedTouches, warnings, convertedType) => {
        const file = await writeBoth(name, touches, convertedType);
        // linear and markov stream the paths on ClickHouse; fractribution keeps them
        for (const model of ['linear', 'markov', 'fractribution']) {
          const { duck, ch: onCh } = await both(name, file, model);
          expect([duck.code, onCh.code]).toEqual([0, 0]);
          const d = duck.json<{
            source: Record<string, unknown>;
            totals: unknown;
            channels: { channel: string; conversions: number; value: number }[];
          }>();
          const c = onCh.json<typeof d>();
          expect(d.source.touches).toEqual(expectedTouches);
          expect(c.source.touches).toEqual(d.source.touches);
          expect(onCh.stderrLines).toEqual(duck.stderrLines);
          expect(duck.stderrLines.filter((l) => l.startsWith('warning: '))).toHaveLength(warnings);
          const credit = (r: typeof d) =>
            Object.fromEntries(
              r.channels.map((x) => [x.channel, [x.conversions.toFixed(9), x.value.toFixed(9)]]),
            );
          expect(credit(c)).toEqual(credit(d));
          expect({ ...c.source, file: '' }).toEqual({ ...d.source, file: '' });
          expect(c.totals).toEqual(d.totals);
        }
      },
      60_000,
    );

    it('credits the mixed flags as worked out by hand on ClickHouse', async () => {
      // j1 A>B converts at 10, j2 A>C at 4 (linear: half each); j3 does not convert
      const r = await runCli(
        [
          'attribute',
          '--touchpoints',
          'conv_mixed',
          '--clickhouse',
          server.url,
          '--model',
          'linear',
          '--json',
        ],
        { cwd: dir },
      );
      const { channels } = r.json<{ channels: { channel: string; conversions: number; value: number }[] }>();
      expect(Object.fromEntries(channels.map((x) => [x.channel, [x.conversions, x.value]]))).toEqual({
        A: [1, 7],
        B: [0.5, 5],
        C: [0.5, 2],
      });
    });

    it('credits the holes log as worked out by hand on ClickHouse', async () => {
      // j1 A>C splits 1 conversion and 100 half and half; j3 has no touch left: (unmatched)
      const r = await runCli(
        ['attribute', '--touchpoints', 'holes', '--clickhouse', server.url, '--model', 'linear', '--json'],
        {
          cwd: dir,
        },
      );
      const { channels } = r.json<{ channels: { channel: string; conversions: number; value: number }[] }>();
      expect(Object.fromEntries(channels.map((x) => [x.channel, [x.conversions, x.value]]))).toEqual({
        A: [0.5, 50],
        B: [0, 0],
        C: [0.5, 50],
        '(unmatched)': [1, 7],
      });
    });
  },
);
