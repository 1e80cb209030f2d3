/**
 * track-source on small hand-made workspaces built for a new user's review: URL-encoded UTM values,
 * touches naming several partners, a campaign window before the campaign starts, and funnel rows
 * too small to judge. Every expected credit is worked out by hand in the comments.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTrackSource, type TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { runCli } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

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

const credit = (r: TrackSourceResult, key: string) => r.by_partner.find((p) => p.key === key)?.pipeline ?? 0;

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

const ENCODED_TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_campaign,partner
t1,A1,2026-05-01T10:00:00Z,acme,Spring+Push,acme
t2,A1,2026-05-05T10:00:00Z,beta,spring%20push,beta
t3,A1,2026-05-08T10:00:00Z,google,spring-push,
t4,A2,2026-05-02T10:00:00Z,beta,spring%2Dpush,beta
t5,A2,2026-05-03T10:00:00Z,acme,%C3spring,acme
`;

const LISTED_TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_campaign,partner
t1,A1,2026-05-01T10:00:00Z,acme,spring-push,"acme,beta"
t2,A1,2026-05-05T10:00:00Z,google,spring-push,
t3,A2,2026-05-02T10:00:00Z,google,spring-push,Acme; Beta
t4,A2,2026-05-04T10:00:00Z,acme,spring-push,Gamma & Sons
t5,A2,2026-05-06T10:00:00Z,beta,spring-push,Delta
t6,A2,2026-05-07T10:00:00Z,google,spring-push,"acme, foo"
`;

describe('URL-encoded UTM values', () => {
  let ws: Workspace;
  let r: TrackSourceResult;
  beforeAll(async () => {
    // t1, t2 and t4 are campaign touches once decoded; t5's escape is a lone UTF-8 lead byte
    ws = await workspace(ENCODED_TOUCHES);
    ({ r } = await run(ws));
  });
  afterAll(() => ws.remove());

  it('credits decoded campaign touches (linear, worked by hand)', () => {
    // O1 12,000 won: t1 acme, t2 beta, t3 house, a third each; O2 6,000: t4 beta alone
    expect(r.totals).toMatchObject({ opportunities: 2, pipeline: 18000, revenue: 12000 });
    expect(credit(r, 'acme')).toBeCloseTo(4000, 6);
    expect(credit(r, 'beta')).toBeCloseTo(4000 + 6000, 6);
    expect(credit(r, 'house')).toBeCloseTo(4000, 6);
  });

  it('counts the decoded values and the one kept as written, and says so', async () => {
    expect(r.normalization).toEqual({
      url_decoded: { utm_campaign: 3 },
      url_undecodable: { utm_campaign: 1 },
      partner_lists: [],
      unknown_partners: [],
    });
    const summary = await readFile(path.join(ws.dir, r.reports_dir, 'dashboard.html'), 'utf8');
    expect(summary).toContain('3 UTM values were URL-decoded (utm_campaign 3)');
    expect(summary).toContain('1 URL-encoded UTM value kept as written');
    expect(formatTrackSource(r, 'summary')).toContain(
      'Touches: 3 UTM values were URL-decoded (utm_campaign 3).',
    );
  });
});

describe('touches naming several partners', () => {
  let ws: Workspace;
  let r: TrackSourceResult;
  let first: TrackSourceResult;
  beforeAll(async () => {
    ws = await workspace(LISTED_TOUCHES);
    ({ r } = await run(ws, ['--dimensions', 'partner']));
    ({ r: first } = await run(ws, ['--attribution-model', 'first-touch']));
  });
  afterAll(() => ws.remove());

  it('splits a listed touch equally among its partners (linear, worked by hand)', () => {
    // O1 12,000 won: t1 [acme, beta] 6,000 → 3,000 each; t2 house 6,000
    // O2 6,000: t3 [acme, beta] 1,500 → 750 each; t4 gamma (a name with " & ") 1,500;
    //   t5 'Delta' is no partner: utm_source beta, 1,500; t6 'acme, foo' is no list: kept, 1,500
    expect(credit(r, 'acme')).toBeCloseTo(3000 + 750, 6);
    expect(credit(r, 'beta')).toBeCloseTo(3000 + 750 + 1500, 6);
    expect(credit(r, 'gamma')).toBeCloseTo(1500, 6);
    expect(credit(r, 'house')).toBeCloseTo(6000, 6);
    expect(credit(r, 'acme, foo')).toBeCloseTo(1500, 6);
    expect(r.by_partner.some((p) => p.key.includes('|') || p.key === 'acme; beta')).toBe(false);
    const acme = r.by_partner.find((p) => p.key === 'acme')!;
    expect(acme.revenue).toBeCloseTo(3000, 6);
    expect(acme.touches).toBe(2);
    expect(r.by_partner.find((p) => p.key === 'beta')!.touches).toBe(3);
    const sum = r.by_partner.reduce((s, p) => s + p.pipeline, 0);
    expect(sum + r.unattributed.pipeline).toBeCloseTo(r.totals.pipeline, 6);
    // both listed partners' attainment counts their shares
    expect(r.contribution.find((c) => c.partner === 'beta')?.pipeline).toBeCloseTo(5250, 6);
  });

  it('splits under first-touch too', () => {
    // O1's first touch t1 [acme, beta]: 6,000 each; O2's first touch t3 [acme, beta]: 3,000 each
    expect(credit(first, 'acme')).toBeCloseTo(9000, 6);
    expect(credit(first, 'beta')).toBeCloseTo(9000, 6);
  });

  it('keeps totals exact under the data-driven models, with no list left as a partner', async () => {
    for (const model of ['markov', 'shapley']) {
      const { r: m } = await run(ws, ['--attribution-model', model]);
      expect(m.by_partner.some((p) => p.key.includes('|'))).toBe(false);
      const sum = m.by_partner.reduce((s, p) => s + p.pipeline, 0);
      expect(sum + m.unattributed.pipeline).toBeCloseTo(m.totals.pipeline, 6);
    }
  });

  it('reports the lists and the unknown partner values', () => {
    expect(r.normalization.partner_lists).toEqual([{ partners: ['acme', 'beta'], touches: 2 }]);
    expect(r.normalization.unknown_partners).toEqual([
      { value: 'acme, foo', credited_to: null, touches: 1 },
      { value: 'delta', credited_to: 'beta', touches: 1 },
    ]);
  });

  it('counts a listed touch for each partner in the funnel', () => {
    const f = Object.fromEntries(r.insights.dropoff.by_partner.map((d) => [d.value, d.touched_accounts]));
    expect(f).toMatchObject({ acme: 2, beta: 2, gamma: 1, house: 1 });
  });
});

/** A partner whose name and alias hold a `|`, for the touches below. */
const PIPE_YAML = YAML.replace(
  '  - { id: gamma, name: Gamma & Sons }\n',
  '  - { id: gamma, name: Gamma & Sons }\n  - { id: omega, name: "Omega | Partners", aliases: ["omega|emea"] }\n',
).replace('partners: [acme, beta, gamma]', 'partners: [acme, beta, gamma, omega]');

