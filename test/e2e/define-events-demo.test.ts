/**
 * define-events end to end in the demo workspace: the specification's usage line verbatim, the
 * deliverables, payload QA that finds exactly the planted violations, the diamond's merge gate,
 * escalation when a guardrail is breached twice within 48 h, and change management across runs.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { planLosses } from '../../src/analyses/instrumentation/index.ts';
import { importPlan } from '../../src/commands/shared/tracking-plan-io/index.ts';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import {
  DEMO_AS_OF,
  DEMO_PREVIOUS_AS_OF,
  makeDemoWorkspace,
  type DemoWorkspace,
} from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const LINE = `/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"`;

let demo: DemoWorkspace;
beforeAll(async () => {
  demo = await makeDemoWorkspace();
});
afterAll(() => demo?.remove());

type Loss = { field: string; events: string[] };
type Export = {
  tool: string;
  tools: string[];
  format: string;
  file: string;
  losses: Loss[] | null;
  losses_file: string | null;
};
type Result = {
  reports_dir: string;
  plan_path: string;
  tracking_plan: { version: string; events: number; formats: Export[] };
  governance: {
    lint: { findings: { rule: string; severity: string }[]; coverage: Record<string, number> };
    rules: { kind: string; id: string; source: string; value: number | string; events: number }[];
    rows: {
      event: string;
      retention_days: number | null;
      retention_rule: string | null;
      consent: string | null;
    }[];
  };
  qa: {
    validation: { eventsChecked: number; violationsByType: Record<string, number> } | null;
    checks: { kind: string; event: string | null; status: string; detail?: string; owner?: string | null }[];
  };
  change_management: {
    previous_version: string | null;
    diff: { level: string; changes: unknown[] } | null;
    rollout: { due: string }[];
  };
  exports: Export[];
};
const validateResult = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(
    readFileSync(path.resolve('src/commands/define-events/define-events.result.schema.json'), 'utf8'),
  ),
);
const run = async (extra: string[] = [], asOf = DEMO_AS_OF) => {
  const res = await runCli(['run', [LINE, ...extra].join(' '), '--as-of', asOf, '--json'], {
    cwd: demo.dir,
  });
  expect(res.stderrLines.filter((l) => l.startsWith('error'))).toEqual([]);
  expect(res.code).toBe(0);
  const r = res.json<Result>();
  expect(validateResult(r), JSON.stringify(validateResult.errors)).toBe(true);
  const plan = JSON.parse(readFileSync(path.join(demo.dir, r.plan_path), 'utf8')) as PlanRecord;
  return { r, plan, dir: path.join(demo.dir, r.reports_dir) };
};
/** define-events with flags, as the CLI takes them (JSON out). */
const defineEvents = async (flags: string[]) => {
  const res = await runCli(['define-events', ...flags, '--as-of', DEMO_AS_OF, '--json'], { cwd: demo.dir });
  expect(res.stderrLines.filter((l) => l.startsWith('error'))).toEqual([]);
  expect(res.code).toBe(0);
  const r = res.json<Result>();
  expect(validateResult(r), JSON.stringify(validateResult.errors)).toBe(true);
  return { r, dir: path.join(demo.dir, r.reports_dir), stderr: res.stderrLines };
};

