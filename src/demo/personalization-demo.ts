import type { DemoPart, DemoPartOptions, DemoPartSettings } from './demo-part.ts';
import { createRng, type Rng } from './rng.ts';
import { isoSeconds } from './time-text.ts';

/**
 * The demo data of `monitor-personalization`: the "PLG Onboarding" initiative (four rules, a 10%
 * global holdout, two running experiments) and a small "Lifecycle Email" one, over the 14-day
 * window and 63 days of history before it, with planted ground truth:
 *
 * - a consent violation: `welcome_hero` served personalized content to users after they withdrew
 *   consent (the decision log still said `granted`);
 * - an unapproved change to a running test: `onboarding_checklist` changed without an approver
 *   six days before as-of, inside `exp-checklist-v2`;
 * - a suppressed variant: `nudge_b` of `exp-trial-nudge` served to 30% of its assigned users for
 *   the last ten days (the rest got `control`);
 * - a stale rule: `usecase_recommender` has served only `templates_a` (0% `templates_b`) for 45 days;
 * - a freshness breach: the `billing_events` export stopped 50 hours before the end of as-of;
 * - a performance dip: activations fell to 5% of normal on the fourth day before as-of (five days
 *   before the end of as-of's day), or on the Friday before it when that day is a weekend: on a
 *   weekend's fewer signups (about 14 activations) even an 85% drop was within 3–4 standard errors of
 *   the day's binomial noise, which no detector separates from chance at this volume (a same-day
 *   revenue dip follows from it and is named in the truth as a possible consequence).
 *
 * Everything else is clean by construction (approved changes, compliant consent handling, stable
 * volumes, provider errors at 0.005% of decisions: at 0.02% a rule's 2-3k window decisions crossed
 * the 0.1% warn threshold by chance in about one run in twenty), so the planted issues are the only
 * findings. Seeded from `opts.seed`; every time is
 * relative to `opts.asOf`.
 */
export function personalizationDemo(opts: DemoPartOptions): DemoPart | null {
  const g = new Generator(opts);
  g.run();
  return { ...personalizationDemoSettings(), files: g.files(), truth: g.truth() };
}

/** The gtm.yaml parts and the files of the personalization demo. */
export function personalizationDemoSettings(): DemoPartSettings {
  return {
    name: 'personalization',
    paths: [
      'decisions.csv',
      'product_events.csv',
      'billing_events.csv',
      'consent.csv',
      'rule_changes.csv',
      'experiments.csv',
    ].map((f) => `data/personalization/${f}`),
    sources: SOURCES,
    roles: ROLES,
    escalation: '  monitor-personalization: [testing_lead, personalization_architect, data_privacy_lead]\n',
    thresholds: '  personalization_fallback_rate: 0.05\n',
    config: CONFIG,
    usage: USAGE,
  };
}

const USAGE =
  '/personalization-engine:monitor-personalization --initiative "PLG Onboarding" --window 14d --detail full';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const HISTORY_DAYS = 77;
const USERS_PER_DAY = 330;
const INITIATIVE = 'PLG Onboarding';

const SOURCES = `  - name: decision_log
    entity: decisions
    kind: file
    path: data/personalization/decisions.csv
    mapping: { decision_id: decision_id, user_id: user_id, decided_at: ts, initiative: initiative, rule_id: rule,
               variant: variant, profile: profile, channel: channel, cohort: cohort, reason: reason,
               error_code: error_code, consent_state: consent_state }
  - name: product_events
    entity: outcomes
    kind: file
    path: data/personalization/product_events.csv
    mapping: { outcome_id: event_id, user_id: user_id, occurred_at: ts, event: event }
  - name: billing_events
    entity: outcomes
    kind: file
    path: data/personalization/billing_events.csv
    mapping: { outcome_id: invoice_id, user_id: customer, occurred_at: paid_at, event: type, value: amount, currency: currency }
  - name: rule_change_log
    entity: rule_changes
    kind: file
    path: data/personalization/rule_changes.csv
    mapping: { change_id: change_id, rule_id: rule, changed_at: live_at, author: author, change: description,
               approved_by: approver, approved_at: approved_at }
  - name: consent_platform
    entity: consent_records
    kind: file
    path: data/personalization/consent.csv
    mapping: { user_id: user_id, purpose: purpose, status: status, recorded_at: recorded_at }
  - name: experiment_registry
    entity: experiments
    kind: file
    path: data/personalization/experiments.csv
    mapping: { experiment_id: experiment_id, name: name, variant: variant, weight: weight, is_control: is_control,
               start_at: start_at, end_at: end_at, primary_metric: primary_metric, guardrail_metrics: guardrail_metrics,
               method: method, status: status, subject: rule, initiative: initiative }
`;

