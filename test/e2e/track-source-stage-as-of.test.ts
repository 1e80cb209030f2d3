/**
 * track-source's "reached proposal" as of the run: a deal's furthest stage is what was known on the
 * as-of date (stage changes dated before it; the current stage unless it is a close after as-of or
 * first dated after as-of), not the stage it has today. The as-of date moves across the deals'
 * changes and closes; every expected count is worked out by hand below. ClickHouse 18.16 gives the
 * same funnel when a server is installed.
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
  - { name: history, entity: stage_history, kind: file, path: data/history.csv }
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

/**
 * Default funnel: lead < mql < sql < opportunity (Discovery) < proposal < negotiation < closed_won;
 * closed_lost has no rank. All six deals are created in May, touched by acme.
 * - O1 won on 06-10, no stage change on record: before its close nothing places it past "open".
 * - O2 won on 06-10, at Proposal since 05-20.
 * - O3 won on 06-10, at Proposal only from 06-05.
 * - O4 open at Proposal, no history: its current stage is all there is.
 * - O5 open at Negotiation, at Proposal from 06-15 (no change on record before then).
 * - O6 lost on 06-10, at Proposal since 05-25.
 */
const OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount
O1,A1,2026-05-10,2026-06-10,Closed Won,100
O2,A2,2026-05-11,2026-06-10,Closed Won,100
O3,A3,2026-05-12,2026-06-10,Closed Won,100
O4,A4,2026-05-13,,Proposal,100
O5,A5,2026-05-14,,Negotiation,100
O6,A6,2026-05-15,2026-06-10,Closed Lost,100
`;

const HISTORY = `opportunity_id,stage,changed_at
O2,Discovery,2026-05-11T09:00:00Z
O2,Proposal,2026-05-20T09:00:00Z
O2,Closed Won,2026-06-10T09:00:00Z
O3,Discovery,2026-05-12T09:00:00Z
O3,Proposal,2026-06-05T09:00:00Z
O3,Closed Won,2026-06-10T09:00:00Z
O5,Proposal,2026-06-15T09:00:00Z
O5,Negotiation,2026-06-20T09:00:00Z
O6,Proposal,2026-05-25T09:00:00Z
O6,Closed Lost,2026-06-10T09:00:00Z
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner\n${[
  1, 2, 3, 4, 5, 6,
]
  .map((i) => `t${i},A${i},2026-05-01T10:00:00Z,acme,partner,c1,acme`)
  .join('\n')}\n`;

/** [as-of, reached proposal, won] of acme's funnel (6 accounts touched, 6 opportunities). */
const CASES: [string, number, number][] = [
  // O2, O6 (history before as-of), O4 (open, current stage); not O1 (closes 06-10, no earlier
  // stage known), O3 (Proposal from 06-05), O5 (Proposal from 06-15). Was 6: today's stages.
  ['2026-06-01', 3, 0],
  // O3 reached Proposal on 06-05
  ['2026-06-06', 4, 0],
  // all closed: O1, O2, O3 won (rank 7), O6 through its history; O5 at Proposal from 06-15
  ['2026-06-12', 5, 3],
  ['2026-06-30', 6, 3],
];

async function workspace(history = HISTORY): Promise<{ dir: string; remove(): Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-stage-as-of-'));
  await mkdir(path.join(root, 'data'));
  await writeFile(path.join(root, 'gtm.yaml'), YAML);
  await writeFile(path.join(root, 'data/opps.csv'), OPPS);
  await writeFile(path.join(root, 'data/history.csv'), history);
  await writeFile(path.join(root, 'data/touches.csv'), TOUCHES);
  return { dir: root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function run(dir: string, asOf: string, extra: string[] = []): Promise<TrackSourceResult> {
  const cli = await runCli(
    ['track-source', '--campaign', 'c1', '--window', 'campaign', '--as-of', asOf, '--no-snapshot', ...extra],
    { cwd: dir },
  );
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<TrackSourceResult>();
}

const acme = (r: TrackSourceResult) => r.insights.dropoff.by_partner.find((d) => d.value === 'acme');

describe('reached proposal as of the run', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(() => ws.remove());

  for (const [asOf, reached, won] of CASES)
    it(`as of ${asOf}: ${reached} of 6 reached proposal, ${won} won`, async () => {
      const r = await run(ws.dir, asOf);
      expect(acme(r)).toMatchObject({
        touched_accounts: 6,
        opportunities: 6,
        reached_proposal: reached,
        won,
      });
      expect(r.insights.dropoff.by_channel.map((d) => [d.reached_proposal, d.won])).toEqual([[reached, won]]);
    });

  it('without stage history, a deal closed after as-of counts as open, not as past proposal', async () => {
    const bare = await workspace('opportunity_id,stage,changed_at\n');
    try {
      // 06-01: only O4 (Proposal) and O5 (Negotiation), open deals known by their current stage
      expect(acme(await run(bare.dir, '2026-06-01'))).toMatchObject({ reached_proposal: 2, won: 0 });
      // 06-30: O1-O3 won too; O6 lost with no history reaches no ranked stage
      expect(acme(await run(bare.dir, '2026-06-30'))).toMatchObject({ reached_proposal: 5, won: 3 });
    } finally {
      await bare.remove();
    }
  });
});

describeOnClickHouse('ClickHouse 18.16 gives the DuckDB funnel', (ch) => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
    await loadOnClickHouse(ws.dir, ch.url, 'stage_as_of', YAML);
  }, 120_000);
  afterAll(async () => ws?.remove());

  for (const [asOf, reached, won] of CASES)
    it(`as of ${asOf}: the same drop-off from the server's tables`, async () => {
      const duck = await run(ws.dir, asOf);
      const onCh = await run(ws.dir, asOf, ['--config', 'gtm.clickhouse.yaml']);
      expect(acme(onCh)).toMatchObject({ reached_proposal: reached, won });
      expect(onCh.insights.dropoff).toEqual(duck.insights.dropoff);
    }, 120_000);
});
