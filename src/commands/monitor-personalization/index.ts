/**
 * `monitor-personalization`: performance of personalization against the holdout by profile,
 * channel and variant; a governance scan (consent, fallback and error rates by rule, change
 * approvals, changes inside running experiments, stale rules); experiment readouts with rollout
 * guidance; anomaly detection (freshness, volume, variant suppression, KPI dips); an owned
 * backlog with escalation along Testing Lead → Personalization Architect → Data Privacy Lead.
 */
import {
  runCommand,
  type CommandDef,
  type CommandRun,
  type FlagArgsOf,
  type RunCommandOptions,
} from '../kit/index.ts';
import { buildMonitorPersonalizationDashboard } from './dashboard.ts';
import { formatMonitorPersonalization } from './format.ts';
import {
  MONITOR_PERSONALIZATION_COMMAND,
  resolveMonitorPersonalization,
  type MONITOR_PERSONALIZATION_FLAGS,
  type MonitorPersonalizationContext,
} from './inputs.ts';
import { narrowTables } from './aggregate-stage.ts';
import { monitorPersonalizationPlan, type MonitorPersonalizationOutputs } from './plan.ts';
import { buildMonitorPersonalizationResult, type MonitorPersonalizationResult } from './result.ts';
import { monitorPersonalizationFiles } from './write-reports.ts';
import { skippedWarnings, unmeasuredWarnings } from './issues-stage.ts';

/**
 * The warning of a window without decisions while the sources hold some (an as-of past the data, or
 * before it): the run reports an empty window, as the other commands do, and says so.
 */
function emptyWindowWarning(r: MonitorPersonalizationResult): string[] {
  if (r.totals.decisions > 0) return [];
  const all = r.initiative.decisions_all_time.toLocaleString('en-US');
  return [
    `no decisions of ${r.initiative.name ?? 'any initiative'} in the ${r.window.label} window to ${r.as_of} (${all} outside it): the report describes an empty window; check --window and --as-of`,
  ];
}

export const monitorPersonalization: CommandDef<
  typeof MONITOR_PERSONALIZATION_FLAGS,
  MonitorPersonalizationContext,
  MonitorPersonalizationOutputs,
  MonitorPersonalizationResult
> = {
  ...MONITOR_PERSONALIZATION_COMMAND,
  workspace: 'required',
  entities: ['decisions', 'outcomes', 'rule_changes', 'consent_records', 'experiments'],
  // decision sources without a row stop the run (DATA); an outcomes source without one is named by
  // its freshness alert and, with no outcome row at all, by the unmeasured-KPI warning
  emptyReported: ['decisions', 'outcomes'],
  narrow: narrowTables,
  // every query has a ClickHouse 18.16 form; the cluster parity e2e gives DuckDB's result.json
  clickhouse: true,
  ladder: ['testing_lead', 'personalization_architect', 'data_privacy_lead'],
  resolve: resolveMonitorPersonalization,
  plan: monitorPersonalizationPlan,
  report: {
    after: ['backlog'],
    owner: 'testing_lead',
    purpose:
      'Dashboard by profile/channel/variant, governance checklist, experiment memo, backlog, result.json',
    build: buildMonitorPersonalizationResult,
    dashboard: (r, o) => buildMonitorPersonalizationDashboard(r, o),
    detail: (r) => r.inputs.detail,
    files: (r, o) => monitorPersonalizationFiles(r, o),
  },
  format: (r) => formatMonitorPersonalization(r, r.inputs.detail),
  warnings: (r) => [...emptyWindowWarning(r), ...skippedWarnings(r), ...unmeasuredWarnings(r)],
};

/**
 * Runs monitor-personalization in a workspace and returns its result, plan record and report paths.
 *
 * @example
 * const { result } = await runMonitorPersonalization({ initiative: 'PLG Onboarding', window: '14d' }, { cwd: 'gtm-demo' });
 * result.backlog.items[0];
 */
export function runMonitorPersonalization(
  inputs: FlagArgsOf<typeof MONITOR_PERSONALIZATION_FLAGS>,
  options?: RunCommandOptions,
): Promise<CommandRun<MonitorPersonalizationResult>> {
  return runCommand(monitorPersonalization, inputs, options);
}

export {
  MONITOR_PERSONALIZATION_FLAGS,
  MONITOR_PERSONALIZATION_COMMAND,
  DIMENSIONS,
  type MonitorPersonalizationInputs,
} from './inputs.ts';
export { MONITOR_PERSONALIZATION_SCHEMA_ID, type MonitorPersonalizationResult } from './result.ts';
export { formatMonitorPersonalization } from './format.ts';
