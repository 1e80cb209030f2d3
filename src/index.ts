/**
 * gtm as a TypeScript library: the commands as functions (typed inputs, typed results, an audited
 * plan per run), the models they use, the engine and the workspace. Everything here is what the
 * CLI uses; nothing is private to it.
 *
 * Each `@example` below is compiled by the test suite (`test/unit/library/jsdoc-examples.test.ts`)
 * against this module, so they stay true.
 *
 * @example
 * ```ts
 * import { runTrackSource } from 'gtm-analytics';
 * const { result, planPath } = await runTrackSource(
 *   { campaign: 'AI Launch Tour', window: '30d', detail: 'full' },
 *   { cwd: 'gtm-demo', asOf: '2026-11-15' },
 * );
 * console.log(result.totals.pipeline, result.by_partner.map((p) => [p.name, p.pipeline]), planPath);
 * ```
 */

// ── Commands: run<Name>(flags, options) → { result, record, planPath, reportsDir, files, problems }
export {
  runTrackSource,
  trackSource,
  TRACK_SOURCE_FLAGS,
  type TrackSourceResult,
  type TrackSourceInputs,
} from './commands/track-source/index.ts';
export {
  runDefineEvents,
  defineEvents,
  DEFINE_EVENTS_FLAGS,
  type DefineEventsResult,
  type DefineEventsInputs,
} from './commands/define-events/index.ts';
export {
  runOptimizeReferrals,
  optimizeReferrals,
  OPTIMIZE_REFERRALS_FLAGS,
  type ReferralsResult,
  type ReferralsInputs,
} from './commands/optimize-referrals/index.ts';
export {
  runMonitorLoyalty,
  monitorLoyalty,
  MONITOR_LOYALTY_FLAGS,
  type MonitorLoyaltyResult,
  type MonitorLoyaltyInputs,
} from './commands/monitor-loyalty/index.ts';
export {
  runMonitorPersonalization,
  monitorPersonalization,
  MONITOR_PERSONALIZATION_FLAGS,
  type MonitorPersonalizationResult,
  type MonitorPersonalizationInputs,
} from './commands/monitor-personalization/index.ts';
export {
  runAttribute,
  runAttributeTouchpoints,
  type AttributeOptions,
  type AttributeResult,
  type AttributeTouchpointsOptions,
} from './commands/attribute/index.ts';
export {
  runCommand,
  flagsJsonSchema,
  type CommandDef,
  type CommandManifest,
  type CommandRun,
  type RunCommandOptions,
  type FlagArgsOf,
} from './commands/kit/index.ts';
export {
  runExperimentReadout,
  type ExperimentReadoutOptions,
  type ReadoutResult,
} from './commands/experiment-readout/index.ts';

// ── Models (pure functions over plain data)
/**
 * Attribution over path summaries: 14 models (`first-touch` … `markov`, `shapley`, `fractribution`).
 *
 * @example
 * ```ts
 * import { attribute } from 'gtm-analytics';
 * const r = attribute(
 *   [
 *     { path: ['email', 'search'], conversions: 3, value: 300, nulls: 10 },
 *     { path: ['search'], conversions: 1, value: 80, nulls: 20 },
 *   ],
 *   'markov',
 * );
 * const search: number | undefined = r.channels.find((c) => c.channel === 'search')?.conversions;
 * ```
 */
export {
  attribute,
  MODEL_NAMES,
  type ModelName,
  type PathRecord,
  type AttributionResult,
} from './analyses/attribution/index.ts';
/**
 * Experiment statistics on per-arm sufficient statistics, and the ship / keep running / stop /
 * roll back decision.
 *
 * @example
 * ```ts
 * import { analyzeExperiment, decide, DEFAULT_ANALYSIS_SETTINGS } from 'gtm-analytics';
 * const analysis = analyzeExperiment(
 *   {
 *     variants: [{ name: 'control' }, { name: 'bonus' }],
 *     metrics: [{ name: 'conversion', arms: [{ kind: 'proportion', n: 5000, sum: 400 }, { kind: 'proportion', n: 5000, sum: 470 }] }],
 *     daysRunning: 21,
 *   },
 *   DEFAULT_ANALYSIS_SETTINGS,
 * );
 * const action: string = decide(analysis).action;
 * ```
 */
export {
  analyzeExperiment,
  decide,
  DEFAULT_ANALYSIS_SETTINGS,
  DEFAULT_DECISION_POLICY,
  type ExperimentInput,
  type ExperimentAnalysis,
  type Decision,
  type ArmData,
} from './analyses/experiments/index.ts';
/**
 * Customer-base models: BG/NBD (P(alive), expected purchases) and Gamma-Gamma (spend), fitted by
 * maximum likelihood on (x, t_x, T) — or their distinct combinations with a weight.
 *
 * @example
 * ```ts
 * import { fitBgnbd, bgnbdProbabilityAlive } from 'gtm-analytics';
 * const fit = fitBgnbd({ x: [2, 0, 5], tx: [30.4, 0, 35.1], T: [38.9, 38.9, 38.9] });
 * const alive: number = bgnbdProbabilityAlive(fit.params, 2, 30.4, 38.9);
 * ```
 */
export {
  fitBgnbd,
  fitGammaGamma,
  bgnbdProbabilityAlive,
  bgnbdConditionalExpectedPurchases,
  customerLifetimeValue,
  estimateBreakage,
  recognizePointsRevenue,
  allocateTransactionPrice,
} from './analyses/loyalty/index.ts';
export { scoreReferrals, detectRings, connectedComponents, FRAUD_RULES } from './analyses/fraud/index.ts';
export { referralMetrics, partnerHealth, projectLift } from './analyses/referrals/index.ts';
export {
  stl,
  seasonalHybridEsd,
  sameWeekdayZScore,
  trailingRobustZScore,
  departureEpisodes,
  levelShift,
  detectDailyKpiAnomalies,
} from './analyses/anomalies/index.ts';

// ── Engine, workspace, errors
export { openDuckDb, type Engine, type DuckDbEngine } from './data/index.ts';
export { loadWorkspace, defaultWorkspace, type WorkspaceConfig } from './workspace/index.ts';
export { GtmError, EXIT_CODES, type ErrorCode } from './errors/index.ts';
