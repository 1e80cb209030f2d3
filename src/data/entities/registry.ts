import type { EntitySpec } from './entity-spec.ts';
import { assignments, experiments } from './experiments.ts';
import { advocates, clicks, conversions, npsResponses, payouts, referrals, shares } from './referrals.ts';
import { csatResponses, ledger, members, orders, rewards, tierRules } from './loyalty.ts';
import { consentRecords, decisions, outcomes, ruleChanges } from './personalization.ts';
import { opportunities } from './opportunities.ts';
import { people } from './people.ts';
import { stageHistory } from './stage-history.ts';
import { touchpoints } from './touchpoints.ts';

/**
 * Every canonical data entity gtm reads. Adding one is an entry here (usually `typedEntity({...})`
 * in its own file) plus its name in `gtm.schema.json`'s `sources[].entity`: commands then list it
 * in their `entities` and get it gathered, normalized, deduplicated and accounted for.
 */
export const ENTITIES: Readonly<Record<string, EntitySpec>> = Object.freeze(
  Object.fromEntries(
    [
      people,
      touchpoints,
      opportunities,
      stageHistory,
      experiments,
      assignments,
      advocates,
      shares,
      clicks,
      referrals,
      conversions,
      payouts,
      npsResponses,
      members,
      ledger,
      orders,
      rewards,
      tierRules,
      csatResponses,
      decisions,
      outcomes,
      ruleChanges,
      consentRecords,
    ].map((e) => [e.name, e]),
  ),
);

/** The entity named, or undefined. */
export const entitySpec = (name: string): EntitySpec | undefined =>
  Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name] : undefined;

export const ENTITY_NAMES: readonly string[] = Object.keys(ENTITIES);
