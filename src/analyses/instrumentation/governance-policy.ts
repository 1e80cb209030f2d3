import { didYouMean } from '../text/edit-distance.ts';
import type { CallType, PlanEvent, Regulation, TrackingPlan } from './tracking-plan.ts';

/**
 * Retention and consent by default: every event of a plan gets a retention period and a consent
 * category, and each decision names the rule that made it — an explicit setting (gtm.yaml
 * `events.governance`, the `--retention-days` flag, the plan itself) or a documented default
 * derived from the regulations in force.
 */

/** Retention defaults in days, and where each comes from. */
export const RETENTION_DEFAULTS = {
  /** No regulation sets a period: two years, so year-over-year comparisons stay possible. */
  base: 730,
  /** GDPR storage limitation (Art. 5(1)(e)): a finite period for personal data; also the lint's cap. */
  GDPR: 365,
  /** CCPA/CPRA (Cal. Civ. Code §1798.100(a)(3)): a disclosed period per category; gtm discloses two years. */
  CCPA: 730,
  /** COPPA (16 CFR §312.10): no longer than reasonably necessary, never indefinitely; gtm keeps 180 days. */
  COPPA: 180,
  /** HIPAA (45 CFR §164.316(b)(2), §164.530(j)): six years for compliance records (consent, authorization, audit). */
  HIPAA_RECORDS: 2190,
} as const;

/** The consent category of events nothing else names. */
export const DEFAULT_CONSENT_CATEGORY = 'Analytics';

/** Events that are compliance records under HIPAA: consents, authorizations, audit and disclosure logs. */
const HIPAA_RECORD = /\b(consent|authori[sz]ation|authori[sz]ed|audit|disclosure|access log)/i;

/** The settings a run gives (all optional); keys as in gtm.yaml `events.governance`. */
export interface GovernancePolicy {
  retention?: {
    /** Days for every event nothing more specific covers. */
    default_days?: number;
    /** Days per consent category (names compared ignoring case). */
    categories?: Record<string, number>;
    /** Days per event name. */
    events?: Record<string, number>;
  };
  consent?: {
    /** Category of events that name none. */
    default_category?: string;
    /** Category per event name. */
    events?: Record<string, string>;
    /**
     * Consent manager id → category (RudderStack's `allowedConsentIds` / `deniedConsentIds`:
     * OneTrust `C0004` → `Advertising`); read where payloads are validated (see consent-ids.ts).
     */
    ids?: Record<string, string>;
  };
  /** The `--retention-days` flag: days for every event without a per-event or per-category setting. */
  retention_days?: number;
  /** Where the plan's own values came from, for the rule names (default "the plan"). */
  plan_label?: string;
}

/** One rule that decided retention or consent for some events. */
export interface GovernanceRule {
  kind: 'retention' | 'consent';
  /** Stable id: config-event, plan, config-category, flag, config-default, hipaa-records, coppa, gdpr, ccpa, gtm-default. */
  id: string;
  /** The setting or constraint it comes from: a gtm.yaml key, `--retention-days`, `--constraints GDPR`, `gtm default`. */
  source: string;
  /** The period (retention rules) or the category (consent rules). */
  value: number | string;
  description: string;
  /** Events it decided. */
  events: number;
}

/** What a policy decided for one event. */
export interface GovernanceDecision {
  event: string;
  type: CallType;
  retention_days: number;
  /** `source` of the retention rule. */
  retention_rule: string;
  consent_category: string;
  /** `source` of the consent rule. */
  consent_rule: string;
}

export interface GovernanceApplied {
  plan: TrackingPlan;
  decisions: GovernanceDecision[];
  /** The rules that decided at least one event, retention first, most events first. */
  rules: GovernanceRule[];
}

/** A rule as chosen for one event, before counting. */
type RuleChoice = Omit<GovernanceRule, 'kind' | 'events'>;

/** Whether the event carries personal data: a person identity or a property flagged PII. */
export function hasPersonalData(e: PlanEvent): boolean {
  return (
    e.identities.includes('userId') ||
    e.identities.includes('anonymousId') ||
    e.pii === true ||
    e.properties.some((p) => p.pii === true)
  );
}

