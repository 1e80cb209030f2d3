import { formatDuration, formatParty, formatTime, formatValue, table } from './format-text.ts';
import type { PlanRecord } from './plan-record.ts';

/**
 * The `gtm plans show` view of one plan: header, stages with owners and timings, data, rows,
 * alerts, escalations, fallbacks, changes and notes. Empty sections are left out.
 *
 * @example
 * console.log(formatPlan(await readPlan('.claude/plans/plan-20240501T120000123Z.json')));
 */
export function formatPlan(record: PlanRecord): string {
  const out: string[] = [];
  const section = (title: string, body: string) => out.push('', title, body.replace(/^/gm, '  '));

  out.push(
    `${record.plan_id}  ${record.command}  scope: ${record.scope}  ${record.status.toUpperCase()}  ${formatDuration(record.duration_ms)}`,
    `objective: ${record.objective}`,
    `strategy: ${record.strategy} (complexity ${record.complexity})  started ${formatTime(record.started_at)}  ended ${formatTime(record.ended_at)}  as of ${record.as_of}`,
  );
  if (record.error)
    out.push(`error: stage ${record.error.task_id}: [${record.error.code}] ${record.error.message}`);

  const stageRows = record.stages.flatMap((stage, i) =>
    stage.tasks.map((t, j) => [
      j === 0 ? `${i + 1}${stage.execution === 'parallel' ? ' ‖' : ''}` : '',
      t.task_id,
      t.kind === 'merge-gate' ? `${t.name} [gate]` : t.name,
      t.owner_role === t.agent
        ? formatParty(t.agent, t.owner)
        : `${t.agent} → ${formatParty(t.owner_role, t.owner)}`,
      t.status,
      t.attempts === 1 ? '1 attempt' : `${t.attempts} attempts`,
      formatDuration(t.duration_ms),
      t.error ? `${t.error.code}: ${t.error.message}` : (t.skip_reason ?? ''),
    ]),
  );
  section('stages', table(stageRows));

  if (record.data_fingerprints.length > 0) {
    section(
      'data',
      table(
        record.data_fingerprints.map((f) => [
          f.source,
          `${formatValue(f.rows)} rows`,
          f.hash,
          `(${f.task_id})`,
        ]),
      ),
    );
  }
  if (record.row_accounting.length > 0) {
    section(
      'rows',
      table(
        record.row_accounting.map((r) => [
          r.source,
          `in ${formatValue(r.rows_in)}`,
          `= accepted ${formatValue(r.accepted)}`,
          `+ deduplicated ${formatValue(r.deduplicated)}`,
          `+ rejected ${formatValue(r.rejected)}`,
          r.rejects_file ? `rejects: ${r.rejects_file}` : '',
        ]),
      ),
    );
  }
  if (record.alerts.length > 0) {
    section(
      'alerts',
      table(
        record.alerts.map((a) => [
          a.id,
          a.detail
            ? `${a.metric}: ${a.detail}`
            : `${a.metric} ${formatValue(a.value)} (breach ${a.direction} ${formatValue(a.threshold)})`,
          a.breached
            ? `BREACHED${a.consecutive_breaches > 1 ? ` ${a.consecutive_breaches} as-of dates in a row` : ''}`
            : 'ok',
          a.escalation ? `→ escalated to ${formatParty(a.escalation.role, a.escalation.person)}` : '',
        ]),
      ),
    );
  }
  if (record.escalations.length > 0) {
    section(
      'escalations',
      record.escalations
        .map(
          (e) =>
            `level ${e.level}: ${e.alert_id} → ${formatParty(e.role, e.person)} after ${e.consecutive_breaches} consecutive breaches`,
        )
        .join('\n'),
    );
  }
  if (record.fallbacks_used.length > 0) {
    section(
      'fallbacks',
      record.fallbacks_used
        .map((f) => `${f.context}: ${f.from} → ${f.to} (${f.person ?? 'nobody'}): ${f.reason}`)
        .join('\n'),
    );
  }
  if (record.change_log.length > 0) {
    section(
      record.previous_plan_id ? `changes since ${record.previous_plan_id}` : 'changes',
      record.change_log
        .map((c) =>
          c.change === 'initial'
            ? 'first run of this command and scope'
            : `${c.field} ${c.change}: ${formatValue(c.from)} → ${formatValue(c.to)}`,
        )
        .join('\n'),
    );
  }
  if (record.notes.length > 0) {
    section('notes', record.notes.map((n) => `${n.task_id ? `[${n.task_id}] ` : ''}${n.message}`).join('\n'));
  }
  return out.join('\n');
}
