/**
 * A run killed with SIGKILL mid-way leaves a valid plan file with status `running` (it is replaced
 * atomically, never written in place), and the next run marks it `interrupted`. This one test runs
 * the real binary in a child process, since SIGKILL cannot be simulated in-process.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/gtm.js');
const ARGS = ['track-source', '--campaign', 'AI Launch Tour', '--window', '30d', '--as-of', DEMO_AS_OF];

let demo: DemoWorkspace;
beforeAll(async () => {
  // more accounts than the other e2e tests, so the run lasts long enough to be caught mid-way
  demo = await makeDemoWorkspace({ accounts: 3000 });
});
afterAll(() => demo?.remove());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('a SIGKILLed run leaves valid JSON with status running; the next run marks it interrupted', async () => {
  const plansDir = path.join(demo.dir, '.claude/plans');
  const child = spawn(process.execPath, [BIN, ...ARGS], {
    cwd: demo.dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let planFile: string | undefined;
  let reads = 0;
  try {
    // wait until the plan exists and a stage has started, reading it as often as we can meanwhile:
    // every read must be complete JSON (atomic replace)
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const name = existsSync(plansDir)
        ? readdirSync(plansDir).find((f) => /^plan-.*\.json$/.test(f))
        : undefined;
      if (name) {
        planFile = path.join(plansDir, name);
        const record = JSON.parse(readFileSync(planFile, 'utf8')) as PlanRecord;
        reads++;
        if (record.stages.some((s) => s.tasks.some((t) => t.status !== 'pending'))) break;
      }
      await sleep(5);
    }
    expect(child.exitCode, 'the run finished before it could be killed').toBeNull();
    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  expect(planFile).toBeDefined();
  expect(reads).toBeGreaterThan(0);
  // the plan is a valid record, still "running"
  const killed = validatePlanRecord(JSON.parse(readFileSync(planFile!, 'utf8')), planFile);
  expect(killed.status).toBe('running');
  expect(killed.pid).toBe(child.pid);
  expect(killed.ended_at).toBeNull();

  const next = await runCli([...ARGS, '--json'], { cwd: demo.dir });
  expect(next.code, next.stderr).toBe(0);
  const after = validatePlanRecord(JSON.parse(readFileSync(planFile!, 'utf8')), planFile);
  expect(after.status).toBe('interrupted');
  expect(after.interrupted_at).toEqual(expect.any(String));
  expect(after.stages.flatMap((s) => s.tasks).some((t) => t.status === 'interrupted')).toBe(true);
  const current = validatePlanRecord(
    JSON.parse(readFileSync(path.join(demo.dir, next.json<{ plan_path: string }>().plan_path), 'utf8')),
  );
  expect(current.status).toBe('succeeded');
  expect(current.notes.map((n) => n.message)).toContain(
    `marked ${killed.plan_id} interrupted: its process ${killed.pid} is gone`,
  );

  const list = await runCli(['plans', 'list', '--json'], { cwd: demo.dir });
  expect(
    list.json<{ plans: { plan_id: string; status: string }[] }>().plans.map((p) => [p.plan_id, p.status]),
  ).toEqual([
    [current.plan_id, 'succeeded'],
    [killed.plan_id, 'interrupted'],
  ]);
});

// The change log after an interrupted run compares with the last complete plan: see
// src/orchestrator/change-log-history.test.ts.