const PIPE_TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_campaign,partner
t1,A1,2026-05-01T10:00:00Z,google,spring-push,acme|foo
t2,A1,2026-05-05T10:00:00Z,google,spring-push,Omega|EMEA
t3,A1,2026-05-06T10:00:00Z,google,spring-push,Omega | Partners
t4,A2,2026-05-02T10:00:00Z,google,spring-push,beta|acme
t5,A2,2026-05-03T10:00:00Z,google,spring-push,acme|acme
t6,A2,2026-05-04T10:00:00Z,acme,spring-push,foo|bar
`;

describe('partner values holding a | that are no partner list', () => {
  let ws: Workspace;
  let r: TrackSourceResult;
  beforeAll(async () => {
    ws = await workspace(PIPE_TOUCHES, PIPE_YAML);
    ({ r } = await run(ws));
  });
  afterAll(() => ws.remove());

  it('splits only lists of partner ids; other values stay whole (linear, worked by hand)', () => {
    // O1 12,000 won: t1 'acme|foo' (foo is no partner: kept as written), t2 omega (alias
    //   omega|emea), t3 omega (name "Omega | Partners"): 4,000 each
    // O2 6,000: t4 the list acme|beta 2,000 → 1,000 each; t5 'acme|acme' (one partner twice: no
    //   list, kept as written) 2,000; t6 'foo|bar' is no partner: utm_source acme, 2,000
    expect(Object.fromEntries(r.by_partner.map((p) => [p.key, p.pipeline]))).toEqual({
      omega: 8000,
      'acme|foo': 4000,
      acme: 3000,
      'acme|acme': 2000,
      beta: 1000,
    });
    expect(r.by_partner.find((p) => p.key === 'acme|foo')!.revenue).toBeCloseTo(4000, 6);
    expect(r.by_partner.find((p) => p.key === 'acme')!.revenue).toBe(0);
    expect(r.by_partner.find((p) => p.key === 'acme')!.touches).toBe(2);
    expect(r.contribution.find((c) => c.partner === 'acme')?.pipeline).toBeCloseTo(3000, 6);
  });

  it('reports the one list and the unknown values as they are', () => {
    expect(r.normalization.partner_lists).toEqual([{ partners: ['acme', 'beta'], touches: 1 }]);
    expect(r.normalization.unknown_partners).toEqual([
      { value: 'acme|acme', credited_to: null, touches: 1 },
      { value: 'acme|foo', credited_to: null, touches: 1 },
      { value: 'foo|bar', credited_to: 'acme', touches: 1 },
    ]);
  });

  it('counts an unknown value once in the funnel, not for a partner it does not name', () => {
    const f = Object.fromEntries(r.insights.dropoff.by_partner.map((d) => [d.value, d.touched_accounts]));
    expect(f).toEqual({ acme: 1, beta: 1, omega: 1, 'acme|foo': 1, 'acme|acme': 1 });
  });
});

describeOnClickHouse('ClickHouse 18.16 gives the DuckDB result', (ch) => {
  for (const [name, touches, yaml] of [
    ['URL-encoded UTM values', ENCODED_TOUCHES, YAML],
    ['touches naming several partners', LISTED_TOUCHES, YAML],
    ['partner values holding a |', PIPE_TOUCHES, PIPE_YAML],
  ] as const)
    it(`${name}: the same result.json from the server's tables`, async () => {
      const ws = await workspace(touches, yaml);
      try {
        const database = `review_${name.split(' ')[0].toLowerCase().replace(/\W/g, '')}`;
        await loadOnClickHouse(ws.dir, ch.url, database, yaml);
        const { r: duck } = await run(ws);
        const { r: onCh } = await run(ws, ['--config', 'gtm.clickhouse.yaml']);
        expect(onCh.normalization).toEqual(duck.normalization);
        expect(onCh.by_partner.map((p) => p.key)).toEqual(duck.by_partner.map((p) => p.key));
        for (const p of duck.by_partner) expect(credit(onCh, p.key), p.key).toBeCloseTo(p.pipeline, 6);
        expect(onCh.totals).toEqual(duck.totals);
        expect(onCh.insights.dropoff).toEqual(duck.insights.dropoff);
        expect(duck.normalization).not.toEqual({
          url_decoded: {},
          url_undecodable: {},
          partner_lists: [],
          unknown_partners: [],
        });
      } finally {
        await ws.remove();
      }
    }, 120_000);
});
