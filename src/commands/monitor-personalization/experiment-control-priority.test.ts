/**
 * monitor-personalization's control of an experiment without `is_control`: the variant named like
 * the first of `personalization.holdout_variants` present (the configured priority, as the
 * performance rows' holdout already is), not the first variant in sort order matching any of them.
 * Before, with both `holdout` and `control` and the default [holdout, control], `control` (first
 * alphabetically) was the control. The rows come from the command's own query, on DuckDB and on
 * ClickHouse 18.16 when a server is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../../data/clickhouse-engine.ts';
import { openDuckDb, type Engine } from '../../data/index.ts';
import { experimentDefs } from './experiment-defs.ts';
import { dialectOf } from './sql/dialect-sql.ts';
import { experimentsSql } from './sql/experiment-sql.ts';

/** [experiment, variant, is_control] */
const DEFINITIONS: [string, string, boolean][] = [
  ['exp_both', 'pers', false],
  ['exp_both', 'control', false],
  ['exp_both', 'holdout', false],
  ['exp_custom', 'zz_hold', false],
  ['exp_custom', 'aa_base', false],
  ['exp_custom', 'pers', false],
  ['exp_flagged', 'holdout', false],
  ['exp_flagged', 'pers', true],
  ['exp_unnamed', 'v2', false],
  ['exp_unnamed', 'v1', false],
];
const COLUMNS =
  'experiment_id, name, variant, weight, is_control, start_at, end_at, primary_metric, guardrail_metrics, method, status, subject, initiative';

async function controls(engine: Engine, holdouts: string[]) {
  const rows = await engine.query(experimentsSql(dialectOf(engine.dialect)));
  const defs = experimentDefs(rows, holdouts);
  // the control and the variants' order (control first, as the readout lays them out)
  return Object.fromEntries(defs.map((d) => [d.id, [d.control, d.variants[0].name]]));
}

async function check(engine: Engine) {
  // the default holdout_variants: holdout before control, although control sorts first
  expect(await controls(engine, ['holdout', 'control'])).toEqual({
    exp_both: ['holdout', 'holdout'],
    exp_custom: ['aa_base', 'aa_base'],
    exp_flagged: ['pers', 'pers'],
    exp_unnamed: ['v1', 'v1'],
  });
  // a configured list: its order, in any case
  expect(await controls(engine, ['CONTROL', 'zz_hold', 'aa_base'])).toEqual({
    exp_both: ['control', 'control'],
    exp_custom: ['zz_hold', 'zz_hold'],
    exp_flagged: ['pers', 'pers'],
    exp_unnamed: ['v1', 'v1'],
  });
}

describe('monitor-personalization: the control by the priority of holdout_variants, on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const row = ([e, v, c]: [string, string, boolean]) =>
      `('${e}', NULL::VARCHAR, '${v}', 1.0, ${c}, TIMESTAMP '2026-11-01 00:00:00', NULL::TIMESTAMP, 'conversion', NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, 'hero', NULL::VARCHAR)`;
    await duck.exec(
      `CREATE TABLE experiments AS SELECT * FROM (VALUES ${DEFINITIONS.map(row).join(', ')}) t(${COLUMNS})`,
    );
  });
  afterAll(async () => duck?.close());

  it('is the first configured name present; a flagged variant still wins; else the first in order', async () => {
    await check(duck);
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('the same on ClickHouse 18.16', () => {
  let ch: ClickHouseServer;
  let click: ClickHouseEngine;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse();
    click = await openClickHouse({ url: ch.url });
    // times are epoch milliseconds on ClickHouse
    const s = 'Nullable(String)';
    await click.exec(
      `CREATE TABLE experiments (experiment_id ${s}, name ${s}, variant ${s}, weight Nullable(Float64), is_control Nullable(UInt8), start_at Nullable(Int64), end_at Nullable(Int64), primary_metric ${s}, guardrail_metrics ${s}, method ${s}, status ${s}, subject ${s}, initiative ${s}) ENGINE = Memory`,
    );
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    await click.exec(
      `INSERT INTO experiments VALUES ${DEFINITIONS.map(([e, v, c]) => `('${e}', NULL, '${v}', 1, ${c ? 1 : 0}, ${t0}, NULL, 'conversion', NULL, NULL, NULL, 'hero', NULL)`).join(', ')}`,
    );
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('is the first configured name present; a flagged variant still wins; else the first in order', async () => {
    await check(click);
  });
});
