import { reconcile } from '../../orchestrator/index.ts';
import { stageOf, type CommandPlan, type KitRun, type SourceOutputs } from '../kit/index.ts';
import {
  checkAskedExperiments,
  reviewExperiments,
  type ExperimentReview,
} from '../shared/experiment-review/index.ts';
import { computeDiagnostics, type Diagnostics } from './diagnostics-stage.ts';
import { experimentData, type ExperimentNote, type SkippedExperiment } from './experiment-stage.ts';
import type { ReferralsContext } from './inputs.ts';
import { assessPartners, type PartnerReport } from './partner-stage.ts';
import { buildBacklog, type BacklogItem } from './playbook-stage.ts';
import { reconcileChecks } from './reconcile-checks.ts';
import { refreshTables, type RefreshOutput } from './refresh-stage.ts';
import { reviewRisk, type RiskReview } from './risk-stage.ts';
import { commandEngine } from './sql/run-tables.ts';

/** What each stage of optimize-referrals hands to the next. */
export interface ReferralsOutputs extends SourceOutputs {
  refresh: RefreshOutput;
  diagnostics: Diagnostics;
  risk: RiskReview;
  reconcile: { checks: number };
  partner_health: PartnerReport;
  experiments: (ExperimentReview & { skipped: SkippedExperiment[]; notes: ExperimentNote[] }) | undefined;
  playbook: BacklogItem[];
}

type Run = KitRun<ReferralsContext>;
const stage = stageOf<ReferralsOutputs>();
const DAY = 86_400_000;

const refresh = (run: Run) =>
  stage({
    id: 'refresh',
    name: 'Data refresh',
    owner: run.ws.referrals.owners.program,
    purpose:
      'Referral submissions, conversions, payouts, shares and clicks resolved to advocates and dimensions',
    needs: ['normalize'],
    run: async (ctx) => {
      // a mistyped --experiments is refused before any stage reads or alerts
      await checkAskedExperiments(commandEngine(await run.engine()), run.inputs.inputs.experiments);
      return refreshTables(ctx, await run.engine(), run.inputs, run.ws.referrals, run.ws.currency.reporting);
    },
  });

const diagnostics = (run: Run) =>
  stage({
    id: 'diagnostics',
    name: 'Performance diagnostics',
    owner: run.ws.referrals.owners.program,
    purpose: 'Funnel invites → referrals → pipeline → revenue by window and dimension; incentive efficiency',
    needs: ['refresh'],
    run: async (ctx, { refresh: r }) => {
      const cfg = run.ws.referrals;
      const d = await computeDiagnostics(
        commandEngine(await run.engine()),
        run.inputs,
        { revenue: cfg.revenue_stages, lost: cfg.lost_stages },
        r.shareToClick,
        run.ws.currency.reporting,
      );
      const rate = d.program.current.metrics.conversionRate;
      if (rate === null)
        ctx.note('no referred sign-ups in the window: the conversion-rate guardrail was not evaluated');
      else
        ctx.alert({
          id: 'referral_conversion_rate',
          metric: 'referral conversion rate (referred customers / referred sign-ups) in the window',
          value: rate,
          threshold: run.inputs.inputs.alert_threshold,
          direction: 'below',
          owner_role: cfg.owners.program,
        });
      return d;
    },
  });

const risk = (run: Run) =>
  stage({
    id: 'risk',
    name: 'Risk review',
    owner: run.ws.referrals.owners.fraud,
    purpose:
      'Fraud heuristics with evidence, risk score and bands, rings, velocity, suspicious cohorts, held payouts',
    needs: ['refresh'],
    maxRetries: 2,
    run: async (ctx) => {
      const c = run.inputs;
      const cfg = run.ws.referrals;
      const engine = commandEngine(await run.engine());
      const r = await reviewRisk(
        engine,
        {
          start: c.window.start,
          end: c.window.end,
          days: c.window.days,
          from: c.from,
          maxAccountsPerIdentifier: cfg.fraud.max_accounts_per_identifier,
          revenueStages: cfg.revenue_stages,
          dialect: engine.dialect,
        },
        cfg.fraud,
        ['program', ...c.inputs.dimensions],
        (m) => ctx.progress(m),
        run.ws.currency.reporting,
      );
      if (r.reject_share !== null)
        ctx.alert({
          id: 'referral_fraud_reject_share',
          metric: 'share of referrals of the window banded reject (fraud spike)',
          value: r.reject_share,
          threshold: c.inputs.fraud_reject_threshold,
          direction: 'above',
          owner_role: cfg.owners.fraud,
        });
      return r;
    },
  });

const reconcileGate = (run: Run) =>
  stage({
    id: 'reconcile',
    name: 'Reconcile diagnostics and risk (merge gate)',
    owner: run.ws.referrals.owners.program,
    purpose:
      'Every referral of the window scored once; bands and held value add up; dimensions sum to the program',
    needs: ['diagnostics', 'risk'],
    kind: 'merge-gate',
    run: async (_ctx, { diagnostics: d, risk: r }) => {
      const checks = reconcileChecks(d, r);
      reconcile(checks, 'reconcile');
      return { checks: checks.length };
    },
  });

