/**
 * track-source with UTMs only in the touches' landing URLs (`landing_url`, GA4's page_location):
 * the same figures as the same touches with UTM columns, on DuckDB and on ClickHouse 18.16.
 *
 * Expected by hand (linear model, every touch before its account's deal, within the lookback):
 * - O1 (A1, won 1,000): t1 google/cpc (paid_search) and t2 linkedin/paid_social (paid_social), half each.
 * - O2 (A2, lost 400): t3 acme/email (email; partner acme through utm_source). Its URL repeats
 *   utm_medium (`email`, then `cpc`): the first is the value (the second would make it paid_search).
 * - O3 (A3, open 600): t4 has utm_source `google` in its column and `linkedin` in its URL, medium
 *   only in the URL (`cpc`): the column wins where it is not empty, so google/cpc, paid_search
 *   (linkedin/cpc would be paid_social).
 * - t5 (A4, no deal): a landing URL that is no URL: no UTMs, a touch all the same (not rejected).
 * - O4 (A5, open 200): t6 google/cpc; its URL has no utm_source or utm_medium but a gclid, which
 *   stands for google/cpc: paid_search.
 * Totals: 4 deals, pipeline 2,200, revenue 1,000, 1 won. By channel: paid_search 500 + 600 + 200 =
 * 1,300 of pipeline and 500 of revenue, paid_social 500 and 500, email 400 and 0. acme 400 and 0,
 * the touches of no partner (house) 500 + 500 + 600 + 200 = 1,800 and 1,000.
 *
 * Where the values came from (normalization.landing_url, summary.md, dashboard), by hand: of web's
 * 6 touches, 5 took a source, medium or campaign from the URL (t1, t2, t3 all three; t4 its medium,
 * its column blank, and its campaign, no column; t6 its campaign) and 1 its source and medium from
 * a click id (t6's gclid); t5's is no URL. With the UTM columns, nothing is said (no landing_url).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { runCli } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const yaml = (touches: string, mapping: string) => `version: 1
sources:
  - { name: crm, entity: opportunities, kind: file, path: data/opps.csv }
  - { name: web, entity: touchpoints, kind: file, path: data/${touches}${mapping} }
currency:
  reporting: USD
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

const COLUMNS_YAML = yaml('touches.csv', '');
const URLS_YAML = yaml('landing.csv', ', mapping: { landing_url: page_location }');

const OPPS = `opportunity_id,account_id,created_at,closed_at,stage,amount
O1,A1,2026-03-20,2026-03-25,Closed Won,1000
O2,A2,2026-03-21,2026-03-26,Closed Lost,400
O3,A3,2026-03-22,,Proposal,600
O4,A5,2026-03-23,,Proposal,200
`;

const TOUCHES = `touch_id,account_id,occurred_at,utm_source,utm_medium,utm_campaign
t1,A1,2026-03-05T10:00:00Z,google,cpc,spring
t2,A1,2026-03-10T10:00:00Z,linkedin,paid_social,spring
t3,A2,2026-03-11T10:00:00Z,acme,email,spring
t4,A3,2026-03-12T10:00:00Z,google,cpc,spring
t5,A4,2026-03-13T10:00:00Z,,,
t6,A5,2026-03-14T10:00:00Z,google,cpc,spring
`;

// the same touches, UTMs in the landing URL (t4: utm_source in its column, which wins)
const LANDING = `touch_id,account_id,occurred_at,utm_source,utm_medium,page_location
t1,A1,2026-03-05T10:00:00Z,,,https://acme.com/pricing?utm_source=Google&utm_medium=cpc&utm_campaign=spring#plans
t2,A1,2026-03-10T10:00:00Z,,,https://acme.com/?UTM_SOURCE=linkedin&utm_medium=paid%5Fsocial&utm_campaign=Spring
t3,A2,2026-03-11T10:00:00Z,,,https://acme.com/?utm_source=acme&utm_medium=email&utm_medium=cpc&utm_campaign=spring
t4,A3,2026-03-12T10:00:00Z,google, ,https://acme.com/?utm_source=linkedin&utm_medium=cpc&utm_campaign=spring
t5,A4,2026-03-13T10:00:00Z,,,not a url
t6,A5,2026-03-14T10:00:00Z,,,https://acme.com/demo?gclid=Cj0KCQ&utm_campaign=spring
`;

async function workspace() {
  const dir = await mkdtemp(path.join(tmpdir(), 'gtm-landing-url-'));
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'gtm.yaml'), URLS_YAML);
  await writeFile(path.join(dir, 'gtm.columns.yaml'), COLUMNS_YAML);
  await writeFile(path.join(dir, 'data/opps.csv'), OPPS);
  await writeFile(path.join(dir, 'data/touches.csv'), TOUCHES);
  await writeFile(path.join(dir, 'data/landing.csv'), LANDING);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function run(dir: string, config: string, extra: string[] = []): Promise<TrackSourceResult> {
  const cli = await runCli(
    [
      'track-source',
      '--campaign',
      'spring',
      '--window',
      'campaign',
      '--as-of',
      '2026-04-01',
      '--attribution-model',
      'linear',
      '--no-snapshot',
      '--config',
      config,
      ...extra,
    ],
    { cwd: dir },
  );
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<TrackSourceResult>();
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

const validate = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(path.resolve('src/commands/track-source/track-source.result.schema.json'), 'utf8')),
);

const LANDING_LINE =
  'web: 5 of 6 touches took utm_source, utm_medium or utm_campaign from landing_url; 1 took source and medium from a click id';

/** normalization.landing_url by hand, and its line in summary.md (--detail full) and the dashboard. */
function expectLandingCounts(dir: string, r: TrackSourceResult, fromUrls: boolean): void {
  expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  const summary = readFileSync(path.resolve(dir, r.reports_dir, 'summary.md'), 'utf8');
  const dashboard = readFileSync(path.resolve(dir, r.reports_dir, 'dashboard.html'), 'utf8');
  if (!fromUrls) {
    expect(r.normalization.landing_url).toBeUndefined();
    expect(summary).not.toContain('landing_url');
    return;
  }
  expect(r.normalization.landing_url).toEqual([{ source: 'web', touches: 6, utm_from_url: 5, click_id: 1 }]);
  expect(summary).toContain(`- ${LANDING_LINE.replace(/_/g, '\\_')}`); // Markdown-escaped
  expect(dashboard).toContain(LANDING_LINE);
}

