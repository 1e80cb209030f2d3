import type { WorkspaceConfig } from '../../workspace/index.ts';
import type { CommandManifest } from '../kit/command-def.ts';
import { defineFlags, type FlagValuesOf } from '../kit/flag-spec.ts';
import { previousWindow, resolveWindow, windowPattern, type ResolvedWindow } from '../shared/window/index.ts';

export type { ResolvedWindow };

/** Breakdowns of the funnel, as the specification names them. */
export const DIMENSIONS = ['channel', 'persona', 'partner-tier', 'region'] as const;
export type DimensionName = (typeof DIMENSIONS)[number];

/** Default of `--alert-threshold` when neither the flag nor `thresholds.referral_conversion_rate` is set. */
export const DEFAULT_MIN_CONVERSION_RATE = 0.1;
/** Default of `thresholds.referral_fraud_reject_share`. */
export const DEFAULT_MAX_REJECT_SHARE = 0.02;

/** The flags of `optimize-referrals`, as its specification names them. */
export const OPTIMIZE_REFERRALS_FLAGS = defineFlags({
  window: {
    type: 'string',
    placeholder: '7d|30d|90d|Nd',
    description:
      '7d, 30d, 90d or any Nd ending at as-of; the previous window of the same length gives the deltas',
    pattern: windowPattern(),
    default: '30d',
    example: '30d',
    check: (v: string) =>
      /^\s*\d+\s*d\s*$/i.test(v) ? undefined : `must be Nd (e.g. 7d, 30d, 90d), got "${v}"`,
  },
  detail: {
    type: 'string',
    choices: ['summary', 'full'],
    description: 'length of summary.md and the terminal view',
    default: 'summary',
  },
  dimensions: {
    type: 'list',
    choices: DIMENSIONS,
    description: 'funnel breakdowns (default channel)',
    example: 'channel,partner-tier',
    aliases: ['dimension'],
  },
  experiments: {
    type: 'list',
    placeholder: 'IDS',
    description:
      'incentive tests to read out (experiment ids of the experiments source), with fraud-rate and cost guardrails',
    example: 'ref-double-sided',
  },
  alert_threshold: {
    type: 'number',
    placeholder: '0..1',
    min: 0,
    max: 1,
    description:
      'minimum referral conversion rate (referred customers / referred sign-ups) before an alert; breached twice in a row it escalates (default thresholds.referral_conversion_rate or 0.1)',
    example: '0.15',
  },
});

/** What the CLI and agent tools know of optimize-referrals before loading it. */
export const OPTIMIZE_REFERRALS_COMMAND: CommandManifest<typeof OPTIMIZE_REFERRALS_FLAGS> = {
  name: 'optimize-referrals',
  plugin: 'referral-program-orchestration',
  summary: 'Referral funnel, incentive efficiency, fraud review and rings, partner health, owned backlog',
  flags: OPTIMIZE_REFERRALS_FLAGS,
  examples: [
    `gtm run '/referral-program-orchestration:optimize-referrals --window 30d --detail full --dimensions "channel,partner-tier"'`,
    'gtm optimize-referrals --window 90d --dimensions persona,region --experiments ref-double-sided --alert-threshold 0.2',
  ],
};

/** Inputs of optimize-referrals as recorded in the result and the plan. */
export interface ReferralsInputs {
  window: string;
  detail: 'summary' | 'full';
  dimensions: DimensionName[];
  experiments: string[];
  /** Minimum referral conversion rate (referred customers / referred sign-ups). */
  alert_threshold: number;
  /** Maximum share of scored referrals banded reject (thresholds.referral_fraud_reject_share). */
  fraud_reject_threshold: number;
  as_of: string;
}

/** Everything a run derives from its inputs and the workspace before any data is read. */
export interface ReferralsContext {
  inputs: ReferralsInputs;
  window: ResolvedWindow;
  previous: ResolvedWindow;
  /** Weeks of the trend series, ending at as-of (at least 4). */
  trendWeeks: number;
  /** Earliest instant any query reads (previous window or first trend week). */
  from: string;
  /** NPS answers are read over this many days ending at as-of (surveys are quarterly). */
  npsDays: number;
  /** The workspace's engine is DuckDB (the clicks' narrow table keeps the session as one hash). */
  duckdb: boolean;
}

const DAY = 86_400_000;

/** Flags → the run's context: windows, trend span, thresholds. */
export function resolveOptimizeReferrals(
  flags: FlagValuesOf<typeof OPTIMIZE_REFERRALS_FLAGS>,
  { ws, asOf }: { ws: WorkspaceConfig; asOf: string },
): ReferralsContext {
  const window = resolveWindow(flags.window.replace(/\s+/g, ''), asOf);
  const previous = previousWindow(window);
  const trendWeeks = Math.max(4, Math.ceil(window.days / 7));
  const end = Date.parse(window.end);
  const from = new Date(Math.min(Date.parse(previous.start), end - trendWeeks * 7 * DAY)).toISOString();
  return {
    window,
    previous,
    trendWeeks,
    from,
    npsDays: Math.max(window.days, 90),
    duckdb: ws.engine.kind === 'duckdb',
    inputs: {
      window: window.label,
      detail: flags.detail,
      dimensions: flags.dimensions?.length ? [...flags.dimensions] : ['channel'],
      experiments: flags.experiments ?? [],
      alert_threshold:
        flags.alert_threshold ?? ws.thresholds.referral_conversion_rate ?? DEFAULT_MIN_CONVERSION_RATE,
      fraud_reject_threshold: ws.thresholds.referral_fraud_reject_share ?? DEFAULT_MAX_REJECT_SHARE,
      as_of: asOf,
    },
  };
}
