/**
 * `track-source` end to end on the generated demo workspace, through the CLI in-process: the
 * specification's usage line verbatim, reports and plan, row accounting against the planted ground
 * truth, reconciliation, reproducibility, golden summaries, escalation, change log, plans and doctor.
 *
 * The runs build one plan history, so they happen in order in `beforeAll` and the tests read them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import { parseCsv } from '../helpers/csv-parse.ts';
import {
  DEMO_AS_OF,
  DEMO_PREVIOUS_AS_OF,
  makeDemoWorkspace,
  USAGE_LINE,
  type DemoWorkspace,
} from '../helpers/demo-workspace.ts';
import { floatNoise } from '../helpers/float-noise.ts';
import { expectGolden } from '../helpers/golden.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

let demo: DemoWorkspace;
const gtm = (argv: string[]) => runCli(argv, { cwd: demo.dir });

interface Run {
  cli: CliRun;
  result: TrackSourceResult;
  plan: PlanRecord;
  reports: string;
}

const runs: Record<string, Run> = {};
const TS = ['track-source', '--campaign', 'AI Launch Tour', '--window', '30d', '--as-of', DEMO_AS_OF];

async function run(name: string, argv: string[]): Promise<Run> {
  const cli = await gtm(argv);
  if (cli.code !== 0 && cli.code !== 10) throw new Error(`run ${name} exited ${cli.code}: ${cli.stderr}`);
  const result = cli.json<TrackSourceResult>();
  const plan = validatePlanRecord(JSON.parse(await demo.read(result.plan_path)), result.plan_path);
  const r = { cli, result, plan, reports: path.join(demo.dir, result.reports_dir) };
  runs[name] = r;
  return r;
}

beforeAll(async () => {
  demo = await makeDemoWorkspace();
  // 1. the specification's usage line, verbatim, with --json
  await run('spec', ['run', USAGE_LINE, '--as-of', DEMO_AS_OF, '--json']);
  // 2. the same again: same numbers
  await run('again', [...TS, '--detail', 'full']);
  // 3. short summary
  await run('summary', [...TS, '--detail', 'summary']);
  // 4-6. a guardrail the demo cannot meet at two as-ofs in a row: the as-of before the demo's, run
  // twice (a rerun is the same period: no second breach), then the demo's, which escalates
  const before = [...TS.slice(0, -1), DEMO_PREVIOUS_AS_OF];
  await run('breach1', [...before, '--alert-threshold', '0.99', '--fail-on-escalation']);
  await run('rerun1', [...before, '--alert-threshold', '0.99', '--fail-on-escalation']);
  await run('breach2', [...TS, '--alert_threshold', '0.99', '--fail-on-escalation']);
  // 6. another attribution model (and more breakdowns)
  await run('model', [...TS, '--attribution-model', 'last-touch', '--dimensions', 'asset,region']);
  // 7. a source file changes between runs
  await appendFile(
    path.join(demo.dir, 'data/crm/campaign_members.csv'),
    'late.comer@example.com,Webinar Attended,2026-11-14T10:00:00Z,ai-launch-tour,ailt-keynote-webinar,nimbus,nimbus,webinar\n',
  );
  await run('source', [...TS, '--attribution-model', 'last-touch', '--dimensions', 'asset,region']);
}, 240_000);

afterAll(() => demo?.remove());

/** Result numbers without what legitimately differs between two runs (ids, paths, alert timestamps and history). */
function numbers(r: TrackSourceResult) {
  const { run_id: _a, plan_path: _b, reports_dir: _c, rejects, alerts, escalations: _e, ...rest } = r;
  const values = (alerts as { id: string; value: number; threshold: number; breached: boolean }[]).map(
    ({ id, value, threshold, breached }) => ({ id, value, threshold, breached }),
  );
  return {
    ...rest,
    alerts: values,
    rejects: { ...rejects, file: rejects.file ? path.basename(rejects.file) : null },
  };
}

