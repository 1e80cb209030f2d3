import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import {
  deferred,
  readValidPlans,
  roster,
  spec,
  stage,
  taskOf,
  tasksOf,
  tempPlanDir,
  within,
} from './fixtures/plan-fixtures.ts';
import type { PlanRecord } from './plan-record.ts';
import type { RunEvent, StageContext } from './plan-spec.ts';
import { listPlans } from './plan-store.ts';
import { reconcile } from './reconcile.ts';
import { executePlan, runPlan } from './run-plan.ts';

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

const flaky = (message = 'connection reset') => new GtmError('INPUT', message, { retriable: true });
const readRecord = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as PlanRecord;

async function rejection(promise: Promise<unknown>): Promise<GtmError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GtmError);
    return err as GtmError;
  }
  throw new Error('expected the run to fail');
}

async function onlyPlan(): Promise<PlanRecord> {
  const plans = await listPlans(dir);
  expect(plans).toHaveLength(1);
  return plans[0].record;
}

describe('runPlan: states and transitions', () => {
  it('writes the plan before the first stage and records each task as it runs', async () => {
    let path = '';
    const seenOnDisk: Record<string, PlanRecord> = {};
    const events: RunEvent[] = [];
    const record = await runPlan(
      spec([
        stage('gather', [], {
          run: async () => {
            seenOnDisk.gather = await readRecord(path);
            return [1, 2, 3];
          },
        }),
        stage('report', ['gather'], {
          run: async (ctx) => {
            seenOnDisk.report = await readRecord(path);
            return (ctx.outputs.gather_out as number[]).length;
          },
        }),
      ]),
      {
        planDir: dir,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'run-started') path = e.path;
        },
      },
    );

    expect(seenOnDisk.gather.status).toBe('running');
    expect(taskOf(seenOnDisk.gather, 'gather')).toMatchObject({ status: 'running', attempts: 1 });
    expect(taskOf(seenOnDisk.gather, 'report').status).toBe('pending');
    expect(taskOf(seenOnDisk.report, 'gather').status).toBe('succeeded');
    expect(taskOf(seenOnDisk.report, 'report').status).toBe('running');

    expect(record.status).toBe('succeeded');
    expect(record.ended_at).not.toBeNull();
    expect(record.duration_ms).toBeGreaterThanOrEqual(0);
    expect(record.pid).toBe(process.pid);
    expect(tasksOf(record).map((t) => [t.task_id, t.status, t.attempts])).toEqual([
      ['gather', 'succeeded', 1],
      ['report', 'succeeded', 1],
    ]);
    expect(taskOf(record, 'report').input).toEqual(['$gather_out']);
    expect(events.map((e) => `${e.type}${'task_id' in e ? `:${e.task_id}` : ''}`)).toEqual([
      'run-started',
      'stage-started:gather',
      'stage-succeeded:gather',
      'stage-started:report',
      'stage-succeeded:report',
      'run-finished',
    ]);
    // The file on disk is the returned record.
    expect(await readRecord(path)).toEqual(JSON.parse(JSON.stringify(record)));
  });

  it('returns the stage outputs with executePlan', async () => {
    const run = await executePlan(
      spec([
        stage('a', [], { run: async () => ({ total: 42 }) }),
        stage('b', ['a'], { run: async (ctx) => (ctx.outputs.a_out as { total: number }).total * 2 }),
      ]),
      { planDir: dir },
    );
    expect(run.outputs).toEqual({ a_out: { total: 42 }, b_out: 84 });
    expect(run.path).toMatch(/plan-\d{8}T\d{9}Z(-\d+)?\.json$/);
  });

  it('shows "retrying" on disk during the backoff, then "succeeded"', async () => {
    let path = '';
    let duringBackoff: PlanRecord | undefined;
    const events: string[] = [];
    const record = await runPlan(
      spec(
        [
          stage('pull', [], {
            run: async (ctx) => {
              if (ctx.attempt === 1) throw flaky();
              return 'ok';
            },
          }),
        ],
        { errorHandling: { backoffMs: 300, fallbackPlan: 'none', escalationLadder: [] } },
      ),
      {
        planDir: dir,
        onEvent: (e) => {
          events.push(e.type);
          if (e.type === 'run-started') path = e.path;
          if (e.type === 'stage-retrying') {
            setTimeout(() => void readRecord(path).then((r) => (duringBackoff = r)), 100);
          }
        },
      },
    );
    expect(events).toEqual([
      'run-started',
      'stage-started',
      'stage-retrying',
      'stage-started',
      'stage-succeeded',
      'run-finished',
    ]);
    expect(taskOf(duringBackoff!, 'pull')).toMatchObject({
      status: 'retrying',
      attempts: 1,
      error: { message: 'connection reset' },
    });
    const task = taskOf(record, 'pull');
    expect(task).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    expect(task.attempt_log.map((a) => [a.attempt, a.outcome, a.retry_delay_ms])).toEqual([
      [1, 'failed', 300],
      [2, 'succeeded', undefined],
    ]);
    expect(task.duration_ms).toBeGreaterThanOrEqual(300);
  });

  it('keeps only the records of the attempt that counted', async () => {
    const record = await runPlan(
      spec([
        stage('gather', [], {
          run: async (ctx) => {
            ctx.fingerprint({ source: 'crm', rows: ctx.attempt * 10, hash: `h${ctx.attempt}` });
            ctx.rows({
              source: 'crm',
              rows_in: ctx.attempt * 10,
              accepted: ctx.attempt * 10,
              deduplicated: 0,
              rejected: 0,
            });
            ctx.note(`attempt ${ctx.attempt}`);
            if (ctx.attempt === 1) throw flaky('partial pull');
            return null;
          },
        }),
      ]),
      { planDir: dir },
    );
    expect(record.data_fingerprints).toMatchObject([
      { task_id: 'gather', source: 'crm', rows: 20, hash: 'h2' },
    ]);
    expect(record.row_accounting).toMatchObject([{ source: 'crm', rows_in: 20 }]);
    // Notes are a log: both attempts stay.
    expect(record.notes.map((n) => n.message)).toEqual(['attempt 1', 'attempt 2']);
  });
});

