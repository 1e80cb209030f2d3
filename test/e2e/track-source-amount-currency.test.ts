/**
 * track-source on amounts written with their own currency (`USD 100`, `100 EUR`, `$100`, `£100`,
 * `R$ 1000`, `CA$ 50`, `300 kr`): a code or symbol that disagrees with the row's currency rejects
 * the row, naming both; one that agrees is read; a code (before or after the number) on a row
 * without a currency is its currency. Worked by hand; ClickHouse 18.16 gives the same result when a
 * server is installed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import { runCli } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

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

// codes after the number and the letter symbols; rates for BRL, CAD and SEK too
const YAML_MORE = YAML.replace(
  '    - { currency: EUR, from: 2026-01-01, rate: 1.1 }',
  `    - { currency: EUR, from: 2026-01-01, rate: 1.1 }
    - { currency: BRL, from: 2026-01-01, rate: 0.2 }
    - { currency: CAD, from: 2026-01-01, rate: 0.75 }
    - { currency: SEK, from: 2026-01-01, rate: 0.1 }`,
);

const OPPS_MORE = `opportunity_id,account_id,created_at,closed_at,stage,amount,currency
P1,A1,2026-05-10,,Proposal,100 USD,
P2,A1,2026-05-10,,Proposal,"1,234.50 EUR",EUR
P3,A1,2026-05-10,,Proposal,R$1000,BRL
P4,A1,2026-05-10,,Proposal,CA$ 50,CAD
P5,A1,2026-05-10,,Proposal,200 EUR,USD
P6,A1,2026-05-10,,Proposal,R$ 10,
P7,A1,2026-05-10,,Proposal,100 bananas,USD
P8,A1,2026-05-10,,Proposal,300 kr,SEK
P9,A1,2026-05-10,,Proposal,20EUR,
P10,A1,2026-05-10,,Proposal,US$ 5,USD
P11,A1,2026-05-10,,Proposal,A$ 5,CAD
P12,A1,2026-05-10,,Proposal,100 pcs,
P13,A1,2026-05-10,,Proposal,100,Euro
`;

const REASONS_MORE = [
  'amount: 200 EUR is in EUR, but its currency is USD; correct the amount or the currency',
  'amount: A$ 5 is in A$, but its currency is CAD; correct the amount or the currency',
  "amount: R$ 10 is in R$, but the row has no currency and the source's default is USD; fill in the row's currency",
  'amount: cannot read a value as a number', // grouped (bananas, pcs); rejects.csv has the values
  // not "no rate for EURO": a rate would not help
  'currency: EURO is not an ISO 4217 currency code; correct it (USD, EUR, …) or give its rates under currency.rates',
];

async function workspace(yaml = YAML, opps = OPPS): Promise<{ dir: string; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-amount-currency-'));
  await mkdir(path.join(root, 'data'));
  await writeFile(path.join(root, 'gtm.yaml'), yaml);
  await writeFile(path.join(root, 'data/opps.csv'), opps);
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

describe('amounts with a code after the number or a letter symbol (R$, CA$, kr, …)', () => {
  let ws: { dir: string; remove(): Promise<void> };
  let r: TrackSourceResult;
  beforeAll(async () => {
    ws = await workspace(YAML_MORE, OPPS_MORE);
    r = await run(ws.dir);
  });
  afterAll(() => ws.remove());

  it('rejects the disagreeing and the unreadable, naming what is wrong', () => {
    expect(r.rejects.rows).toBe(6);
    expect(r.rejects.top_reasons.map((x) => x.reason).sort()).toEqual([...REASONS_MORE].sort());
  });

  it('names the file, row and column of the unreadable one in rejects.csv', async () => {
    const rows = parseCsv(await readFile(path.join(ws.dir, r.reports_dir, 'rejects.csv'), 'utf8'));
    expect(rows.find((x) => x.reason.includes('bananas'))).toMatchObject({
      file: 'data/opps.csv',
      row: '8',
      reason: 'amount: cannot read 100 bananas as a number',
    });
    // three letters that are no ISO 4217 code are no currency (was: "no rate for PCS")
    expect(rows.find((x) => x.reason.includes('pcs'))).toMatchObject({
      file: 'data/opps.csv',
      row: '13',
      reason: 'amount: cannot read 100 pcs as a number',
    });
  });

  it('converts the others to the reporting currency', () => {
    // P1 100 USD (no cell: USD) 100, P2 1,234.50 EUR × 1.1 = 1,357.95, P3 R$1000 BRL × 0.2 = 200,
    // P4 CA$ 50 CAD × 0.75 = 37.5, P8 300 kr SEK × 0.1 = 30, P9 20EUR (no cell: EUR) × 1.1 = 22,
    // P10 US$ 5 USD 5 → 1,752.45 (before: every amount here was unreadable, 11 rejects)
    expect(r.totals.opportunities).toBe(7);
    expect(r.totals.pipeline).toBeCloseTo(1752.45, 9);
  });
});

describeOnClickHouse('ClickHouse 18.16 gives the DuckDB result', (ch) => {
  it.each([
    ['USD 100, $100, £100', YAML, OPPS],
    ['100 EUR, R$1000, CA$ 50, 300 kr', YAML_MORE, OPPS_MORE],
  ])(
    'the same rejects and pipeline from the server tables (%s)',
    async (_, yaml, opps) => {
      const database = yaml === YAML ? 'amount_currency' : 'amount_currency_more';
      const ws = await workspace(yaml, opps);
      try {
        await loadOnClickHouse(ws.dir, ch.url, database, yaml);
        const duck = await run(ws.dir);
        const onCh = await run(ws.dir, ['--config', 'gtm.clickhouse.yaml']);
        expect(onCh.rejects.rows).toBe(duck.rejects.rows);
        expect(onCh.rejects.top_reasons).toEqual(duck.rejects.top_reasons);
        expect(onCh.totals).toEqual(duck.totals);
      } finally {
        await ws.remove();
      }
    },
    120_000,
  );
});