/** Run ids, plan names and report folders vary; the rest of a summary must not. */
const normalizeRunIds = (text: string) =>
  text
    .replace(/plan-\d{8}T\d{9}Z(-\d+)?\.json/g, 'plan-RUN.json')
    .replace(/\d{8}T\d{9}Z/g, 'RUN_ID')
    // when the report was made is the one thing two runs with the same --as-of differ in
    .replace(/Generated \d{4}-\d{2}-\d{2}T[\d:.]+Z/g, 'Generated TIME');

describe('the specification usage line on the demo', () => {
  it('exits 0 and prints only the result JSON on stdout', () => {
    const { cli, result } = runs.spec;
    expect(cli.code).toBe(0);
    expect(cli.stdout).toBe(`${JSON.stringify(JSON.parse(cli.stdout), null, 2)}\n`);
    expect(result.schema).toBe('gtm.track-source.result/v1');
    expect(result.inputs).toEqual({
      campaign: 'AI Launch Tour',
      window: '30d',
      detail: 'full',
      dimensions: ['partner', 'channel'],
      attribution_model: 'linear',
      alert_threshold: 0.7,
      as_of: DEMO_AS_OF,
    });
    expect(result.window).toEqual({
      label: '30d',
      start: '2026-10-17T00:00:00.000Z',
      end: '2026-11-16T00:00:00.000Z',
      days: 30,
    });
    expect(result.currency).toBe('USD');
    expect(result.totals.opportunities).toBeGreaterThan(50);
    expect(cli.stderr).toBe('');
  });

  it('writes the reporting package', () => {
    const files = readdirSync(runs.spec.reports).sort();
    expect(files).toEqual(
      [
        'actions.csv',
        'by_channel.csv',
        'by_partner.csv',
        'contribution.csv',
        'dashboard.html',
        'duplicates.csv',
        'rejects.csv',
        'result.json',
        'row_accounting.csv',
        'summary.md',
      ].sort(),
    );
    expect(readdirSync(runs.model.reports)).toEqual(
      expect.arrayContaining(['by_asset.csv', 'by_region.csv']),
    );
  });

  it('writes numbers without binary float noise: result.json, the JSON printed, the plan and every CSV table', async () => {
    // before: 8 numbers in result.json and on stdout (totals.pipeline 4526400.009600001, a partner's
    // sourced revenue 267810.71203999995), 2 in by_partner.csv (that one, and 6.949999999999999)
    const { cli, result, reports } = runs.spec;
    const noisy: Record<string, string[]> = {
      stdout: floatNoise(cli.stdout),
      plan: floatNoise(await demo.read(result.plan_path)),
    };
    for (const name of readdirSync(reports).filter((f) => /\.(csv|json)$/.test(f)))
      noisy[name] = floatNoise(await readFile(path.join(reports, name), 'utf8'));
    expect(Object.fromEntries(Object.entries(noisy).filter(([, v]) => v.length))).toEqual({});
  });

  it('result.json on disk is what --json printed', async () => {
    const onDisk = JSON.parse(
      await readFile(path.join(runs.spec.reports, 'result.json'), 'utf8'),
    ) as TrackSourceResult;
    expect(onDisk).toEqual(runs.spec.result);
  });

  it('writes a valid plan in .claude/plans, closed as succeeded, with the row accounting and fingerprints', () => {
    const { plan, result } = runs.spec;
    expect(result.plan_path).toMatch(/^\.claude\/plans\/plan-\d{8}T\d{9}Z\.json$/);
    expect(plan).toMatchObject({
      command: 'track-source',
      // one plan history per campaign and window
      scope: 'ai-launch-tour:30d',
      status: 'succeeded',
      strategy: 'diamond',
      as_of: DEMO_AS_OF,
    });
    expect(plan.error_handling).toMatchObject({
      max_retries: 2,
      escalation_ladder: ['co_marketing_analytics_lead', 'revops_finance', 'exec_sponsor'],
    });
    expect(plan.stages.flatMap((s) => s.tasks).every((t) => t.status === 'succeeded')).toBe(true);
    expect(plan.change_log).toEqual([expect.objectContaining({ field: 'settings', change: 'initial' })]);
    const sources = result.row_accounting.map((a) => a.source).sort();
    expect(plan.data_fingerprints.map((f) => f.source).sort()).toEqual(sources);
    expect(
      plan.row_accounting.map(({ source, rows_in, accepted, deduplicated, rejected }) => ({
        source,
        rows_in,
        accepted,
        deduplicated,
        rejected,
      })),
    ).toEqual(
      expect.arrayContaining(
        result.row_accounting.map(({ source, rows_in, accepted, deduplicated, rejected }) => ({
          source,
          rows_in,
          accepted,
          deduplicated,
          rejected,
        })),
      ),
    );
    // the guardrail, and the data-quality check of the reject rate (recorded as an alert since the command kit)
    expect(plan.alerts).toEqual([
      expect.objectContaining({
        id: 'max_reject_rate',
        breached: false,
        direction: 'above',
        threshold: 0.005,
      }),
      expect.objectContaining({ id: 'attribution_confidence', breached: false }),
    ]);
  });
});

