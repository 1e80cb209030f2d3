/**
 * The `referrals:` section of gtm.yaml after defaulting (schema: `gtm.referrals.schema.json`).
 * optimize-referrals reads it; `--alert-threshold` defaults to `thresholds.referral_conversion_rate`
 * and the fraud-spike guardrail to `thresholds.referral_fraud_reject_share`.
 */

/** A per-rule override of the fraud rule table (rule ids as in `FRAUD_RULE_IDS`). */
export interface ReferralRuleSetting {
  enabled?: boolean;
  /** Noisy-OR weight in [0, 1]. */
  weight?: number;
  threshold?: number;
}

export interface ReferralsConfig {
  /** Program name: the scope of the plan history (alert streaks) together with the window. */
  program: string;
  /** Conversion stages that are revenue (the first one after a sign-up makes a referred customer). */
  revenue_stages: string[];
  /** Stages that are neither pipeline nor revenue. */
  lost_stages: string[];
  fraud: {
    bands: { review: number; reject: number };
    similarity: 'jaro-winkler' | 'levenshtein';
    /** Email local parts shorter than this are not compared for similarity. */
    min_local_part_length: number;
    rules: Record<string, ReferralRuleSetting>;
    /** Added to the maintained disposable-domain list (disposable-email-domains-js). */
    disposable_domains: string[];
    /** Never treated as disposable (a list entry that is your own domain, say). */
    allow_domains: string[];
    /** Added to the built-in coupon/deal/cashback site list. */
    coupon_domains: string[];
    /** An identifier (IP + user agent, device, card, domain) seen on more accounts is infrastructure. */
    max_accounts_per_identifier: number;
    ring: {
      min_members: number;
      max_members: number;
      max_retained_share: number;
      min_refund_rate: number;
      /** The ring rule's weight for an account tied to its ring only by shared email domains (at most the rule's weight). */
      weak_weight: number;
    };
    velocity: {
      method: 'mad' | 'poisson';
      k: number;
      alpha: number;
      min_peak_day: number;
      min_peak_week: number;
    };
  };
  partner_health: {
    review_fraud_rate: number;
    review_refund_rate: number;
    min_flagged: number;
    low_activity_ratio: number;
    declining_trend: number;
    grow_conversion_ratio: number;
    min_clicks: number;
    min_conversions: number;
    top_n: number;
  };
  backlog: {
    /** Share of a funnel gap to the median that an item is sized to close. */
    lift_fraction: number;
    /** Segments with a smaller stage base are not projected. */
    min_base: number;
    max_items: number;
    /** Days per week one person of a role spends on backlog items (roles without an entry). */
    capacity_days_per_week: number;
    /** Per role. */
    capacity: Record<string, number>;
    /** Working days an item of each kind takes. */
    effort_days: Record<string, number>;
  };
  experiments: {
    /** Non-inferiority margins (relative) of the fraud-rate and cost-per-referred-customer guardrails. */
    fraud_margin: number;
    /**
     * Smallest fraud-rate margin in absolute terms (a share of referrals): 25 % of a control's 0 %
     * (or 0.2 %) is no margin a treatment can clear.
     */
    fraud_margin_floor: number;
    cost_margin: number;
  };
  /** Roles that own each kind of backlog item and the experiment review. */
  owners: {
    program: string;
    messaging: string;
    partners: string;
    fraud: string;
    experiments: string;
  };
}

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
const str = (v: unknown, d: string): string => (typeof v === 'string' && v.trim() ? v : d);
const list = (v: unknown, d: string[]): string[] => (Array.isArray(v) ? v.map(String) : d);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

export const REFERRAL_EFFORT_DAYS: Readonly<Record<string, number>> = {
  messaging: 3,
  incentive: 5,
  enablement: 5,
  'partner-review': 2,
  'fraud-rule': 2,
  experiment: 3,
};

function fraudOf(f: Record<string, unknown>): ReferralsConfig['fraud'] {
  const bands = obj(f.bands);
  const ring = obj(f.ring);
  const v = obj(f.velocity);
  return {
    bands: { review: num(bands.review, 0.4), reject: num(bands.reject, 0.8) },
    similarity: f.similarity === 'levenshtein' ? 'levenshtein' : 'jaro-winkler',
    min_local_part_length: num(f.min_local_part_length, 4),
    rules: obj(f.rules) as Record<string, ReferralRuleSetting>,
    disposable_domains: list(f.disposable_domains, []),
    allow_domains: list(f.allow_domains, []),
    coupon_domains: list(f.coupon_domains, []),
    max_accounts_per_identifier: num(f.max_accounts_per_identifier, 50),
    ring: {
      min_members: num(ring.min_members, 3),
      max_members: num(ring.max_members, 200),
      max_retained_share: num(ring.max_retained_share, 0.2),
      min_refund_rate: num(ring.min_refund_rate, 0.5),
      weak_weight: num(ring.weak_weight, 0.3),
    },
    velocity: {
      method: v.method === 'poisson' ? 'poisson' : 'mad',
      k: num(v.k, 5),
      alpha: num(v.alpha, 0.001),
      min_peak_day: num(v.min_peak_day, 3),
      min_peak_week: num(v.min_peak_week, 5),
    },
  };
}

/** Defaults for the section, from the raw (schema-validated) YAML value. */
export function referralsDefaults(raw: Record<string, unknown> | undefined): ReferralsConfig {
  const r = raw ?? {};
  const p = obj(r.partner_health);
  const b = obj(r.backlog);
  const e = obj(r.experiments);
  const o = obj(r.owners);
  return {
    program: str(r.program, 'referrals'),
    revenue_stages: list(r.revenue_stages, ['purchase', 'won', 'closed_won', 'paid', 'subscription']),
    lost_stages: list(r.lost_stages, ['lost', 'closed_lost', 'cancelled', 'canceled']),
    fraud: fraudOf(obj(r.fraud)),
    partner_health: {
      review_fraud_rate: num(p.review_fraud_rate, 0.1),
      review_refund_rate: num(p.review_refund_rate, 0.2),
      min_flagged: num(p.min_flagged, 3),
      low_activity_ratio: num(p.low_activity_ratio, 0.5),
      declining_trend: num(p.declining_trend, 0.1),
      grow_conversion_ratio: num(p.grow_conversion_ratio, 1.2),
      min_clicks: num(p.min_clicks, 30),
      min_conversions: num(p.min_conversions, 10),
      top_n: num(p.top_n, 5),
    },
    backlog: {
      lift_fraction: num(b.lift_fraction, 0.5),
      min_base: num(b.min_base, 30),
      max_items: num(b.max_items, 12),
      capacity_days_per_week: num(b.capacity_days_per_week, 2),
      capacity: obj(b.capacity) as Record<string, number>,
      effort_days: { ...REFERRAL_EFFORT_DAYS, ...(obj(b.effort_days) as Record<string, number>) },
    },
    experiments: {
      fraud_margin: num(e.fraud_margin, 0.25),
      fraud_margin_floor: num(e.fraud_margin_floor, 0.005),
      cost_margin: num(e.cost_margin, 0.1),
    },
    owners: {
      program: str(o.program, 'referral_architect'),
      messaging: str(o.messaging, 'referral_growth_marketer'),
      partners: str(o.partners, 'partner_ops'),
      fraud: str(o.fraud, 'referral_fraud_analyst'),
      experiments: str(o.experiments, 'referral_architect'),
    },
  };
}