describe('runPlan: pipeline, diamond and fan-out', () => {
  it('lists alerts and escalations in stage order, not in the order parallel stages finish', async () => {
    // the second branch raises first; then the first branch raises two, in its own order
    const secondDone = deferred();
    const raise = (ctx: StageContext, id: string, value: number) =>
      ctx.alert({ id, metric: id, value, threshold: 1, direction: 'below', escalate_from: 1 });
    const record = await runPlan(
      spec([
        stage('gather', []),
        stage('diagnostics', ['gather'], {
          run: async (ctx) => {
            await secondDone.promise;
            raise(ctx, 'b-alert', 0);
            raise(ctx, 'a-alert', 2);
          },
        }),
        stage('risk', ['gather'], {
          run: async (ctx) => {
            raise(ctx, 'risk-alert', 0);
            secondDone.resolve();
          },
        }),
      ]),
      { planDir: dir },
    );
    expect(record.alerts.map((a) => a.id)).toEqual(['b-alert', 'a-alert', 'risk-alert']);
    expect(record.escalations.map((e) => e.alert_id)).toEqual(['b-alert', 'risk-alert']);
    // when each was evaluated is still recorded
    const at = Object.fromEntries(record.alerts.map((a) => [a.id, a.evaluated_at!]));
    expect(at['risk-alert'] <= at['b-alert']).toBe(true);
  });

  it('runs a pipeline strictly in order', async () => {
    const log: string[] = [];
    const step = (id: string, deps: string[]) =>
      stage(id, deps, {
        run: async () => {
          log.push(`start ${id}`);
          await new Promise((r) => setTimeout(r, 5));
          log.push(`end ${id}`);
        },
      });
    const record = await runPlan(
      spec([
        step('gather', []),
        step('normalize', ['gather']),
        step('attribute', ['normalize']),
        step('report', ['attribute']),
      ]),
      { planDir: dir },
    );
    expect(log).toEqual([
      'start gather',
      'end gather',
      'start normalize',
      'end normalize',
      'start attribute',
      'end attribute',
      'start report',
      'end report',
    ]);
    expect(record.stages.map((s) => [s.stage_id, s.execution, s.tasks.map((t) => t.task_id)])).toEqual([
      ['stage-1', 'sequential', ['gather']],
      ['stage-2', 'sequential', ['normalize']],
      ['stage-3', 'sequential', ['attribute']],
      ['stage-4', 'sequential', ['report']],
    ]);
    expect(record.parallelization).toEqual({ enabled: false, max_concurrency: 1, parallel_groups: [] });
  });

  it('runs the branches of a diamond concurrently and the merge after both', async () => {
    const aStarted = deferred();
    const bStarted = deferred();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const branch = (
      id: string,
      mine: ReturnType<typeof deferred<void>>,
      other: ReturnType<typeof deferred<void>>,
    ) =>
      stage(id, ['gather'], {
        run: async () => {
          active++;
          maxActive = Math.max(maxActive, active);
          log.push(`start ${id}`);
          mine.resolve();
          // Deadlocks (and times out) unless the sibling runs at the same time.
          await within(other.promise, 2000, `${id} waiting for its sibling`);
          active--;
          log.push(`end ${id}`);
          return id === 'partners' ? 60 : 40;
        },
      });
    const record = await runPlan(
      spec(
        [
          stage('gather', [], { run: async () => 100 }),
          branch('partners', aStarted, bStarted),
          branch('channels', bStarted, aStarted),
          stage('merge', ['partners', 'channels'], {
            kind: 'merge-gate',
            run: async (ctx) => {
              log.push('merge');
              reconcile([
                {
                  what: 'total',
                  expected: ctx.outputs.gather_out as number,
                  actual: (ctx.outputs.partners_out as number) + (ctx.outputs.channels_out as number),
                },
              ]);
              return 'ok';
            },
          }),
        ],
        { strategy: 'diamond' },
      ),
      { planDir: dir },
    );
    expect(maxActive).toBe(2);
    expect(log.slice(0, 2).sort()).toEqual(['start channels', 'start partners']);
    expect(log.at(-1)).toBe('merge');
    expect(record.stages.map((s) => s.execution)).toEqual(['sequential', 'parallel', 'sequential']);
    expect(record.parallelization).toEqual({
      enabled: true,
      max_concurrency: 2,
      parallel_groups: [['partners', 'channels']],
    });
    expect(taskOf(record, 'merge').kind).toBe('merge-gate');
  });

  it('starts a task as soon as its own dependencies are done, not when its level is', async () => {
    const tailStarted = deferred();
    const record = await runPlan(
      spec(
        [
          stage('gather'),
          // The slow branch waits for the tail of the other branch, which is one level deeper.
          stage('slow', ['gather'], {
            run: async () => within(tailStarted.promise, 2000, 'tail of the fast branch'),
          }),
          stage('fast', ['gather']),
          stage('tail', ['fast'], { run: async () => tailStarted.resolve() }),
          stage('join', ['slow', 'tail']),
        ],
        { strategy: 'fan-out' },
      ),
      { planDir: dir },
    );
    expect(record.status).toBe('succeeded');
    expect(record.stages.map((s) => s.tasks.map((t) => t.task_id))).toEqual([
      ['gather'],
      ['slow', 'fast'],
      ['tail'],
      ['join'],
    ]);
  });
});