const ROLES = `    testing_lead:
      people: [{ name: Noor Haddad, email: noor@example.com }]
    personalization_architect:
      people: [{ name: Felix Wagner, email: felix@example.com }]
      fallback: testing_lead
    data_privacy_lead:
      people: [{ name: Amara Okafor, email: amara@example.com }]
`;

const CONFIG = `
# monitor-personalization: the initiatives, what counts as engagement and conversion, the consent
# purpose personalized decisions need, rule configs (for stale-rule checks) and freshness SLAs.
#   gtm run '${USAGE}'
personalization:
  initiatives: [PLG Onboarding, Lifecycle Email]
  holdout_variants: [holdout]
  events:
    engagement: [feature_used]
    conversion: [activated]
  attribution_days: 7
  consent:
    purpose: personalization
  rules:
    - { id: welcome_hero, variants: [holdout, hero_personalized] }
    - { id: onboarding_checklist, variants: [holdout, checklist_v1, checklist_v2] }
    - { id: trial_nudge, variants: [holdout, control, nudge_a, nudge_b] }
    - { id: usecase_recommender, variants: [holdout, templates_a, templates_b] }
    - { id: winback_email, variants: [holdout, winback_offer] }
  freshness:
    decisions: { warn_after_hours: 6, error_after_hours: 24 }
    outcomes: { warn_after_hours: 12, error_after_hours: 36 }
  experiments:
    minimum_detectable_effect: 0.25
  metrics:
    support_ticket: { lower_is_better: true, non_inferiority_margin: 0.5 }
`;

interface User {
  id: string;
  signup: number;
  profile: string;
  channel: string;
  cohort: string;
  holdout: boolean;
  consent: boolean;
  withdrawnAt: number | null;
}

type Row = (string | number)[];

class Generator {
  private readonly rng: Rng;
  private readonly now: number;
  private readonly first: number;
  private readonly users: User[] = [];
  private readonly decisions: Row[] = [];
  private readonly events: Row[] = [];
  private readonly billing: Row[] = [];
  private readonly consent: Row[] = [];
  private n = 0;
  private readonly planted = { violations: 0, violationUsers: 0, billingLatest: '' };

  constructor(private readonly opts: DemoPartOptions) {
    this.rng = createRng((opts.seed ^ 0x5eed_7e57) >>> 0);
    this.now = Date.parse(`${opts.asOf}T00:00:00Z`) + DAY;
    this.first = this.now - HISTORY_DAYS * DAY;
  }

  /** Midnight of the dip: the fourth day before as-of, or the Friday before it when that is a weekend. */
  private dipDay(): number {
    const d = this.now - 5 * DAY;
    const weekday = new Date(d).getUTCDay();
    return d - (weekday === 6 ? 1 : weekday === 0 ? 2 : 0) * DAY;
  }

  /** Day k's midnight (k = 0 is the first day of history; as-of is HISTORY_DAYS − 1). */
  private day(k: number): number {
    return this.first + k * DAY;
  }