/** The default retention of an event under the regulations in force (shortest wins; HIPAA records keep six years). */
export function defaultRetention(e: PlanEvent, regulations: readonly Regulation[]): RuleChoice {
  const has = (r: Regulation) => regulations.includes(r);
  if (has('HIPAA') && HIPAA_RECORD.test(e.name))
    return {
      id: 'hipaa-records',
      source: '--constraints HIPAA',
      value: RETENTION_DEFAULTS.HIPAA_RECORDS,
      description:
        'HIPAA: compliance records (consent, authorization, audit) are kept six years (45 CFR §164.316(b)(2))',
    };
  const personal = hasPersonalData(e);
  const candidates: RuleChoice[] = [];
  if (personal && has('COPPA'))
    candidates.push({
      id: 'coppa',
      source: '--constraints COPPA',
      value: RETENTION_DEFAULTS.COPPA,
      description:
        "COPPA: children's personal data no longer than necessary, never indefinitely (16 CFR §312.10)",
    });
  if (personal && has('GDPR'))
    candidates.push({
      id: 'gdpr',
      source: '--constraints GDPR',
      value: RETENTION_DEFAULTS.GDPR,
      description:
        'GDPR storage limitation: a finite period for every event with personal data (Art. 5(1)(e))',
    });
  if (personal && has('CCPA'))
    candidates.push({
      id: 'ccpa',
      source: '--constraints CCPA',
      value: RETENTION_DEFAULTS.CCPA,
      description:
        'CCPA/CPRA: a retention period disclosed per category of personal information (§1798.100(a)(3))',
    });
  candidates.sort((a, b) => Number(a.value) - Number(b.value));
  return (
    candidates[0] ?? {
      id: 'gtm-default',
      source: 'gtm default',
      value: RETENTION_DEFAULTS.base,
      description: 'No regulation sets a period: two years, so year-over-year comparisons stay possible',
    }
  );
}

const lookup = <T>(map: Record<string, T> | undefined, key: string): [string, T] | undefined => {
  if (!map) return undefined;
  const k = Object.keys(map).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : [k, map[k]];
};

/** The consent rule of an event: per-event setting, the plan's own, the configured default, gtm's. */
function consentRule(e: PlanEvent, policy: GovernancePolicy): RuleChoice {
  const byEvent = lookup(policy.consent?.events, e.name);
  if (byEvent)
    return {
      id: 'config-event',
      source: `events.governance.consent.events["${byEvent[0]}"]`,
      value: byEvent[1],
      description: 'set for this event in gtm.yaml',
    };
  if (e.consentCategory)
    return {
      id: 'plan',
      source: policy.plan_label ?? 'the plan',
      value: e.consentCategory,
      description: 'named by the plan',
    };
  if (policy.consent?.default_category)
    return {
      id: 'config-default',
      source: 'events.governance.consent.default_category',
      value: policy.consent.default_category,
      description: 'the default category in gtm.yaml',
    };
  return {
    id: 'gtm-default',
    source: 'gtm default',
    value: DEFAULT_CONSENT_CATEGORY,
    description: 'events that name no category need analytics consent',
  };
}

/**
 * The retention rule of an event, most specific first: gtm.yaml per event, the plan's own value,
 * gtm.yaml per consent category, `--retention-days`, gtm.yaml `default_days`, then the default
 * of the regulations in force (see `defaultRetention`).
 */
function retentionRule(
  e: PlanEvent,
  category: string,
  policy: GovernancePolicy,
  regs: readonly Regulation[],
): RuleChoice {
  const byEvent = lookup(policy.retention?.events, e.name);
  if (byEvent)
    return {
      id: 'config-event',
      source: `events.governance.retention.events["${byEvent[0]}"]`,
      value: byEvent[1],
      description: 'set for this event in gtm.yaml',
    };
  if (e.retentionDays !== undefined)
    return {
      id: 'plan',
      source: policy.plan_label ?? 'the plan',
      value: e.retentionDays,
      description: 'set by the plan',
    };
  const byCategory = lookup(policy.retention?.categories, category);
  if (byCategory)
    return {
      id: 'config-category',
      source: `events.governance.retention.categories.${byCategory[0]}`,
      value: byCategory[1],
      description: `set for the ${byCategory[0]} consent category in gtm.yaml`,
    };
  if (policy.retention_days !== undefined)
    return {
      id: 'flag',
      source: '--retention-days',
      value: policy.retention_days,
      description: 'given for every event',
    };
  if (policy.retention?.default_days !== undefined)
    return {
      id: 'config-default',
      source: 'events.governance.retention.default_days',
      value: policy.retention.default_days,
      description: 'the default period in gtm.yaml',
    };
  return defaultRetention(e, regs);
}

