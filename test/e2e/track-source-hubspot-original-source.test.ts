/**
 * track-source on a HubSpot contacts export whose "Original Source" is mapped as utm_medium (its
 * "Original Source Drill-Down 1" as utm_source, "Drill-Down 2" as utm_campaign), the one record of a
 * contact's first touch a HubSpot portal keeps. The default grouping read "Paid Search", "Paid
 * Social", "Social Media" (and "Organic Search" only from a search engine it lists), but left
 * "Direct Traffic", "Email Marketing", "Referrals" and "Organic Search" from another engine
 * unassigned: below, 1,900 of the 5,500 of pipeline (3,800 unassigned in all), with an action to
 * write channel rules for values whose channel HubSpot already states.
 *
 * Expected by hand: each contact is the one touch of its company's deal, so each channel gets its
 * deal's pipeline: direct 100, organic_search 200 + 300 (google, startpage), paid_search 400,
 * paid_social 500, organic_social 600, email 700, referral 800; "Offline Sources" (900) and
 * "Other Campaigns" (1,000) name no channel: unassigned 1,900. Same channels on ClickHouse 18.16.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: crm, entity: opportunities, kind: file, path: data/opps.csv }
  - name: hubspot_contacts
    entity: touchpoints
    kind: file
    path: data/hubspot_contacts.csv
    mapping: { person_id: Record ID, account_id: Associated Company IDs, occurred_at: Create Date, utm_medium: Original Source, utm_source: Original Source Drill-Down 1, utm_campaign: Original Source Drill-Down 2 }
currency: { reporting: USD }
partners: [{ id: acme, name: Acme }]
campaigns:
  - { id: spring, name: Spring, partners: [acme], start: 2026-03-01, end: 2026-03-31, utm_campaigns: [spring], lookback_days: 30 }
`;

// [Original Source, Drill-Down 1, the channel expected]
const CONTACTS: [string, string, string][] = [
  ['Direct Traffic', 'www.example.com/pricing', 'direct'],
  ['Organic Search', 'google', 'organic_search'],
  ['Organic Search', 'startpage', 'organic_search'],
  ['Paid Search', 'google', 'paid_search'],
  ['Paid Social', 'LinkedIn', 'paid_social'],
  ['Social Media', 'LinkedIn', 'organic_social'],
  ['Email Marketing', 'Q2 invite', 'email'],
  ['Referrals', 'partner-blog.com', 'referral'],
  ['Offline Sources', 'IMPORT', 'unassigned'],
  ['Other Campaigns', '', 'unassigned'],
];

const contactsCsv = () =>
  '\uFEFFRecord ID,Associated Company IDs,Create Date,Original Source,Original Source Drill-Down 1,Original Source Drill-Down 2\r\n' +
  CONTACTS.map(([src, dd1], i) => `${101 + i},${9000 + i},2026-03-05 10:0${i},${src},${dd1},spring\r\n`).join(
    '',
  );

const oppsCsv = () =>
  'opportunity_id,account_id,created_at,stage,amount\n' +
  CONTACTS.map((_, i) => `O${i + 1},${9000 + i},2026-03-10,Proposal,${(i + 1) * 100}\n`).join('');

const ARGV = [
  'track-source',
  '--campaign',
  'spring',
  '--window',
  'campaign',
  '--as-of',
  '2026-04-01',
  '--no-snapshot',
];

const EXPECTED: Record<string, number> = {
  direct: 100,
  organic_search: 500,
  paid_search: 400,
  paid_social: 500,
  organic_social: 600,
  email: 700,
  referral: 800,
  unassigned: 1900,
};

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gtm-hubspot-source-'));
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'gtm.yaml'), YAML);
  await writeFile(path.join(dir, 'data/hubspot_contacts.csv'), contactsCsv());
  await writeFile(path.join(dir, 'data/opps.csv'), oppsCsv());
  return dir;
}

function channels(r: TrackSourceResult): Record<string, number> {
  return Object.fromEntries(r.by_channel.map((row) => [row.key, row.pipeline]));
}

describe('track-source: HubSpot "Original Source" values as utm_medium', () => {
  let dir: string;
  beforeAll(async () => (dir = await workspace()));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('groups each value into the channel HubSpot names', async () => {
    const byHand: Record<string, number> = {};
    CONTACTS.forEach(([, , channel], i) => (byHand[channel] = (byHand[channel] ?? 0) + (i + 1) * 100));
    expect(byHand).toEqual(EXPECTED);
    const cli = await runCli(ARGV, { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<TrackSourceResult>();
    expect(channels(r)).toEqual(EXPECTED);
    expect(r.insights.unassigned?.top.map((t) => t.medium).sort()).toEqual([
      'offline sources',
      'other campaigns',
    ]);
  });
});

describeOnClickHouse('ClickHouse 18.16 groups them the same way', (ch) => {
  it('gives the same channels from the server tables', async () => {
    const dir = await workspace();
    try {
      const cli = await runOnClickHouse(ch, dir, YAML, ARGV, 'hubspot_source');
      expect(cli.code, cli.stderr).toBe(0);
      expect(channels(cli.json<TrackSourceResult>())).toEqual(EXPECTED);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