  run(): void {
    for (let k = 0; k < HISTORY_DAYS; k++) {
      const weekend = [0, 6].includes(new Date(this.day(k)).getUTCDay());
      const count = Math.round(USERS_PER_DAY * (weekend ? 0.6 : 1) * (1 + 0.05 * this.rng.normal()));
      for (let i = 0; i < count; i++) this.user(k);
    }
    this.plantConsentViolation();
    this.lifecycleEmail();
    const cut = this.now - 50 * HOUR;
    const kept = this.billing.filter((r) => Date.parse(String(r[2])) <= cut);
    this.planted.billingLatest = String(kept.reduce((m, r) => (String(r[2]) > m ? String(r[2]) : m), ''));
    this.billing.length = 0;
    this.billing.push(...kept);
  }

  private user(k: number): void {
    const r = this.rng;
    const signup = this.day(k) + Math.floor(r.next() * DAY);
    if (signup >= this.now) return;
    const u: User = {
      id: `u${String(++this.n).padStart(6, '0')}`,
      signup,
      profile: r.weighted([
        ['new_trial', 50],
        ['returning', 25],
        ['enterprise_trial', 25],
      ]),
      channel: r.weighted([
        ['web', 50],
        ['in_app', 35],
        ['email', 15],
      ]),
      cohort: new Date(signup).toISOString().slice(0, 7),
      holdout: r.chance(0.1),
      consent: r.chance(0.95),
      withdrawnAt: null,
    };
    if (u.consent) {
      this.consent.push([u.id, 'personalization', 'granted', iso(signup - 60_000)]);
      if (r.chance(0.01)) {
        u.withdrawnAt = signup + Math.floor(r.next() * 20 * DAY);
        if (u.withdrawnAt < this.now)
          this.consent.push([u.id, 'personalization', 'withdrawn', iso(u.withdrawnAt)]);
      }
    }
    this.users.push(u);
    this.serve(u);
    this.outcomes(u);
  }

  /** The decisions one user gets: hero at signup, checklist, trial nudge, recommender, return visits. */
  private serve(u: User): void {
    const r = this.rng;
    const t0 = u.signup + Math.floor(r.next() * 30 * 60_000);
    this.decide(u, 'welcome_hero', t0, 'hero_personalized', 'TARGETING_MATCH');
    const tc = t0 + HOUR;
    const inChecklistExp = tc >= this.now - 28 * DAY;
    this.decide(
      u,
      'onboarding_checklist',
      tc,
      inChecklistExp ? (hash(u.id, 1) < 0.5 ? 'checklist_v1' : 'checklist_v2') : 'checklist_v1',
      inChecklistExp ? 'SPLIT' : 'TARGETING_MATCH',
    );
    if (u.profile !== 'returning') {
      const tn = u.signup + 5 * 60_000 + Math.floor(r.next() * 20 * 60_000);
      this.decide(
        u,
        'trial_nudge',
        tn,
        this.nudgeVariant(u, tn),
        tn >= this.now - 21 * DAY ? 'SPLIT' : 'TARGETING_MATCH',
      );
    }
    if (r.chance(0.6)) {
      const tr = u.signup + Math.floor(r.next() * 3 * DAY);
      const collapsed = tr >= this.now - 45 * DAY;
      this.decide(
        u,
        'usecase_recommender',
        tr,
        collapsed || hash(u.id, 2) < 0.5 ? 'templates_a' : 'templates_b',
        'SPLIT',
      );
    }
    if (r.chance(0.5))
      this.decide(
        u,
        'welcome_hero',
        u.signup + DAY * (1 + r.int(0, 5)) + r.int(0, 20) * HOUR,
        'hero_personalized',
        'TARGETING_MATCH',
      );
  }

  /** 50/25/25 split; for the last ten days only 30% of nudge_b's users get it (the rest get control). */
  private nudgeVariant(u: User, t: number): string {
    if (t < this.now - 21 * DAY) return 'control';
    const h = hash(u.id, 3);
    const v = h < 0.5 ? 'control' : h < 0.75 ? 'nudge_a' : 'nudge_b';
    if (v === 'nudge_b' && t >= this.now - 10 * DAY && hash(u.id, 4) >= 0.3) return 'control';
    return v;
  }

