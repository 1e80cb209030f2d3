/**
 * Consent manager ids and the plan's consent categories.
 *
 * RudderStack carries consent as the consent manager's ids (`context.consentManagement`:
 * `allowedConsentIds`, `deniedConsentIds`): OneTrust's `C0001`…`C0005`, Ketch's purpose codes,
 * Osano's categories. A plan names its categories in words (`Analytics`, `Advertising`), so a
 * message's ids match none of them unless gtm.yaml maps them
 * (`events.governance.consent.ids: { C0002: Analytics, C0004: Advertising }`): the validator then
 * reads an allowed or denied id as its category allowed or denied (an id still matches a category
 * named after it). When several ids map to one category, one denied id refuses it, and one
 * allowed id (none denied) grants it.
 *
 * The map is checked against the run's categories by `checkConsentIds`
 * (commands/shared/tracking-plan-io/consent-ids-config.ts: a CONFIG error naming the key).
 * Messages whose ids match no category of the plan and no mapping are counted
 * (`ValidationReport.consentIdsUnmatched`), and `consentIdsWarning` writes the one warning line a
 * run prints for them: their consent is not read at all (opt-out lets them pass, opt-in flags
 * them), which is a setting to make, not a property of the data.
 */
import type { GovernancePolicy } from './governance-policy.ts';
import type { TrackingPlan } from './tracking-plan.ts';
import type { ValidationReport } from './validation-report.ts';

/** Where the map is set in gtm.yaml. */
export const CONSENT_IDS_KEY = 'events.governance.consent.ids';

/** Distinct unmatched ids a report lists, in sorted order (every message is counted). */
export const UNMATCHED_IDS_LISTED = 10;
/** Distinct unmatched ids a validator keeps (a consent manager's ids are a short list). */
export const UNMATCHED_IDS_KEPT = 1000;

/**
 * OneTrust's default cookie categories, named in the hint only: a workspace's consent manager may
 * number them otherwise, so gtm never maps them by itself.
 */
const ONETRUST_DEFAULTS =
  'C0001 Strictly Necessary, C0002 Performance, C0003 Functional, C0004 Targeting, C0005 Social Media';

/** The consent categories a plan names: its list, and those of its events and properties. */
export function planConsentCategories(plan: TrackingPlan): string[] {
  const out = new Map<string, string>();
  const add = (c: string | undefined) => {
    if (c && !out.has(c.toLowerCase())) out.set(c.toLowerCase(), c);
  };
  for (const c of plan.consentCategories) add(c);
  for (const e of plan.events) {
    add(e.consentCategory);
    for (const p of e.properties) add(p.consentCategory);
  }
  return [...out.values()];
}

/**
 * The categories a map may name: the plan's, those gtm.yaml's `events.governance` names
 * (`consent.default_category`, `consent.events`, `retention.categories`), and `extra` (define-events:
 * every use-case template's, so that one map serves a workspace's use cases).
 */
export function knownConsentCategories(
  plan: TrackingPlan,
  policy: GovernancePolicy | undefined,
  extra: readonly string[] = [],
): string[] {
  const out = new Map<string, string>();
  for (const c of [
    ...planConsentCategories(plan),
    ...(policy?.consent?.default_category ? [policy.consent.default_category] : []),
    ...Object.values(policy?.consent?.events ?? {}),
    ...Object.keys(policy?.retention?.categories ?? {}),
    ...extra,
  ])
    if (c && !out.has(c.toLowerCase())) out.set(c.toLowerCase(), c);
  return [...out.values()];
}

/**
 * The warning line for messages whose consent ids match no category of the plan and no mapping,
 * or null when there were none.
 *
 * @example consentIdsWarning(report)
 * // '3 captured messages carry consent manager ids (C0002, C0004) that match no consent category of the plan (Analytics) …'
 */
export function consentIdsWarning(report: Pick<ValidationReport, 'consentIdsUnmatched'>): string | null {
  const u = report.consentIdsUnmatched;
  if (!u || u.messages === 0) return null;
  const n = u.messages.toLocaleString('en-US');
  return (
    `${n} captured message${u.messages === 1 ? '' : 's'} carr${u.messages === 1 ? 'ies' : 'y'} consent manager ids ` +
    `(${u.ids.join(', ')}${u.more ? `, and ${u.more.toLocaleString('en-US')} more` : ''}) that match no consent category of the plan ` +
    `(${u.categories.join(', ') || 'none'}) and no mapping, so their consent was not read ` +
    `(opt-out lets them pass, opt-in counts them as consent violations): map the ids to the plan's categories ` +
    `in gtm.yaml ${CONSENT_IDS_KEY}, id first (e.g. ids: { C0002: Analytics, C0004: Advertising }; ` +
    `OneTrust's defaults are ${ONETRUST_DEFAULTS}: check your consent manager's)`
  );
}
