/**
 * optimize-referrals' experiment units: the shared assignments entity keeps unit ids as written,
 * and the referral entities lower-case advocate ids, so a unit finds its advocate ignoring case
 * (`A1` is advocate `a1`), and two spellings of one unit in an arm are one unit (its referrals
 * counted once). On DuckDB and on ClickHouse 18.16 when a server is installed; every count is
 * worked out by hand below.
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
const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** [experiment, unit as written, variant, assigned at (days after T0)] */
const ASSIGNMENTS: [string, string, string, number][] = [
  ['exp1', 'A1', 'control', 0],
  ['exp1', 'a1', 'control', 1], // the same advocate spelled another way: one unit, first assigned on day 0
  ['exp1', 'A2', 'treatment', 0],
  ['exp1', 'a3', 'treatment', 0],
  // exp2: B1 is assigned to both variants (a multiple exposure)
  ['exp2', 'B1', 'control', 0],
  ['exp2', 'B1', 'treatment', 0],
  ['exp2', 'B2', 'control', 0],
  ['exp2', 'B3', 'treatment', 0],
  ['exp2', 'B4', 'control', 0],
  ['exp2', 'B5', 'treatment', 0],
];
/** [referral, advocate (lower-cased by the referral entities), signed up (days after T0), converted day] */
const REFERRALS: [string, string, number, number | null][] = [
  ['r1', 'a1', 2, 3],
  ['r2', 'a1', 4, null],
  ['r3', 'a2', 2, 5],
  ['r4', 'a3', -1, 0], // before a3's assignment: not counted
  ['r5', 'b1', 2, 3],
  ['r6', 'b2', 2, 3],
  ['r7', 'b3', 2, null],
  ['r8', 'b5', 2, 4],
  ['r9', 'b5', 3, null],
];
/**
 * a1 (A1 / a1): control, r1 and r2 → 2 referrals, 1 conversion (each once, not twice);
 * a2 (A2): treatment, r3 → 1, 1; a3: treatment, no referral after its assignment → 0, 0.
 */
const EXPECTED = [
  ['exp1', 'a1', 'control', 2, 1],
  ['exp1', 'a2', 'treatment', 1, 1],
  ['exp1', 'a3', 'treatment', 0, 0],
];

/**
 * exp2's referred conversions per advocate: b1 is left out of both arms (it was counted in each,
 * its conversion twice); control b2 1, b4 0; treatment b3 0, b5 1 (r8; r9 not converted).
 */
const EXP2_CONVERSIONS = [
  ['control', 2, 1, 1],
  ['treatment', 2, 1, 1],
];
const conversionStats = (rows: Record<string, unknown>[]) =>
  rows
    .filter((r) => r.metric === 'referred_conversions')
    .map((r) => [r.variant, Number(r.n), Number(r.sum), Number(r.sum_squares)]);

const units = (rows: Record<string, unknown>[]) =>
  rows
    .map((r) => [r.experiment_id, r.unit_id, r.variant, Number(r.referrals), Number(r.conversions)])
    .sort((a, b) => String(a[1]).localeCompare(String(b[1])));

