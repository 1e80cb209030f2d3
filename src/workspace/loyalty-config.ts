/**
 * The `loyalty:` section of gtm.yaml after defaulting (schema: `gtm.loyalty.schema.json`).
 * monitor-loyalty reads it; `--alert-threshold` defaults to `thresholds.loyalty_active_member_rate`
 * and the liability spike to `thresholds.loyalty_liability_spike`.
 */

/** How one play of the backlog projects its lift when no experiment measured it. */
export interface LoyaltyPlayConfig {
  /**
   * Share of the value at stake the play is expected to recover: an assumption of the programme
   * team, recorded in the plan's settings and shown as such, used only when no experiment of the
   * workspace measured the play.
   */
  response_rate: number;
  /** Roster role that owns the play. */
  owner: string;
}

export interface LoyaltyConfig {
  /** Programme name: the scope of the plan history (alert streaks, previous liability). */
  program: string;
  /** Money one point is worth when redeemed (reporting currency). */
  value_per_point: number;
  /**
   * Points expire this many months after they are earned (0: never): cohorts older are matured.
   * Under `points_expiry.policy: inactivity` it is 0: no lot expires by its age.
   */
  points_expire_months: number;
  /**
   * The programme's expiry policy. `lot_age` (default): each earn lot expires `months` after it
   * was earned (`points_expire_months`). `inactivity` (Smile.io, LoyaltyLion, Yotpo, Rivo): every
   * point a member holds expires `months` after their last activity — their last earn, redeem or
   * positive adjustment row (not a pending row, a negative adjustment, an earn reversal or an
   * expire row). A row's own `expires_at` wins under either policy. `months` 0: points never expire.
   */
  points_expiry: { policy: 'lot_age' | 'inactivity'; months: number };
  /**
   * A pending row (points awaiting the return period) still without an earn row for its order this
   * many days after it was written is stale: out of the pending points and the liability, reported
   * as a data finding (0: pending points never go stale).
   */
  pending_confirmation_days: number;
  breakage: {
    /**
     * How immature cohorts are projected: Bornhuetter–Ferguson (default: the matured cohorts'
     * actual rate as the prior, weighted by how undeveloped the cohort is) or the plain chain ladder.
     */
    method: 'chain-ladder' | 'bornhuetter-ferguson';
    /** Development beyond the oldest age observed (≥ 1). */
    tail_factor: number;
    /**
     * Points that do not expire by age (never, or after inactivity): months of history the oldest
     * issuance cohort needs before breakage is estimated from the curves; until then none is
     * recognised and every outstanding point is valued as redeemed (IFRS 15.56–58, B46).
     */
    min_history_months: number;
  };
  models: {
    /** Horizon of "expected purchases" per member, in weeks. */
    prediction_weeks: number;
    /** CLV horizon in months, and monthly discount rate (lifetimes' convention). */
    clv_months: number;
    monthly_discount_rate: number;
    /** RFM frequency and monetary look back this many days. */
    rfm_days: number;
    /**
     * Smallest sample the churn and value models are fitted on: members with a purchase at least a
     * day old (BG/NBD's four parameters) and repeat buyers among them (BG/NBD's dropout a, b and
     * Gamma-Gamma's three parameters are identified from repeat buyers only). Below either, the
     * models are not fitted (no P(alive), CLV or win-back segment).
     */
    min_purchasers: number;
    min_repeat_buyers: number;
  };
  segments: {
    /** Upgrade opportunity: within this share of the next tier's threshold. */
    upgrade_within_share: number;
    /** Downgrade risk: at most this many days left in the qualification period. */
    downgrade_days_left: number;
    /** Win-back: P(alive) below this … */
    win_back_max_p_alive: number;
    /** … and lifetime spend at least this quantile of members' lifetime spend. */
    win_back_value_quantile: number;
    /** Expiring points: within this many days. */
    expiring_days: number;
    /** Never redeemed: balance at least this many points (default: the cheapest reward). */
    never_redeemed_min_points: number | null;
    /** Members listed per segment in segment_members.csv (by value at stake). */
    export_members: number;
  };
  /** The top score of the CSAT survey (5 on a 1–5 survey): responses above it are rejected. */
  csat_scale: number;
  /** Scores counted as satisfied; default the top two (4 on a 1–5 scale, 9 on 1–10). */
  csat_satisfied_from: number;
  experiments: {
    /** The variant that stands for "no campaign" (the holdout): incremental revenue is measured against it. */
    holdout_variants: string[];
    /** Gross margin rate of order revenue, for the margin guardrail. */
    margin_rate: number;
    /** Non-inferiority margins (relative) of the guardrails. */
    liability_margin: number;
    margin_margin: number;
  };
  /** Backlog plays by segment. */
  plays: Record<
    'upgrade-opportunity' | 'downgrade-risk' | 'win-back' | 'expiring-points' | 'never-redeemed',
    LoyaltyPlayConfig
  >;
  /** Roles that own the finance items (liability, breakage) and the experiment follow-ups. */
  owners: { finance: string; experiments: string; insights: string };
}

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' ? (v as Record<string, unknown>) : {};

