/**
 * The `personalization:` section of gtm.yaml after defaulting (schema: `gtm.personalization.schema.json`).
 * monitor-personalization reads it; `--alert-threshold` defaults to `thresholds.personalization_fallback_rate`.
 */

/** Hours of lag after which a source is late (`warn`) and very late (`error`). */
export interface FreshnessSlaConfig {
  warn_after_hours: number;
  error_after_hours: number;
}

export interface PersonalizationConfig {
  /** Known initiatives (names and aliases); `--initiative` is checked against them and the data. */
  initiatives: { name: string; aliases: string[] }[];
  /** Variant names that mean "not personalized" (the holdout or control), most preferred first. */
  holdout_variants: string[];
  /** Outcome event names that count as engagement, and as conversion. Revenue is the value of any outcome. */
  events: { engagement: string[]; conversion: string[] };
  /** Outcomes count for a user from their first decision in the window to this many days after it. */
  attribution_days: number;
  consent: {
    /** The consent purpose a personalized decision needs. */
    purpose: string;
    /** Per-rule purposes that differ from `purpose`. */
    rule_purposes: Record<string, string>;
    /** Decisions of these variants need no consent (nothing personal was used). Default: the holdout variants. */
    exempt_variants: string[];
    /** Decisions with these canonical reasons need no consent (the default experience was served). */
    exempt_reasons: string[];
  };
  /** Rule thresholds of the governance scan (rates are shares of a rule's evaluations). */
  governance: {
    fallback_warn: number;
    fallback_alert: number;
    error_warn: number;
    error_alert: number;
    default_warn: number;
    disabled_warn: number;
    min_evaluations: number;
    stale_days: number;
    unmodified_days: number;
    approval_tolerance_seconds: number;
    consent_examples: number;
  };
  /** Rules as configured in the decision system (variants never served are only known from here). */
  rules: { id: string; variants: string[]; created?: string; updated?: string }[];
  /** Freshness SLAs: a default per entity, and per source name. */
  freshness: {
    decisions: FreshnessSlaConfig;
    outcomes: FreshnessSlaConfig;
    consent_records: FreshnessSlaConfig | null;
    rule_changes: FreshnessSlaConfig | null;
    sources: Record<string, FreshnessSlaConfig>;
  };
  anomalies: {
    /** Days of history before the window that the daily detectors learn the baseline from. */
    history_days: number;
    /** Volume drop (same weekday median): relative drop that warns, and that is an error. */
    volume_warn_drop: number;
    volume_error_drop: number;
    /** Days whose same-weekday baseline has fewer rows than this are not judged (relative drops of tiny counts are noise). */
    volume_min_rows: number;
    /** Variant suppression: one-sided α of the share test, relative tolerance, days without exposures. */
    suppression_alpha: number;
    suppression_tolerance: number;
    stalled_days: number;
  };
  experiments: {
    /** Default method when an experiment's row names none. */
    method: 'frequentist' | 'bayesian' | 'sequential';
    /** Relative lift on the first primary metric an experiment should detect (sample size, days left). */
    minimum_detectable_effect: number;
    power: number;
    ramp_steps: number[];
  };
  /** Per metric name (`conversion_rate`, an event name…): direction and guardrail margin. */
  metrics: Record<string, { lower_is_better?: boolean; non_inferiority_margin?: number }>;
  /** Who owns each kind of finding (roster roles). */
  owners: {
    consent: string;
    rule_health: string;
    approvals: string;
    experiments: string;
    stale_rules: string;
    anomalies: string;
  };
  /** Days from as-of to the due date of a backlog item, by severity. */
  eta_days: { critical: number; high: number; medium: number; low: number };
}

const DEFAULT_HOLDOUTS = ['holdout', 'control'];

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Defaults for the section, from the raw (schema-validated) YAML value. */
export function personalizationDefaults(raw: Record<string, unknown> | undefined): PersonalizationConfig {
  const r = obj(raw);
  const consent = obj(r.consent);
  const freshness = obj(r.freshness);
  const holdouts = (r.holdout_variants as string[] | undefined) ?? DEFAULT_HOLDOUTS;
  const initiatives = ((r.initiatives as unknown[] | undefined) ?? []).map((i) =>
    typeof i === 'string'
      ? { name: i, aliases: [] }
      : { name: String(obj(i).name), aliases: (obj(i).aliases as string[] | undefined) ?? [] },
  );
  return {
    initiatives,
    holdout_variants: holdouts,
    events: {
      engagement: ['click', 'engaged', 'engagement', 'feature_used', 'content_viewed'],
      conversion: ['conversion', 'converted', 'signup', 'activated', 'purchase', 'subscribed'],
      ...(obj(r.events) as Partial<PersonalizationConfig['events']>),
    },
    attribution_days: (r.attribution_days as number | undefined) ?? 7,
    consent: {
      purpose: (consent.purpose as string | undefined) ?? 'personalization',
      rule_purposes: (consent.rule_purposes as Record<string, string> | undefined) ?? {},
      exempt_variants: (consent.exempt_variants as string[] | undefined) ?? holdouts,
      exempt_reasons: (consent.exempt_reasons as string[] | undefined) ?? [
        'default',
        'disabled',
        'error',
        'fallback',
      ],
    },
    governance: {
      fallback_warn: 0.05,
      fallback_alert: 0.2,
      error_warn: 0.001,
      error_alert: 0.01,
      default_warn: 0.5,
      disabled_warn: 0.05,
      min_evaluations: 100,
      stale_days: 30,
      unmodified_days: 90,
      approval_tolerance_seconds: 0,
      consent_examples: 10,
      ...(obj(r.governance) as Partial<PersonalizationConfig['governance']>),
    },
    rules: (
      (r.rules as { id: string; variants?: string[]; created?: string; updated?: string }[] | undefined) ?? []
    ).map((x) => ({ ...x, variants: x.variants ?? [] })),
    freshness: {
      decisions: { warn_after_hours: 6, error_after_hours: 24, ...(obj(freshness.decisions) as object) },
      outcomes: { warn_after_hours: 12, error_after_hours: 36, ...(obj(freshness.outcomes) as object) },
      consent_records: (freshness.consent_records as FreshnessSlaConfig | undefined) ?? null,
      rule_changes: (freshness.rule_changes as FreshnessSlaConfig | undefined) ?? null,
      sources: (freshness.sources as Record<string, FreshnessSlaConfig> | undefined) ?? {},
    },
    anomalies: {
      history_days: 63,
      volume_warn_drop: 0.3,
      volume_error_drop: 0.6,
      volume_min_rows: 50,
      suppression_alpha: 0.001,
      suppression_tolerance: 0.2,
      stalled_days: 2,
      ...(obj(r.anomalies) as Partial<PersonalizationConfig['anomalies']>),
    },
    experiments: {
      method: 'frequentist',
      minimum_detectable_effect: 0.05,
      power: 0.8,
      ramp_steps: [0.05, 0.25, 0.5, 1],
      ...(obj(r.experiments) as Partial<PersonalizationConfig['experiments']>),
    },
    metrics: (r.metrics as PersonalizationConfig['metrics'] | undefined) ?? {},
    owners: {
      consent: 'data_privacy_lead',
      rule_health: 'personalization_architect',
      approvals: 'personalization_architect',
      experiments: 'testing_lead',
      stale_rules: 'personalization_architect',
      anomalies: 'testing_lead',
      ...(obj(r.owners) as Partial<PersonalizationConfig['owners']>),
    },
    eta_days: { critical: 1, high: 3, medium: 7, low: 14, ...(obj(r.eta_days) as object) },
  };
}
