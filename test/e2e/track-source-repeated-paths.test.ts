/**
 * track-source with Markov and fractribution when journeys share a path: every journey's pipeline
 * and revenue count. The models sum the journeys of one path; when the first journeys were each a
 * new path and a later one repeated a path (acme, house, acme, acme), the later ones were dropped
 * (their rows are kept apart by their touch times), so the partner credit was 1,750 of 2,090 and the
 * merge gate stopped the run (exit 5). Expected credit by hand: with one touch per journey every
 * journey's value goes to its only partner / channel under any model.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
campaigns:
  - id: spring
    name: Spring
    partners: [acme]
    start: 2026-03-01
    end: 2026-03-31
    utm_campaigns: [spring]
    lookback_days: 30
attribution: { model: linear, bootstrap: 20, seed: 3 }
thresholds: { max_reject_rate: 0 }
`;

// Journeys in opportunity order: acme, house, acme, acme (O4 is A1's second deal).
const OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount
O1,A1,2026-03-28,,Proposal,1100
O2,A2,2026-03-29,2026-03-30,Closed Won,650
O3,A3,2026-03-31,,Discovery,240
O4,A1,2026-03-30,,Discovery,100
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner
t1,A1,2026-03-20T10:00:00Z,acme,email,spring,acme
t2,A2,2026-03-25T09:00:00Z,google,cpc,spring,
t3,A3,2026-03-26T08:00:00Z,acme,email,spring,acme
`;

async function workspace(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-repeated-paths-'));
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

const credit = (lines: { key: string; pipeline: number; revenue: number }[]) =>
  Object.fromEntries(lines.map((l) => [l.key, [Math.round(l.pipeline * 1e6) / 1e6, l.revenue]]));

function expectHandCredit(r: TrackSourceResult): void {
  expect(r.totals).toMatchObject({ opportunities: 4, pipeline: 2090, revenue: 650, won: 1 });
  expect(credit(r.by_partner)).toEqual({ acme: [1440, 0], house: [650, 650] });
  expect(credit(r.by_channel)).toEqual({ email: [1440, 0], paid_search: [650, 650] });
}

const MODELS = ['markov', 'fractribution', 'shapley'];

describe('track-source: journeys that repeat an earlier path all count', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(() => ws.remove());

  for (const model of MODELS)
    it(`${model}: acme 1,440 of 2,090 pipeline, house 650 and the revenue`, async () => {
      expectHandCredit(await run(ws.dir, model));
    });
});

describeOnClickHouse('ClickHouse 18.16: the same credit', (ch) => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
    const onServer = await loadOnClickHouse(ws.dir, ch.url, 'repeated_paths', YAML);
    // Without a bootstrap the paths are grouped on the server (one row per distinct path).
    await writeFile(
      path.join(ws.dir, 'gtm.clickhouse-grouped.yaml'),
      onServer.replace('bootstrap: 20', 'bootstrap: 0'),
    );
  }, 120_000);
  afterAll(async () => ws?.remove());

  for (const model of MODELS)
    it(`${model}, bootstrap on (journeys read from the server)`, async () => {
      expectHandCredit(await run(ws.dir, model, ['--config', 'gtm.clickhouse.yaml']));
    }, 120_000);

  for (const model of MODELS)
    it(`${model}, no bootstrap (paths grouped on the server)`, async () => {
      expectHandCredit(await run(ws.dir, model, ['--config', 'gtm.clickhouse-grouped.yaml']));
    }, 120_000);
});