describe('runPlan: merge gates and retries', () => {
  const diamond = (gateRun: (attempt: number) => number) =>
    spec(
      [
        stage('gather', [], { run: async () => 100 }),
        stage('a', ['gather'], { run: async () => 70 }),
        stage('b', ['gather'], { run: async () => 30 }),
        stage('merge', ['a', 'b'], {
          kind: 'merge-gate',
          owner: 'marketing-lead',
          run: async (ctx) => {
            const total = gateRun(ctx.attempt);
            reconcile(
              [
                {
                  what: 'attributed revenue',
                  expected: total,
                  actual: (ctx.outputs.a_out as number) + (ctx.outputs.b_out as number),
                },
              ],
              'merge',
            );
            return total;
          },
        }),
        stage('report', ['merge']),
      ],
      { strategy: 'diamond' },
    );

  it('retries a merge gate whose branches do not reconcile, then succeeds', async () => {
    // A late-arriving partition: the total settles on the second look.
    const record = await runPlan(
      diamond((attempt) => (attempt === 1 ? 103 : 100)),
      { planDir: dir },
    );
    const gate = taskOf(record, 'merge');
    expect(gate).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(gate.attempt_log[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'DATA', retriable: true },
    });
    expect(gate.attempt_log[0].error!.message).toMatch(/attributed revenue: expected 103, got 100/);
    expect(taskOf(record, 'report').status).toBe('succeeded');
  });

  it('records the fallback: a failed run names the last good run of its scope, whose report stands', async () => {
    // h-plan28: error_handling.fallback_plan said 'report the last good run'; nothing said which
    const first = await rejection(
      runPlan(
        diamond(() => 99),
        { planDir: dir },
      ),
    );
    expect(first.hint).toMatch(/; no earlier good run of this scope; plan record: /);
    const failedFirst = await onlyPlan();
    expect(failedFirst.notes.map((n) => n.message)).toContain(
      'fallback: the run failed at stage "merge"; there is no earlier good run of track-source AI Launch Tour to fall back on',
    );
    const good = await runPlan(
      diamond(() => 100),
      { planDir: dir },
    );
    const err = await rejection(
      runPlan(
        diamond(() => 99),
        { planDir: dir },
      ),
    );
    expect(err.hint).toContain(
      `; last good run: ${good.run_id} (as-of ${good.as_of}, ${good.plan_id}); plan record: `,
    );
    const failed = (await listPlans(dir))
      .map((p) => p.record)
      .find((r) => r.plan_id !== good.plan_id && r.plan_id !== failedFirst.plan_id)!;
    expect(failed.status).toBe('failed');
    expect(failed.notes).toContainEqual(
      expect.objectContaining({
        task_id: 'merge',
        message: `fallback: the run failed at stage "merge"; the report of the last good run of track-source AI Launch Tour stands: run ${good.run_id} (as-of ${good.as_of}, ${good.plan_id})`,
      }),
    );
  });

  it('fails the run when the gate keeps mismatching, with a complete record on disk', async () => {
    const err = await rejection(
      runPlan(
        diamond(() => 99),
        { planDir: dir },
      ),
    );
    expect(err.code).toBe('STAGE');
    expect(err.where).toBe('merge');
    expect(err.message).toMatch(/stage "MERGE" failed after 3 attempts: parallel branches do not reconcile/);
    expect(err.cause).toMatchObject({ code: 'DATA', retriable: true });
    expect(err.hint).toMatch(/owner: marketing-lead \(Mia Lee\)/);
    expect(err.hint).toMatch(/escalate to: vp-marketing \(Vic Park\)/);
    expect(err.hint).toMatch(/plan record: .*plan-\d{8}T\d{9}Z(-\d+)?\.json/);

    const record = await onlyPlan();
    expect(record.status).toBe('failed');
    expect(record.ended_at).not.toBeNull();
    expect(record.error).toMatchObject({ task_id: 'merge', code: 'DATA' });
    expect(taskOf(record, 'merge')).toMatchObject({ status: 'failed', attempts: 3 });
    expect(taskOf(record, 'report')).toMatchObject({
      status: 'skipped',
      attempts: 0,
      skip_reason: 'not run: stage "merge" failed',
    });
  });

  it('does not retry errors that are not retriable', async () => {
    let calls = 0;
    const err = await rejection(
      runPlan(
        spec([
          stage('parse', [], { run: async () => void calls++ }),
          stage('bad', ['parse'], {
            run: async () => {
              calls++;
              throw new GtmError('INPUT', 'column "amount" missing', {
                where: 'crm.csv',
                hint: 'add the column',
              });
            },
          }),
        ]),
        { planDir: dir },
      ),
    );
    expect(calls).toBe(2);
    expect(err.message).toMatch(/failed after 1 attempt: column "amount" missing/);
    expect(err.hint).toMatch(
      /^add the column; owner: analyst \(Ana Ruiz\); escalate to: marketing-lead \(Mia Lee\)/,
    );
    const task = taskOf(await onlyPlan(), 'bad');
    expect(task).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: { code: 'INPUT', where: 'crm.csv', retriable: false },
    });
  });

  it('does not retry plain errors (bugs)', async () => {
    await rejection(
      runPlan(
        spec([
          stage('a', [], {
            run: async () => {
              throw new TypeError('x is undefined');
            },
          }),
        ]),
        { planDir: dir },
      ),
    );
    expect(taskOf(await onlyPlan(), 'a')).toMatchObject({
      attempts: 1,
      error: { code: 'INTERNAL', message: 'x is undefined' },
    });
  });

  it.each([
    [undefined, undefined, 3],
    [0, undefined, 1],
    [4, undefined, 5],
    [undefined, 1, 2],
    [3, 0, 1],
  ])('plan maxRetries %s, stage maxRetries %s → %i attempts', async (planMax, stageMax, attempts) => {
    let calls = 0;
    const s = spec([
      stage('pull', [], {
        maxRetries: stageMax,
        run: async () => {
          calls++;
          throw flaky();
        },
      }),
    ]);
    s.errorHandling = { ...s.errorHandling, maxRetries: planMax };
    await rejection(runPlan(s, { planDir: dir }));
    expect(calls).toBe(attempts);
    expect(taskOf(await onlyPlan(), 'pull').attempts).toBe(attempts);
  });

  it('backs off exponentially between attempts', async () => {
    const starts: number[] = [];
    const delays: number[] = [];
    const s = spec([
      stage('pull', [], {
        run: async (ctx) => {
          starts.push(performance.now());
          if (ctx.attempt < 3) throw flaky();
        },
      }),
    ]);
    s.errorHandling = { ...s.errorHandling, backoffMs: 40 };
    const record = await runPlan(s, {
      planDir: dir,
      onEvent: (e) => e.type === 'stage-retrying' && delays.push(e.delay_ms),
    });
    expect(delays).toEqual([40, 80]);
    expect(taskOf(record, 'pull').attempt_log.map((a) => a.retry_delay_ms)).toEqual([40, 80, undefined]);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(39);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(79);
  });

  it('lets a running sibling finish when a branch fails, and skips what depends on the failure', async () => {
    const err = await rejection(
      runPlan(
        spec([
          stage('gather'),
          stage('boom', ['gather'], {
            run: async () => {
              throw new Error('boom');
            },
          }),
          stage('slow', ['gather'], { run: async () => new Promise((r) => setTimeout(() => r('done'), 50)) }),
          stage('after-slow', ['slow']),
          stage('merge', ['boom', 'slow']),
        ]),
        { planDir: dir },
      ),
    );
    expect(err.where).toBe('boom');
    const record = await onlyPlan();
    expect(tasksOf(record).map((t) => [t.task_id, t.status])).toEqual([
      ['gather', 'succeeded'],
      ['boom', 'failed'],
      ['slow', 'succeeded'],
      ['after-slow', 'skipped'],
      ['merge', 'skipped'],
    ]);
  });
});

