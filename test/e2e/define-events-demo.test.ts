/**
 * define-events end to end in the demo workspace: the specification's usage line verbatim, the
 * deliverables, payload QA that finds exactly the planted violations, the diamond's merge gate,
 * escalation when a guardrail is breached twice within 48 h, and change management across runs.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlan } from '../../src/commands/shared/tracking-plan-io/index.ts';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const LINE = `/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"`;

let demo: DemoWorkspace;
beforeAll(async () => {
  demo = await makeDemoWorkspace();
});
afterAll(() => demo?.remove());

type Result = {
  reports_dir: string;
  plan_path: string;
  tracking_plan: { version: string; events: number };
  qa: {
    validation: { eventsChecked: number; violationsByType: Record<string, number> } | null;
    checks: { kind: string; status: string; owner?: string | null }[];
  };
  change_management: {
    previous_version: string | null;
    diff: { level: string; changes: unknown[] } | null;
    rollout: { due: string }[];
  };
  exports: { tool: string; file: string }[];
};
const run = async (extra: string[] = []) => {
  const res = await runCli(['run', [LINE, ...extra].join(' '), '--as-of', DEMO_AS_OF, '--json'], {
    cwd: demo.dir,
  });
  expect(res.stderrLines.filter((l) => l.startsWith('error'))).toEqual([]);
  expect(res.code).toBe(0);
  const r = res.json<Result>();
  const plan = JSON.parse(readFileSync(path.join(demo.dir, r.plan_path), 'utf8')) as PlanRecord;
  return { r, plan, dir: path.join(demo.dir, r.reports_dir) };
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
  });

  it('exports the plan in formats that import back with the same events', () => {
    const own = importPlan({ path: path.join(first.dir, 'tracking-plan.json') });
    const segment = importPlan({
      format: 'segment',
      path: path.join(first.dir, 'exports/segment-plan.json'),
    });
    expect(
      segment.events
        .filter((e) => e.type === 'track')
        .map((e) => e.name)
        .sort(),
    ).toEqual(
      own.events
        .filter((e) => e.type === 'track')
        .map((e) => e.name)
        .sort(),
    );
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

  it('escalates a defect guardrail breached in two runs within 48 h, along the define-events ladder', async () => {
    const a = await run(['--alert-threshold', '0.001']);
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
    const plan = JSON.parse(readFileSync(path.join(demo.dir, r.plan_path), 'utf8')) as PlanRecord;
    expect(plan.change_log.map((c) => c.field)).toEqual(
      expect.arrayContaining(['regulations', 'governance.consent_mode']),
    );
    expect(readFileSync(path.join(demo.dir, r.reports_dir, 'changelog.md'), 'utf8')).toMatch(/#/);
  });

  it('rejects an unknown use case with one line listing the known ones', async () => {
    const res = await runCli(['define-events', '--use-case', 'churn magic', '--json'], { cwd: demo.dir });
    expect(res.code).toBe(2);
    expect(res.stderrLines).toHaveLength(1);
    expect(res.stderrLines[0]).toMatch(/^error\[USAGE\] --use-case: .*pipeline velocity/i);
  });

  it('keeps one report folder per run', () => {
    expect(readdirSync(path.join(demo.dir, 'reports/define-events')).length).toBeGreaterThanOrEqual(4);
  });
});
