/**
 * `monitor-loyalty`: loyalty programme health for managers and finance. Gather members, the points
 * ledger, orders, rewards, tier rules and CSAT; diagnose KPIs by tier, cohort, region and channel,
 * the points liability and breakage (IFRS 15), churn risk and customer value (BG/NBD, Gamma-Gamma,
 * RFM); read out campaign tests; list the segments to act on and an owned, prioritized backlog.
 */
import {
  runCommand,
  type CommandDef,
  type CommandRun,
  type FlagArgsOf,
  type RunCommandOptions,
} from '../kit/index.ts';
import { buildMonitorLoyaltyDashboard } from './dashboard.ts';
import { formatMonitorLoyalty } from './format.ts';
import {
  LOYALTY_ENTITIES,
  MONITOR_LOYALTY_COMMAND,
  resolveMonitorLoyalty,
  type MONITOR_LOYALTY_FLAGS,
  type MonitorLoyaltyContext,
} from './inputs.ts';
import { LADDER } from './liability-stage.ts';
import { monitorLoyaltyPlan, type MonitorLoyaltyOutputs } from './plan.ts';
import { LEDGER_NARROW, narrowTablesSpec } from './sql/member-summary-sql.ts';
import { buildMonitorLoyaltyResult, type MonitorLoyaltyResult } from './result.ts';
import { monitorLoyaltyTables } from './write-reports.ts';
import { memberScoresFile } from './member-scores-csv.ts';

export const monitorLoyalty: CommandDef<
  typeof MONITOR_LOYALTY_FLAGS,
  MonitorLoyaltyContext,
  MonitorLoyaltyOutputs,
  MonitorLoyaltyResult
> = {
  ...MONITOR_LOYALTY_COMMAND,
  workspace: 'required',
  entities: LOYALTY_ENTITIES,
  // DuckDB: lm_ledger and lm_orders as normalize's passes write them (member numbers, type codes,
  // reward costs and lot expiries computed in the pass); ClickHouse: the ledger's columns read, the
  // entry id as its cityHash64, in a view of the run
  narrow: (ctx) =>
    ctx.duckdb
      ? narrowTablesSpec({ end: ctx.window.end, expireMonths: ctx.config.points_expire_months })
      : { ledger: LEDGER_NARROW },
  clickhouse: true,
  ladder: LADDER,
  resolve: resolveMonitorLoyalty,
  plan: monitorLoyaltyPlan,
  report: {
    after: ['backlog'],
    owner: 'member_insights_analyst',
    purpose: 'Dashboard, summary, KPI and liability tables, segments and member lists, backlog, result.json',
    build: buildMonitorLoyaltyResult,
    dashboard: buildMonitorLoyaltyDashboard,
    detail: (r) => r.inputs.detail,
    // member_scores.csv under --detail full: one line per member (its ids read from the engine),
    // started first so that the engine reads them while this thread makes the tables
    files: async (r, o, run) => {
      const scores =
        r.inputs.detail === 'full' ? run.engine().then((e) => memberScoresFile(e, o)) : undefined;
      scores?.catch(() => undefined);
      const tables = monitorLoyaltyTables(r, o);
      return [...tables, ...(scores ? [await scores] : [])];
    },
  },
  format: (r) => formatMonitorLoyalty(r, r.inputs.detail),
  warnings: (r) => r.warnings,
};

/**
 * Runs monitor-loyalty in a workspace and returns its result, plan record and report paths.
 *
 * @example
 * const { result } = await runMonitorLoyalty({ window: '30d', dimensions: ['tier', 'region'] }, { cwd: 'gtm-demo' });
 * result.liability.liability;
 */
export function runMonitorLoyalty(
  inputs: FlagArgsOf<typeof MONITOR_LOYALTY_FLAGS>,
  options?: RunCommandOptions,
): Promise<CommandRun<MonitorLoyaltyResult>> {
  return runCommand(monitorLoyalty, inputs, options);
}

export {
  MONITOR_LOYALTY_FLAGS,
  MONITOR_LOYALTY_COMMAND,
  LOYALTY_DIMENSIONS,
  resolveMonitorLoyalty,
  type MonitorLoyaltyInputs,
  type LoyaltyDimension,
} from './inputs.ts';
export { RESULT_SCHEMA_ID, type MonitorLoyaltyResult } from './result.ts';
export type { BacklogItem } from './backlog.ts';
export { buildMonitorLoyaltyDashboard } from './dashboard.ts';
export { formatMonitorLoyalty } from './format.ts';
