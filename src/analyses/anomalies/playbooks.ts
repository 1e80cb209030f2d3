import type { DetectorName } from './types.ts';

/**
 * First responses per detector and direction. Data problems come first in every KPI playbook: a
 * partial load or a tracking break looks exactly like a business change, and is far more common.
 */
export const PLAYBOOKS: Readonly<Record<DetectorName, Readonly<{ pos: string; neg: string }>>> = {
  'seasonal-hybrid-esd': {
    pos: 'KPI above its seasonal baseline: rule out duplicated events, bot traffic and backfills first; then look for a launch, campaign or pricing change in this segment and confirm it in the per-channel breakdown before crediting a personalization change.',
    neg: 'KPI below its seasonal baseline: check source freshness and row volume for the day first (a partial load looks like a drop); then recent releases, targeting rules and experiment allocation for this segment; escalate if it persists the next day.',
  },
  'same-weekday-z': {
    pos: 'KPI far above the same weekday of recent weeks: rule out double counting, bots and backfills; then check launches, campaigns or holidays for this day before crediting a change.',
    neg: 'KPI far below the same weekday of recent weeks: check freshness and volume of the day first; then releases, consent or tracking changes, and personalization/experiment rollouts for this segment.',
  },
  'trailing-robust-z': {
    pos: 'Deseasonalised KPI jumped above its recent level: check for a level shift (new traffic source, tracking change) versus a one-day spike before updating targets.',
    neg: 'Deseasonalised KPI fell below its recent level: check data completeness, then whether a rollout or rule change coincides with the start of the drop.',
  },
  'departure-episode': {
    pos: 'KPI has stayed above its recent level for these days: check whether a tracking change, new traffic source, price or bid change, or a rollout began on the first day of the episode, and whether it is still running; confirm in the per-channel breakdown before updating targets.',
    neg: 'KPI has stayed below its recent level for these days: check data completeness for the first day of the episode, then releases, rule or allocation changes that began then; if it is still running, roll back or escalate rather than wait for it to recover.',
  },
  'level-shift': {
    pos: 'KPI moved to a higher level from this day and has held it since: look for what changed that day (tracking or attribution change, new traffic source, price, bid or targeting change, a rollout) and whether it was intended before updating baselines and targets.',
    neg: 'KPI dropped to a lower level from this day and has held it since: check data completeness and tracking for that day first, then releases, rule, consent or allocation changes that began then; a step that holds is not noise, so roll back or escalate rather than wait.',
  },
  'data-freshness': {
    pos: 'Source is late against its SLA: check the loader or export job and its last error; mark dependent metrics as provisional and hold decisions that rely on them until it catches up.',
    neg: 'Source has timestamps ahead of the run time: check clock or time-zone handling in the export before trusting the day boundaries.',
  },
  'volume-drop': {
    pos: 'Row volume far above the same weekday: check for duplicate loads or replays before reading any rate.',
    neg: 'Row volume dropped against the same weekday: check the extraction job, tracking deployment, consent-banner and ad-blocker changes, and partial days; treat the day’s KPIs as incomplete until explained.',
  },
  'variant-suppression': {
    pos: 'Variant over-exposed against its planned share: check allocation weights, sticky bucketing and bot filtering; the readout is biased until the split matches plan.',
    neg: 'Variant under-exposed against its planned share: check targeting and eligibility rules, feature-flag overrides, caching/CDN of the control path and exposure logging; pause the readout (sample-ratio mismatch) until fixed.',
  },
  'variant-stalled': {
    pos: 'Variant exposures restarted after a stall: note the gap in the experiment log and exclude the stalled days from the readout.',
    neg: 'Variant received no exposures while others did: check whether it was switched off, its code path errors, or its exposure event stopped firing; the readout is invalid until it serves again.',
  },
};

/**
 * The playbook for a detector and direction.
 *
 * @example
 * playbookFor('volume-drop', 'neg'); // 'Row volume dropped against the same weekday: …'
 */
export function playbookFor(detector: DetectorName, direction: 'pos' | 'neg'): string {
  return PLAYBOOKS[detector][direction];
}
