import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KitRun } from '../kit/index.ts';
import { previousRuns } from '../shared/previous-runs.ts';

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
 * Finds the previous run of monitor-loyalty for the same programme (`previousRuns`: the succeeded
 * run of the latest as-of on or before this run's, the newest of those when several share it) and
 * reads the liability from its report folder's result.json, going on to the next one when a
 * report is gone. Comparing today's liability with a back-dated run's was a false spike, escalated
 * at once. Null when there is no such run (the change since the previous run is then reported as
 * unknown, not as 0).
 */
export async function previousLiability(
  run: KitRun<unknown>,
  scope: string,
  currentPlanPath: string,
): Promise<PreviousLiability | null> {
  const plans = await previousRuns(run, scope, path.basename(currentPlanPath, '.json'));
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