describe('row accounting against the planted truth', () => {
  const acct = (source: string) => runs.spec.result.row_accounting.find((a) => a.source === source)!;

  it('reconciles for every source: rows in = accepted + deduplicated + rejected', () => {
    expect(runs.spec.result.row_accounting).toHaveLength(8);
    for (const a of runs.spec.result.row_accounting)
      expect(a.rows_in, a.source).toBe(a.accepted + a.deduplicated + a.rejected);
  });

  it('counts every line of every source file', async () => {
    const lines = async (rel: string) => (await demo.read(rel)).split('\n').filter((l) => l !== '').length;
    expect(acct('crm_opportunities').rows_in).toBe((await lines('data/crm/opportunities.csv')) - 1);
    expect(acct('crm_contacts').rows_in).toBe((await lines('data/crm/contacts.csv')) - 1);
    expect(acct('crm_campaign_members').rows_in).toBe((await lines('data/crm/campaign_members.csv')) - 1 - 1); // minus the row appended for the last run
    expect(acct('web_analytics').rows_in).toBe(
      (await lines('data/web/events-1.ndjson')) + (await lines('data/web/events-2.ndjson')),
    );
    expect(acct('quantia_co_sell').rows_in).toBe(
      (await lines('data/partners/quantia/co_sell_deals.csv')) - 1,
    );
  });

  it('deduplicates exactly the planted duplicates, per kind', () => {
    const t = demo.truth.duplicates;
    expect(acct('web_analytics').deduplicated).toBe(t.touchpoints_double_fired);
    expect(acct('nimbus_activity').deduplicated + acct('quantia_engagement').deduplicated).toBe(
      t.touchpoints_cross_source,
    );
    expect(acct('quantia_co_sell').deduplicated).toBe(t.opportunities_cross_source);
    for (const s of ['crm_campaign_members', 'crm_opportunities', 'crm_contacts', 'crm_stage_history'])
      expect(acct(s).deduplicated, s).toBe(0);
    // and the kept copy comes from the preferred source
    const d = runs.spec.result.duplicates;
    // the double-fired tags and the partners' touch exports are exact copies (the columns both
    // sources have); Quantia's co-sell copies of our deals differ from them (see duplicates.csv)
    expect(d.filter((x) => x.source === 'web_analytics')).toEqual([
      {
        source: 'web_analytics',
        kept_source: 'web_analytics',
        rows: t.touchpoints_double_fired,
        differing: 0,
        differing_columns: {},
      },
    ]);
    expect(d.filter((x) => x.source === 'quantia_co_sell')).toEqual([
      {
        source: 'quantia_co_sell',
        kept_source: 'crm_opportunities',
        rows: t.opportunities_cross_source,
        differing: t.opportunities_cross_source,
        differing_columns: { created_at: t.opportunities_cross_source, amount: t.opportunities_cross_source },
      },
    ]);
    for (const x of d.filter((y) => y.source !== 'quantia_co_sell'))
      expect((x as { differing?: number }).differing, x.source).toBe(0);
    expect(new Set(d.filter((x) => x.source === 'nimbus_activity').map((x) => x.kept_source))).toEqual(
      new Set(['crm_campaign_members', 'web_analytics']),
    );
  });

  it('lists in duplicates.csv the co-sell copies whose values differ from our deals, as the generator wrote them', async () => {
    // the generator copies a deal to Quantia's export with the value at 98 % rounded to a unit and
    // the creation time in minutes (US date format): both differ from our CRM row, nothing else
    const rows = parseCsv(await readFile(path.join(runs.spec.reports, 'duplicates.csv'), 'utf8'));
    expect(rows).toHaveLength(demo.truth.duplicates.opportunities_cross_source);
    const opps = parseCsv(await demo.read('data/crm/opportunities.csv'));
    const deals = parseCsv(await demo.read('data/partners/quantia/co_sell_deals.csv'));
    for (const r of rows) {
      expect([r.source, r.entity, r.file, r.kept_source, r.kept_file, r.columns]).toEqual([
        'quantia_co_sell',
        'opportunities',
        'data/partners/quantia/co_sell_deals.csv',
        'crm_opportunities',
        'data/crm/opportunities.csv',
        'created_at, amount',
      ]);
      // the rows named are the same deal, the file's line = row (header on line 1)
      const deal = deals[Number(r.row) - 2];
      const ours = opps[Number(r.kept_row) - 2];
      expect(deal['Deal Ref']).toBe(ours.Id);
      const m = /^created_at: (\S+) → kept (\S+); amount: (\S+) → kept (\S+)$/.exec(r.values);
      expect(m, r.values).not.toBeNull();
      const [, created, keptCreated, amount, keptAmount] = m as RegExpExecArray;
      expect(Date.parse(created)).toBe(Math.floor(Date.parse(keptCreated) / 60_000) * 60_000);
      expect(Date.parse(keptCreated)).toBe(Date.parse(ours.CreatedDate));
      // both in the reporting currency at the same day's rate: the ratio of the files' values
      const ratio = Number(deal.Value) / Number(ours.Amount);
      expect(Number(amount) / Number(keptAmount)).toBeCloseTo(ratio, 9);
      expect(Number(deal.Value)).toBe(Number((Number(ours.Amount) * 0.98).toFixed(0)));
    }
    const summary = await readFile(path.join(runs.again.reports, 'summary.md'), 'utf8');
    const n = demo.truth.duplicates;
    const all = n.touchpoints_double_fired + n.touchpoints_cross_source + n.opportunities_cross_source;
    expect(summary).toContain(
      `${n.opportunities_cross_source} duplicate rows (of ${all} deduplicated) had values different from the row kept: see duplicates.csv`,
    );
  });

  it('rejects exactly the planted rows, with file, row and reason, in rejects.csv', async () => {
    const rejects = parseCsv(await readFile(path.join(runs.spec.reports, 'rejects.csv'), 'utf8'));
    const got = rejects.map((r) => ({
      source: r.source,
      file: r.file,
      row: Number(r.row),
      column: r.reason.split(':')[0],
    }));
    const want = demo.truth.rejects.map((r) => ({
      source: r.source,
      file: r.file,
      row: r.row,
      column: r.reason,
    }));
    expect(got.sort((a, b) => a.source.localeCompare(b.source))).toEqual(
      want.sort((a, b) => a.source.localeCompare(b.source)),
    );
    expect(rejects.find((r) => r.source === 'crm_opportunities')!.reason).toMatch(
      /^currency: no rate for CHF on \d{4}-\d{2}-\d{2}; add it under currency\.rates$/,
    );
    expect(rejects.find((r) => r.source === 'web_analytics')!.reason).toBe(
      'occurred_at: cannot read not-a-date as a timestamp',
    );
    expect(acct('web_analytics').rejected + acct('crm_opportunities').rejected).toBe(2);
    expect(runs.spec.result.rejects.rows).toBe(2);
  });
});

