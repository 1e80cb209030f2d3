export {
  buildJourneys,
  lastTouchAtOrBefore,
  type OpportunityJourney,
  type Touch,
  type Dimension,
} from './journeys.ts';
export { contributionVsTarget, type ContributionRow } from './contribution-vs-target.ts';
export {
  funnelDropoff,
  FUNNEL_MIN_BASE,
  worstAgainstOverall,
  type FunnelRow,
  type FunnelDropoff,
  type FunnelStep,
} from './funnel-dropoff.ts';
export { recommendActions, type Action, type ActionInput, type CreditRow } from './recommend-actions.ts';
