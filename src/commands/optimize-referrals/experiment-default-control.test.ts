/**
 * optimize-referrals' experiment readout takes a variant named like a control (control, holdout,
 * baseline, original) as the control when no variant is flagged `is_control`, not the first in sort
 * order: `a_new` sorts before `control` and was read as the control. On DuckDB and on ClickHouse
 * 18.16 when a server is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/helpers/clickhouse-server.ts';
import { openClickHouse, type ClickHouseEngine } from '../../data/clickhouse-engine.ts';
import { openDuckDb, type Engine } from '../../data/index.ts';
import { experimentData } from './experiment-stage.ts';

const CFG = { fraud_margin: 0.02, fraud_margin_floor: 0.005, cost_margin: 0.1 } as Parameters<
  typeof experimentData
>[3];
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** [experiment, unit, variant]: exp_named has a_new and control, exp_flagged flags a_new. */
const ASSIGNMENTS: [string, string, string][] = [
  ['exp_named', 'u1', 'a_new'],
  ['exp_named', 'u2', 'a_new'],
  ['exp_named', 'u3', 'control'],
  ['exp_named', 'u4', 'control'],
  ['exp_named', 'u5', 'control'],
  ['exp_flagged', 'v1', 'a_new'],
  ['exp_flagged', 'v2', 'control'],
  ['exp_unnamed', 'w1', 'v2'],
  ['exp_unnamed', 'w2', 'v1'],
];
/** [experiment, variant, is_control] */
const DEFINITIONS: [string, string, boolean][] = [
  ['exp_named', 'a_new', false],
  ['exp_named', 'control', false],
  ['exp_flagged', 'a_new', true],
  ['exp_flagged', 'control', false],
  ['exp_unnamed', 'v1', false],
  ['exp_unnamed', 'v2', false],
];
/** The variants of a readout's rows in their order (the control first), and its arms' units. */
const arms = (rows: Record<string, unknown>[]) =>
  rows.filter((r) => r.metric === 'referred_conversions').map((r) => [r.variant, Number(r.n)]);

async function controls(engine: Engine) {
  const out: Record<string, unknown> = {};
  for (const id of ['exp_named', 'exp_flagged', 'exp_unnamed']) {
    // the stage creates its tables once per run
    for (const t of ['ref_exp_units', 'ref_exp_one']) await engine.exec(`DROP TABLE IF EXISTS ${t}`);
    const { data } = await experimentData(engine, [id], 30, CFG);
    out[id] = arms(data[0].rows);
  }
  return out;
}
const EXPECTED = {
  exp_named: [
    ['control', 3],
    ['a_new', 2],
  ],
  exp_flagged: [
    ['a_new', 1],
    ['control', 1],
  ],
  exp_unnamed: [
    ['v1', 1],
    ['v2', 1],
  ],
};

describe('the control of a referral experiment without is_control, on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const at = `TIMESTAMP '${new Date(T0).toISOString().slice(0, 19).replace('T', ' ')}'`;
    await duck.exec(
      `CREATE TABLE assignments AS SELECT * FROM (VALUES ${ASSIGNMENTS.map(([e, u, v]) => `('${e}', '${u}', '${v}', ${at})`).join(', ')}) t(experiment_id, unit_id, variant, assigned_at)`,
    );
    await duck.exec(
      `CREATE TABLE ref_ref (referral_id VARCHAR, advocate_id VARCHAR, signed_up_at TIMESTAMP, d_signup BIGINT, d_converted BIGINT, prior_claims BIGINT, reward_amount DOUBLE, clawed_back DOUBLE)`,
    );
    await duck.exec(`CREATE TABLE ref_verdicts (referral_id VARCHAR, band VARCHAR)`);
    await duck.exec(
      `CREATE TABLE experiments AS SELECT * FROM (VALUES ${DEFINITIONS.map(([e, v, c]) => `('${e}', '${v}', ${c}, 50.0)`).join(', ')}) t(experiment_id, variant, is_control, weight)`,
    );
  });
  afterAll(async () => duck?.close());

  it('is the variant named control; a flagged variant still wins; else the first in order', async () => {
    expect(await controls(duck)).toEqual(EXPECTED);
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
    await click.exec(
      'CREATE TABLE assignments (experiment_id Nullable(String), unit_id Nullable(String), variant Nullable(String), assigned_at Nullable(Int64)) ENGINE = Memory',
    );
    await click.exec(
      `INSERT INTO assignments VALUES ${ASSIGNMENTS.map(([e, u, v]) => `('${e}', '${u}', '${v}', ${T0})`).join(', ')}`,
    );
    await click.exec(
      'CREATE TABLE ref_ref (referral_id String, advocate_id Nullable(String), signed_up_at Nullable(Int64), d_signup Nullable(Int64), d_converted Nullable(Int64), prior_claims Int64, reward_amount Float64, clawed_back Float64) ENGINE = Memory',
    );
    await click.exec('CREATE TABLE ref_verdicts (referral_id String, band Nullable(String)) ENGINE = Memory');
    await click.exec(
      'CREATE TABLE experiments (experiment_id Nullable(String), variant Nullable(String), is_control Nullable(UInt8), weight Nullable(Float64)) ENGINE = Memory',
    );
    await click.exec(
      `INSERT INTO experiments VALUES ${DEFINITIONS.map(([e, v, c]) => `('${e}', '${v}', ${c ? 1 : 0}, 50)`).join(', ')}`,
    );
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('is the variant named control; a flagged variant still wins; else the first in order', async () => {
    expect(await controls(click)).toEqual(EXPECTED);
  });
});