describe('runPlan: conditions and owners', () => {
  it('skips a stage whose condition is false; its dependents still run', async () => {
    const seen: Record<string, unknown>[] = [];
    const record = await runPlan(
      spec(
        [
          stage('detect', [], { run: async () => ({ anomalies: 0 }) }),
          stage('deep-dive', ['detect'], {
            condition: (outputs) => {
              seen.push(outputs);
              return (outputs.detect_out as { anomalies: number }).anomalies > 0;
            },
          }),
          stage('report', ['deep-dive'], { run: async (ctx) => Object.keys(ctx.outputs).sort() }),
        ],
        { strategy: 'conditional' },
      ),
      { planDir: dir },
    );
    expect(seen).toEqual([{ detect_out: { anomalies: 0 } }]);
    expect(taskOf(record, 'deep-dive')).toMatchObject({
      status: 'skipped',
      attempts: 0,
      conditional: true,
      skip_reason: 'condition not met',
    });
    expect(taskOf(record, 'report').status).toBe('succeeded');
    expect(record.status).toBe('succeeded');
  });

  it('runs a stage whose condition is true', async () => {
    const record = await runPlan(
      spec([stage('detect'), stage('deep-dive', ['detect'], { condition: () => true })]),
      { planDir: dir },
    );
    expect(taskOf(record, 'deep-dive').status).toBe('succeeded');
  });

  it('fails the run when a condition throws', async () => {
    const err = await rejection(
      runPlan(
        spec([
          stage('a', [], {
            condition: () => {
              throw new Error('bad condition');
            },
          }),
          stage('b', ['a']),
        ]),
        { planDir: dir },
      ),
    );
    expect(err.message).toMatch(/failed before its first attempt: bad condition/);
    expect(err.where).toBe('a');
    expect(tasksOf(await onlyPlan()).map((t) => t.status)).toEqual(['failed', 'skipped']);
  });

  it('resolves owners at asOf and records role fallbacks', async () => {
    const team = {
      roles: {
        ...roster.roles,
        'data-eng': {
          people: [
            { name: 'Dan Ek', unavailable: [{ from: '2024-05-18', to: '2024-05-22', reason: 'conference' }] },
          ],
          fallback: 'analyst',
        },
      },
    };
    const record = await runPlan(
      spec([stage('gather', [], { owner: 'data-eng' }), stage('report', ['gather'])], {
        roster: team,
        asOf: '2024-05-05',
      }),
      { planDir: dir },
    );
    // Ana is on vacation 05-01..05-10: Ben, same role, no fallback.
    expect(taskOf(record, 'report')).toMatchObject({
      agent: 'analyst',
      owner_role: 'analyst',
      owner: 'Ben Ode',
    });
    expect(taskOf(record, 'gather')).toMatchObject({ agent: 'data-eng', owner: 'Dan Ek' });
    expect(record.fallbacks_used).toEqual([]);

    const later = await runPlan(
      spec([stage('gather', [], { owner: 'data-eng' })], { roster: team, asOf: '2024-05-20' }),
      { planDir: dir },
    );
    expect(taskOf(later, 'gather')).toMatchObject({
      agent: 'data-eng',
      owner_role: 'analyst',
      owner: 'Ana Ruiz',
    });
    expect(later.fallbacks_used).toMatchObject([
      { context: 'task:gather', from: 'data-eng', to: 'analyst', person: 'Ana Ruiz', on: '2024-05-20' },
    ]);
    expect(later.fallbacks_used[0].reason).toMatch(/conference/);
  });

  it('runs a stage nobody can own, and notes it', async () => {
    const noLadder = { errorHandling: { fallbackPlan: 'none', escalationLadder: [] } };
    const record = await runPlan(spec([stage('a', [], { owner: 'cfo' })], noLadder), { planDir: dir });
    expect(taskOf(record, 'a')).toMatchObject({ owner: null, status: 'succeeded' });
    expect(record.notes[0]).toMatchObject({ task_id: 'a' });
    expect(record.notes[0].message).toMatch(/not in the roster/);
  });

  it("gives a stage whose role the roster lacks to the ladder's first role, as a recorded fallback", async () => {
    const record = await runPlan(spec([stage('a', [], { owner: 'cfo' })]), { planDir: dir });
    expect(taskOf(record, 'a')).toMatchObject({
      owner: 'Mia Lee',
      owner_role: 'marketing-lead',
      agent: 'cfo',
    });
    expect(record.fallbacks_used).toContainEqual(
      expect.objectContaining({ context: 'task:a', from: 'cfo', to: 'marketing-lead', person: 'Mia Lee' }),
    );
    expect(record.notes.filter((n) => n.task_id === 'a')).toEqual([]);
  });
});

