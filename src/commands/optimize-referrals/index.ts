/**
 * `optimize-referrals`: referral and partner program readout. Data refresh → performance
 * diagnostics ‖ risk review (merge gate) → partner health ‖ incentive experiments → playbook: the
 * funnel and its KPIs by window and dimension, fraud heuristics with evidence, rings and held
 * payouts, partner health, experiment readouts, and a backlog with owners, ETAs and projected lift.
 */
import {
  runCommand,
  type CommandDef,
  type CommandRun,
  type FlagArgsOf,
  type RunCommandOptions,
} from '../kit/index.ts';
import { buildReferralsDashboard } from './dashboard.ts';
import { formatReferrals } from './format.ts';
import {
  OPTIMIZE_REFERRALS_COMMAND,
  resolveOptimizeReferrals,
  type OPTIMIZE_REFERRALS_FLAGS,
  type ReferralsContext,
} from './inputs.ts';
import { referralsPlan, type ReferralsOutputs } from './plan.ts';
import { CLICKS_NARROW, CLICKS_NARROW_DUCKDB } from './sql/derive-sql.ts';
import { buildReferralsResult, type ReferralsResult } from './result.ts';
import { referralsTables } from './write-reports.ts';

/** The entities the command reads (the shared experiments and assignments feed `--experiments`). */
export const REFERRAL_ENTITIES = [
  'advocates',
  'shares',
  'clicks',
  'referrals',
  'conversions',
  'payouts',
  'nps_responses',
  'experiments',
  'assignments',
] as const;

export const optimizeReferrals: CommandDef<
  typeof OPTIMIZE_REFERRALS_FLAGS,
  ReferralsContext,
  ReferralsOutputs,
  ReferralsResult
> = {
  ...OPTIMIZE_REFERRALS_COMMAND,
  workspace: 'required',
  entities: REFERRAL_ENTITIES,
  // the clicks (the largest entity) as normalize writes them from its own pass: never read through
  // their view; on DuckDB with the session as one hash computed in the pass
  narrow: (ctx) => ({ clicks: ctx.duckdb ? CLICKS_NARROW_DUCKDB : CLICKS_NARROW }),
  ladder: ['referral_architect', 'partner_ops', 'exec_sponsor'],
  clickhouse: true,
  resolve: resolveOptimizeReferrals,
  plan: referralsPlan,
  report: {
    after: ['playbook'],
    owner: 'referral_architect',
    purpose:
      'Performance dashboard with insights, fraud/risk summary, partner table, backlog, result.json and CSV tables',
    build: buildReferralsResult,
    dashboard: (r) => buildReferralsDashboard(r),
    detail: (r) => r.inputs.detail,
    files: (r, o) => referralsTables(r, o),
  },
  format: (r) => formatReferrals(r, r.inputs.detail),
  warnings: (r) => [
    ...(r.fraud.scored === 0
      ? [`no referral signed up in the ${r.window.label} window to ${r.as_of}; check --window and --as-of`]
      : []),
    // an id the workspace does not know is refused (--experiments); these are known tests without data
    ...(r.experiments?.missing ?? []).map(
      (m) =>
        `experiment "${m}" not read out: ${r.experiments?.skipped.find((s) => s.id.toLowerCase() === m.toLowerCase())?.reason ?? 'no data in the window'}`,
    ),
  ],
};

/**
 * Runs optimize-referrals in a workspace and returns its result, plan record and report paths.
 *
 * @example
 * const { result } = await runOptimizeReferrals({ window: '30d', dimensions: ['channel', 'partner-tier'] }, { cwd: 'gtm-demo' });
 * result.fraud.by_band.reject;
 */
export function runOptimizeReferrals(
  inputs: FlagArgsOf<typeof OPTIMIZE_REFERRALS_FLAGS>,
  options?: RunCommandOptions,
): Promise<CommandRun<ReferralsResult>> {
  return runCommand(optimizeReferrals, inputs, options);
}

export {
  OPTIMIZE_REFERRALS_FLAGS,
  OPTIMIZE_REFERRALS_COMMAND,
  DIMENSIONS,
  resolveOptimizeReferrals,
  type ReferralsInputs,
  type DimensionName,
} from './inputs.ts';
export { RESULT_SCHEMA_ID, type ReferralsResult } from './result.ts';
export { buildReferralsDashboard, executiveSummary } from './dashboard.ts';
export { formatReferrals } from './format.ts';
