import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrackSource } from './index.ts';

/**
 * A credited partner without a target (a partner of gtm.yaml without one, or a `partner` value
 * kept as written) has no target to be judged against: "Pipeline vs target" says so ("—", no
 * tick, "No target"), as the contribution table does, and never shows a target of 0.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'gtm-ts-no-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('track-source: contribution of a partner without a target', () => {
  it('shows no target, not a target of 0, in Pipeline vs target', async () => {
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(
      path.join(dir, 'data', 'touches.csv'),
      [
        'person,account,at,source,medium,campaign,partner',
        'p1,A1,2026-11-02T10:00:00Z,acme,partner,summit,Acme',
        'p2,A2,2026-11-03T10:00:00Z,email,email,summit,Zeta Resellers',
        'p3,A3,2026-11-04T10:00:00Z,beta,partner,summit,Beta',
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
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'gtm.yaml'),
      `version: 1
output: { snapshot: never }
sources:
  - { name: touches, entity: touchpoints, kind: file, path: data/touches.csv, mapping: { person_id: person, account_id: account, occurred_at: at, utm_source: source, utm_medium: medium, utm_campaign: campaign, partner: partner } }
  - { name: deals, entity: opportunities, kind: file, path: data/deals.csv, mapping: { opportunity_id: id, account_id: account, created_at: created, stage: stage, amount: amount, currency: currency } }
currency: { reporting: EUR }
partners:
  - { id: acme, name: Acme }
  - { id: beta, name: Beta }
campaigns:
  - id: summit
    name: Summit
    partners: [acme, beta]
    start: 2026-11-01
    end: 2026-11-30
    utm_campaigns: [summit]
    targets:
      acme: { pipeline: 3000, revenue: 600 }
roster:
  roles:
    co_marketing_analytics_lead: { people: [{ name: A }] }
    revops_finance: { people: [{ name: B }] }
    exec_sponsor: { people: [{ name: C }] }
`,
    );
    const { result, reportsDir } = await runTrackSource(
      { campaign: 'summit', window: '30d', detail: 'full', attribution_model: 'linear' },
      { cwd: dir, asOf: '2026-11-30', snapshot: false },
    );
    expect(
      result.contribution.map((c) => [c.partner, c.pipeline, c.pipeline_target_in_window, c.status]),
    ).toEqual([
      ['acme', 1000, 3000, 'behind'],
      ['beta', 4000, null, 'no_target'],
      ['zeta resellers', 2000, null, 'no_target'],
    ]);
    const md = readFileSync(path.join(reportsDir, 'summary.md'), 'utf8');
    const table = md.split('### Pipeline vs target')[1].split('###')[0];
    const row = (name: string) => table.split('\n').find((l) => l.startsWith(`| ${name} |`));
    expect(row('Acme')).toBe('| Acme | €1,000.00 | €3,000.00 | 33.3% |');
    expect(row('Beta')).toBe('| Beta | €4,000.00 | — | — |');
    expect(row('zeta resellers')).toBe('| zeta resellers | €2,000.00 | — | — |');
  }, 60_000);
});