/**
 * Gives every event of the plan a retention period and a consent category (the input is not
 * modified), adds the categories used to the plan's consent categories, and says which rule
 * decided each.
 *
 * @example
 * const { plan: governed, rules } = applyGovernancePolicy(plan, { retention_days: 400 });
 * rules[0] // { kind: 'retention', id: 'flag', source: '--retention-days', value: 400, events: 7, ... }
 */
export function applyGovernancePolicy(plan: TrackingPlan, policy: GovernancePolicy = {}): GovernanceApplied {
  const tally = new Map<string, GovernanceRule>();
  const count = (kind: GovernanceRule['kind'], r: RuleChoice) => {
    const key = `${kind}\u0000${r.source}\u0000${r.value}`;
    const rule = tally.get(key) ?? { kind, ...r, events: 0 };
    rule.events++;
    tally.set(key, rule);
  };
  const decisions: GovernanceDecision[] = [];
  const events = plan.events.map((e) => {
    const consent = consentRule(e, policy);
    const retention = retentionRule(e, String(consent.value), policy, plan.regulations);
    count('consent', consent);
    count('retention', retention);
    decisions.push({
      event: e.name,
      type: e.type,
      retention_days: Number(retention.value),
      retention_rule: retention.source,
      consent_category: String(consent.value),
      consent_rule: consent.source,
    });
    return { ...e, consentCategory: String(consent.value), retentionDays: Number(retention.value) };
  });
  const categories = [...plan.consentCategories];
  for (const d of decisions)
    if (!categories.some((c) => c.toLowerCase() === d.consent_category.toLowerCase()))
      categories.push(d.consent_category);
  const rules = [...tally.values()].sort((a, b) =>
    a.kind === b.kind ? b.events - a.events : a.kind === 'retention' ? -1 : 1,
  );
  return { plan: { ...plan, events, consentCategories: categories }, decisions, rules };
}

/**
 * The per-event settings of a policy (`events.governance.retention.events`,
 * `events.governance.consent.events`) whose name matches no event of `known` (ignoring case): a
 * misspelt event name would leave its event on the default period or category without a word.
 * `known` holds every event a run could catalog (so that a workspace whose use cases catalog other
 * events is not warned about them); each line names the setting, and the event of `planEvents` (else
 * of `known`) close enough to be what was meant.
 *
 * @example
 * unmatchedPolicyEvents({ retention: { events: { 'Opportunity Close': 1095 } } }, ['Opportunity Closed'], ['Opportunity Closed'])
 * // ['events.governance.retention.events["Opportunity Close"] names no event gtm catalogs, so it applies to none: did you mean "Opportunity Closed"?']
 */
export function unmatchedPolicyEvents(
  policy: GovernancePolicy,
  known: readonly string[],
  planEvents: readonly string[],
): string[] {
  const names = new Set(known.map((k) => k.toLowerCase()));
  const lines: string[] = [];
  const settings: Array<[string, Record<string, unknown> | undefined]> = [
    ['events.governance.retention.events', policy.retention?.events],
    ['events.governance.consent.events', policy.consent?.events],
  ];
  for (const [where, map] of settings)
    for (const name of Object.keys(map ?? {})) {
      if (names.has(name.toLowerCase())) continue;
      const near = didYouMean(name, planEvents) ?? didYouMean(name, known);
      lines.push(
        `${where}[${JSON.stringify(name)}] names no event gtm catalogs, so it applies to none: ` +
          (near
            ? `did you mean ${JSON.stringify(near)}?`
            : `use an event name of the plan (this one's: ${planEvents.join(', ')})`),
      );
    }
  return lines;
}
