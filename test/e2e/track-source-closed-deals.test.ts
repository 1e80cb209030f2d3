/**
 * track-source on deals whose close is incomplete in the CRM export (won or lost without a
 * closed_at), deals closed after as-of, and a window without pipeline. Every expected number is worked out by hand in the comments; ClickHouse 18.16 gives
 * the same result when a server is installed.
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
campaigns:
  - id: c1
    name: C1
    partners: [acme]
    start: 2026-04-01
    end: 2026-06-30
    utm_campaigns: [c1]
attribution: { model: linear, bootstrap: 0 }
thresholds: { max_reject_rate: 0 }
`;

/** Won and lost deals, some without closed_at (CRM exports often leave it empty). */
const CLOSED_OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount,segment
O1,A1,2026-05-10,2026-05-20,Closed Won,1000,SMB
O2,A2,2026-05-11,,Closed Won,2000,SMB
O3,A3,2026-05-12,,Closed Lost,500,SMB
O4,A4,2026-05-13,,Proposal,700,SMB
O5,A5,2026-05-14,2026-05-25,Closed Lost,300,Ent
O6,A6,2026-05-15,,Closed Won,400,Ent
`;

const touchesFor = (accounts: string[]) =>
  `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner\n${accounts
    .map((a, i) => `t${i + 1},${a},2026-05-01T10:00:00Z,acme,partner,c1,acme`)
    .join('\n')}\n`;

interface Workspace {
  dir: string;
  remove(): Promise<void>;
}

async function workspace(opps: string, touches: string): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-closed-'));
  await mkdir(path.join(root, 'data'));
  await writeFile(path.join(root, 'gtm.yaml'), YAML);
  await writeFile(path.join(root, 'data/opps.csv'), opps);
  await writeFile(path.join(root, 'data/touches.csv'), touches);
  return { dir: root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function run(ws: Workspace, asOf: string, extra: string[] = [], window = 'campaign') {
  const cli = await runCli(
    ['track-source', '--campaign', 'c1', '--window', window, '--as-of', asOf, '--no-snapshot', ...extra],
    { cwd: ws.dir },
  );
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<TrackSourceResult>();
}

const segment = (r: TrackSourceResult, name: string) => r.insights.segments.find((s) => s.segment === name);

describe('segment win rates with won and lost deals that have no closed_at', () => {
  let ws: Workspace;
  let r: TrackSourceResult;
  beforeAll(async () => {
    ws = await workspace(CLOSED_OPPS, touchesFor(['A1', 'A2', 'A3', 'A4', 'A5', 'A6']));
    r = await run(ws, '2026-06-30');
  });
  afterAll(() => ws.remove());

  it('counts every won or lost deal as closed, closed_at or not: win rate <= 1', () => {
    // SMB: won O1, O2; lost O3; O4 open → 2 won of 3 closed (was 2 of 1: 200 %, closed needed closed_at)
    expect(segment(r, 'SMB')).toMatchObject({ opportunities: 4, won: 2, closed: 3 });
    expect(segment(r, 'SMB')!.win_rate).toBeCloseTo(2 / 3, 12);
    // Ent: lost O5, won O6 without closed_at → 1 of 2
    expect(segment(r, 'Ent')).toMatchObject({ opportunities: 2, won: 1, closed: 2, win_rate: 0.5 });
    for (const s of r.insights.segments) expect(s.won).toBeLessThanOrEqual(s.closed);
  });
});

/** Deals closed after as-of 2026-06-01 (O2 won, O3 lost), one closed on the as-of day (O4). */
const FUTURE_OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount,segment
O1,A1,2026-05-10,2026-05-20,Closed Won,1000,SMB
O2,A2,2026-05-11,2026-06-10,Closed Won,2000,SMB
O3,A3,2026-05-12,2026-06-05,Closed Lost,500,SMB
O4,A4,2026-05-13,2026-06-01,Closed Won,400,SMB
`;