describe('attribution reconciles', () => {
  const close = (a: number, b: number) =>
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));

  it('attributed totals + unattributed == totals, for every dimension and both measures', () => {
    for (const name of ['spec', 'model']) {
      const r = runs[name].result;
      const dims = { partner: r.by_partner, channel: r.by_channel, asset: r.by_asset, region: r.by_region };
      for (const [dim, lines] of Object.entries(dims)) {
        if (!lines) continue;
        close(lines.reduce((s, l) => s + l.pipeline, 0) + r.unattributed.pipeline, r.totals.pipeline);
        close(lines.reduce((s, l) => s + l.revenue, 0) + r.unattributed.revenue, r.totals.revenue);
        expect(lines.length, `${name} ${dim}`).toBeGreaterThan(1);
      }
      if (name === 'model') expect(r.by_asset && r.by_region).toBeTruthy();
      const c = r.partner_classification;
      close(c.sourced.pipeline + c.influenced.pipeline + c.unattributed.pipeline, r.totals.pipeline);
      close(c.sourced.revenue + c.influenced.revenue + c.unattributed.revenue, r.totals.revenue);
      close(r.totals.attributed_pipeline + r.unattributed.pipeline, r.totals.pipeline);
      close(r.confidence.value!, r.totals.attributed_pipeline / r.totals.pipeline);
      expect(r.unattributed.opportunities).toBeGreaterThan(0);
    }
  });

  it('partner-sourced deals are exactly those with a registration before creation (recomputed from the demo CSVs)', async () => {
    const r = runs.spec.result;
    const cfg = parseYaml(await demo.read('gtm.yaml')) as {
      currency: { rates: { currency: string; from: string; rate: number }[] };
    };
    const rateOn = (cur: string, day: string) =>
      cur === 'USD'
        ? 1
        : (cfg.currency.rates
            .filter((x) => x.currency === cur && x.from <= day)
            .sort((a, b) => b.from.localeCompare(a.from))[0]?.rate ?? null);
    const account = new Map(
      parseCsv(await demo.read('data/crm/contacts.csv')).map((p) => [p.Email.toLowerCase(), p.AccountId]),
    );
    const us = (s: string) => {
      const [, mm, dd, yyyy, hh, mi] = /^(\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d)$/.exec(s)!;
      return Date.parse(`${yyyy}-${mm}-${dd}T${hh}:${mi}:00Z`);
    };
    const regs = [
      ...parseCsv(await demo.read('data/partners/nimbus/activity_export.csv'))
        .filter((x) => x.Activity === 'Deal Registration')
        .map((x) => ({
          partner: 'nimbus',
          account: account.get(x['Attendee Email'].toLowerCase()),
          at: Date.parse(x['Activity Time (UTC)']),
        })),
      ...parseCsv(await demo.read('data/partners/quantia/engagement.csv'), ';')
        .filter((x) => x.type === 'deal registration')
        .map((x) => ({ partner: 'quantia', account: account.get(x.contact.toLowerCase()), at: us(x.when) })),
    ];
    expect(regs.length).toBe(
      Object.values(demo.truth.registrations.before_creation).reduce((s, n) => s + n, 0) +
        demo.truth.registrations.after_creation,
    );
    const [start, end] = [Date.parse(r.window.start), Date.parse(r.window.end)];
    const lookback = 90 * 86_400_000;
    const sourced: Record<string, { opportunities: number; pipeline: number }> = {};
    let onlyAfter = 0;
    for (const o of parseCsv(await demo.read('data/crm/opportunities.csv'))) {
      const created = Date.parse(o.CreatedDate);
      const rate = rateOn(o.CurrencyIsoCode, o.CreatedDate.slice(0, 10));
      if (created < start || created >= end || rate === null) continue;
      const mine = regs.filter((g) => g.account === o.AccountId);
      const before = mine
        .filter((g) => g.at <= created && g.at >= created - lookback)
        .sort((a, b) => a.at - b.at);
      if (!before.length) {
        if (mine.some((g) => g.at > created)) onlyAfter++;
        continue;
      }
      const s = (sourced[before[0].partner] ??= { opportunities: 0, pipeline: 0 });
      s.opportunities++;
      s.pipeline += Number(o.Amount) * rate;
    }
    const got = r.partner_classification.sourced.by_partner;
    expect(Object.keys(got).sort()).toEqual(Object.keys(sourced).sort());
    for (const [p, s] of Object.entries(sourced)) {
      expect(got[p].opportunities, p).toBe(s.opportunities);
      close(got[p].pipeline, s.pipeline);
    }
    expect(r.partner_classification.sourced.opportunities).toBe(
      Object.values(sourced).reduce((n, s) => n + s.opportunities, 0),
    );
    // the window holds deals whose only registration came after creation: the equality above shows
    // they were not counted as sourced (test/e2e/track-source-tiny.test.ts checks one by hand)
    expect(demo.truth.registrations.after_creation).toBeGreaterThan(0);
    expect(onlyAfter).toBeGreaterThan(0);
  });
});