describe('experiment units of optimize-referrals on DuckDB', () => {
  let duck: Engine;
  beforeAll(async () => {
    duck = await openDuckDb();
    const at = (d: number) =>
      `TIMESTAMP '${new Date(T0 + d * DAY).toISOString().slice(0, 19).replace('T', ' ')}'`;
    await duck.exec(
      `CREATE TABLE assignments AS SELECT * FROM (VALUES ${ASSIGNMENTS.map(([e, u, v, d]) => `('${e}', '${u}', '${v}', ${at(d)})`).join(', ')}) t(experiment_id, unit_id, variant, assigned_at)`,
    );
    await duck.exec(
      `CREATE TABLE ref_ref AS SELECT * FROM (VALUES ${REFERRALS.map(([id, a, s, c]) => `('${id}', '${a}', ${at(s)}, ${s + 1}, ${c === null ? 'NULL' : c + 1}, 0, 10.0, 0.0)`).join(', ')}) t(referral_id, advocate_id, signed_up_at, d_signup, d_converted, prior_claims, reward_amount, clawed_back)`,
    );
    await duck.exec(`CREATE TABLE ref_verdicts (referral_id VARCHAR, band VARCHAR)`);
    await duck.exec(
      `CREATE TABLE experiments AS SELECT * FROM (VALUES ('exp1', 'control', true, 50.0), ('exp1', 'treatment', false, 50.0), ('exp2', 'control', true, 50.0), ('exp2', 'treatment', false, 50.0)) t(experiment_id, variant, is_control, weight)`,
    );
  });
  afterAll(async () => duck?.close());

  it('finds each advocate ignoring the case of its unit id, one unit per advocate and arm', async () => {
    const { data, skipped } = await experimentData(duck, ['exp1'], 30, CFG);
    expect(skipped).toEqual([]);
    expect(units(await duck.query('SELECT * FROM ref_exp_units'))).toEqual(EXPECTED);
    expect(data[0].multipleExposures).toBe(0);
  });

  it('leaves a unit assigned to both variants out of both arms, and counts it', async () => {
    const { data } = await experimentData(duck, ['exp2'], 30, CFG);
    expect(conversionStats(data[0].rows)).toEqual(EXP2_CONVERSIONS);
    expect(data[0].multipleExposures).toBe(1);
  });

  it('gives the fraud-rate guardrail the configured floor under its relative margin', async () => {
    const { data } = await experimentData(duck, ['exp1'], 30, CFG);
    expect(data[0].def.metrics?.fraud_rate).toMatchObject({
      guardrail: true,
      nonInferiorityMargin: 0.02,
      absoluteMargin: 0.005,
    });
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
      `INSERT INTO assignments VALUES ${ASSIGNMENTS.map(([e, u, v, d]) => `('${e}', '${u}', '${v}', ${T0 + d * DAY})`).join(', ')}`,
    );
    await click.exec(
      'CREATE TABLE ref_ref (referral_id String, advocate_id Nullable(String), signed_up_at Nullable(Int64), d_signup Nullable(Int64), d_converted Nullable(Int64), prior_claims Int64, reward_amount Float64, clawed_back Float64) ENGINE = Memory',
    );
    await click.exec(
      `INSERT INTO ref_ref VALUES ${REFERRALS.map(([id, a, s, c]) => `('${id}', '${a}', ${T0 + s * DAY}, ${s + 1}, ${c === null ? 'NULL' : c + 1}, 0, 10, 0)`).join(', ')}`,
    );
    await click.exec('CREATE TABLE ref_verdicts (referral_id String, band Nullable(String)) ENGINE = Memory');
    await click.exec(
      'CREATE TABLE experiments (experiment_id Nullable(String), variant Nullable(String), is_control Nullable(UInt8), weight Nullable(Float64)) ENGINE = Memory',
    );
    await click.exec(
      "INSERT INTO experiments VALUES ('exp1', 'control', 1, 50), ('exp1', 'treatment', 0, 50), ('exp2', 'control', 1, 50), ('exp2', 'treatment', 0, 50)",
    );
  }, 120_000);
  afterAll(async () => {
    await click?.close();
    await ch?.stop();
  });

  it('finds each advocate ignoring the case of its unit id, one unit per advocate and arm', async () => {
    const { data, skipped } = await experimentData(click, ['exp1'], 30, CFG);
    expect(skipped).toEqual([]);
    expect(units(await click.query('SELECT * FROM ref_exp_units'))).toEqual(EXPECTED);
    expect(data[0].multipleExposures).toBe(0);
  });

  it('leaves a unit assigned to both variants out of both arms, and counts it', async () => {
    // the stage creates its tables once per run
    for (const t of ['ref_exp_units', 'ref_exp_one']) await click.exec(`DROP TABLE IF EXISTS ${t}`);
    const { data } = await experimentData(click, ['exp2'], 30, CFG);
    expect(conversionStats(data[0].rows)).toEqual(EXP2_CONVERSIONS);
    expect(data[0].multipleExposures).toBe(1);
  });
});