const PLAY_DEFAULTS: LoyaltyConfig['plays'] = {
  'upgrade-opportunity': { response_rate: 0.2, owner: 'loyalty_crm_manager' },
  'downgrade-risk': { response_rate: 0.25, owner: 'loyalty_crm_manager' },
  'win-back': { response_rate: 0.05, owner: 'loyalty_crm_manager' },
  'expiring-points': { response_rate: 0.3, owner: 'loyalty_crm_manager' },
  'never-redeemed': { response_rate: 0.1, owner: 'member_insights_analyst' },
};

function playsOf(raw: Record<string, unknown>): LoyaltyConfig['plays'] {
  const out = { ...PLAY_DEFAULTS };
  for (const key of Object.keys(PLAY_DEFAULTS) as (keyof LoyaltyConfig['plays'])[]) {
    const p = obj(raw[key]);
    out[key] = {
      response_rate: num(p.response_rate, PLAY_DEFAULTS[key].response_rate),
      owner: typeof p.owner === 'string' ? p.owner : PLAY_DEFAULTS[key].owner,
    };
  }
  return out;
}

/** Defaults for the section, from the raw (schema-validated) YAML value. */
export function loyaltyDefaults(raw: Record<string, unknown> | undefined): LoyaltyConfig {
  const r = raw ?? {};
  const models = obj(r.models);
  const seg = obj(r.segments);
  const exp = obj(r.experiments);
  const owners = obj(r.owners);
  const csatScale = num(r.csat_scale, 5);
  const expiry = obj(r.points_expiry);
  const policy = expiry.policy === 'inactivity' ? 'inactivity' : 'lot_age';
  const expiryMonths = num(expiry.months, num(r.points_expire_months, 12));
  return {
    program: typeof r.program === 'string' ? r.program : 'loyalty',
    value_per_point: num(r.value_per_point, 0.01),
    points_expire_months: policy === 'lot_age' ? expiryMonths : 0,
    points_expiry: { policy, months: expiryMonths },
    pending_confirmation_days: num(r.pending_confirmation_days, 90),
    breakage: {
      method: obj(r.breakage).method === 'chain-ladder' ? 'chain-ladder' : 'bornhuetter-ferguson',
      tail_factor: num(obj(r.breakage).tail_factor, 1),
      min_history_months: num(obj(r.breakage).min_history_months, 24),
    },
    models: {
      prediction_weeks: num(models.prediction_weeks, 13),
      clv_months: num(models.clv_months, 12),
      monthly_discount_rate: num(models.monthly_discount_rate, 0.01),
      rfm_days: num(models.rfm_days, 365),
      min_purchasers: num(models.min_purchasers, 50),
      min_repeat_buyers: num(models.min_repeat_buyers, 30),
    },
    segments: {
      upgrade_within_share: num(seg.upgrade_within_share, 0.1),
      downgrade_days_left: num(seg.downgrade_days_left, 60),
      win_back_max_p_alive: num(seg.win_back_max_p_alive, 0.3),
      win_back_value_quantile: num(seg.win_back_value_quantile, 0.8),
      expiring_days: num(seg.expiring_days, 30),
      never_redeemed_min_points:
        typeof seg.never_redeemed_min_points === 'number' ? seg.never_redeemed_min_points : null,
      export_members: num(seg.export_members, 500),
    },
    csat_scale: csatScale,
    csat_satisfied_from: num(r.csat_satisfied_from, Math.max(2, csatScale - 1)),
    experiments: {
      holdout_variants: Array.isArray(exp.holdout_variants)
        ? exp.holdout_variants.map(String)
        : ['holdout', 'control'],
      margin_rate: num(exp.margin_rate, 0.35),
      liability_margin: num(exp.liability_margin, 0.5),
      margin_margin: num(exp.margin_margin, 0.05),
    },
    plays: playsOf(obj(r.plays)),
    owners: {
      finance: typeof owners.finance === 'string' ? owners.finance : 'loyalty_finance',
      experiments: typeof owners.experiments === 'string' ? owners.experiments : 'loyalty_strategist',
      insights: typeof owners.insights === 'string' ? owners.insights : 'member_insights_analyst',
    },
  };
}
