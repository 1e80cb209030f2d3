/**
 * `track-source`: partner co-marketing attribution. Gather CRM and analytics touchpoints,
 * normalize them (UTMs, currencies, funnel stages, dedupe), attribute pipeline and revenue across
 * partners and channels with a chosen model, and report contribution vs targets with insights and
 * owned actions.
 */
import {
  runCommand,
  type CommandDef,
  type CommandRun,
  type FlagArgsOf,
  type RunCommandOptions,
} from '../kit/index.ts';
import { buildTrackSourceDashboard } from './dashboard.ts';
import { formatTrackSource } from './format.ts';
import type { TRACK_SOURCE_FLAGS } from './inputs.ts';
import { resolveTrackSource, TRACK_SOURCE_COMMAND, type TrackSourceContext } from './inputs.ts';
import { trackSourcePlan, type TrackSourceOutputs } from './plan.ts';
import { buildTrackSourceResult, type TrackSourceResult } from './result.ts';
import { trackSourceTables } from './write-reports.ts';

export const trackSource: CommandDef<
  typeof TRACK_SOURCE_FLAGS,
  TrackSourceContext,
  TrackSourceOutputs,
  TrackSourceResult
> = {
  ...TRACK_SOURCE_COMMAND,
  workspace: 'required',
  entities: ['people', 'touchpoints', 'opportunities', 'stage_history'],
  // sources and SQL have a ClickHouse form; the cluster parity e2e gives DuckDB's result.json
  clickhouse: true,
  ladder: ['co_marketing_analytics_lead', 'revops_finance', 'exec_sponsor'],
  resolve: resolveTrackSource,
  plan: trackSourcePlan,
  report: {
    after: ['actions'],
    owner: 'co_marketing_analytics_lead',
    purpose: 'Dashboard, executive summary, contribution table, action list, result.json',
    build: buildTrackSourceResult,
    dashboard: buildTrackSourceDashboard,
    detail: (r) => r.inputs.detail,
    files: (r) => trackSourceTables(r),
  },
  format: (r) => formatTrackSource(r, r.inputs.detail),
  warnings: (r) =>
    r.campaign.window_share === 0
      ? [
          r.window.label === 'campaign' && r.window.days === 0
            ? `campaign "${r.campaign.name}" starts on ${r.campaign.start}, after as-of ${r.as_of}: the campaign window is empty and nothing is in scope; run with --as-of on or after ${r.campaign.start}, or an Nd window`
            : `the ${r.window.label} window to ${r.as_of} does not overlap campaign "${r.campaign.name}" (${r.campaign.start} to ${r.campaign.end}); check --window and --as-of`,
        ]
      : [],
};

/**
 * Runs track-source in a workspace and returns its result, plan record and report paths.
 *
 * @example
 * const { result } = await runTrackSource({ campaign: 'AI Launch Tour', window: '30d' }, { cwd: 'gtm-demo' });
 * result.by_partner.map((p) => [p.name, p.pipeline]);
 */
export function runTrackSource(
  inputs: FlagArgsOf<typeof TRACK_SOURCE_FLAGS>,
  options?: RunCommandOptions,
): Promise<CommandRun<TrackSourceResult>> {
  return runCommand(trackSource, inputs, options);
}

export {
  TRACK_SOURCE_FLAGS,
  TRACK_SOURCE_COMMAND,
  DIMENSIONS,
  resolveTrackSource,
  type TrackSourceInputs,
  type DimensionName,
} from './inputs.ts';
export { RESULT_SCHEMA_ID, type TrackSourceResult, type OwnedAction } from './result.ts';
export { executiveSummary, buildTrackSourceDashboard } from './dashboard.ts';
export { formatTrackSource } from './format.ts';
