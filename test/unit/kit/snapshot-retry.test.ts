/**
 * A chart render that fails (Chromium crashing or not starting) is retried as the report stage, as
 * README promises ("Retries: 2 for ... chart renders"); after the last retry an `auto` run keeps its
 * report without the pictures (the fallback: a warning, a plan note, result.json lists no snapshot)
 * and a run that asked for them (`--snapshot`) fails. Before, the first failure ended the run (exit 8)
 * after 1 attempt, whatever the mode.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runDefineEvents } from '../../../src/commands/define-events/index.ts';
import { hasChromium, hasPlaywrightCore } from '../../../src/report/index.ts';
import type { PlanRecord } from '../../../src/orchestrator/index.ts';

const AT = new Date('2026-11-15T09:00:00.000Z');
const REAL = process.env.GTM_CHROMIUM || '/usr/bin/chromium';
let dir: string;
const saved = { snapshot: process.env.GTM_SNAPSHOT, chromium: process.env.GTM_CHROMIUM };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-snapshot-retry-'));
  delete process.env.GTM_SNAPSHOT;
  delete process.env.GTM_CHROMIUM;
});
afterEach(async () => {
  for (const [key, env] of [
    ['GTM_SNAPSHOT', saved.snapshot],
    ['GTM_CHROMIUM', saved.chromium],
  ] as const) {
    if (env === undefined) delete process.env[key];
    else process.env[key] = env;
  }
  await rm(dir, { recursive: true, force: true });
});

/** A Chromium that fails its first `failures` launches (each counted in launches.txt), then starts the real one. */
function workspace(failures: number): void {
  const script = path.join(dir, 'flaky-chromium');
  const count = path.join(dir, 'launches.txt');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `echo x >> '${count}'`,
      `n=$(wc -l < '${count}')`,
      `if [ "$n" -le ${failures} ]; then echo "crashed" >&2; exit 1; fi`,
      `exec '${REAL}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  writeFileSync(
    path.join(dir, 'gtm.yaml'),
    'version: 1\nsources: []\noutput:\n  chromium: ./flaky-chromium\n',
  );
}

const launches = () =>
  readFileSync(path.join(dir, 'launches.txt'), 'utf8').split('\n').filter(Boolean).length;
const readPlan = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as PlanRecord;
const reportTask = (plan: PlanRecord) =>
  plan.stages.flatMap((s) => s.tasks).find((t) => t.task_id === 'report')!;
const opts = (snapshot?: boolean) => ({
  cwd: dir,
  asOf: '2026-11-15',
  now: () => AT,
  ...(snapshot === undefined ? {} : { snapshot }),
});
const canShoot = (await hasChromium(REAL)) && hasPlaywrightCore();

it.runIf(canShoot)(
  'retries a chart render that fails once, and the run succeeds with the pictures',
  async () => {
    workspace(1);
    const run = await runDefineEvents({ use_case: ['activation'] }, opts());
    const task = reportTask(readPlan(run.planPath));
    expect(task.status).toBe('succeeded');
    expect(task.attempts).toBe(2);
    expect(task.attempt_log.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    expect(task.attempt_log[0]!.error?.message).toMatch(/PNG snapshot failed/);
    expect(task.attempt_log[0]!.retry_delay_ms).toBe(200);
    expect(launches()).toBe(2);
    expect(existsSync(path.join(run.reportsDir, 'dashboard.png'))).toBe(true);
    expect((run.result as { snapshot?: { file: string } }).snapshot?.file).toBe('dashboard.png');
  },
  180_000,
);

it.runIf(canShoot)(
  'after 2 retries, an auto run falls back to the report without the pictures',
  async () => {
    workspace(99);
    const run = await runDefineEvents({ use_case: ['activation'] }, opts());
    const plan = readPlan(run.planPath);
    const task = reportTask(plan);
    expect(plan.status).toBe('succeeded');
    expect(task.attempts).toBe(3);
    expect(task.attempt_log.map((a) => a.outcome)).toEqual(['failed', 'failed', 'succeeded']);
    expect(launches()).toBe(3);
    expect(existsSync(path.join(run.reportsDir, 'dashboard.png'))).toBe(false);
    expect(existsSync(path.join(run.reportsDir, 'dashboard.html'))).toBe(true);
    const onDisk = JSON.parse(readFileSync(path.join(run.reportsDir, 'result.json'), 'utf8')) as object;
    expect(onDisk).not.toHaveProperty('snapshot');
    expect(run.result).not.toHaveProperty('snapshot');
    expect(run.files.some((f) => f.endsWith('.png'))).toBe(false);
    const said = run.warnings.filter((w) =>
      w.startsWith('no dashboard.png: the chart render failed after 3 attempts'),
    );
    expect(said).toHaveLength(1);
    expect(plan.notes.map((n) => n.message)).toContain(said[0]);
  },
  180_000,
);

it.runIf(canShoot)(
  'with --snapshot (the pictures required) the run fails after the 2 retries',
  async () => {
    workspace(99);
    const failed = await runDefineEvents({ use_case: ['activation'] }, opts(true)).then(
      () => null,
      (err: unknown) => err as Error & { code?: string },
    );
    expect(failed?.message).toMatch(/stage "Reporting package" failed after 3 attempts: PNG snapshot failed/);
    expect(launches()).toBe(3);
  },
  180_000,
);
