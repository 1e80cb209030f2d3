import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { listPlans, type StoredPlan } from '../../orchestrator/index.ts';
import type { KitRun } from '../kit/index.ts';

/** The liability of the previous run of the same command and programme. */
export interface PreviousLiability {
  plan_id: string;
  run_id: string;
  as_of: string;
  liability: number;
  deferred_revenue: number | null;
  /** Where it was read: the previous run's result.json. */
  source: string;
}

/**
 * Finds the previous finished run of monitor-loyalty for the same programme in the plan history and
 * reads the liability from its report folder's result.json: among the succeeded plans other than
 * the current one whose as-of is on or before this run's, the one with the latest as-of (the
 * newest of those when several share it). A run for an earlier as-of made later (a backfill, a
 * re-run of last month) is neither compared with the later as-ofs already run nor, afterwards, the
 * one a run for today is compared with: the change is always over the data's time, never
 * backwards (comparing today's liability with a back-dated run's was a false spike, escalated at
 * once). Null when there is no such run, or its report is gone (the change since the previous run
 * is then reported as unknown, not as 0).
 */
export async function previousLiability(
  run: KitRun<unknown>,
  scope: string,
  currentPlanPath: string,
): Promise<PreviousLiability | null> {
  const planDir = path.resolve(run.baseDir, run.ws.output.plans_dir);
  const current = path.basename(currentPlanPath, '.json');
  const day = (p: StoredPlan) => p.record.as_of.slice(0, 10);
  const plans = (await listPlans(planDir, { command: run.command, scope }))
    .filter((p) => p.record.status === 'succeeded' && p.record.plan_id !== current && day(p) <= run.asOfDay)
    // listed newest first: a stable sort by as-of, latest first, keeps that order within a day
    .sort((a, b) => (day(a) < day(b) ? 1 : day(a) > day(b) ? -1 : 0));
  for (const p of plans) {
    const file = path.resolve(
      run.baseDir,
      run.ws.output.reports_dir,
      run.command,
      p.record.run_id,
      'result.json',
    );
    try {
      const result = JSON.parse(await readFile(file, 'utf8')) as {
        liability?: { liability?: number; deferred_revenue?: number };
      };
      const value = result.liability?.liability;
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      return {
        plan_id: p.record.plan_id,
        run_id: p.record.run_id,
        as_of: p.record.as_of,
        liability: value,
        deferred_revenue: result.liability?.deferred_revenue ?? null,
        source: run.rel(file),
      };
    } catch {
      continue;
    }
  }
  return null;
}