describe('runPlan: row accounting and context', () => {
  it('fails a stage whose rows do not reconcile', async () => {
    const err = await rejection(
      runPlan(
        spec([
          stage('normalize', [], {
            run: async (ctx) =>
              ctx.rows({ source: 'crm', rows_in: 100, accepted: 90, deduplicated: 5, rejected: 4 }),
          }),
        ]),
        { planDir: dir },
      ),
    );
    expect(err.cause).toMatchObject({ code: 'DATA' });
    expect(err.message).toMatch(/100 rows in, but 90 accepted \+ 5 deduplicated \+ 4 rejected = 99/);
    expect((await onlyPlan()).row_accounting).toEqual([]);
  });

  it('records fingerprints and row accounting', async () => {
    const record = await runPlan(
      spec([
        stage('gather', [], {
          run: async (ctx) => {
            ctx.fingerprint({ source: 'crm', rows: 100, hash: 'sha256:abc', columns: ['id', 'amount'] });
            ctx.rows({
              source: 'crm',
              rows_in: 100,
              accepted: 90,
              deduplicated: 6,
              rejected: 4,
              rejects_file: 'reports/x/rejects-crm.csv',
            });
          },
        }),
      ]),
      { planDir: dir },
    );
    expect(record.data_fingerprints).toMatchObject([
      { task_id: 'gather', source: 'crm', rows: 100, hash: 'sha256:abc', columns: ['id', 'amount'] },
    ]);
    expect(record.row_accounting).toEqual([
      {
        task_id: 'gather',
        source: 'crm',
        rows_in: 100,
        accepted: 90,
        deduplicated: 6,
        rejected: 4,
        rejects_file: 'reports/x/rejects-crm.csv',
      },
    ]);
  });

  it('records a fingerprint still hashing when the stage returns, before the run ends', async () => {
    let settle!: (h: string) => void;
    const hash = new Promise<string>((resolve) => (settle = resolve));
    let recordedWhenNextStarted: unknown[] = [];
    const record = await runPlan(
      spec([
        stage('gather', [], {
          run: async (ctx) => ctx.fingerprint({ source: 'big', rows: 7, hash }),
        }),
        stage('report', ['gather'], {
          run: async () => {
            // the next stage runs while the hash is still being computed
            recordedWhenNextStarted = (await onlyPlan()).data_fingerprints;
            setTimeout(() => settle('f'.repeat(64)), 20);
          },
        }),
      ]),
      { planDir: dir },
    );
    expect(recordedWhenNextStarted).toEqual([]);
    expect(record.status).toBe('succeeded');
    expect(record.data_fingerprints).toMatchObject([
      { task_id: 'gather', source: 'big', rows: 7, hash: 'f'.repeat(64) },
    ]);
    expect(record.settings.sources).toMatchObject({ big: 'f'.repeat(64) });
    expect((await onlyPlan()).data_fingerprints).toHaveLength(1);
  });

  it('fails the stage whose deferred fingerprint cannot be computed', async () => {
    const err = await rejection(
      runPlan(
        spec([
          stage('gather', [], {
            run: async (ctx) =>
              ctx.fingerprint({
                source: 'big',
                rows: 7,
                hash: Promise.reject(new Error('EIO: file went away')),
              }),
          }),
        ]),
        { planDir: dir },
      ),
    );
    expect(err.message).toMatch(/stage "gather" failed after 1 attempt: EIO: file went away/i);
    const plan = await onlyPlan();
    expect(plan.status).toBe('failed');
    expect(plan.data_fingerprints).toEqual([]);
  });

  it('refuses context calls after the stage ended', async () => {
    let leaked: StageContext | undefined;
    await runPlan(spec([stage('a', [], { run: async (ctx) => void (leaked = ctx) })]), { planDir: dir });
    expect(() => leaked!.note('late')).toThrow(/after the stage attempt ended/);
  });

  it('survives a throwing onEvent listener and notes it', async () => {
    const record = await runPlan(spec([stage('a')]), {
      planDir: dir,
      onEvent: (e) => {
        if (e.type === 'stage-started') throw new Error('terminal gone');
      },
    });
    expect(record.status).toBe('succeeded');
    expect(record.notes.map((n) => n.message)).toContain(
      'onEvent listener threw on stage-started: terminal gone',
    );
  });

  it('stops on abort: running stages see the signal, the rest is skipped, the plan says interrupted', async () => {
    const controller = new AbortController();
    const err = await rejection(
      runPlan(
        spec([
          stage('long', [], {
            run: (ctx) =>
              new Promise((_, reject) => {
                ctx.signal.addEventListener('abort', () => reject(new Error('aborted')));
                setTimeout(() => controller.abort(new Error('SIGINT')), 10);
              }),
          }),
          stage('next', ['long']),
        ]),
        { planDir: dir, signal: controller.signal },
      ),
    );
    expect(err.code).toBe('STAGE');
    expect(err.message).toMatch(/interrupted/);
    const record = await onlyPlan();
    expect(record.status).toBe('interrupted');
    expect(tasksOf(record).map((t) => t.status)).toEqual(['interrupted', 'skipped']);
    expect(taskOf(record, 'long').attempt_log[0].outcome).toBe('interrupted');
  });

  it('writes nothing for a plan that is not a DAG', async () => {
    await expect(
      runPlan(spec([stage('a', ['b']), stage('b', ['a'])]), { planDir: dir }),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await listPlans(dir)).toEqual([]);
  });
});

