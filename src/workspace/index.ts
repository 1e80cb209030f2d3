export { loadWorkspace, defaultWorkspace, CONFIG_FILE, SCHEMA_PATH, keyPath } from './load-workspace.ts';
export type * from './workspace-config.ts';
export { THRESHOLDS, THRESHOLD_KEYS, thresholdsSchema } from './thresholds.ts';
export type { Thresholds, ThresholdKey, ThresholdSpec, FilledThresholdKey } from './thresholds.ts';
export {
  DEFAULT_CHANNEL_RULES,
  DEFAULT_FUNNEL_STAGES,
  DEFAULT_STAGE_MAPPING,
  DEFAULT_UTM_ALIASES,
} from './default-channel-rules.ts';
export type { ReferralsConfig } from './referrals-config.ts';
export type { LoyaltyConfig } from './loyalty-config.ts';
export type { PersonalizationConfig } from './personalization-config.ts';