describe('reproducibility and golden summaries', () => {
  it('the same seed and as-of give the same numbers', () => {
    expect(runs.again.result.run_id).not.toBe(runs.spec.result.run_id);
    expect(numbers(runs.again.result)).toEqual(numbers(runs.spec.result));
  });

  it('summary.md, --detail full', async () => {
    const a = await readFile(path.join(runs.spec.reports, 'summary.md'), 'utf8');
    const b = await readFile(path.join(runs.again.reports, 'summary.md'), 'utf8');
    expect(normalizeRunIds(b)).toBe(normalizeRunIds(a));
    expectGolden('track-source/demo-summary-full.md', a, { normalize: normalizeRunIds });
  });

  it('summary.md, --detail summary', async () => {
    const s = await readFile(path.join(runs.summary.reports, 'summary.md'), 'utf8');
    const full = await readFile(path.join(runs.spec.reports, 'summary.md'), 'utf8');
    expect(s.length).toBeLessThan(full.length);
    expectGolden('track-source/demo-summary-summary.md', s, { normalize: normalizeRunIds });
  });

  it('dashboard.html is self-contained: no URL but the SVG namespaces', async () => {
    const html = await readFile(path.join(runs.spec.reports, 'dashboard.html'), 'utf8');
    const urls = new Set(html.match(/https?:\/\/[^\s"'<>)]+/g) ?? []);
    for (const u of urls) expect(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']).toContain(u);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).toContain('<svg');
    expect(html).toContain('Nimbus Cloud');
  });
});

describe('alerts, escalation and change log', () => {
  it('a breached guardrail escalates only on the second consecutive breach', () => {
    const [b1, b2] = [runs.breach1, runs.breach2];
    expect(b1.plan.as_of).toBe(DEMO_PREVIOUS_AS_OF);
    expect(b2.plan.as_of).toBe(DEMO_AS_OF);
    expect(b1.cli.code).toBe(0);
    expect(b1.plan.alerts.find((a) => a.id === 'attribution_confidence')).toMatchObject({
      id: 'attribution_confidence',
      breached: true,
      threshold: 0.99,
    });
    expect(b1.plan.escalations).toEqual([]);
    expect(b1.result.escalations).toEqual([]);
    expect(b2.plan.escalations).toHaveLength(1);
    expect(b2.plan.escalations[0]).toMatchObject({
      alert_id: 'attribution_confidence',
      level: 1,
      role: 'co_marketing_analytics_lead',
      person: 'Priya Raman',
      consecutive_breaches: 2,
      threshold: 0.99,
      direction: 'below',
    });
    expect(b2.plan.error_handling.escalation_ladder).toContain(b2.plan.escalations[0].role);
    expect(b2.result.escalations).toEqual(b2.plan.escalations);
    expect(
      b1.cli.stderrLines.some((l) =>
        /^warning: alert attribution_confidence \(share of pipeline with at least one matched touch\): .* — breached$/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(b2.cli.stderrLines.some((l) => /breached 2 as-of dates in a row, escalated/.test(l))).toBe(true);
    // the plan names the run of the as-of before as the one compared with
    expect(b2.plan.alerts.find((a) => a.id === 'attribution_confidence')?.previous).toMatchObject({
      plan_id: runs.rerun1.plan.plan_id,
      breached: true,
      consecutive_breaches: 1,
    });
  });

  it('the same usage line run again for the same as-of is not a second breach', () => {
    const again = runs.rerun1;
    expect(again.cli.code).toBe(0);
    // was 2 breaches in a row, escalated to co_marketing_analytics_lead, exit 10
    expect(again.plan.alerts.find((a) => a.id === 'attribution_confidence')).toMatchObject({
      breached: true,
      consecutive_breaches: 1,
      escalate: false,
      previous: null,
    });
    expect(again.plan.escalations).toEqual([]);
    expect(again.result.escalations).toEqual([]);
    expect(again.cli.stderrLines.some((l) => /escalated/.test(l))).toBe(false);
  });

  it('--fail-on-escalation exits 10 when an alert escalates', () => {
    expect(runs.breach2.cli.code).toBe(10);
  });

  it('logs changes against the previous plan: thresholds, nothing, model', () => {
    expect(runs.breach1.plan.change_log).toEqual([
      { field: 'thresholds.attribution_confidence', change: 'changed', from: 0.7, to: 0.99 },
    ]);
    expect(runs.rerun1.plan.change_log).toEqual([]);
    expect(runs.breach2.plan.change_log).toEqual([]);
    expect(runs.model.plan.change_log).toEqual(
      expect.arrayContaining([
        { field: 'model', change: 'changed', from: 'linear', to: 'last-touch' },
        { field: 'thresholds.attribution_confidence', change: 'changed', from: 0.99, to: 0.7 },
      ]),
    );
    expect(runs.model.plan.previous_plan_id).toBe(runs.breach2.plan.plan_id);
  });

  it('logs a changed source file as sources.<name>', () => {
    const log = runs.source.plan.change_log;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ field: 'sources.crm_campaign_members', change: 'changed' });
    const fp = (r: Run) => r.plan.data_fingerprints.find((f) => f.source === 'crm_campaign_members')!;
    expect(log[0].from).toBe(fp(runs.model).hash);
    expect(log[0].to).toBe(fp(runs.source).hash);
    expect(fp(runs.source).rows).toBe(fp(runs.model).rows + 1);
  });
});

describe('gtm plans', () => {
  it('list shows every run, newest first', async () => {
    const r = await gtm(['plans', 'list', '--json']);
    expect(r.code).toBe(0);
    const { plans: list, unreadable } = r.json<{
      plans: { plan_id: string; command: string; scope: string; status: string }[];
      unreadable: unknown[];
    }>();
    expect(unreadable).toEqual([]);
    expect(list.map((p) => p.plan_id)).toEqual(
      ['source', 'model', 'breach2', 'rerun1', 'breach1', 'summary', 'again', 'spec'].map(
        (n) => runs[n].plan.plan_id,
      ),
    );
    expect(
      list.every(
        (p) => p.command === 'track-source' && p.scope === 'ai-launch-tour:30d' && p.status === 'succeeded',
      ),
    ).toBe(true);
    const filtered = await gtm(['plans', 'list', '--command', 'nope']);
    expect(filtered.json<{ plans: unknown[] }>().plans).toEqual([]);
    // --scope keeps a campaign's runs of every window, or of one window; not another campaign's
    for (const scope of ['ai-launch-tour', 'ai-launch-tour:30d']) {
      const kept = await gtm(['plans', 'list', '--scope', scope, '--json']);
      expect(kept.json<{ plans: unknown[] }>().plans, scope).toHaveLength(list.length);
    }
    for (const scope of ['ai-launch', 'ai-launch-tour:7d']) {
      const none = await gtm(['plans', 'list', '--scope', scope, '--json']);
      expect(none.json<{ plans: unknown[] }>().plans, scope).toEqual([]);
    }
  });

  it('show finds a plan by id, by file and as latest', async () => {
    const byId = await gtm(['plans', 'show', runs.breach2.plan.plan_id]);
    expect(byId.code).toBe(0);
    expect(byId.json<PlanRecord>().escalations).toHaveLength(1);
    const byFile = await gtm(['plans', 'show', runs.spec.result.plan_path]);
    expect(byFile.json<PlanRecord>().plan_id).toBe(runs.spec.plan.plan_id);
    const latest = await gtm(['plans', 'show']);
    expect(latest.json<PlanRecord>().plan_id).toBe(runs.source.plan.plan_id);
    const human = await runCli(['plans', 'show', 'latest~1'], { cwd: demo.dir, tty: true });
    expect(human.stdout).toContain(runs.model.plan.plan_id);
    const missing = await gtm(['plans', 'show', 'latest~99']);
    expect(missing.code).toBe(2);
    expect(missing.stderrLines).toEqual([
      expect.stringMatching(/^error\[USAGE\] latest~99: there is no plan "latest~99" \(8 plans stored\)/),
    ]);
  });

  it('diff compares the last two plans: the changed source shows', async () => {
    const r = await gtm(['plans', 'diff']);
    expect(r.code).toBe(0);
    const d = r.json<{ fingerprints: { change: string }[] }>();
    expect(d.fingerprints.filter((f) => f.change !== 'unchanged')).toEqual([
      expect.objectContaining({ change: 'changed' }),
    ]);
    const human = await runCli(['plans', 'diff', runs.breach2.plan.plan_id, runs.model.plan.plan_id], {
      cwd: demo.dir,
      tty: true,
    });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('last-touch');
  });
});

describe('gtm doctor', () => {
  it('passes on the demo, warning about the rows that will be rejected', async () => {
    const r = await gtm(['doctor', '--json']);
    expect(r.code).toBe(0);
    const report = r.json<{
      ok: boolean;
      checks: { source: string; entity: string; status: string; message: string }[];
    }>();
    expect(report.ok).toBe(true);
    // doctor checks every source of the workspace (the monitoring commands' too), not only track-source's
    const configured = (parseYaml(await demo.read('gtm.yaml')) as { sources: { name: string }[] }).sources;
    expect(report.checks.map((c) => c.source)).toEqual(configured.map((s) => s.name));
    expect(
      report.checks
        .filter(
          (c) =>
            c.status === 'warn' &&
            ['touchpoints', 'opportunities', 'stage_history', 'people'].includes(c.entity),
        )
        .map((c) => c.source)
        .sort(),
    ).toEqual(['crm_opportunities', 'web_analytics']);
    expect(report.checks.find((c) => c.source === 'crm_opportunities')!.message).toContain('no rate for CHF');
  });

  it('fails a source whose rejected rows exceed thresholds.max_reject_rate, as a run would', async () => {
    const yaml = (await demo.read('gtm.yaml')).replace('max_reject_rate: 0.005', 'max_reject_rate: 0');
    await writeFile(path.join(demo.dir, 'strict.yaml'), yaml);
    const r = await gtm(['doctor', '--config', 'strict.yaml', '--json']);
    expect(r.code).toBe(4);
    const report = r.json<{ ok: boolean; checks: { source: string; status: string; message: string }[] }>();
    expect(report.ok).toBe(false);
    const opp = report.checks.find((c) => c.source === 'crm_opportunities')!;
    expect(opp.status).toBe('error');
    expect(opp.message).toMatch(
      /^\d+ of \d+ row\(s\) would be rejected \([\d.]+%, above thresholds\.max_reject_rate 0\.00%: a run would stop with exit 5\); first at data\/crm\/opportunities\.csv:\d+: /,
    );
  });

  it('fails on a broken mapping, naming the source, the file and the column', async () => {
    const yaml = (await demo.read('gtm.yaml')).replace(
      'touch_type: Activity, occurred_at: Timestamp',
      'touch_type: Activty, occurred_at: Timestamp',
    );
    await writeFile(path.join(demo.dir, 'broken.yaml'), yaml);
    const r = await gtm(['doctor', '--config', 'broken.yaml', '--json']);
    expect(r.code).toBe(4);
    const report = r.json<{
      ok: boolean;
      checks: { source: string; entity: string; status: string; message: string }[];
    }>();
    expect(report.ok).toBe(false);
    const bad = report.checks.filter((c) => c.status === 'error');
    expect(bad).toHaveLength(1);
    expect(bad[0].source).toBe('crm_campaign_members');
    expect(bad[0].message).toContain(
      'error[INPUT] data/crm/campaign_members.csv: column "Activty" (mapped to touch_type) is not in the source',
    );
    expect(bad[0].message).toContain('sources.crm_campaign_members.mapping.touch_type');
    const human = await runCli(['doctor', '--config', 'broken.yaml'], { cwd: demo.dir, tty: true });
    expect(human.code).toBe(4);
    expect(human.stdout).toContain('Activty');
    expect(existsSync(path.join(demo.dir, 'reports'))).toBe(true);
  });
});
