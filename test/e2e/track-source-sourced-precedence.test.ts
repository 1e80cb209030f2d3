/**
 * track-source: a partner-sourced deal (a deal registration before creation) gives its partner full
 * credit under every model, and the models credit the influenced deals only. The data-driven models
 * were given a sourced deal as a one-state path of its partner instead: `markov` spreads all credit
 * by global removal effects, so acme got 17,739.86 of pipeline while it sourced 22,000 (the summary's
 * Influenced column read -$4,260.14), and the invented path ("acme alone converts every time") gave
 * acme 80 % of O1 under `shapley` (31,600 instead of 23,000).
 *
 * Expected credit computed by hand (python3, standard library: the first-order absorbing chain with
 * ChannelAttribution's removal effects; pooled Shapley values; fractribution's leave-one-out) over
 * the influenced journeys by partner, pipeline (every opportunity converts):
 *   O1 house > acme > beta 12,000 (won, 12,000 revenue) · O3 gamma > house 6,000 · O4 delta 8,000 ·
 *   O5 house > beta 11,000 (won, 11,000 revenue) · A8 beta, no opportunity (non-converting);
 *   O2 is sourced by acme's registration: 22,000 to acme outside the model.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { runCli } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const YAML = `version: 1
sources:
  - { name: crm, entity: opportunities, kind: file, path: data/opps.csv }
  - { name: web, entity: touchpoints, kind: file, path: data/touches.csv }
currency:
  reporting: USD
partners:
  - { id: acme, name: Acme }
  - { id: beta, name: Beta }
  - { id: gamma, name: Gamma }
  - { id: delta, name: Delta }
campaigns:
  - id: spring
    name: Spring
    partners: [acme, beta, gamma, delta]
    start: 2026-03-01
    end: 2026-03-31
    utm_campaigns: [spring]
    lookback_days: 30
attribution: { model: linear, bootstrap: 20, seed: 3 }
thresholds: { max_reject_rate: 0 }
`;

const OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount
O1,A1,2026-03-20,2026-03-25,Closed Won,12000
O2,A2,2026-03-22,,Proposal,22000
O3,A3,2026-03-24,,Proposal,6000
O4,A4,2026-03-26,,Proposal,8000
O5,A5,2026-03-18,2026-03-28,Closed Won,11000
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner,touch_type
t1,A1,2026-03-01T10:00:00Z,google,cpc,spring,,
t2,A1,2026-03-05T10:00:00Z,acme,email,spring,acme,
t3,A1,2026-03-10T10:00:00Z,linkedin,paid_social,spring,beta,
t4,A2,2026-03-15T10:00:00Z,,,spring,acme,Deal Registration
t5,A3,2026-03-10T10:00:00Z,linkedin,paid_social,spring,gamma,
t6,A3,2026-03-12T10:00:00Z,google,organic,spring,,
t7,A4,2026-03-20T10:00:00Z,webinar,webinar,spring,delta,
t8,A5,2026-03-05T10:00:00Z,linkedin,paid_social,spring,,
t9,A5,2026-03-10T10:00:00Z,google,cpc,spring,beta,
t10,A8,2026-03-15T10:00:00Z,linkedin,paid_social,spring,beta,
`;

/** partner → [pipeline, revenue], by hand */
const EXPECTED: Record<string, Record<string, [number, number]>> = {
  markov: {
    acme: [26226.821192, 3450],
    beta: [12680.463576, 10350],
    house: [11761.589404, 6900],
    delta: [4410.596026, 0],
    gamma: [3920.529801, 2300],
  },
  shapley: {
    acme: [23000, 1000],
    house: [14000, 11000],
    beta: [11000, 11000],
    delta: [8000, 0],
    gamma: [3000, 0],
  },
  fractribution: {
    acme: [22000, 0],
    house: [14500, 11500],
    beta: [11500, 11500],
    delta: [8000, 0],
    gamma: [3000, 0],
  },
};