describe('runPlan: history of a command and scope', () => {
  interface AlertingOptions {
    scope?: string;
    settings?: Record<string, unknown>;
    asOf?: string;
  }
  const alertingSpec = (value: number, { scope = 'AI Launch Tour', settings, asOf }: AlertingOptions = {}) =>
    spec(
      [
        stage('insights', [], {
          run: async (ctx) =>
            ctx.alert({
              id: 'partner-roas',
              metric: 'roas',
              value,
              threshold: 1.5,
              direction: 'below',
              owner_role: 'analyst',
            }),
        }),
      ],
      { scope, ...(settings ? { settings } : {}), ...(asOf !== undefined ? { asOf } : {}) },
    );
  /** A run of the alerting plan for `asOf` (one period per as-of: 2024-05-20, -21, …). */
  const runAt = (asOf: string, value: number, opts: AlertingOptions = {}) =>
    runPlan(alertingSpec(value, { ...opts, asOf }), { planDir: dir });

  it('escalates an alert breached at two consecutive as-ofs of the same scope, and climbs the ladder', async () => {
    const first = await runAt('2024-05-20', 1.2);
    expect(first.alerts[0]).toMatchObject({
      id: 'partner-roas',
      breached: true,
      consecutive_breaches: 1,
      escalate: false,
      previous: null,
    });
    expect(first.escalations).toEqual([]);

    const second = await runAt('2024-05-21', 1.1);
    expect(second.alerts[0]).toMatchObject({
      consecutive_breaches: 2,
      escalate: true,
      escalation: { level: 1, role: 'marketing-lead', person: 'Mia Lee' },
      previous: { plan_id: first.plan_id, value: 1.2, breached: true },
    });
    expect(second.escalations).toMatchObject([
      {
        alert_id: 'partner-roas',
        task_id: 'insights',
        level: 1,
        role: 'marketing-lead',
        person: 'Mia Lee',
        consecutive_breaches: 2,
        value: 1.1,
      },
    ]);

    const third = await runAt('2024-05-22', 1.0);
    expect(third.escalations).toMatchObject([
      { level: 2, role: 'vp-marketing', person: 'Vic Park', consecutive_breaches: 3 },
    ]);

    const recovered = await runAt('2024-05-23', 1.6);
    expect(recovered.alerts[0]).toMatchObject({ breached: false, consecutive_breaches: 0, escalate: false });
    const again = await runAt('2024-05-24', 1.4);
    expect(again.alerts[0]).toMatchObject({ breached: true, consecutive_breaches: 1, escalate: false });
  });

  it('does not carry a streak across scopes or commands', async () => {
    await runAt('2024-05-20', 1.2, { scope: 'Campaign A' });
    const otherScope = await runAt('2024-05-21', 1.2, { scope: 'Campaign B' });
    expect(otherScope.alerts[0]).toMatchObject({ consecutive_breaches: 1, escalate: false, previous: null });
    const otherCommand = await runPlan(
      { ...alertingSpec(1.2, { scope: 'Campaign A', asOf: '2024-05-21' }), command: 'monitor-loyalty' },
      { planDir: dir },
    );
    expect(otherCommand.alerts[0]).toMatchObject({ consecutive_breaches: 1, escalate: false });
    const sameAgain = await runAt('2024-05-21', 1.2, { scope: 'Campaign A' });
    expect(sameAgain.alerts[0]).toMatchObject({ consecutive_breaches: 2, escalate: true });
  });

  it('keeps the streak across a run that did not evaluate the alert', async () => {
    await runAt('2024-05-20', 1.2);
    await rejection(
      runPlan(
        spec(
          [
            stage('insights', [], {
              run: async () => {
                throw new Error('engine down');
              },
            }),
          ],
          { asOf: '2024-05-21' },
        ),
        { planDir: dir },
      ),
    );
    const third = await runAt('2024-05-22', 1.2);
    expect(third.alerts[0]).toMatchObject({ consecutive_breaches: 2, escalate: true });
  });

  it('logs settings changes against the previous plan of the same command and scope', async () => {
    const first = await runPlan(
      alertingSpec(2, {
        scope: 'S',
        settings: {
          model: 'last-touch',
          sources: { crm: 'h1' },
          thresholds: { roas: 1.5 },
          cadence: 'weekly',
        },
      }),
      { planDir: dir },
    );
    expect(first.change_log).toEqual([
      {
        field: 'settings',
        change: 'initial',
        from: null,
        to: { model: 'last-touch', sources: { crm: 'h1' }, thresholds: { roas: 1.5 }, cadence: 'weekly' },
      },
    ]);
    expect(first.previous_plan_id).toBeNull();
    await runPlan(alertingSpec(2, { scope: 'elsewhere', settings: { model: 'linear' } }), { planDir: dir });

    const second = await runPlan(
      alertingSpec(2, {
        scope: 'S',
        settings: {
          model: 'position-based',
          sources: { crm: 'h2', ads: 'a1' },
          thresholds: {},
          cadence: 'weekly',
        },
      }),
      { planDir: dir },
    );
    expect(second.previous_plan_id).toBe(first.plan_id);
    expect(second.change_log).toEqual([
      { field: 'model', change: 'changed', from: 'last-touch', to: 'position-based' },
      { field: 'sources.crm', change: 'changed', from: 'h1', to: 'h2' },
      { field: 'sources.ads', change: 'added', from: null, to: 'a1' },
      { field: 'thresholds.roas', change: 'removed', from: 1.5, to: null },
    ]);
    const third = await runPlan(
      alertingSpec(2, {
        scope: 'S',
        settings: {
          model: 'position-based',
          sources: { crm: 'h2', ads: 'a1' },
          thresholds: {},
          cadence: 'weekly',
        },
      }),
      { planDir: dir },
    );
    expect(third.change_log).toEqual([]);
  });
});