const partners = (run: Run) =>
  stage({
    id: 'partner_health',
    name: 'Partner health',
    owner: run.ws.referrals.owners.partners,
    purpose:
      'Top and bottom partners by revenue, conversion and fraud rate; share of voice, concentration, engagement trend, NPS',
    needs: ['reconcile'],
    run: async () =>
      assessPartners(
        commandEngine(await run.engine()),
        {
          days: run.inputs.window.days,
          trendWeeks: run.inputs.trendWeeks,
          npsStart: new Date(Date.parse(run.inputs.window.end) - run.inputs.npsDays * DAY).toISOString(),
          end: run.inputs.window.end,
        },
        run.ws.referrals.partner_health,
      ),
  });

const experiments = (run: Run) =>
  stage({
    id: 'experiments',
    name: 'Incentive experiments',
    owner: run.ws.referrals.owners.experiments,
    purpose: `Read out ${run.inputs.inputs.experiments.join(', ') || 'the incentive tests asked for'} with fraud-rate and cost guardrails`,
    needs: ['reconcile'],
    condition: () => run.inputs.inputs.experiments.length > 0,
    run: async (ctx) => {
      const asked = run.inputs.inputs.experiments;
      const { data, skipped, notes } = await experimentData(
        commandEngine(await run.engine()),
        asked,
        run.inputs.window.days,
        run.ws.referrals.experiments,
      );
      for (const s of skipped) ctx.note(`experiment ${s.id} not read out: ${s.reason}`);
      for (const n of notes) ctx.note(`experiment ${n.id}, ${n.metric}: ${n.note}`);
      const review = reviewExperiments(
        ctx,
        run as KitRun<unknown>,
        data,
        asked,
        run.ws.referrals.owners.experiments,
      );
      return { ...review, skipped, notes };
    },
  });

const playbook = (run: Run) =>
  stage({
    id: 'playbook',
    name: 'Playbook and backlog',
    owner: run.ws.referrals.owners.program,
    purpose:
      'Incentive tweaks, messaging, partner enablement, fraud rules to tighten, with evidence, owners, ETA and projected lift',
    needs: ['diagnostics', 'risk', 'partner_health', 'experiments'],
    run: async (ctx, got) => {
      const breached = (id: string) => ctx.recorded().alerts.some((a) => a.id === id && a.breached);
      return buildBacklog(
        {
          diagnostics: got.diagnostics,
          risk: got.risk,
          partners: got.partner_health,
          experiments: got.experiments,
          alerts: {
            conversion: breached('referral_conversion_rate'),
            fraud: breached('referral_fraud_reject_share'),
          },
        },
        run.ws.referrals,
        run.ws,
        run.asOfDay,
        (role) => run.owner(role),
      );
    },
  });

/** normalize → refresh → diagnostics ‖ risk → reconcile → partner health ‖ experiments → playbook → report. */
export function referralsPlan(run: Run): CommandPlan<ReferralsOutputs> {
  const { inputs, window } = run.inputs;
  const cfg = run.ws.referrals;
  return {
    scope: `${cfg.program}:${window.label}`,
    objective: `Referral funnel, incentive efficiency, fraud and partner health of ${cfg.program} (${window.label} to ${inputs.as_of})`,
    complexity: 'high',
    strategy: 'diamond',
    settings: {
      window: window.label,
      dimensions: inputs.dimensions,
      experiments: inputs.experiments,
      sources: Object.fromEntries(
        run.ws.sources.map((s) => [
          s.name,
          s.kind === 'file' ? `file:${s.path}` : `postgres:${s.table ?? 'query'}`,
        ]),
      ),
      thresholds: {
        referral_conversion_rate: inputs.alert_threshold,
        referral_fraud_reject_share: inputs.fraud_reject_threshold,
        max_reject_rate: run.ws.thresholds.max_reject_rate,
        fraud_review_band: cfg.fraud.bands.review,
        fraud_reject_band: cfg.fraud.bands.reject,
      },
      fraud_rules: cfg.fraud.rules,
      revenue_stages: cfg.revenue_stages,
      cadence: run.ws.cadence,
      // the whole referrals: section as resolved (defaults filled in): rings, velocity, partner
      // health, backlog, experiment margins, owners; the keys above stay for older plans' diffs
      referrals: cfg,
    },
    stages: [
      refresh(run),
      diagnostics(run),
      risk(run),
      reconcileGate(run),
      partners(run),
      experiments(run),
      playbook(run),
    ],
    successCriteria: [
      'every input row accepted, deduplicated or rejected with a reason',
      'every referral of the window scored once; review and reject carry the rules that fired',
      `referral conversion rate at or above ${inputs.alert_threshold}`,
      `share of referrals banded reject at most ${inputs.fraud_reject_threshold}`,
    ],
    deliverables: [
      'dashboard.html',
      'summary.md',
      'result.json',
      'funnel.csv',
      'partners.csv',
      'flagged_referrals.csv',
      'backlog.csv',
      'rings.csv',
    ],
    retryStrategy: 'exponential backoff; data pulls and the fraud model run retried up to 2 times',
    fallbackPlan: 'hold flagged payouts, report the last good run and escalate per ladder',
  };
}
