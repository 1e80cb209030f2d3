import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { listPlans } from '../../orchestrator/index.ts';
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
 * Finds the previous finished run of monitor-loyalty for the same programme in the plan history
 * (newest succeeded plan other than the current one) and reads the liability from its report
 * folder's result.json. Null when there is no earlier run, or its report is gone (the change since
 * the previous run is then reported as unknown, not as 0).
 */
export async function previousLiability(
  run: KitRun<unknown>,
  scope: string,
  currentPlanPath: string,
): Promise<PreviousLiability | null> {
  const planDir = path.resolve(run.baseDir, run.ws.output.plans_dir);
  const current = path.basename(currentPlanPath, '.json');
  const plans = await listPlans(planDir, { command: run.command, scope });
  for (const p of plans) {
    if (p.record.status !== 'succeeded' || p.record.plan_id === current) continue;
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
