import { hostname } from 'node:os';
import { GtmError } from '../errors/index.ts';
import { buildPlanRecord } from './build-plan-record.ts';
import { PlanExecution, type PlanRun } from './plan-execution.ts';
import { planGraph } from './plan-graph.ts';
import type { PlanRecord } from './plan-record.ts';
import type { PlanSpec, RunOptions } from './plan-spec.ts';
import { createPlanFile, markInterrupted, planHistory } from './plan-store.ts';

export type { PlanRun };

/**
 * Runs a plan and returns the record together with the stage outputs (what a command needs to build
 * its report). Before starting it marks plans of dead processes `interrupted`, then reads the
 * history of the same command and scope for the change log and alert streaks. The plan file is
 * written at once with status `running` and replaced atomically on every change.
 *
 * Rejects with `STAGE` (where = the failed stage id, cause = the stage's error, hint = owner and
 * next rung of the escalation ladder) when a stage fails after its retries; the record on disk is
 * complete and says `failed`. Rejects with `INTERNAL` before writing anything when the plan is not
 * a DAG.
 *
 * @example
 * const { record, outputs } = await executePlan(spec, { planDir: '.claude/plans' });
 * console.log(record.status, outputs.attribution);
 */
export async function executePlan(spec: PlanSpec, opts: RunOptions): Promise<PlanRun> {
  const graph = planGraph(spec);
  if (opts.signal?.aborted) {
    throw new GtmError('STAGE', 'run interrupted before it started', {
      where: spec.command,
      cause: opts.signal.reason,
    });
  }
  const now = opts.now ?? (() => new Date());
  const marked = await markInterrupted(opts.planDir, { now });
  // finished plans of this command and scope, newest first, read as far as needed
  const history = planHistory(opts.planDir, spec.command, spec.scope);
  const startedAt = now();
  const { path, record } = await createPlanFile(opts.planDir, startedAt, (planId) =>
    buildPlanRecord(spec, graph, {
      planId,
      runId: opts.runId,
      startedAt,
      previous: history.first()?.record ?? null,
      // the change log compares with the last complete run: an interrupted or failed one may not
      // have read its sources, so its settings would show changes that did not happen
      changeBase: history.find((p) => p.record.status === 'succeeded')?.record ?? null,
      pid: process.pid,
      hostname: hostname(),
    }),
  );
  for (const stale of marked) {
    record.notes.push({
      at: startedAt.toISOString(),
      task_id: null,
      message: `marked ${stale.record.plan_id} interrupted: its process ${stale.record.pid} is gone`,
    });
  }
  return new PlanExecution(spec, graph, record, path, opts, history).execute();
}

/**
 * Runs a plan (see `executePlan`) and resolves with its closed record.
 *
 * @example
 * const record = await runPlan(spec, { planDir: '.claude/plans', onEvent: (e) => console.error(e.type) });
 */
export async function runPlan(spec: PlanSpec, opts: RunOptions): Promise<PlanRecord> {
  return (await executePlan(spec, opts)).record;
}