describe('runPlan: the previous evaluation of an alert is that of the latest earlier as-of', () => {
  const alertAt = (asOf: string, value: number) =>
    runPlan(
      spec(
        [
          stage('insights', [], {
            run: async (ctx) =>
              ctx.alert({ id: 'partner-roas', metric: 'roas', value, threshold: 1.5, direction: 'below' }),
          }),
        ],
        { asOf },
      ),
      { planDir: dir },
    );

  it('a rerun for the same as-of reaches the streak and escalation of the first run of it', async () => {
    const may20 = await alertAt('2024-05-20', 1.2);
    // the same usage line again for the same as-of: not a second breach (was 2 breaches, escalated)
    const may20again = await alertAt('2024-05-20', 1.2);
    expect(may20again.alerts[0]).toMatchObject({ consecutive_breaches: 1, escalate: false, previous: null });
    expect(may20again.escalations).toEqual([]);

    const may21 = await alertAt('2024-05-21', 1.1);
    expect(may21.alerts[0]).toMatchObject({
      consecutive_breaches: 2,
      escalation: { level: 1, role: 'marketing-lead' },
      // the latest run of the earlier as-of: the rerun
      previous: { plan_id: may20again.plan_id, consecutive_breaches: 1 },
    });
    for (const value of [1.1, 1.0]) {
      const rerun = await alertAt('2024-05-21', value);
      // was 3 then 4 breaches, vp-marketing: every rerun climbed the ladder
      expect(rerun.alerts[0]).toMatchObject({
        consecutive_breaches: 2,
        escalation: { level: 1, role: 'marketing-lead' },
        previous: { plan_id: may20again.plan_id },
      });
      expect(rerun.escalations).toMatchObject([{ level: 1, consecutive_breaches: 2 }]);
    }
    expect(may20.plan_id).not.toBe(may20again.plan_id);
  });

  it('a run for the next as-of adds one to the streak of the latest run of the as-of before', async () => {
    await alertAt('2024-05-20', 1.2);
    await alertAt('2024-05-21', 1.1);
    const rerun = await alertAt('2024-05-21', 1.0);
    const may22 = await alertAt('2024-05-22', 1.1);
    // was 4 breaches in a row, the rerun counted as a period of its own
    expect(may22.alerts[0]).toMatchObject({
      consecutive_breaches: 3,
      escalation: { level: 2, role: 'vp-marketing' },
      previous: { plan_id: rerun.plan_id, value: 1.0, breached: true, consecutive_breaches: 2 },
    });
    expect(may22.escalations).toMatchObject([{ level: 2, consecutive_breaches: 3, value: 1.1 }]);
  });

  it('a backfill for an older as-of compares with the run before it, not with later runs', async () => {
    const may20 = await alertAt('2024-05-20', 1.2);
    const may22 = await alertAt('2024-05-22', 1.1);
    expect(may22.alerts[0]).toMatchObject({ consecutive_breaches: 2, previous: { plan_id: may20.plan_id } });

    // run after 2024-05-22's, for 2024-05-21: its previous period is 2024-05-20 (was 05-22's streak 2 + 1)
    const may21 = await alertAt('2024-05-21', 1.6);
    expect(may21.alerts[0]).toMatchObject({ consecutive_breaches: 0, previous: { plan_id: may20.plan_id } });
    const may19 = await alertAt('2024-05-19', 1.2);
    expect(may19.alerts[0]).toMatchObject({ consecutive_breaches: 1, escalate: false, previous: null });
    expect(may19.escalations).toEqual([]);

    // the next regular run compares with 2024-05-22's, not with the backfills made after it
    const may23 = await alertAt('2024-05-23', 1.0);
    expect(may23.alerts[0]).toMatchObject({
      consecutive_breaches: 3,
      escalation: { level: 2, role: 'vp-marketing' },
      previous: { plan_id: may22.plan_id, consecutive_breaches: 2 },
    });
  });
});
