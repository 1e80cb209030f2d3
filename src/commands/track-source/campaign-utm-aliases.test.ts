import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrackSource } from './index.ts';

/**
 * A campaign's `utm_campaigns` are matched against touches' utm_campaign after the touches'
 * normalization (trimmed, lower-cased, aliased by `utm.aliases.campaign`): the configured values
 * must be normalized the same way, or a value written as the exports carry it (`EU Data Summit`,
 * `EDS26`) that an alias maps to the canonical value matches no touch at all, and the campaign's
 * pipeline silently drops (as the CRM tag, `opportunities.campaign`, was already aliased).
 */
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(utmCampaigns: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gtm-ts-utm-alias-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(
    path.join(dir, 'data', 'touches.csv'),
    [
      'person,account,at,source,medium,campaign',
      'p1,A1,2026-11-02T10:00:00Z,google,cpc,EU Data Summit',
      'p2,A2,2026-11-03T10:00:00Z,email,email,EDS26',
      'p3,A3,2026-11-04T10:00:00Z,linkedin,social,eu_data_summit',
      'p4,A4,2026-11-05T10:00:00Z,google,cpc,brand',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'data', 'deals.csv'),
    [
      'id,account,created,stage,amount,currency',
      'o1,A1,2026-11-10T00:00:00Z,proposal,1000,EUR',
      'o2,A2,2026-11-11T00:00:00Z,proposal,2000,EUR',
      'o3,A3,2026-11-12T00:00:00Z,proposal,4000,EUR',
      'o4,A4,2026-11-13T00:00:00Z,proposal,8000,EUR',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'gtm.yaml'),
    `version: 1
output: { snapshot: never }
sources:
  - { name: touches, entity: touchpoints, kind: file, path: data/touches.csv, mapping: { person_id: person, account_id: account, occurred_at: at, utm_source: source, utm_medium: medium, utm_campaign: campaign } }
  - { name: deals, entity: opportunities, kind: file, path: data/deals.csv, mapping: { opportunity_id: id, account_id: account, created_at: created, stage: stage, amount: amount, currency: currency } }
currency: { reporting: EUR }
utm:
  aliases:
    campaign: { "eu data summit": eu_data_summit, eds26: eu_data_summit }
partners:
  - { id: acme, name: Acme }
campaigns:
  - id: summit
    name: EU Data Summit
    partners: [acme]
    start: 2026-10-01
    end: 2026-12-29
    utm_campaigns: ${JSON.stringify(utmCampaigns)}
roster:
  roles:
    co_marketing_analytics_lead: { people: [{ name: A }] }
    revops_finance: { people: [{ name: B }] }
    exec_sponsor: { people: [{ name: C }] }
`,
  );
  return dir;
}

const run = async (utmCampaigns: string[]) =>
  (
    await runTrackSource(
      { campaign: 'summit', window: '30d', attribution_model: 'linear' },
      { cwd: workspace(utmCampaigns), asOf: '2026-11-30', snapshot: false },
    )
  ).result;

describe('track-source: campaign utm_campaigns are normalized as touches are', () => {
  it('matches the touches an alias maps to the canonical value, whichever spelling gtm.yaml lists', async () => {
    // every spelling of the campaign normalizes to eu_data_summit: o1, o2, o3 are in scope (7000), o4 is not
    for (const listed of [['eu_data_summit'], ['EDS26'], [' EU Data Summit ']]) {
      const r = await run(listed);
      expect({ listed, opportunities: r.totals.opportunities, pipeline: r.totals.pipeline }).toEqual({
        listed,
        opportunities: 3,
        pipeline: 7000,
      });
      expect(r.journeys.touches).toBe(3);
    }
  }, 60_000);
});
