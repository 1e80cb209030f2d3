import { formatDuration, formatTime, table } from './format-text.ts';
import type { PlanRecord } from './plan-record.ts';

/**
 * The `gtm plans list` table: one line per plan, in the order given (newest first from `listPlans`).
 *
 * @example
 * console.log(formatPlanList((await listPlans('.claude/plans')).map((p) => p.record)));
 */
export function formatPlanList(records: PlanRecord[]): string {
  if (records.length === 0) return 'no plans found';
  const rows = records.map((r) => {
    const tasks = r.stages.flatMap((s) => s.tasks);
    const ok = tasks.filter((t) => t.status === 'succeeded').length;
    const breached = r.alerts.filter((a) => a.breached).length;
    return [
      r.plan_id,
      formatTime(r.started_at),
      r.status,
      r.command,
      r.scope,
      `${ok}/${tasks.length}`,
      r.alerts.length === 0 ? '—' : `${breached}/${r.alerts.length}`,
      r.escalations.length === 0 ? '—' : String(r.escalations.length),
      formatDuration(r.duration_ms),
    ];
  });
  return table([
    ['PLAN', 'STARTED', 'STATUS', 'COMMAND', 'SCOPE', 'STAGES OK', 'BREACHED', 'ESCALATED', 'DURATION'],
    ...rows,
  ]);
}