function expectHandFigures(r: TrackSourceResult): void {
  expect(r.totals).toMatchObject({ opportunities: 4, pipeline: 2200, revenue: 1000, won: 1 });
  const channels = Object.fromEntries(
    r.by_channel.map((l) => [l.key, [round(l.pipeline), round(l.revenue)]]),
  );
  expect(channels).toEqual({ paid_search: [1300, 500], paid_social: [500, 500], email: [400, 0] });
  const partners = Object.fromEntries(
    r.by_partner.map((l) => [l.key, [round(l.pipeline), round(l.revenue)]]),
  );
  expect(partners).toEqual({ acme: [400, 0], house: [1800, 1000] });
  expect(r.rejects.rows).toBe(0);
  const web = r.row_accounting.find((a) => a.entity === 'touchpoints');
  expect(web).toMatchObject({ rows_in: 6, accepted: 6, rejected: 0 });
}

describe('track-source: UTMs read from landing URLs', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
  });
  afterAll(() => ws.remove());

  it('UTM columns: the figures by hand', async () => {
    const r = await run(ws.dir, 'gtm.columns.yaml', ['--detail', 'full']);
    expectHandFigures(r);
    expectLandingCounts(ws.dir, r, false);
  });

  it('landing URLs only: the same figures, and how many values came from the URLs', async () => {
    const r = await run(ws.dir, 'gtm.yaml', ['--detail', 'full']);
    expectHandFigures(r);
    expectLandingCounts(ws.dir, r, true);
  });
});

describeOnClickHouse('ClickHouse 18.16: UTMs read from landing URLs, the same figures', (ch) => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  beforeAll(async () => {
    ws = await workspace();
    await loadOnClickHouse(ws.dir, ch.url, 'landing_url', URLS_YAML);
  }, 120_000);
  afterAll(async () => ws?.remove());

  it('landing URLs only, on the server', async () => {
    const r = await run(ws.dir, 'gtm.clickhouse.yaml', ['--detail', 'full']);
    expectHandFigures(r);
    expectLandingCounts(ws.dir, r, true);
  }, 120_000);
});