describe('a deal closed after as-of', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace(FUTURE_OPPS, touchesFor(['A1', 'A2', 'A3', 'A4']));
  });
  afterAll(() => ws.remove());

  it('is still open as of the run: pipeline, not revenue, not won, not closed', async () => {
    const r = await run(ws, '2026-06-01');
    // pipeline 1000 + 2000 + 500 + 400; revenue O1 + O4 (closed on the as-of day) = 1,400 (was 3,400)
    expect(r.totals).toMatchObject({ opportunities: 4, pipeline: 3900, revenue: 1400, won: 2 });
    expect(r.by_partner.find((p) => p.key === 'acme')?.revenue).toBeCloseTo(1400, 6);
    expect(segment(r, 'SMB')).toMatchObject({ won: 2, closed: 2, win_rate: 1 });
    expect(r.insights.dropoff.by_partner.find((d) => d.value === 'acme')?.won).toBe(2);
  });

  it('counts once as-of reaches its close', async () => {
    const r = await run(ws, '2026-06-30');
    expect(r.totals).toMatchObject({ opportunities: 4, pipeline: 3900, revenue: 3400, won: 3 });
    expect(segment(r, 'SMB')).toMatchObject({ won: 3, closed: 4, win_rate: 0.75 });
  });
});

describe('a window with no pipeline', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await workspace(CLOSED_OPPS, touchesFor(['A1']));
  });
  afterAll(() => ws.remove());

  it('has no attribution confidence (n/a, with the reason), not 100 % OK, and no alert', async () => {
    // the first opportunity is created on 2026-05-10: a 7-day window to 2026-04-10 has none
    const r = await run(ws, '2026-04-10', [], '7d');
    expect(r.totals.opportunities).toBe(0);
    expect(r.confidence).toMatchObject({
      value: null,
      reason: 'no pipeline to match: no opportunity in scope',
    });
    expect(r.alerts.map((a) => a.id)).not.toContain('attribution_confidence');
    expect(r.actions.map((a) => a.id)).not.toContain('fix-touch-matching');
    const summary = await readFile(path.join(ws.dir, r.reports_dir, 'summary.md'), 'utf8');
    expect(summary).toContain(
      '**Attribution confidence:** n/a — no pipeline to match: no opportunity in scope; guardrail 70.0% not checked',
    );
    expect(summary).toContain(
      'Attribution confidence is n/a (no pipeline to match: no opportunity in scope)',
    );
    expect(summary).not.toMatch(/Attribution confidence[^\n]*100\.0%/);
  });

  it('says so when the opportunities in scope have no amount', async () => {
    await writeFile(
      path.join(ws.dir, 'data/opps.csv'),
      'opportunity_id,account_id,created_at,closed_at,stage,amount\nO1,A1,2026-05-10,,Proposal,0\n',
    );
    const r = await run(ws, '2026-06-30');
    expect(r.totals).toMatchObject({ opportunities: 1, pipeline: 0 });
    expect(r.confidence).toMatchObject({
      value: null,
      reason: 'no pipeline to match: the opportunity in scope has no amount',
    });
  });
});

describeOnClickHouse('ClickHouse 18.16 gives the DuckDB result', (ch) => {
  for (const [name, opps, touches, asOf] of [
    [
      'closed deals without closed_at',
      CLOSED_OPPS,
      touchesFor(['A1', 'A2', 'A3', 'A4', 'A5', 'A6']),
      '2026-06-30',
    ],
    ['deals closed after as-of', FUTURE_OPPS, touchesFor(['A1', 'A2', 'A3', 'A4']), '2026-06-01'],
  ] as const)
    it(`${name}: the same result from the server's tables`, async () => {
      const ws = await workspace(opps, touches);
      try {
        const database = `closed_${name.split(' ')[0].toLowerCase().replace(/\W/g, '')}`;
        await loadOnClickHouse(ws.dir, ch.url, database, YAML);
        const duck = await run(ws, asOf);
        const onCh = await run(ws, asOf, ['--config', 'gtm.clickhouse.yaml']);
        expect(onCh.insights.segments).toEqual(duck.insights.segments);
        expect(onCh.totals).toEqual(duck.totals);
        expect(onCh.confidence).toEqual(duck.confidence);
        expect(onCh.insights.dropoff).toEqual(duck.insights.dropoff);
      } finally {
        await ws.remove();
      }
    }, 120_000);
});
