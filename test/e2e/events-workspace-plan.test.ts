/**
 * `gtm events` without `--plan` reads the workspace's current plan, `events.plan` in gtm.yaml
 * (relative to gtm.yaml), as the gtm.yaml reference documents; without either it is one USAGE line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serializePlanDocument } from '../../src/analyses/instrumentation/index.ts';
import { orderCompleted, shopPlan } from '../fixtures/events/shop-plan.ts';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gtm-events-ws-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ws = path.join(dir, 'ws');
mkdirSync(path.join(ws, 'plans'), { recursive: true });
mkdirSync(path.join(ws, 'sub'));
writeFileSync(path.join(ws, 'plans', 'current.yaml'), serializePlanDocument(shopPlan(), 'yaml'));
const other = shopPlan();
other.name = 'Other plan';
writeFileSync(path.join(ws, 'other.yaml'), serializePlanDocument(other, 'yaml'));
writeFileSync(
  path.join(ws, 'gtm.yaml'),
  [
    'version: 1',
    'sources:',
    '  - { name: crm, entity: opportunities, kind: file, path: data/opps.csv }',
    'events:',
    '  plan: plans/current.yaml',
    '',
  ].join('\n'),
);
writeFileSync(
  path.join(ws, 'events.ndjson'),
  [orderCompleted(), orderCompleted({}, { revenue: 'x' })].map((m) => JSON.stringify(m)).join('\n') + '\n',
);

type Report = { plan: { name: string }; eventsChecked: number; violationsByType: Record<string, number> };

describe('gtm events with the plan of gtm.yaml', () => {
  it('validates against events.plan when --plan is not given', async () => {
    const r = await runCli(['events', 'validate', '--input', 'events.ndjson'], { cwd: ws });
    expect(r.code, r.stderr).toBe(0);
    const report = r.json<Report>();
    expect(report.plan.name).toBe('Shop');
    expect(report.eventsChecked).toBe(2);
    expect(report.violationsByType.wrong_type).toBe(1);
  });

  it('resolves events.plan against gtm.yaml, from another folder with --config', async () => {
    const r = await runCli(['events', 'validate', '--input', '../events.ndjson', '--config', '../gtm.yaml'], {
      cwd: path.join(ws, 'sub'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Report>().plan.name).toBe('Shop');
  });

  it('lets --plan win over events.plan', async () => {
    const r = await runCli(['events', 'validate', '--plan', 'other.yaml', '--input', 'events.ndjson'], {
      cwd: ws,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<Report>().plan.name).toBe('Other plan');
  });

  it('without --plan and without a workspace plan: one USAGE line naming both', async () => {
    const r = await runCli(['events', 'lint'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderrLines).toEqual([
      'error[USAGE] --plan: is required — add --plan FILE, or set events.plan in gtm.yaml',
    ]);
  });
});
