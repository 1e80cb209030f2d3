/**
 * track-source on amounts written with their own currency (`USD 100`, `$100`, `£100`): a code or
 * symbol that disagrees with the row's currency rejects the row, naming both; one that agrees is
 * read; a code on a row without a currency is its currency. Worked by hand; ClickHouse 18.16 gives
 * the same result when a server is installed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import {
  findClickHouseServer,
  startClickHouse,
  type ClickHouseServer,
} from '../helpers/clickhouse-server.ts';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: crm, entity: opportunities, kind: file, path: data/opps.csv }
  - { name: web, entity: touchpoints, kind: file, path: data/touches.csv }
currency:
  reporting: USD
  rates:
    - { currency: EUR, from: 2026-01-01, rate: 1.1 }
partners:
  - { id: acme, name: Acme }
campaigns:
  - id: c1
    name: C1
    partners: [acme]
    start: 2026-04-01
    end: 2026-06-30
    utm_campaigns: [c1]
attribution: { model: linear, bootstrap: 0 }
thresholds: { max_reject_rate: 1 }
`;

const OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount,currency
O1,A1,2026-05-10,,Proposal,USD 100,EUR
O2,A1,2026-05-10,,Proposal,$100,EUR
O3,A1,2026-05-10,,Proposal,£100,USD
O4,A1,2026-05-10,,Proposal,€200,EUR
O5,A1,2026-05-10,,Proposal,eur 300,EUR
O6,A1,2026-05-10,,Proposal,$50,USD
O7,A1,2026-05-10,,Proposal,USD 70,
O8,A1,2026-05-10,,Proposal,EUR 10,
O9,A1,2026-05-10,,Proposal,£5,
O10,A1,2026-05-10,,Proposal,100,
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner
t1,A1,2026-05-01T10:00:00Z,acme,partner,c1,acme
`;

async function workspace(): Promise<{ dir: string; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-amount-currency-'));
  await mkdir(path.join(root, 'data'));
  await writeFile(path.join(root, 'gtm.yaml'), YAML);
  await writeFile(path.join(root, 'data/opps.csv'), OPPS);
  await writeFile(path.join(root, 'data/touches.csv'), TOUCHES);
  return { dir: root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function run(dir: string, extra: string[] = []) {
  const cli = await runCli(
    [
      'track-source',
      '--campaign',
      'c1',
      '--window',
      'campaign',
      '--as-of',
      '2026-06-30',
      '--no-snapshot',
      ...extra,
    ],
    { cwd: dir },
  );
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<TrackSourceResult>();
}

const REASONS = [
  'amount: $100 is in $, but its currency is EUR; correct the amount or the currency',
  "amount: £5 is in £, but the row has no currency and the source's default is USD; fill in the row's currency",
  'amount: £100 is in £, but its currency is USD; correct the amount or the currency',
  'amount: USD 100 is in USD, but its currency is EUR; correct the amount or the currency',
];

describe('amounts written with a currency', () => {
  let ws: { dir: string; remove(): Promise<void> };
  let r: TrackSourceResult;
  beforeAll(async () => {
    ws = await workspace();
    r = await run(ws.dir);
  });
  afterAll(() => ws.remove());

  it('rejects a row whose amount names another currency than the row, naming both', () => {
    expect(r.rejects.rows).toBe(4);
    expect(r.rejects.top_reasons.map((x) => x.reason).sort()).toEqual([...REASONS].sort());
  });

  it('reads the others in their currency: the cell, else the code, else the default', () => {
    // O4 €200 EUR 220, O5 eur 300 EUR 330, O6 $50 USD 50, O7 USD 70 (no cell: USD) 70,
    // O8 EUR 10 (no cell: EUR) 11, O10 100 (default USD) 100 → 781 (was 1,105: O1 and O2 as EUR
    // 110 each, O3 and O9 as USD 100 and 5, O8 as USD 10)
    expect(r.totals.opportunities).toBe(6);
    expect(r.totals.pipeline).toBeCloseTo(781, 9);
  });
});

const server = findClickHouseServer();

describe.skipIf(!server && !process.env.CI)('ClickHouse 18.16 gives the DuckDB result', () => {
  let ch: ClickHouseServer;
  beforeAll(async () => {
    if (!server) throw new Error('CI needs clickhouse-server (apt-get install clickhouse-server)');
    ch = await startClickHouse({ maxMemoryUsage: 2 ** 30 });
  }, 120_000);
  afterAll(async () => ch?.stop());

  it('the same rejects and pipeline from the server tables', async () => {
    const ws = await workspace();
    try {
      const load = await runCli(
        ['engine', 'load', '--clickhouse', ch.url, '--database', 'amount_currency', '--json'],
        {
          cwd: ws.dir,
        },
      );
      expect(load.code, load.stderr).toBe(0);
      await writeFile(
        path.join(ws.dir, 'gtm.clickhouse.yaml'),
        YAML.replace(
          /^version: 1$/m,
          `version: 1\nengine: { kind: clickhouse, url: "${ch.url}", database: amount_currency }`,
        ),
      );
      const duck = await run(ws.dir);
      const onCh = await run(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
      expect(onCh.rejects.rows).toBe(duck.rejects.rows);
      expect(onCh.rejects.top_reasons).toEqual(duck.rejects.top_reasons);
      expect(onCh.totals).toEqual(duck.totals);
    } finally {
      await ws.remove();
    }
  }, 120_000);
});