describe('define-events on the demo workspace', () => {
  let first: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    first = await run();
  });

  it('writes every deliverable', () => {
    for (const f of [
      'summary.md',
      'dashboard.html',
      'tracking-plan.json',
      'tracking-plan.yaml',
      'tracking-plan.csv',
      'qa-checklist.md',
      'evidence-plan.md',
      'changelog.md',
      'lint.json',
      'validation.json',
      'result.json',
      'exports/segment-plan.json',
      'exports/dbt/schema.yml',
    ])
      expect(existsSync(path.join(first.dir, f)), f).toBe(true);
    const html = readFileSync(path.join(first.dir, 'dashboard.html'), 'utf8');
    expect(html.match(/(?:src|href)\s*=\s*"https?:/g) ?? []).toEqual([]);
  });

  it('finds exactly the violations planted in the captured payloads', () => {
    const planted = demo.truth.events.planted;
    const found = Object.fromEntries(
      Object.entries(first.r.qa.validation!.violationsByType).filter(([, n]) => n > 0),
    );
    expect(found).toEqual(planted);
    expect(first.r.qa.validation!.eventsChecked).toBe(demo.truth.events.messages);
    expect(first.r.qa.checks.some((c) => c.kind === 'replay' && c.status === 'fail')).toBe(true);
    expect(first.r.qa.checks.every((c) => c.owner)).toBe(true);
    // a replay or privacy check passes or fails only on captured payloads of its event
    const byEvent = new Map(
      (first.r.qa.validation as unknown as { byEvent: { event: string; checked: number }[] }).byEvent.map(
        (e) => [e.event, e.checked],
      ),
    );
    for (const c of first.r.qa.checks.filter((x) => x.kind === 'replay' || x.kind === 'privacy')) {
      const n =
        byEvent.get(c.event!) ?? byEvent.get(`group:${c.event}`) ?? byEvent.get(`identify:${c.event}`) ?? 0;
      if (n === 0)
        expect([c.event, c.status, c.detail]).toEqual([
          c.event,
          'untested',
          'no captured payloads of this event',
        ]);
      else expect([c.event, c.status]).not.toEqual([c.event, 'untested']);
    }
  });

  it('gives every event a retention period and a consent category, and names the rule applied', () => {
    const { governance } = first.r;
    expect(governance.rows.length).toBe(first.r.tracking_plan.events);
    for (const row of governance.rows) {
      expect(row.retention_days, row.event).toBe(730);
      expect(row.retention_rule).toBe('gtm default');
      expect(row.consent).toBeTruthy();
    }
    expect(governance.lint.coverage).toEqual({
      events: first.r.tracking_plan.events,
      with_retention: first.r.tracking_plan.events,
      with_consent: first.r.tracking_plan.events,
    });
    const summary = readFileSync(path.join(first.dir, 'summary.md'), 'utf8');
    expect(summary).toContain('### Retention and consent rules applied');
    expect(summary).toMatch(/\| retention \| 730 \| gtm default \|/);
    const plan = importPlan({ path: path.join(first.dir, 'tracking-plan.json') });
    expect(plan.events.every((e) => e.retentionDays === 730 && e.consentCategory)).toBe(true);
  });

  it('exports the plan in formats that import back with the same events and call types', () => {
    const own = importPlan({ path: path.join(first.dir, 'tracking-plan.json') });
    const segment = importPlan({
      format: 'segment',
      path: path.join(first.dir, 'exports/segment-plan.json'),
    });
    const calls = (p: typeof own) => p.events.map((e) => `${e.type}:${e.name}`).sort();
    expect(calls(segment)).toEqual(calls(own));
    expect(calls(own)).toContain('group:group');
    // Segment carries everything the plan holds: nothing lost, so no losses file.
    expect(planLosses(own, segment)).toEqual([]);
    expect(first.r.exports.find((e) => e.tool === 'Segment')).toMatchObject({
      losses: [],
      losses_file: null,
    });
    const dbt = readFileSync(path.join(first.dir, 'exports/dbt/schema.yml'), 'utf8');
    expect(dbt).toMatch(/^version: 2/);
    expect(dbt).toMatch(/not_null/);
  });

  it('records a valid diamond plan whose merge gate ran after governance and QA', () => {
    expect(() => validatePlanRecord(first.plan)).not.toThrow();
    expect(first.plan.strategy).toBe('diamond');
    const tasks = first.plan.stages.flatMap((s) => s.tasks);
    const gate = tasks.find((t) => t.task_id === 'reconcile')!;
    expect(gate.dependencies.sort()).toEqual(['governance', 'qa']);
    expect(tasks.every((t) => t.status === 'succeeded')).toBe(true);
    const parallel = first.plan.stages.find((s) => s.tasks.some((t) => t.task_id === 'governance'))!;
    expect(parallel.tasks.map((t) => t.task_id).sort()).toEqual(['governance', 'qa']);
  });

  it('escalates a defect guardrail breached at two as-ofs in a row within 48 h, along the define-events ladder', async () => {
    // the day before the demo's as-of, then the demo's: two periods (a rerun of one would not count)
    const a = await run(['--alert-threshold', '0.001'], DEMO_PREVIOUS_AS_OF);
    const b = await run(['--alert-threshold', '0.001']);
    const alertA = a.plan.alerts.find((x) => x.id === 'instrumentation_defects')!;
    const alertB = b.plan.alerts.find((x) => x.id === 'instrumentation_defects')!;
    expect(alertA.breached).toBe(true);
    expect(alertB.consecutive_breaches).toBe(2);
    expect(b.plan.escalations.length).toBeGreaterThan(0);
    expect(b.plan.escalations[0].role).toBe('analytics_data_strategist');
  });

  it('versions the plan by SchemaVer and logs what changed against the previous run', async () => {
    const next = await runCli(
      [
        'define-events',
        '--use-case',
        'pipeline velocity',
        '--sources',
        'product,crm',
        '--tools',
        'Segment,dbt',
        '--constraints',
        'GDPR',
        '--as-of',
        DEMO_AS_OF,
        '--json',
      ],
      { cwd: demo.dir },
    );
    expect(next.code).toBe(0);
    const r = next.json<Result>();
    expect(r.change_management.previous_version).toBe('1-0-0');
    // GDPR sets the default: a finite period for every event with personal data.
    expect(r.governance.rules.find((g) => g.kind === 'retention' && g.id === 'gdpr')).toMatchObject({
      source: '--constraints GDPR',
      value: 365,
    });
    const plan = JSON.parse(readFileSync(path.join(demo.dir, r.plan_path), 'utf8')) as PlanRecord;
    expect(plan.change_log.map((c) => c.field)).toEqual(
      expect.arrayContaining(['regulations', 'governance.consent_mode']),
    );
    expect(readFileSync(path.join(demo.dir, r.reports_dir, 'changelog.md'), 'utf8')).toMatch(/#/);
  });

  it('rejects an unknown use case with one line listing the known ones and how to add one', async () => {
    const res = await runCli(['define-events', '--use-case', 'churn magic', '--json'], { cwd: demo.dir });
    expect(res.code).toBe(2);
    expect(res.stderrLines).toHaveLength(1);
    expect(res.stderrLines[0]).toMatch(/^error\[USAGE\] --use-case: .*pipeline velocity/i);
    expect(res.stderrLines[0]).toMatch(
      /to add one, add a UseCaseTemplate to USE_CASE_TEMPLATES in src\/analyses/,
    );
    expect(res.stderrLines[0]).toContain('gtm events infer');
  });

  it('writes every tool format with what it could not carry beside it, and those lists are exact', async () => {
    const { r, dir } = await defineEvents([
      '--use-case',
      'pipeline velocity',
      '--sources',
      'product,crm',
      '--tools',
      'Segment,RudderStack,Amplitude,Snowplow,Mixpanel,dbt',
      '--constraints',
      'CCPA',
    ]);
    const own = importPlan({ path: path.join(dir, 'tracking-plan.json') });
    for (const x of [...r.tracking_plan.formats, ...r.exports]) {
      if (x.losses === null) continue; // dbt: not a plan format
      const back = importPlan({ path: path.join(dir, x.file), format: x.format as never });
      expect(planLosses(own, back), x.file).toEqual(x.losses);
      if (x.losses.length) {
        const md = readFileSync(path.join(dir, x.losses_file!), 'utf8');
        for (const l of x.losses) expect(md).toContain(`\`${l.field}\``);
      } else expect(x.losses_file).toBeNull();
    }
    const lost = (file: string) => r.exports.find((x) => x.file === file)!.losses!.map((l) => l.field);
    // Governance travels through every format with a place for it...
    for (const file of ['exports/amplitude-plan.csv', 'exports/iglu', 'exports/json-schema'])
      expect(
        lost(file).filter((f) => f.startsWith('event.') || f.startsWith('property.')),
        file,
      ).toEqual([]);
    // ...and RudderStack, whose specs take no extra keys, says what it drops.
    expect(lost('exports/rudderstack-plan.yaml')).toEqual(
      expect.arrayContaining(['event.retention_days', 'event.consent_category', 'event.identities']),
    );
    expect(existsSync(path.join(dir, 'exports/iglu.losses.md'))).toBe(true);
  });

  it('writes an export shared by several tools once, naming them all; every tool at once; warehouse DDL', async () => {
    const { r, dir } = await defineEvents([
      '--use-case',
      'activation',
      '--sources',
      'product',
      '--tools',
      'Mixpanel,Avo',
    ]);
    expect(r.exports.map((x) => [x.tool, x.tools, x.file])).toEqual([
      ['Mixpanel, Avo', ['Mixpanel', 'Avo'], 'exports/json-schema'],
    ]);
    const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| Mixpanel, Avo \| exports\/json-schema \|/);
    const all = await defineEvents([
      '--use-case',
      'activation',
      '--sources',
      'product',
      '--tools',
      'Segment,RudderStack,Amplitude,Snowplow,Mixpanel,Avo,JSON Schema,dbt,Snowflake,BigQuery,Redshift,Databricks',
    ]);
    expect(all.r.exports.map((x) => x.file)).toEqual([
      'exports/segment-plan.json',
      'exports/rudderstack-plan.yaml',
      'exports/amplitude-plan.csv',
      'exports/iglu',
      'exports/json-schema',
      'exports/dbt/schema.yml',
      'exports/warehouse/snowflake-tables.sql',
      'exports/warehouse/bigquery-tables.sql',
      'exports/warehouse/redshift-tables.sql',
      'exports/warehouse/databricks-tables.sql',
    ]);
    for (const x of all.r.exports) expect(existsSync(path.join(all.dir, x.file)), x.file).toBe(true);
    // one table per track event of the plan, as dbt's models
    const own = importPlan({ path: path.join(all.dir, 'tracking-plan.json') });
    const track = own.events.filter((e) => e.type === 'track' && e.status !== 'deprecated');
    const ddl = readFileSync(path.join(all.dir, 'exports/warehouse/bigquery-tables.sql'), 'utf8');
    expect(ddl.match(/^CREATE TABLE IF NOT EXISTS/gm)?.length).toBe(
      track.length + new Set(own.events.filter((e) => e.type !== 'track').map((e) => e.type)).size,
    );
    for (const e of track) expect(ddl).toContain(`\`${e.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}\` (`);
  });

  it('refuses captured payloads without a message, in define-events and events validate (one INPUT line, exit 4)', async () => {
    const empty = path.join(demo.dir, 'empty.ndjson');
    writeFileSync(empty, '');
    const blank = path.join(demo.dir, 'blank.ndjson');
    writeFileSync(blank, '\n\n   \n');
    const de = await runCli(
      [
        'define-events',
        '--use-case',
        'activation',
        '--payloads',
        'empty.ndjson',
        '--as-of',
        DEMO_AS_OF,
        '--json',
      ],
      { cwd: demo.dir },
    );
    expect(de.code).toBe(4);
    expect(de.stderrLines).toHaveLength(1);
    expect(de.stderrLines[0]).toMatch(
      /^error\[INPUT\] .*empty\.ndjson: no events: the file is empty \(0 bytes\) — /,
    );
    const plan = path.join(first.dir, 'tracking-plan.yaml');
    for (const [file, why] of [
      [empty, 'the file is empty'],
      [blank, 'the file holds no message'],
    ]) {
      const v = await runCli(
        ['events', 'validate', '--plan', plan, '--input', file, '--fail-on-violations', '--json'],
        {
          cwd: demo.dir,
        },
      );
      expect(v.code).toBe(4);
      expect(v.stderrLines).toEqual([expect.stringContaining(`${file}: no events: ${why}`)]);
    }
  });

  it('takes retention and consent from gtm.yaml events.governance and --retention-days, naming each rule', async () => {
    const file = path.join(demo.dir, 'gtm.yaml');
    const doc = parseDocument(readFileSync(file, 'utf8'));
    doc.setIn(['events', 'governance'], {
      // a misspelt event is warned about; an event of another use case's catalog is not
      retention: {
        categories: { Analytics: 400 },
        events: { 'Opportunity Closed': 1095, 'Opportunity Close': 30, 'Order Completed': 30 },
      },
      consent: { events: { 'Lead Created': 'Functional' } },
    });
    writeFileSync(file, doc.toString());
    const { r, stderr } = await defineEvents([
      '--use-case',
      'pipeline velocity',
      '--sources',
      'product,crm',
      '--retention-days',
      '200',
    ]);
    expect(stderr.filter((l) => l.includes('events.governance'))).toEqual([
      'warning: events.governance.retention.events["Opportunity Close"] names no event gtm catalogs, so it applies to none: did you mean "Opportunity Closed"?',
    ]);
    const row = (event: string) => r.governance.rows.find((x) => x.event === event)!;
    expect(row('Opportunity Closed')).toMatchObject({
      retention_days: 1095,
      retention_rule: 'events.governance.retention.events["Opportunity Closed"]',
    });
    expect(row('Lead Created')).toMatchObject({
      consent: 'Functional',
      retention_days: 200,
      retention_rule: '--retention-days',
    });
    expect(row('Opportunity Created')).toMatchObject({
      retention_days: 400,
      retention_rule: 'events.governance.retention.categories.Analytics',
    });
    const bad = await runCli(['define-events', '--use-case', 'activation', '--retention-days', '0'], {
      cwd: demo.dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderrLines[0]).toMatch(/--retention-days/);
  });

  it('documents result.json with a JSON Schema that is not vacuous', () => {
    expect(validateResult({ schema: 'gtm.define-events.result/v1' })).toBe(false);
    const broken = structuredClone(first.r) as Result;
    broken.governance.rows[0].retention_days = 0;
    expect(validateResult(broken)).toBe(false);
  });

  it('keeps one report folder per run', () => {
    expect(readdirSync(path.join(demo.dir, 'reports/define-events')).length).toBeGreaterThanOrEqual(4);
  });
});
