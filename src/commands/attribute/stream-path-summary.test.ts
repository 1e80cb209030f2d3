import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRng,
  MODEL_NAMES,
  PathStream,
  pathStreamBlocker,
  type AttributionOptions,
} from '../../analyses/attribution/index.ts';
import { openClickHouse, type ClickHouseEngine } from '../../data/index.ts';
import { findClickHouseServer, startClickHouse } from '../../../test/helpers/clickhouse-server.ts';
import { readPathColumns } from './build-path-summary.ts';
import { attributeRecords, attributeResultOf, type AttributeResult } from './run-attribute.ts';
import { runAttributeTouchpoints } from './run-attribute-touchpoints.ts';
import { PathLineStream, streamPathSummary } from './stream-path-summary.ts';

const CHANNELS = ['direct', 'email', 'partner', 'search', 'social', 'webinar'];

/** A seeded touch log: 400 journeys, repeats, ties in time, touches without a channel, empty journeys. */
function touchLog(): string[] {
  const rng = createRng(2026);
  const rows: string[] = [];
  for (let j = 1; j <= 400; j++) {
    const n = Math.floor(rng.next() * rng.next() * 9);
    const converted = rng.next() < 0.3 ? 1 : 0;
    const value = converted ? Math.round(rng.next() * 100000) / 100 : 0;
    // a journey without touches still counts (no rows: it cannot appear in a touch log)
    for (let k = 0; k < Math.max(1, n); k++) {
      const channel =
        rng.next() < 0.04 ? '' : CHANNELS[Math.floor(rng.next() * rng.next() * CHANNELS.length)];
      const ts = 1_700_000_000 + Math.floor(rng.next() * 50);
      rows.push(`${j},${ts},${channel},${converted},${value}`);
    }
  }
  return rows;
}

const OPTIONS: AttributionOptions[] = [
  {},
  { markovOrder: 2, shapleyRates: 'exact', halfLifeSteps: 2 },
  { positionWeights: { first: 0.3, last: 0.5 }, directChannels: ['Direct', 'partner'] },
];