  /** One decision row, with the holdout, consent handling and provider failures applied. */
  private decide(
    u: User,
    rule: string,
    t: number,
    variant: string,
    reason: string,
    initiative = INITIATIVE,
  ): void {
    if (t >= this.now) return;
    const r = this.rng;
    const consented = u.consent && (u.withdrawnAt === null || t < u.withdrawnAt);
    let [v, why, code] = [variant, reason, ''];
    if (u.holdout) [v, why] = ['holdout', 'SPLIT'];
    else if (!consented) [v, why] = ['default', 'DEFAULT'];
    else if (r.chance(0.00005)) [v, why, code] = ['default', 'ERROR', 'PROVIDER_NOT_READY'];
    else if (r.chance(0.012)) [v, why] = ['default', 'STALE'];
    this.decisions.push([
      `d${String(this.decisions.length + 1).padStart(7, '0')}`,
      u.id,
      iso(t),
      initiative,
      rule,
      v,
      u.profile,
      u.channel,
      u.cohort,
      why,
      code,
      consented ? 'granted' : u.consent ? 'withdrawn' : 'denied',
    ]);
  }

  /** Engagement, activation, support tickets and purchases; activations fall on the dip day. */
  private outcomes(u: User): void {
    const r = this.rng;
    const personalized = !u.holdout && u.consent;
    const hero = personalized ? 1.35 : 1;
    const checklist = personalized && u.signup >= this.now - 28 * DAY && hash(u.id, 1) >= 0.5 ? 1.2 : 1;
    if (r.chance(0.45 * hero)) {
      for (let i = r.int(1, 3); i > 0; i--)
        this.event(u, u.signup + Math.floor(r.next() * 3 * DAY), 'feature_used');
    }
    const weekend = [0, 6].includes(new Date(u.signup).getUTCDay()) ? 0.85 : 1;
    if (r.chance(0.09 * hero * checklist * weekend)) {
      const t = u.signup + 10 * 60_000 + Math.floor(r.next() * 8 * HOUR);
      const dipDay = this.dipDay();
      const dipped = t >= dipDay && t < dipDay + DAY && r.next() >= 0.05;
      if (!dipped) {
        this.event(u, t, 'activated');
        if (r.chance(0.4)) this.purchase(u, t + HOUR + Math.floor(r.next() * 20 * HOUR));
      }
    }
    if (r.chance(0.03)) this.event(u, u.signup + Math.floor(r.next() * 2 * DAY), 'support_ticket');
  }

  private event(u: User, t: number, name: string): void {
    if (t < this.now)
      this.events.push([`e${String(this.events.length + 1).padStart(7, '0')}`, u.id, iso(t), name]);
  }

  private purchase(u: User, t: number): void {
    if (t >= this.now) return;
    const amount = Math.round(this.rng.logNormal(Math.log(120), 0.6) * 100) / 100;
    this.billing.push([
      `inv-${String(this.billing.length + 1).padStart(6, '0')}`,
      u.id,
      iso(t),
      'purchase',
      amount.toFixed(2),
      'USD',
    ]);
  }

  /** 30 users who withdrew consent eight days before as-of still got a personalized hero four days later. */
  private plantConsentViolation(): void {
    const pool = this.users.filter(
      (u) =>
        u.consent &&
        !u.holdout &&
        u.withdrawnAt === null &&
        u.signup < this.now - 12 * DAY &&
        u.signup > this.now - 25 * DAY,
    );
    const chosen = pool.filter((u) => hash(u.id, 5) < 30 / pool.length).slice(0, 30);
    const ids = new Set(chosen.map((u) => u.id));
    const rowsOf = new Map<string, Row[]>();
    for (const d of this.decisions)
      if (ids.has(String(d[1]))) rowsOf.set(String(d[1]), [...(rowsOf.get(String(d[1])) ?? []), d]);
    for (const u of chosen) {
      const withdrawn = this.now - 8 * DAY - Math.floor(hash(u.id, 6) * 12 * HOUR);
      this.consent.push([u.id, 'personalization', 'withdrawn', iso(withdrawn)]);
      // Decisions after the withdrawal fall back to the default, as the system should serve them…
      for (const d of rowsOf.get(u.id) ?? [])
        if (Date.parse(String(d[2])) >= withdrawn) [d[5], d[9], d[11]] = ['default', 'DEFAULT', 'withdrawn'];
      // …except one hero decision from a stale consent cache.
      const t = this.now - 4 * DAY - Math.floor(hash(u.id, 7) * 12 * HOUR);
      this.decisions.push([
        `d${String(this.decisions.length + 1).padStart(7, '0')}`,
        u.id,
        iso(t),
        INITIATIVE,
        'welcome_hero',
        'hero_personalized',
        u.profile,
        u.channel,
        u.cohort,
        'TARGETING_MATCH',
        '',
        'granted',
      ]);
      this.planted.violations++;
    }
    this.planted.violationUsers = chosen.length;
  }

