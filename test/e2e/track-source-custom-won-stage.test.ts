/**
 * track-source with a won stage of the workspace's own (`funnel.won: won`, `funnel.lost: [lost]`):
 * a CRM's "Closed Won" is that won stage. The built-in mapping sent it to `closed_won`, which then
 * counted as neither won nor lost, so every deal's revenue read as 0 with no word said.
 * Expected by hand: O1 won (1,000), O2 lost, O3 open: revenue 1,000, 1 won of 2 closed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: crm, entity: opportunities, kind: file, path: data/opps.csv }
  - { name: web, entity: touchpoints, kind: file, path: data/touches.csv }
currency:
  reporting: USD
funnel:
  stages: [qualification, proposal, negotiation, won]
  won: won
  lost: [lost]
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
thresholds: { max_reject_rate: 0 }
`;

const OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount
O1,A1,2026-03-20,2026-03-25,Closed Won,1000
O2,A2,2026-03-21,2026-03-26,Closed Lost,400
O3,A3,2026-03-22,,Proposal,300
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner
t1,A1,2026-03-10T10:00:00Z,acme,email,spring,acme
t2,A2,2026-03-11T10:00:00Z,acme,email,spring,acme
t3,A3,2026-03-12T10:00:00Z,google,cpc,spring,
`;

describe('track-source: a won stage of the workspace own', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gtm-custom-won-'));
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'gtm.yaml'), YAML);
    await writeFile(path.join(dir, 'data/opps.csv'), OPPS);
    await writeFile(path.join(dir, 'data/touches.csv'), TOUCHES);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads "Closed Won" as funnel.won and "Closed Lost" as funnel.lost', async () => {
    const cli = await runCli(
      [
        'track-source',
        '--campaign',
        'spring',
        '--window',
        'campaign',
        '--as-of',
        '2026-04-01',
        '--no-snapshot',
      ],
      { cwd: dir },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<TrackSourceResult>();
    expect(r.totals).toMatchObject({ opportunities: 3, pipeline: 1700, revenue: 1000, won: 1 });
    expect(r.by_partner.find((l) => l.key === 'acme')).toMatchObject({
      pipeline: 1400,
      revenue: 1000,
      won: 1,
    });
    expect(r.insights.segments).toEqual([expect.objectContaining({ won: 1, closed: 2, win_rate: 0.5 })]);
  });
});
