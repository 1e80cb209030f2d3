/**
 * Ctrl-C (SIGINT) or SIGTERM while a plan command runs stops it cleanly: the running statement is
 * interrupted, the plan records the stage and the run `interrupted` (no retry, later stages
 * skipped), stderr says what happens and ends with one error line, and the process exits with
 * 128 + the signal's number, as shells report a stopped program. Runs the real binary in a child.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/gtm.js');
const ARGS = ['track-source', '--campaign', 'AI Launch Tour', '--window', '30d', '--as-of', DEMO_AS_OF];

let demo: DemoWorkspace;
beforeAll(async () => {
  demo = await makeDemoWorkspace({ accounts: 3000 });
}, 120_000);
afterAll(() => demo?.remove());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s during a run', (signal, status) => {
  it(`stops the run, records it interrupted and exits ${status}`, async () => {
    const plansDir = path.join(demo.dir, '.claude/plans');
    const before = new Set(existsSync(plansDir) ? readdirSync(plansDir) : []);
    const child = spawn(process.execPath, [BIN, ...ARGS], {
      cwd: demo.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let planFile: string | undefined;
    try {
      // wait until a stage that reads the sources runs
      for (const deadline = Date.now() + 60_000; Date.now() < deadline && child.exitCode === null;) {
        const name = existsSync(plansDir)
          ? readdirSync(plansDir).find((f) => /^plan-.*\.json$/.test(f) && !before.has(f))
          : undefined;
        if (name) {
          planFile = path.join(plansDir, name);
          const record = JSON.parse(readFileSync(planFile, 'utf8')) as PlanRecord;
          if (
            record.stages.some((s) =>
              s.tasks.some((t) => t.task_id === 'normalize' && t.status === 'running'),
            )
          )
            break;
        }
        await sleep(5);
      }
      expect(child.exitCode, 'the run finished before the signal').toBeNull();
      child.kill(signal);
      expect(await exited).toBe(status);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const record = validatePlanRecord(JSON.parse(readFileSync(planFile!, 'utf8')), planFile);
    expect(record.status).toBe('interrupted');
    const tasks = record.stages.flatMap((s) => s.tasks);
    expect(tasks.find((t) => t.task_id === 'normalize')?.status).toBe('interrupted');
    expect(tasks.every((t) => ['succeeded', 'interrupted', 'skipped'].includes(t.status))).toBe(true);
    expect(tasks.every((t) => t.attempts <= 1)).toBe(true);
    const lines = stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines.some((l) => l.includes(`${signal}: stopping the run`))).toBe(true);
    expect(lines.at(-1)).toMatch(/^error\[STAGE\] .*interrupted/);
  }, 120_000);
});