  /** A small second initiative, so `--initiative` has something to filter out. */
  private lifecycleEmail(): void {
    const returning = this.users.filter((u) => u.profile === 'returning' && hash(u.id, 8) < 0.3);
    for (const u of returning)
      this.decide(
        u,
        'winback_email',
        u.signup + DAY * (7 + Math.floor(hash(u.id, 9) * 20)),
        'winback_offer',
        'TARGETING_MATCH',
        'Lifecycle Email',
      );
  }

  files(): DemoPart['files'] {
    const sorted = (rows: Row[], col: number) =>
      [...rows].sort((a, b) => (String(a[col]) < String(b[col]) ? -1 : 1));
    return [
      file(
        'decisions.csv',
        [
          'decision_id',
          'user_id',
          'ts',
          'initiative',
          'rule',
          'variant',
          'profile',
          'channel',
          'cohort',
          'reason',
          'error_code',
          'consent_state',
        ],
        this.decisions,
      ),
      file('product_events.csv', ['event_id', 'user_id', 'ts', 'event'], sorted(this.events, 2)),
      file(
        'billing_events.csv',
        ['invoice_id', 'customer', 'paid_at', 'type', 'amount', 'currency'],
        this.billing,
      ),
      file('consent.csv', ['user_id', 'purpose', 'status', 'recorded_at'], sorted(this.consent, 3)),
      file(
        'rule_changes.csv',
        ['change_id', 'rule', 'live_at', 'author', 'description', 'approver', 'approved_at'],
        this.changes(),
      ),
      file(
        'experiments.csv',
        [
          'experiment_id',
          'name',
          'variant',
          'weight',
          'is_control',
          'start_at',
          'end_at',
          'primary_metric',
          'guardrail_metrics',
          'method',
          'status',
          'rule',
          'initiative',
        ],
        this.experiments(),
      ),
    ];
  }

  /** Every change approved by someone else before it went live, except the planted one. */
  private changes(): Row[] {
    const at = (daysAgo: number, hour = 9) => this.now - daysAgo * DAY + hour * HOUR;
    const ok = (id: string, rule: string, t: number, author: string, what: string, approver: string): Row => [
      id,
      rule,
      iso(t),
      author,
      what,
      approver,
      iso(t - 2 * HOUR),
    ];
    return [
      ok(
        'chg-101',
        'welcome_hero',
        at(85),
        'maya.lin',
        'create rule: personalized hero by profile',
        'felix.wagner',
      ),
      ok(
        'chg-102',
        'onboarding_checklist',
        at(84),
        'jamie.cole',
        'create rule: checklist by use case',
        'felix.wagner',
      ),
      ok(
        'chg-103',
        'usecase_recommender',
        at(80),
        'maya.lin',
        'create rule: template recommender 50/50',
        'felix.wagner',
      ),
      ok(
        'chg-104',
        'trial_nudge',
        at(70),
        'jamie.cole',
        'create rule: trial nudge (control only)',
        'noor.haddad',
      ),
      ok(
        'chg-105',
        'usecase_recommender',
        at(45, 0),
        'maya.lin',
        'weights: templates_a 100% (temporary, during template refresh)',
        'felix.wagner',
      ),
      ok('chg-106', 'welcome_hero', at(40), 'maya.lin', 'copy update for enterprise trials', 'felix.wagner'),
      ok('chg-107', 'winback_email', at(35), 'sam.ortiz', 'create rule: win-back offer', 'felix.wagner'),
      ok(
        'chg-108',
        'onboarding_checklist',
        at(28, 0),
        'noor.haddad',
        'launch exp-checklist-v2 (50/50 v1/v2)',
        'felix.wagner',
      ),
      ok(
        'chg-109',
        'trial_nudge',
        at(21, 0),
        'noor.haddad',
        'launch exp-trial-nudge (50/25/25)',
        'felix.wagner',
      ),
      ok('chg-110', 'welcome_hero', at(12), 'maya.lin', 'audience: include in-app signups', 'noor.haddad'),
      [
        'chg-111',
        'onboarding_checklist',
        iso(at(6, 10.25)),
        'jamie.cole',
        'reorder checklist steps (hotfix)',
        '',
        '',
      ],
    ];
  }

