import path from 'node:path';
import { listPlans, type StoredPlan } from '../../orchestrator/index.ts';
import type { KitRun } from '../kit/index.ts';

/**
 * The runs a run's "since the previous run" figures may compare with, best first: the succeeded
 * plans of the same command and scope whose as-of is strictly before this run's, latest as-of
 * first (the newest run first among those of one as-of). The comparison is over the data's time,
 * as alert streaks are (orchestrator `previousAlert`): a rerun for the same as-of re-states that
 * as-of and compares with the as-of before it, as its first run did (not with itself: a change of
 * 0); a run for an earlier as-of made later (a backfill, a re-run of last month) is neither
 * compared with the later as-ofs already run nor, afterwards, the run the next one for today is
 * compared with. A failed or interrupted run has no report to compare with.
 *
 * @example
 * const [prev] = await previousRuns(run, 'Club', 'plan-20261130T060000000Z');
 */
export async function previousRuns(
  run: Pick<KitRun<unknown>, 'baseDir' | 'ws' | 'command' | 'asOfDay'>,
  scope: string,
  currentPlanId: string,
): Promise<StoredPlan[]> {
  const planDir = path.resolve(run.baseDir, run.ws.output.plans_dir);
  const day = (p: StoredPlan) => p.record.as_of.slice(0, 10);
  return (
    (await listPlans(planDir, { command: run.command, scope }))
      .filter(
        (p) => p.record.status === 'succeeded' && p.record.plan_id !== currentPlanId && day(p) < run.asOfDay,
      )
      // listed newest first: a stable sort by as-of, latest first, keeps that order within a day
      .sort((a, b) => (day(a) < day(b) ? 1 : day(a) > day(b) ? -1 : 0))
  );
}
