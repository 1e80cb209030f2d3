import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPlanRecord } from './build-plan-record.ts';
import { readValidPlans, spec, stage, taskOf, tempPlanDir } from './fixtures/plan-fixtures.ts';
import { planGraph } from './plan-graph.ts';
import type { PlanRecord } from './plan-record.ts';
import {
  createPlanFile,
  isProcessAlive,
  listPlans,
  markInterrupted,
  planFileName,
  planHistory,
  previousPlan,
  readPlan,
} from './plan-store.ts';
import { runPlan } from './run-plan.ts';
import { writeJsonAtomic } from './write-json-atomic.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempPlanDir()));
afterEach(async () => {
  try {
    // Every record a test wrote must match the published schema.
    await readValidPlans(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  } finally {
    await cleanup();
  }
});

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A plan record as a given run would have written it, without running anything. */
function recordFor(planId: string, extra: Partial<PlanRecord> = {}): PlanRecord {
  const s = spec([stage('gather'), stage('report', ['gather'])]);
  const record = buildPlanRecord(s, planGraph(s), {
    planId,
    startedAt: new Date('2024-05-01T12:00:00.000Z'),
    previous: null,
    pid: process.pid,
    hostname: hostname(),
  });
  return { ...record, ...extra };
}

async function put(record: PlanRecord): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${record.plan_id}.json`);
  await writeJsonAtomic(path, record);
  return path;
}

describe('plan file names', () => {
  it('uses a sortable UTC timestamp and a same-millisecond suffix', () => {
    const at = new Date('2024-05-01T09:08:07.006Z');
    expect(planFileName(at)).toBe('plan-20240501T090807006Z.json');
    expect(planFileName(at, 2)).toBe('plan-20240501T090807006Z-2.json');
  });

  it('never reuses a name for plans started in the same millisecond', async () => {
    const at = new Date('2024-05-01T09:08:07.006Z');
    const made = await Promise.all(
      [0, 1, 2, 3].map(() => createPlanFile(dir, at, (planId) => recordFor(planId))),
    );
    expect(made.map((m) => m.record.plan_id).sort()).toEqual([
      'plan-20240501T090807006Z',
      'plan-20240501T090807006Z-1',
      'plan-20240501T090807006Z-2',
      'plan-20240501T090807006Z-3',
    ]);
    // No temp files are left behind.
    expect((await readdir(dir)).sort()).toEqual(made.map((m) => `${m.record.plan_id}.json`).sort());
  });
});

describe('listPlans, readPlan, previousPlan', () => {
  it('lists newest first, filters by command and scope, and skips unreadable files', async () => {
    await put(recordFor('plan-20240501T120000000Z', { status: 'succeeded' }));
    await put(recordFor('plan-20240502T120000000Z', { status: 'failed' }));
    await put(recordFor('plan-20240502T120000000Z-1', { status: 'succeeded', scope: 'Other' }));
    await put(recordFor('plan-20240503T120000000Z', { status: 'succeeded', command: 'monitor-loyalty' }));
    await writeFile(join(dir, 'plan-20240504T120000000Z.json'), '{"plan_id": "plan-2024');
    await writeFile(join(dir, 'notes.json'), '{}');
    const unreadable: string[] = [];

    const all = await listPlans(dir, { onUnreadable: (p) => unreadable.push(p) });
    expect(all.map((p) => p.record.plan_id)).toEqual([
      'plan-20240503T120000000Z',
      'plan-20240502T120000000Z-1',
      'plan-20240502T120000000Z',
      'plan-20240501T120000000Z',
    ]);
    expect(unreadable).toEqual([join(dir, 'plan-20240504T120000000Z.json')]);
    expect(
      (await listPlans(dir, { command: 'track-source', scope: 'AI Launch Tour' })).map(
        (p) => p.record.plan_id,
      ),
    ).toEqual(['plan-20240502T120000000Z', 'plan-20240501T120000000Z']);
    expect((await previousPlan(dir, 'track-source', 'AI Launch Tour'))?.record.plan_id).toBe(
      'plan-20240502T120000000Z',
    );
    expect(
      (
        await previousPlan(dir, 'track-source', 'AI Launch Tour', {
          excludePlanId: 'plan-20240502T120000000Z',
        })
      )?.record.plan_id,
    ).toBe('plan-20240501T120000000Z');
    expect(await previousPlan(dir, 'define-events', 'x')).toBeNull();
    await rm(join(dir, 'plan-20240504T120000000Z.json'));
  });

  it('does not take a running plan as the previous one', async () => {
    await put(recordFor('plan-20240501T120000000Z', { status: 'succeeded' }));
    await put(recordFor('plan-20240502T120000000Z', { status: 'running' }));
    expect((await previousPlan(dir, 'track-source', 'AI Launch Tour'))?.record.plan_id).toBe(
      'plan-20240501T120000000Z',
    );
  });

  it('skips plans of another command or scope from their first bytes, without reading the rest', async () => {
    await put(recordFor('plan-20240501T120000000Z', { status: 'succeeded' }));
    // a plan of another command whose body is broken after its header: judged from the header alone
    const other = JSON.stringify(
      recordFor('plan-20240502T120000000Z', { command: 'monitor-loyalty' }),
      null,
      2,
    );
    await writeFile(
      join(dir, 'plan-20240502T120000000Z.json'),
      other.slice(0, other.indexOf('"stages"') + 12),
    );
    const unreadable: string[] = [];
    const mine = await listPlans(dir, {
      command: 'track-source',
      scope: 'AI Launch Tour',
      onUnreadable: (p) => unreadable.push(p),
    });
    expect(mine.map((p) => p.record.plan_id)).toEqual(['plan-20240501T120000000Z']);
    expect(unreadable).toEqual([]);
    // without a filter the same file is read in full, and reported
    await listPlans(dir, { onUnreadable: (p) => unreadable.push(p) });
    expect(unreadable).toEqual([join(dir, 'plan-20240502T120000000Z.json')]);
    await rm(join(dir, 'plan-20240502T120000000Z.json'));
  });

  it('reads the history newest first and only as far as asked', async () => {
    await put(recordFor('plan-20240501T120000000Z', { status: 'succeeded' }));
    await put(recordFor('plan-20240502T120000000Z', { status: 'failed' }));
    await put(recordFor('plan-20240503T120000000Z', { status: 'running' }));
    await put(recordFor('plan-20240504T120000000Z', { status: 'succeeded', scope: 'Other' }));
    const history = planHistory(dir, 'track-source', 'AI Launch Tour');
    expect(history.first()?.record.plan_id).toBe('plan-20240502T120000000Z');
    // a file broken after the history was listed and before it is reached is skipped, not fatal
    await writeFile(join(dir, 'plan-20240501T120000000Z.json'), '{"plan_id": "plan-2024');
    expect(history.find((p) => p.record.status === 'succeeded')).toBeNull();
    expect([...history.plans()].map((p) => p.record.plan_id)).toEqual(['plan-20240502T120000000Z']);
    await rm(join(dir, 'plan-20240501T120000000Z.json'));
    expect(planHistory(join(dir, 'nope'), 'track-source', 'x').first()).toBeNull();
  });

  it('treats a missing folder as an empty history', async () => {
    expect(await listPlans(join(dir, 'nope'))).toEqual([]);
  });

  it('readPlan names the file and the schema problem', async () => {
    const path = await put({ ...recordFor('plan-20240501T120000000Z'), status: 'done' as never });
    await expect(readPlan(path)).rejects.toMatchObject({
      code: 'INPUT',
      where: path,
      message: expect.stringMatching(/\/status: must be equal to one of the allowed values/),
    });
    await writeFile(path, 'not json');
    await expect(readPlan(path)).rejects.toMatchObject({
      code: 'INPUT',
      message: expect.stringMatching(/not JSON/),
    });
    await expect(readPlan(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'INPUT' });
    await writeFile(path, JSON.stringify(recordFor('plan-20240501T120000000Z'))); // leave a valid file for afterEach
  });
});

describe('markInterrupted', () => {
  it('marks running plans of dead processes on this host, and leaves the rest alone', async () => {
    const running = (id: string, extra: Partial<PlanRecord>) => {
      const r = recordFor(id, { status: 'running', ...extra });
      r.stages[0].tasks[0].status = 'succeeded';
      r.stages[1].tasks[0].status = 'retrying';
      r.stages[1].tasks[0].attempt_log.push({
        attempt: 1,
        started_at: r.started_at,
        ended_at: null,
        duration_ms: null,
        outcome: 'running',
      });
      return r;
    };
    await put(running('plan-20240501T120000000Z', { pid: 111 }));
    await put(running('plan-20240502T120000000Z', { pid: 222 }));
    await put(running('plan-20240503T120000000Z', { pid: 111, hostname: 'another-host' }));
    await put(recordFor('plan-20240504T120000000Z', { status: 'succeeded', pid: 111 }));

    const marked = await markInterrupted(dir, {
      isAlive: (pid) => pid === 222,
      now: () => new Date('2024-05-05T00:00:00.000Z'),
    });
    expect(marked.map((m) => m.record.plan_id)).toEqual(['plan-20240501T120000000Z']);
    const plans = new Map((await listPlans(dir)).map((p) => [p.record.plan_id, p.record]));
    const dead = plans.get('plan-20240501T120000000Z')!;
    expect(dead).toMatchObject({ status: 'interrupted', interrupted_at: '2024-05-05T00:00:00.000Z' });
    expect(taskOf(dead, 'gather').status).toBe('succeeded');
    expect(taskOf(dead, 'report').status).toBe('interrupted');
    expect(taskOf(dead, 'report').attempt_log[0].outcome).toBe('interrupted');
    expect(dead.notes.at(-1)?.message).toMatch(/process 111 .* ended without closing the plan/);
    expect(plans.get('plan-20240502T120000000Z')!.status).toBe('running');
    expect(plans.get('plan-20240503T120000000Z')!.status).toBe('running');
    expect(plans.get('plan-20240504T120000000Z')!.status).toBe('succeeded');
  });

  it('knows this process is alive', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
  });
});

describe('atomic writes', () => {
  it('a reader polling during a run never sees a partial plan file', async () => {
    const filler = 'x'.repeat(2000);
    let running = true;
    let reads = 0;
    const bad: string[] = [];
    const reader = (async () => {
      while (running) {
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names.filter((n) => /^plan-.*\.json$/.test(n))) {
          const text = await readFile(join(dir, name), 'utf8').catch(() => null);
          if (text === null) continue;
          reads++;
          try {
            JSON.parse(text);
          } catch {
            bad.push(`${text.length} bytes: …${text.slice(-40)}`);
          }
        }
      }
    })();
    const chatty = (id: string, deps: string[]) =>
      stage(id, deps, {
        run: async (ctx) => {
          for (let i = 0; i < 60; i++) {
            ctx.note(`${id} ${i} ${filler}`);
            await new Promise((r) => setImmediate(r));
          }
        },
      });
    const record = await runPlan(spec([chatty('a', []), chatty('b', []), chatty('c', ['a', 'b'])]), {
      planDir: dir,
    });
    running = false;
    await reader;
    expect(record.notes).toHaveLength(180);
    expect(bad).toEqual([]);
    expect(reads).toBeGreaterThan(20);
  });
});

describe('a killed run', () => {
  it('leaves a valid running plan that the next run marks interrupted', async () => {
    const child = spawn('npx', ['tsx', 'src/orchestrator/fixtures/sleeping-plan.ts', dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so the npx/tsx wrappers can be cleaned up by group id
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const path = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(
          () => reject(new Error(`child never reached the sleeping stage:\n${stderr}`)),
          45_000,
        );
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /SLEEPING (.+)\n/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`child exited with ${code}:\n${stderr}`)));
      });

      const before = JSON.parse(await readFile(path, 'utf8')) as PlanRecord;
      expect(before.status).toBe('running');
      expect(taskOf(before, 'gather').status).toBe('succeeded');
      expect(taskOf(before, 'sleep').status).toBe('running');
      expect(before.pid).not.toBe(process.pid);

      // Kill the process that runs the plan (not the npx wrapper), the way the OOM killer would.
      process.kill(before.pid, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (isProcessAlive(before.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(isProcessAlive(before.pid)).toBe(false);

      const afterKill = JSON.parse(await readFile(path, 'utf8')) as PlanRecord;
      expect(afterKill.status).toBe('running');

      const next = await runPlan(spec([stage('gather')]), { planDir: dir });
      const killed = await readPlan(path);
      expect(killed.status).toBe('interrupted');
      expect(taskOf(killed, 'sleep').status).toBe('interrupted');
      expect(taskOf(killed, 'gather').status).toBe('succeeded');
      expect(next.notes.map((n) => n.message)).toContain(
        `marked ${killed.plan_id} interrupted: its process ${before.pid} is gone`,
      );
      // The interrupted run is still history: the new run's change log compares against it.
      expect(next.previous_plan_id).toBe(killed.plan_id);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
});
