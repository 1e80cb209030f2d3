/**
 * monitor-loyalty's control of a campaign test without `is_control`: the variant named like the
 * first of `experiments.holdout_variants` present (the configured priority), not the first variant
 * in sort order matching any of them. Before, with both `holdout` and `control` and the default
 * [holdout, control], `control` (first alphabetically) was the control. The rows come from the
 * stage's own query, on DuckDB and on ClickHouse 18.16 when a server is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../../data/clickhouse-engine.ts';
import { openDuckDb, type Engine } from '../../data/index.ts';
import { definitionsOf, EXPERIMENT_DEFS_SQL, type DefRow } from './experiments-stage.ts';

/** [experiment, variant, is_control] */
const DEFINITIONS: [string, string, boolean][] = [
  ['exp_both', 'treat', false],
  ['exp_both', 'control', false],
  ['exp_both', 'holdout', false],
  ['exp_custom', 'zz_hold', false],
  ['exp_custom', 'aa_base', false],
  ['exp_custom', 'pers', false],
  ['exp_flagged', 'holdout', false],
  ['exp_flagged', 'double', true],
  ['exp_unnamed', 'v2', false],
  ['exp_unnamed', 'v1', false],
];
const CFG = (holdout_variants: string[]) => ({
  holdout_variants,
  margin_rate: 0.35,
  liability_margin: 0.5,
  margin_margin: 0.05,
});

async function controls(engine: Engine, holdouts: string[]) {
  const rows = await engine.query<DefRow>(EXPERIMENT_DEFS_SQL((e) => e));
  const defs = definitionsOf(rows, CFG(holdouts));
  return Object.fromEntries([...defs].map(([id, d]) => [id, d.control]));
}

async function check(engine: Engine) {
  // the default holdout_variants: holdout before control, although control sorts first
  expect(await controls(engine, ['holdout', 'control'])).toEqual({
    exp_both: 'holdout',
    exp_custom: 'aa_base',
    exp_flagged: 'double',
    exp_unnamed: 'v1',
  });
  // a configured list: its order, in any case
  expect(await controls(engine, ['CONTROL', 'zz_hold', 'aa_base'])).toEqual({
    exp_both: 'control',
    exp_custom: 'zz_hold',
    exp_flagged: 'double',
    exp_unnamed: 'v1',
  });
}

describe('monitor-loyalty: the control by the priority of holdout_variants, on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    await duck.exec(
      `CREATE TABLE experiments AS SELECT * FROM (VALUES ${DEFINITIONS.map(([e, v, c]) => `('${e}', NULL::VARCHAR, '${v}', 1.0, ${c}, NULL::TIMESTAMP, NULL::TIMESTAMP, NULL::VARCHAR)`).join(', ')}) t(experiment_id, name, variant, weight, is_control, start_at, end_at, method)`,
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
    await click.exec(
      'CREATE TABLE experiments (experiment_id Nullable(String), name Nullable(String), variant Nullable(String), weight Nullable(Float64), is_control Nullable(UInt8), start_at Nullable(Int64), end_at Nullable(Int64), method Nullable(String)) ENGINE = Memory',
    );
    await click.exec(
      `INSERT INTO experiments VALUES ${DEFINITIONS.map(([e, v, c]) => `('${e}', NULL, '${v}', 1, ${c ? 1 : 0}, NULL, NULL, NULL)`).join(', ')}`,
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
