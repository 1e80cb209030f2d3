import { usageError } from '../../errors/index.ts';
import type { LoyaltyConfig, WorkspaceConfig } from '../../workspace/index.ts';
import { THRESHOLDS } from '../../workspace/thresholds.ts';
import type { CommandManifest } from '../kit/command-def.ts';
import { defineFlags, type FlagValuesOf } from '../kit/flag-spec.ts';
import { previousWindow, resolveWindow, windowPattern, type ResolvedWindow } from '../shared/window/index.ts';

export const LOYALTY_DIMENSIONS = ['tier', 'cohort', 'region', 'channel'] as const;
export type LoyaltyDimension = (typeof LOYALTY_DIMENSIONS)[number];

/** Default of `--alert-threshold` when gtm.yaml sets no `thresholds.loyalty_active_member_rate`. */
export const DEFAULT_ACTIVE_RATE = THRESHOLDS.loyalty_active_member_rate.default;
/** Default of `thresholds.loyalty_liability_spike`: a 10% rise of the liability since the previous run. */
export const DEFAULT_LIABILITY_SPIKE = THRESHOLDS.loyalty_liability_spike.default;

/** The flags of `monitor-loyalty`, as its specification names them. */
export const MONITOR_LOYALTY_FLAGS = defineFlags({
  window: {
    type: 'string',
    placeholder: '7d|30d|quarter|Nd',
    description: '7d, 30d, any Nd ending at as-of, or quarter (the calendar quarter to date)',
    pattern: windowPattern(['quarter']),
    default: '30d',
    example: '30d',
  },
  detail: {
    type: 'string',
    choices: ['summary', 'full'],
    description:
      'length of summary.md and the terminal view; full also writes member_scores.csv, one row per member',
    default: 'summary',
  },
  dimensions: {
    type: 'list',
    choices: LOYALTY_DIMENSIONS,
    description: 'KPI breakdowns (tier is always computed)',
    aliases: ['dimension'],
  },
  experiments: {
    type: 'list',
    placeholder: 'ID,…|none',
    description:
      'experiment ids to read out (default: every experiment with assignments whose units are mostly loyalty members; none: skip the review)',
    example: 'double-points-oct',
  },
  alert_threshold: {
    type: 'number',
    placeholder: '0..1',
    min: 0,
    max: 1,
    description: `minimum active member rate (members with an earn or redeem event in the window / members); default thresholds.loyalty_active_member_rate or ${DEFAULT_ACTIVE_RATE}`,
    example: '0.25',
  },
});

/** What the CLI and agent tools know of monitor-loyalty before loading it. */
export const MONITOR_LOYALTY_COMMAND: CommandManifest<typeof MONITOR_LOYALTY_FLAGS> = {
  name: 'monitor-loyalty',
  plugin: 'loyalty-lifecycle-orchestration',
  summary:
    'Loyalty programme health: KPIs by tier/cohort/region/channel, points liability and breakage, churn risk and CLV, segments to act on',
  flags: MONITOR_LOYALTY_FLAGS,
  examples: [
    'gtm monitor-loyalty --window 30d --detail full --dimensions tier,region',
    `gtm run '/loyalty-lifecycle-orchestration:monitor-loyalty --window 30d --detail full --dimensions "tier,region"'`,
    'gtm monitor-loyalty --window quarter --experiments double-points-oct --alert-threshold 0.3 --json',
  ],
};

/** Inputs of `monitor-loyalty` as recorded in the result and the plan. */
export interface MonitorLoyaltyInputs {
  window: string;
  detail: 'summary' | 'full';
  dimensions: LoyaltyDimension[];
  /** Experiment ids asked for; empty: all; null: review skipped (`--experiments none`). */
  experiments: string[] | null;
  alert_threshold: number;
  as_of: string;
}

/** Everything a run derives from its flags and the workspace before any data is read. */
/** The entities monitor-loyalty normalizes, in the order its row accounting lists them. */
export const LOYALTY_ENTITIES = [
  'members',
  'ledger',
  'orders',
  'rewards',
  'tier_rules',
  'csat_responses',
  'experiments',
  'assignments',
] as const;

export interface MonitorLoyaltyContext {
  inputs: MonitorLoyaltyInputs;
  window: ResolvedWindow;
  previous: ResolvedWindow;
  config: LoyaltyConfig;
  liabilitySpike: number;
  /** The run's engine is the embedded DuckDB (normalize writes `lm_ledger` and `lm_orders` then). */
  duckdb: boolean;
}

/**
 * The plan's scope: runs of the same programme and window form a history (alert streaks, the
 * liability change since the previous run, the change log), as optimize-referrals and
 * monitor-personalization keep one per window: a 7d and a 90d run measure different active rates,
 * and one must not make the other's breach the second in a row.
 */
export const loyaltyScope = (c: Pick<MonitorLoyaltyContext, 'config' | 'window'>): string =>
  `${c.config.program}:${c.window.label}`;

function experimentsOf(list: string[] | undefined): string[] | null {
  if (!list?.length) return [];
  if (list.length === 1 && list[0].trim().toLowerCase() === 'none') return null;
  if (list.some((x) => x.trim().toLowerCase() === 'none'))
    throw usageError(
      'none cannot be combined with experiment ids',
      '--experiments',
      'e.g. --experiments none',
    );
  return [...new Set(list.map((x) => x.trim()).filter(Boolean))];
}

/** Flags → the run's context: window (and the one before it), dimensions, thresholds, settings. */
export function resolveMonitorLoyalty(
  flags: FlagValuesOf<typeof MONITOR_LOYALTY_FLAGS>,
  { ws, asOf }: { ws: WorkspaceConfig; asOf: string },
): MonitorLoyaltyContext {
  const window = resolveWindow(flags.window, asOf, { keywords: ['quarter'] });
  const spike = ws.thresholds.loyalty_liability_spike ?? DEFAULT_LIABILITY_SPIKE;
  if (!(spike >= 0) || !Number.isFinite(spike))
    throw usageError(
      `thresholds.loyalty_liability_spike must be a number ≥ 0, got ${spike}`,
      'gtm.yaml',
      'e.g. 0.1',
    );
  return {
    window,
    previous: previousWindow(window),
    config: ws.loyalty,
    liabilitySpike: spike,
    duckdb: ws.engine.kind === 'duckdb',
    inputs: {
      window: window.label,
      detail: flags.detail,
      dimensions: [...new Set(['tier' as const, ...(flags.dimensions ?? [])])],
      experiments: experimentsOf(flags.experiments),
      alert_threshold:
        flags.alert_threshold ?? ws.thresholds.loyalty_active_member_rate ?? DEFAULT_ACTIVE_RATE,
      as_of: asOf,
    },
  };
}
