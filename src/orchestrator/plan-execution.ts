import { performance } from 'node:perf_hooks';
import { GtmError, isRetriable } from '../errors/index.ts';
import { DEFAULT_BACKOFF_MS } from './build-plan-record.ts';
import { clearTaskRecords, createStageContext, type ContextHost } from './create-stage-context.ts';
import type { PlanGraph } from './plan-graph.ts';
import type { PlanRecord, TaskError, TaskRecord } from './plan-record.ts';
import type { PlanSpec, RunEvent, RunOptions, StageDef } from './plan-spec.ts';
import type { PlanHistory } from './plan-store.ts';
import { PlanWriter } from './plan-writer.ts';
import { previousAlert } from './previous-alert.ts';
import { resolveOwner } from './resolve-owner.ts';
import { backoffDelay, shouldRetry, sleep } from './retry-policy.ts';

/** The outcome of a run: the closed record, where it is, and the stage outputs for the command. */
export interface PlanRun {
  record: PlanRecord;
  path: string;
  outputs: Record<string, unknown>;
}

/** The plain form of an error kept in the record. */
export function toTaskError(err: unknown): TaskError {
  if (err instanceof GtmError) {
    return {
      code: err.code,
      message: err.message,
      retriable: err.retriable,
      ...(err.where ? { where: err.where } : {}),
      ...(err.hint ? { hint: err.hint } : {}),
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  return {
    code: typeof code === 'string' ? code : 'INTERNAL',
    message: err instanceof Error ? err.message : String(err),
    retriable: isRetriable(err),
  };
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 1000) / 1000;

/**
 * Runs the tasks of one plan record to completion. Scheduling is by readiness rather than by level:
 * a task starts as soon as all its dependencies are done, and all ready tasks run concurrently, so a
 * short branch of a diamond never waits for a long sibling's level. After a failure or an abort no
 * new task starts; running ones are awaited so the record is complete when the run ends.
 */
export class PlanExecution {
  readonly outputs: Record<string, unknown> = {};
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly done = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private failure: { taskId: string; error: unknown } | null = null;
  /** Recording a stage left running after it returned (a fingerprint still hashing); settled before the final write. */
  private readonly deferred: Promise<void>[] = [];
  private readonly controller = new AbortController();
  private readonly writer: PlanWriter;
  private readonly startedAt = performance.now();
  private readonly now: () => Date;

  constructor(
    private readonly spec: PlanSpec,
    private readonly graph: PlanGraph,
    private readonly record: PlanRecord,
    private readonly path: string,
    private readonly options: RunOptions,
    private readonly history: PlanHistory,
  ) {
    this.now = options.now ?? (() => new Date());
    this.writer = new PlanWriter(path, record);
    for (const task of record.stages.flatMap((s) => s.tasks)) this.tasks.set(task.task_id, task);
  }

  async execute(): Promise<PlanRun> {
    const external = this.options.signal;
    const onAbort = () => this.controller.abort(external?.reason);
    external?.addEventListener('abort', onAbort, { once: true });
    try {
      this.emit({ type: 'run-started', plan_id: this.record.plan_id, path: this.path, at: this.iso() });
      await this.writer.save();
      for (;;) {
        if (this.mayStart()) await this.startReady();
        if (this.running.size === 0) break;
        await Promise.race(this.running.values());
      }
      return await this.close();
    } finally {
      external?.removeEventListener('abort', onAbort);
    }
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private emit(event: RunEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (err) {
      // A broken progress display must not fail an analysis; keep a trace of it instead.
      this.record.notes.push({
        at: this.iso(),
        task_id: 'task_id' in event ? event.task_id : null,
        message: `onEvent listener threw on ${event.type}: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }

  private mayStart(): boolean {
    return !this.failure && !this.controller.signal.aborted && this.writer.error === undefined;
  }

  /** Starts every ready task; skipping one by its condition may make others ready, hence the loop. */
  private async startReady(): Promise<void> {
    let progressed = true;
    while (progressed && this.mayStart()) {
      progressed = false;
      for (const def of this.spec.stages) {
        const task = this.tasks.get(def.id)!;
        if (task.status !== 'pending' || this.running.has(def.id)) continue;
        if (!def.dependsOn.every((dep) => this.done.has(dep))) continue;
        const snapshot = Object.freeze({ ...this.outputs });
        let proceed = true;
        try {
          proceed = def.condition ? def.condition(snapshot) : true;
        } catch (err) {
          this.fail(def, task, err, null);
          await this.writer.save();
          return;
        }
        if (!proceed) {
          this.skip(def, task, 'condition not met');
          this.done.add(def.id);
          progressed = true;
          continue;
        }
        const run = this.runTask(def, task).finally(() => this.running.delete(def.id));
        this.running.set(def.id, run);
      }
    }
    await this.writer.save();
  }

  private skip(def: StageDef, task: TaskRecord, reason: string): void {
    task.status = 'skipped';
    task.skip_reason = reason;
    this.emit({ type: 'stage-skipped', task_id: def.id, name: def.name, reason, at: this.iso() });
  }

  private fail(def: StageDef, task: TaskRecord, err: unknown, since: number | null): void {
    const error = toTaskError(err);
    task.status = 'failed';
    task.error = error;
    task.ended_at = this.iso();
    if (since !== null) task.duration_ms = elapsed(since);
    this.failure ??= { taskId: def.id, error: err };
    this.emit({
      type: 'stage-failed',
      task_id: def.id,
      name: def.name,
      attempts: task.attempts,
      error,
      at: task.ended_at,
    });
  }

  private async runTask(def: StageDef, task: TaskRecord): Promise<void> {
    const since = performance.now();
    const base = this.spec.errorHandling.backoffMs ?? DEFAULT_BACKOFF_MS;
    try {
      for (let attempt = 1; ; attempt++) {
        if (this.controller.signal.aborted) return this.interrupt(task, since);
        const at = this.iso();
        clearTaskRecords(this.record, def.id);
        task.status = 'running';
        task.attempts = attempt;
        task.started_at ??= at;
        const entry = {
          attempt,
          started_at: at,
          ended_at: null,
          duration_ms: null,
          outcome: 'running',
        } as TaskRecord['attempt_log'][number];
        task.attempt_log.push(entry);
        this.emit({ type: 'stage-started', task_id: def.id, name: def.name, attempt, at });
        await this.writer.save();

        const attemptStart = performance.now();
        const ctx = createStageContext(
          this.host(def.id),
          def.id,
          attempt,
          Object.freeze({ ...this.outputs }),
        );
        let value: unknown;
        let thrown: { error: unknown } | null = null;
        try {
          value = await def.run(ctx);
        } catch (err) {
          thrown = { error: err };
        } finally {
          ctx.close();
        }
        entry.ended_at = this.iso();
        entry.duration_ms = elapsed(attemptStart);

        if (!thrown) {
          this.outputs[def.outputVar] = value;
          entry.outcome = 'succeeded';
          task.status = 'succeeded';
          task.error = null;
          task.ended_at = entry.ended_at;
          task.duration_ms = elapsed(since);
          this.done.add(def.id);
          this.emit({
            type: 'stage-succeeded',
            task_id: def.id,
            name: def.name,
            attempt,
            duration_ms: task.duration_ms,
            at: entry.ended_at,
          });
          await this.writer.save();
          return;
        }
        const error = toTaskError(thrown.error);
        entry.error = error;
        if (this.controller.signal.aborted) {
          entry.outcome = 'interrupted';
          task.error = error;
          return this.interrupt(task, since);
        }
        entry.outcome = 'failed';
        if (shouldRetry(thrown.error, attempt, task.max_retries)) {
          const delay = backoffDelay(base, attempt);
          entry.retry_delay_ms = delay;
          task.status = 'retrying';
          task.error = error;
          this.emit({
            type: 'stage-retrying',
            task_id: def.id,
            name: def.name,
            attempt,
            delay_ms: delay,
            error,
            at: this.iso(),
          });
          await this.writer.save();
          await sleep(delay, this.controller.signal);
          continue;
        }
        this.fail(def, task, thrown.error, since);
        await this.writer.save();
        return;
      }
    } catch (err) {
      // Only a bug in the executor itself lands here; fail the task rather than hang the run.
      this.fail(def, task, err, since);
      await this.writer.save();
    }
  }

  private async interrupt(task: TaskRecord, since: number): Promise<void> {
    task.status = 'interrupted';
    task.ended_at = this.iso();
    task.duration_ms = elapsed(since);
    await this.writer.save();
  }

  private host(taskId: string): ContextHost {
    return {
      record: this.record,
      path: this.path,
      spec: this.spec,
      signal: this.controller.signal,
      iso: () => this.iso(),
      save: () => void this.writer.save(),
      emit: (e) => this.emit(e),
      previousAlert: (id) => previousAlert(this.history.plans(), id, this.record.as_of),
      previous: this.history.find((p) => p.record.status === 'succeeded')?.record ?? null,
      // a failure there fails the stage (its fingerprint is part of what the plan vouches for)
      defer: (work) =>
        void this.deferred.push(
          work.catch((err: unknown) => {
            const def = this.graph.byId.get(taskId);
            const task = this.tasks.get(taskId);
            if (def && task) this.fail(def, task, err, null);
          }),
        ),
    };
  }

  private async close(): Promise<PlanRun> {
    // settles every deferred recording, those that deferred more while settling included
    for (let done = 0; done < this.deferred.length;) {
      const end = this.deferred.length;
      await Promise.all(this.deferred.slice(done, end));
      done = end;
    }
    const aborted = this.controller.signal.aborted;
    const notRun = this.failure
      ? `not run: stage "${this.failure.taskId}" failed`
      : aborted
        ? 'not run: the run was interrupted'
        : 'not run: the plan record could not be saved';
    for (const def of this.spec.stages) {
      const task = this.tasks.get(def.id)!;
      if (task.status === 'pending') this.skip(def, task, notRun);
    }
    const at = this.iso();
    this.record.status =
      this.failure || this.writer.error !== undefined ? 'failed' : aborted ? 'interrupted' : 'succeeded';
    this.record.ended_at = at;
    this.record.duration_ms = elapsed(this.startedAt);
    if (this.failure) {
      this.record.error = { ...toTaskError(this.failure.error), task_id: this.failure.taskId };
      // the plan's fallback (error_handling.fallback_plan: report the last good run), as it happened
      this.record.notes.push({ at, task_id: this.failure.taskId, message: this.fallbackNote() });
    }
    this.emit({
      type: 'run-finished',
      plan_id: this.record.plan_id,
      status: this.record.status,
      duration_ms: this.record.duration_ms,
      at,
    });
    await this.writer.save();

    if (this.writer.error !== undefined) {
      throw new GtmError('IO', 'could not write the plan record', {
        where: this.path,
        cause: this.writer.error,
        hint: 'check free space and permissions of the plans folder',
      });
    }
    if (this.failure) throw this.stageError(this.failure.taskId, this.failure.error);
    if (aborted) {
      throw new GtmError('STAGE', 'run interrupted before all stages finished', {
        where: this.path,
        cause: this.controller.signal.reason,
        hint: 'run the command again; the interrupted plan stays in the history',
      });
    }
    return { record: this.record, path: this.path, outputs: this.outputs };
  }

  /** The latest succeeded run of this command and scope: the report that stands while this one failed. */
  private lastGoodRun(): PlanRecord | null {
    return this.history.find((p) => p.record.status === 'succeeded')?.record ?? null;
  }

  private lastGoodText(): string {
    const good = this.lastGoodRun();
    return good
      ? `last good run: ${good.run_id} (as-of ${good.as_of}, ${good.plan_id})`
      : 'no earlier good run of this scope';
  }

  private fallbackNote(): string {
    const good = this.lastGoodRun();
    const what = `fallback: the run failed at stage "${this.failure!.taskId}"`;
    return good
      ? `${what}; the report of the last good run of ${this.record.command} ${this.record.scope} stands: run ${good.run_id} (as-of ${good.as_of}, ${good.plan_id})`
      : `${what}; there is no earlier good run of ${this.record.command} ${this.record.scope} to fall back on`;
  }

  private stageError(taskId: string, cause: unknown): GtmError {
    const def = this.graph.byId.get(taskId)!;
    const task = this.tasks.get(taskId)!;
    const attempts =
      task.attempts === 0
        ? 'before its first attempt'
        : task.attempts === 1
          ? 'after 1 attempt'
          : `after ${task.attempts} attempts`;
    const message = cause instanceof Error ? cause.message : String(cause);
    const hints = [
      cause instanceof GtmError && cause.hint ? cause.hint : null,
      `owner: ${task.owner_role}${task.owner ? ` (${task.owner})` : ' (nobody available)'}`,
      this.nextOnLadder(task),
      // a pull, a render or a mismatch that kept failing after its retries: whose report stands
      isRetriable(cause) ? this.lastGoodText() : null,
      `plan record: ${this.path}`,
    ].filter((h): h is string => h !== null);
    return new GtmError('STAGE', `stage "${def.name}" failed ${attempts}: ${message}`, {
      where: taskId,
      cause,
      hint: hints.join('; '),
    });
  }

  /** The role above the task's owner on the ladder, or the first rung when the owner is not on it. */
  private nextOnLadder(task: TaskRecord): string {
    const ladder = this.spec.errorHandling.escalationLadder;
    if (ladder.length === 0) return 'no escalation ladder configured';
    const at = Math.max(ladder.indexOf(task.agent), ladder.indexOf(task.owner_role));
    if (at === ladder.length - 1) return `escalate to: nobody above ${ladder[at]} on the ladder`;
    const role = ladder[at + 1];
    const next = resolveOwner(this.spec.roster, role, this.spec.asOf);
    return `escalate to: ${next.role}${next.person ? ` (${next.person})` : ' (nobody available)'}`;
  }
}
