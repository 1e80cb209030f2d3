/**
 * track-source on the stage names stock CRMs write, with no funnel.mapping of the workspace's own:
 * a Salesforce Opportunities report of an org on the standard Stage picklist ("Id. Decision
 * Makers" and "Perception Analysis" sit between Value Proposition and Proposal/Price Quote) and a
 * HubSpot deals export whose Deal Stage holds the internal ids of the closed stages (`closedwon`,
 * `closedlost`). The built-in mapping had neither, so every such deal was rejected (`stage: Id.
 * Decision Makers is not mapped`) and the run exited 5, its won deals out of revenue.
 *
 * Expected by hand (window 2026-03-01 .. 2026-03-31, every deal touched in the lookback):
 * pipeline 1,000 + 2,000 + 4,000 (Salesforce) + 500 + 300 (HubSpot) = 7,800; won 006…O3 4,000 and
 * 9001 500: revenue 4,500, 2 won of 3 closed (9002 closedlost). Acme's two deals are both at a
 * proposal stage: 2 opportunities, 2 reached proposal, 0 won.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - name: sf_opps
    entity: opportunities
    kind: file
    path: data/sf_opportunities.csv
    mapping: { opportunity_id: Opportunity ID, account_id: Account ID, created_at: Created Date, closed_at: Close Date, stage: Stage, amount: Amount, currency: Amount Currency }
  - name: hs_deals
    entity: opportunities
    kind: file
    path: data/hubspot_deals.csv
    mapping: { opportunity_id: Record ID, account_id: Associated Company IDs, created_at: Create Date, closed_at: Close Date, stage: Deal Stage, amount: Amount }
  - { name: web, entity: touchpoints, kind: file, path: data/touches.csv }
currency:
  reporting: USD
partners:
  - { id: acme, name: Acme Inc., aliases: [acme] }
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

const BOM = '\uFEFF';
const SF = `${BOM}"Opportunity Owner","Account ID","Opportunity ID","Stage","Amount Currency","Amount","Close Date","Created Date"\r
"Dana Ruiz","0015g0000Acc001QAA","0065g0000Opp001AAA","Id. Decision Makers","USD","1,000.00","4/30/2026","3/10/2026"\r
"Dana Ruiz","0015g0000Acc002QAA","0065g0000Opp002AAA","Perception Analysis","USD","2,000.00","5/15/2026","3/11/2026"\r
"Lee Park","0015g0000Acc003QAA","0065g0000Opp003AAA","Closed Won","USD","4,000.00","3/25/2026","3/12/2026"\r
`;

const HS = `${BOM}Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Associated Company IDs\r
9001,Stark - Annual,closedwon,500,2026-03-13 09:30,2026-03-27 10:00,31415926535\r
9002,Initrode - Pilot,closedlost,300,2026-03-14 09:30,2026-03-28 10:00,27182818284\r
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign,partner
t1,0015g0000Acc001QAA,2026-03-02T10:00:00Z,acme,email,spring,Acme Inc.
t2,0015g0000Acc002QAA,2026-03-03T10:00:00Z,acme,email,spring,ACME
t3,0015g0000Acc003QAA,2026-03-04T10:00:00Z,google,cpc,spring,
t4,31415926535,2026-03-05T10:00:00Z,google,cpc,spring,
t5,27182818284,2026-03-06T10:00:00Z,google,cpc,spring,
`;

describe('track-source: the stage names stock Salesforce and HubSpot write', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gtm-stock-stages-'));
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'gtm.yaml'), YAML);
    await writeFile(path.join(dir, 'data/sf_opportunities.csv'), SF);
    await writeFile(path.join(dir, 'data/hubspot_deals.csv'), HS);
    await writeFile(path.join(dir, 'data/touches.csv'), TOUCHES);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads them through the built-in mapping: no rejects, won and lost as the CRM says', async () => {
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
    expect(r.rejects).toMatchObject({ rows: 0 });
    expect(r.totals).toMatchObject({ opportunities: 5, pipeline: 7800, revenue: 4500, won: 2 });
    expect(r.insights.segments).toEqual([expect.objectContaining({ won: 2, closed: 3 })]);
    expect(r.insights.dropoff.by_partner.find((row) => row.value === 'acme')).toMatchObject({
      opportunities: 2,
      reached_proposal: 2,
      won: 0,
    });
  });
});