async function workspace(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-sourced-precedence-'));
  await mkdir(path.join(root, 'data'), { recursive: true });
  await writeFile(path.join(root, 'gtm.yaml'), YAML);
  await writeFile(path.join(root, 'data/opps.csv'), OPPS);
  await writeFile(path.join(root, 'data/touches.csv'), TOUCHES);
  return { dir: root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function run(dir: string, model: string, extra: string[] = []): Promise<TrackSourceResult> {
  const cli = await runCli(
    [
      'track-source',
      '--campaign',
      'spring',
      '--window',
      'campaign',
      '--as-of',
      '2026-04-01',
      '--attribution-model',
      model,
      '--no-snapshot',
      ...extra,
    ],
    { cwd: dir },
  );
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<TrackSourceResult>();
}

function expectHandCredit(r: TrackSourceResult, model: string): void {
  expect(r.totals).toMatchObject({ opportunities: 5, pipeline: 59000, revenue: 23000, won: 2 });
  expect(r.partner_classification.sourced.by_partner).toEqual({
    acme: { opportunities: 1, pipeline: 22000, revenue: 0 },
  });
  const got = Object.fromEntries(
    r.by_partner.map((l) => [l.key, [Math.round(l.pipeline * 1e6) / 1e6, Math.round(l.revenue * 1e6) / 1e6]]),
  );
  expect(got).toEqual(EXPECTED[model]);
  const acme = r.by_partner.find((l) => l.key === 'acme');
  // full credit for the sourced deal, never less: the influenced part is not negative
  expect(acme?.pipeline).toBeGreaterThanOrEqual(acme?.sourced_pipeline ?? Infinity);
  if (acme?.pipeline_ci) expect(acme.pipeline_ci[0]).toBeGreaterThanOrEqual(22000);
}

const MODELS = ['markov', 'shapley', 'fractribution'];

describe('track-source: a partner-sourced deal keeps full credit under the data-driven models', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(() => ws.remove());

  for (const model of MODELS)
    it(`${model}: acme 22,000 sourced plus its model credit on O1`, async () => {
      expectHandCredit(await run(ws.dir, model), model);
    });

  it('the summary says how many deals were sourced: "1 deal", not "1 deals"', async () => {
    const r = await run(ws.dir, 'markov');
    const summary = await readFile(path.join(ws.dir, r.reports_dir, 'summary.md'), 'utf8');
    expect(summary).toContain('**Partner-sourced pipeline:** $22K — 1 deal\n');
    expect(summary).toMatch(/\| Acme \| {2}\| \$26,226\.82 \| \$22,000\.00 \| \$4,226\.82 \|/);
  });

  it('compare: every model gives acme at least its sourced 22,000', async () => {
    const r = await run(ws.dir, 'compare');
    const acme = r.comparison?.find((c) => c.dimension === 'partner' && c.key === 'acme');
    expect(acme).toBeDefined();
    for (const [m, v] of Object.entries(acme?.per_model ?? {})) expect(v, m).toBeGreaterThanOrEqual(22000);
    expect(acme?.per_model.markov).toBeCloseTo(26226.821192, 5);
  });
});

describeOnClickHouse('ClickHouse 18.16: the same credit', (ch) => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
    const onServer = await loadOnClickHouse(ws.dir, ch.url, 'sourced_precedence', YAML);
    // Without a bootstrap the paths are grouped on the server (one row per distinct path).
    await writeFile(
      path.join(ws.dir, 'gtm.clickhouse-grouped.yaml'),
      onServer.replace('bootstrap: 20', 'bootstrap: 0'),
    );
  }, 120_000);
  afterAll(async () => ws?.remove());

  for (const model of MODELS)
    it(`${model}, bootstrap on (journeys read from the server)`, async () => {
      expectHandCredit(await run(ws.dir, model, ['--config', 'gtm.clickhouse.yaml']), model);
    }, 120_000);

  it('markov without a bootstrap: the same removal effects and transitions, in the same order', async () => {
    // the paths grouped on the server list their states alphabetically, the journeys in order of
    // first appearance: result.json's markov details are in name order on both engines
    await writeFile(path.join(ws.dir, 'gtm.grouped.yaml'), YAML.replace('bootstrap: 20', 'bootstrap: 0'));
    const duck = await run(ws.dir, 'markov', ['--config', 'gtm.grouped.yaml']);
    const onServer = await run(ws.dir, 'markov', ['--config', 'gtm.clickhouse-grouped.yaml']);
    expect(duck.markov?.removalEffects.map((e) => e.channel)).toEqual([
      'email',
      'events',
      'organic_search',
      'paid_search',
      'paid_social',
      'partner',
    ]);
    // the same figures to the last few bits (sums in another order), in the same order
    const r9 = (x: number) => Math.round(x * 1e9) / 1e9;
    const details = (m: TrackSourceResult['markov']) => ({
      removal: m?.removalEffects.map((e) => [e.channel, r9(e.conversions), r9(e.value)]),
      transitions: m?.transitions.map((t) => [t.from, t.to, r9(t.probability)]),
    });
    expect(details(onServer.markov)).toEqual(details(duck.markov));
  }, 120_000);

  for (const model of MODELS)
    it(`${model}, no bootstrap (paths grouped on the server)`, async () => {
      expectHandCredit(await run(ws.dir, model, ['--config', 'gtm.clickhouse-grouped.yaml']), model);
    }, 120_000);
});
