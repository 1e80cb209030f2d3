/**
 * A run whose signal aborts while a stage is running (an MCP client cancelling a plan command)
 * stops that stage's statement: the stage ends `interrupted` after one attempt (neither succeeded
 * nor failed and retried), no later stage starts, and the plan says `interrupted`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrackSource } from '../../src/commands/track-source/index.ts';
import type { PlanRecord } from '../../src/orchestrator/index.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';

let demo: DemoWorkspace;
beforeAll(async () => {
  demo = await makeDemoWorkspace();
}, 120_000);
afterAll(() => demo?.remove());

describe('cancelling a plan command mid-stage', () => {
  it('interrupts the running stage (one attempt) and skips the rest', async () => {
    const cancel = new AbortController();
    let planPath = '';
    const run = runTrackSource(
      { campaign: 'AI Launch Tour', window: '30d' },
      {
        cwd: demo.dir,
        asOf: DEMO_AS_OF,
        signal: cancel.signal,
        onEvent: (e) => {
          if (e.type === 'run-started') planPath = e.path;
          // the engine's first stage: its statements are under way when the client gives up
          if (e.type === 'stage-started' && e.task_id === 'normalize') cancel.abort('the agent gave up');
        },
      },
    );
    await expect(run).rejects.toThrow(/interrupted/);
    const plan = JSON.parse(readFileSync(planPath, 'utf8')) as PlanRecord;
    expect(plan.status).toBe('interrupted');
    const tasks = plan.stages.flatMap((s) => s.tasks);
    const normalize = tasks.find((t) => t.task_id === 'normalize')!;
    expect(normalize.status).toBe('interrupted');
    expect(normalize.attempts).toBe(1);
    expect(normalize.attempt_log.map((a) => a.outcome)).toEqual(['interrupted']);
    expect(normalize.error?.message).toMatch(/cancelled/);
    const later = tasks.filter((t) => !['normalize'].includes(t.task_id) && t.status !== 'succeeded');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((t) => t.status === 'skipped')).toBe(true);
  }, 120_000);
});