const chServer = findClickHouseServer();
describe.skipIf(!chServer && !process.env.CI)(
  'attribute on ClickHouse, paths streamed into the model',
  () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startClickHouse>>;
    let engine: ClickHouseEngine;
    beforeAll(async () => {
      if (!chServer) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
      dir = await mkdtemp(path.join(tmpdir(), 'gtm-stream-'));
      const rows = touchLog();
      await writeFile(
        path.join(dir, 'touches.csv'),
        `journey_id,ts,channel,converted,value\n${rows.join('\n')}\n`,
      );
      server = await startClickHouse();
      engine = await openClickHouse({ url: server.url });
      await engine.exec(
        'CREATE TABLE touches (journey_id Int64, ts Int64, channel Nullable(String), converted UInt8, value Float64) ENGINE = MergeTree ORDER BY journey_id',
      );
      const sqlRow = (r: string) => {
        const [j, ts, ch, c, v] = r.split(',');
        return `(${j}, ${ts}, ${ch ? `'${ch}'` : 'NULL'}, ${c}, ${v})`;
      };
      await engine.exec(`INSERT INTO touches VALUES ${rows.map(sqlRow).join(', ')}`);
    }, 120_000);
    afterAll(async () => {
      await engine?.close();
      await server?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const close = (a: unknown, b: unknown, where: string): void => {
      if (typeof a === 'number' && typeof b === 'number') {
        expect(Math.abs(a - b), `${where}: ${a} vs ${b}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(b)),
        );
        return;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        expect(a.length, where).toBe(b.length);
        a.forEach((x, i) => close(x, b[i], `${where}[${i}]`));
        return;
      }
      if (a && b && typeof a === 'object' && typeof b === 'object') {
        expect(Object.keys(a).sort(), where).toEqual(Object.keys(b).sort());
        for (const k of Object.keys(a))
          close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
        return;
      }
      expect(a, where).toEqual(b);
    };
    // the transition list follows the order paths arrive in, which no engine promises; the touch
    // rows' checks and warnings are counted on DuckDB only
    const comparable = ({ warnings: _w, ...r }: AttributeResult) => ({
      ...r,
      source: { ...r.source, file: '', touches: undefined },
      markov: r.markov && {
        ...r.markov,
        transitions: [...r.markov.transitions].sort((a, b) =>
          `${a.from}\0${a.to}`.localeCompare(`${b.from}\0${b.to}`),
        ),
      },
    });

    it.each(MODEL_NAMES.filter((m) => m !== 'fractribution'))(
      '%s: streamed on ClickHouse equals DuckDB over the same log (three option sets), to 1e-9',
      async (model) => {
        for (const options of OPTIONS) {
          const opts = { customWeights: { first: 0.5, last: 0.2 }, ...options };
          expect(pathStreamBlocker(model, opts, CHANNELS)).toBeNull();
          const ch = await runAttributeTouchpoints({
            touchpoints: 'touches',
            clickhouse: server.url,
            model,
            ...opts,
          });
          const duck = await runAttributeTouchpoints({
            touchpoints: path.join(dir, 'touches.csv'),
            model,
            ...opts,
          });
          close(comparable(ch), comparable(duck), `${model} ${JSON.stringify(options)}`);
          // the log's own truth: 400 journeys, the empty-channel touches left out of the paths
          expect(duck.totals.conversions + duck.totals.nulls).toBe(400);
          const rows = touchLog();
          const blank = rows.filter((r) => r.split(',')[2] === '').length;
          expect(duck.source.touches).toMatchObject({
            rows: rows.length,
            kept: rows.length - blank,
            rejected: { no_channel: blank, no_time: 0 },
            value_conflicts: 0,
          });
          expect(duck.warnings?.[0]).toMatch(new RegExp(`^${blank} touch rows were left out`));
        }
      },
      60_000,
    );

    it('the models that keep every path (compare, fractribution, a bootstrap, per-path, path options) agree too', async () => {
      for (const opts of [
        { model: 'compare' },
        { model: 'fractribution' },
        { model: 'markov', bootstrap: 20, seed: 3 },
        { model: 'linear', perPath: true },
        { model: 'shapley', transforms: ['exposure' as const], direct: 'drop' as const },
      ]) {
        const ch = await runAttributeTouchpoints({ touchpoints: 'touches', clickhouse: server.url, ...opts });
        const duck = await runAttributeTouchpoints({ touchpoints: path.join(dir, 'touches.csv'), ...opts });
        // per-path rows and bootstrap draws follow the row order, which differs between engines
        if (!('perPath' in opts) && !('bootstrap' in opts))
          close(comparable(ch), comparable(duck), opts.model);
        close(ch.totals, duck.totals, `${opts.model} totals`);
      }
    }, 60_000);

    it('the stream equals the columns read from the same query, model by model (server order kept)', async () => {
      const sql = `SELECT path, conversions, value, nulls FROM (SELECT arrayStringConcat(arrayMap(k -> toString((number * 7 + k * 3) % 5), range(number % 6)), ',') AS path, toFloat64(number % 4) AS conversions, toFloat64(number % 4) * 12.5 AS value, toFloat64(number % 3) AS nulls FROM system.numbers LIMIT 40) GROUP BY path, conversions, value, nulls HAVING count() = 1 ORDER BY path LIMIT 1 BY path`;
      const channels = ['a', 'b', 'c', 'd', 'e'];
      for (const model of ['linear', 'markov', 'shapley', 'last-non-direct'] as const) {
        const built = await readPathColumns(engine, sql, channels, 0);
        const source = { file: 't', format: 'touchpoints' as const, columns: {}, records: built.paths.rows };
        const columns = await attributeRecords(built.paths, source, model, {});
        const streamed = await streamPathSummary(engine, sql, channels, model, {});
        expect(streamed.rows).toBe(built.paths.rows);
        // the same lines in the same order: equal to the last bit
        expect(attributeResultOf(streamed.result, source)).toEqual(columns);
      }
    });

    it('a bad weight stops the read with its own error, not as a failed query', async () => {
      const sql = `SELECT '0,1' AS path, 1 AS conversions, 5 AS value, -2 AS nulls`;
      await expect(streamPathSummary(engine, sql, ['a', 'b'], 'markov', {})).rejects.toThrow(
        'record 1: nulls must be a finite number ≥ 0, got -2',
      );
    });
  },
);

it('PathLineStream counts the journeys left without a touch and the value conflicts as lines pass', () => {
  const stream = new PathStream(['a', 'b'], 'linear', {});
  const reader = new PathLineStream(2, stream);
  reader.line('0,1\t2\t150\t1\t1');
  reader.line('\t1\t7\t2\t0');
  reader.line('1\t1\t20\t0\t\\N');
  expect(reader.counts).toEqual({ emptyJourneys: 3, emptyConversions: 1, valueConflicts: 1 });
  const plain = new PathLineStream(2, new PathStream(['a', 'b'], 'linear', {}));
  plain.line('\t0\t0\t4');
  expect(plain.counts).toEqual({ emptyJourneys: 4, emptyConversions: 0 });
  // the empty path's conversion is credited as the model credits it (unmatched), nulls not mixed up
  expect(stream.finish().totals).toMatchObject({ conversions: 4, nulls: 3 });
});