  private experiments(): Row[] {
    const d = (daysFromNow: number) => iso(this.now - DAY + daysFromNow * DAY).slice(0, 10);
    const start = (daysAgo: number) => iso(this.now - daysAgo * DAY).slice(0, 10);
    const row = (
      id: string,
      name: string,
      v: string,
      w: number,
      ctl: boolean,
      s: string,
      e: string,
      method: string,
      rule: string,
    ): Row => [
      id,
      name,
      v,
      w,
      ctl ? 'true' : 'false',
      s,
      e,
      'conversion_rate',
      'support_ticket',
      method,
      'running',
      rule,
      INITIATIVE,
    ];
    return [
      row(
        'exp-checklist-v2',
        'Checklist v2',
        'checklist_v1',
        50,
        true,
        start(28),
        d(14),
        'frequentist',
        'onboarding_checklist',
      ),
      row(
        'exp-checklist-v2',
        'Checklist v2',
        'checklist_v2',
        50,
        false,
        start(28),
        d(14),
        'frequentist',
        'onboarding_checklist',
      ),
      row('exp-trial-nudge', 'Trial nudge', 'control', 50, true, start(21), d(7), 'bayesian', 'trial_nudge'),
      row('exp-trial-nudge', 'Trial nudge', 'nudge_a', 25, false, start(21), d(7), 'bayesian', 'trial_nudge'),
      row('exp-trial-nudge', 'Trial nudge', 'nudge_b', 25, false, start(21), d(7), 'bayesian', 'trial_nudge'),
    ];
  }

  truth(): Record<string, unknown> {
    const dip = iso(this.dipDay()).slice(0, 10);
    return {
      initiative: INITIATIVE,
      users: this.users.length,
      decisions: this.decisions.length,
      outcomes: this.events.length + this.billing.length,
      planted: {
        consent_violation: {
          rule: 'welcome_hero',
          purpose: 'personalization',
          decisions: this.planted.violations,
          users: this.planted.violationUsers,
        },
        unapproved_change: {
          change_id: 'chg-111',
          rule: 'onboarding_checklist',
          experiment: 'exp-checklist-v2',
        },
        suppressed_variant: { experiment: 'exp-trial-nudge', variant: 'nudge_b' },
        stale_rule: { rule: 'usecase_recommender', kind: 'variant-starved', variant: 'templates_b' },
        freshness_breach: { source: 'billing_events', latest: this.planted.billingLatest },
        // Purchases follow activations, so the day's revenue per user may dip with them.
        performance_dip: { day: dip, kpi: 'conversion_rate', may_also_dip: ['revenue_per_user'] },
      },
    };
  }
}

function iso(ms: number): string {
  return isoSeconds(ms);
}

/** A stable uniform [0, 1) per user and purpose, so assignment is sticky and independent of draw order. */
function hash(id: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 3266489909) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function file(name: string, header: string[], rows: Row[]): { path: string; content: string } {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return {
    path: `data/personalization/${name}`,
    content: [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n',
  };
}
