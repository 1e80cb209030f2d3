import { reconcile, type ReconcileCheck } from '../../orchestrator/index.ts';
import type { CommandPlan, KitRun, SourceOutputs } from '../kit/index.ts';
import { stageOf } from '../kit/index.ts';
import { checkAskedExperiments } from '../shared/experiment-review/index.ts';
import { buildBacklog, type BacklogItem } from './backlog.ts';
import { reviewLoyaltyExperiments, type ExperimentsOutput } from './experiments-stage.ts';
import { loyaltyScope, type MonitorLoyaltyContext } from './inputs.ts';
import { computeKpis, type KpiOutput } from './kpi-stage.ts';
import { computeLiability, type LiabilityOutput } from './liability-stage.ts';
import { pullMembers, type MembersOutput } from './members-stage.ts';
import { computeModels, type ModelsOutput } from './models-stage.ts';
import { relationOf } from './run-tables.ts';
import { computeSegments, type InsightsOutput } from './segments-stage.ts';
import { money6 } from './money6.ts';

/** What each stage of monitor-loyalty hands to the next. */
export interface MonitorLoyaltyOutputs extends SourceOutputs {
  members: MembersOutput;
  kpis: KpiOutput;
  liability: LiabilityOutput;
  models: ModelsOutput;
  experiments: ExperimentsOutput;
  insights: InsightsOutput;
  gate: { checks: ReconcileCheck[] };
  backlog: BacklogItem[];
}

type Run = KitRun<MonitorLoyaltyContext>;
const stage = stageOf<MonitorLoyaltyOutputs>();
/** A check's tolerance: a millionth of its size (at least 1), to 10 digits (0.071773813, not 0.07177381299999999). */
const tolerance = (x: number) => Number((Math.max(1, x) / 1e6).toPrecision(10));
const sum = <T>(rows: readonly T[] | undefined, f: (r: T) => number) =>
  (rows ?? []).reduce((s, r) => s + f(r), 0);

/** What the branches must agree on before the action plan is drawn. */
export function gateChecks(
  o: Pick<MonitorLoyaltyOutputs, 'kpis' | 'liability' | 'models' | 'insights'>,
): ReconcileCheck[] {
  const k = o.kpis;
  const l = o.liability;
  const checks: ReconcileCheck[] = [
    {
      what: 'FIFO balance = ledger balance + consumption beyond earned points',
      expected: l.checks.fifo_balance,
      actual: l.checks.ledger_balance + l.checks.unmatched,
      tolerance: tolerance(l.checks.fifo_balance),
    },
    {
      // points past their expiry date are breakage: out of the cohorts' outstanding points
      what: 'outstanding points of the issuance cohorts = FIFO balance − overdue points',
      expected: l.checks.fifo_balance - l.checks.overdue_points,
      actual: sum(l.cohorts, (c) => c.outstanding),
      tolerance: tolerance(l.checks.fifo_balance),
    },
    {
      what: 'overdue points of the issuance cohorts = overdue points of the members',
      expected: l.checks.overdue_points,
      actual: sum(l.cohorts, (c) => c.overdue),
      tolerance: tolerance(l.checks.overdue_points),
    },
    {
      what: 'members in the tier migration matrix = members',
      expected: k.overall.members,
      actual: k.tier_migration.members,
    },
    {
      what: 'members scored by the models = members',
      expected: k.overall.members,
      actual: o.models.churn.overall.members,
    },
  ];
  for (const [dim, rows] of Object.entries(k.by_dimension)) {
    checks.push({
      what: `members by ${dim} = members`,
      expected: k.overall.members,
      actual: sum(rows, (r) => r.members),
    });
    checks.push({
      what: `member revenue by ${dim} = member revenue`,
      expected: k.overall.revenue,
      actual: money6(sum(rows, (r) => r.revenue)),
      tolerance: tolerance(k.overall.revenue),
    });
  }
  for (const s of o.insights.segments)
    for (const [dim, rows] of Object.entries(s.by_dimension))
      checks.push({
        what: `${s.segment} members by ${dim} = its size`,
        expected: s.size,
        actual: sum(rows, (r) => r.size),
      });
  return checks;
}

const diagnostics = (run: Run) => [
  stage({
    id: 'members',
    name: 'Data pull: enrolment, engagement, redemption, revenue',
    owner: 'member_insights_analyst',
    purpose: 'One summary row per member in the engine: tier, dimensions, orders, points, tier progress',
    needs: ['normalize'],
    run: async (ctx, { normalize }) => {
      // a mistyped --experiments is refused before any stage reads or alerts
      const engine = await run.engine();
      await checkAskedExperiments(engine, run.inputs.inputs.experiments, relationOf(engine));
      return pullMembers(ctx, run, normalize.narrow);
    },
  }),
  stage({
    id: 'kpis',
    name: 'Health diagnostics: KPIs, tier mix and migration',
    owner: 'member_insights_analyst',
    purpose: `KPIs by ${run.inputs.inputs.dimensions.join(', ')} for the window and the one before it; active member rate guardrail`,
    needs: ['members'],
    run: (ctx, { members }) => computeKpis(ctx, run, members),
  }),
  stage({
    id: 'liability',
    name: 'Health diagnostics: point liability and breakage',
    owner: run.inputs.config.owners.finance,
    purpose:
      'FIFO lots, chain-ladder breakage, liability, IFRS 15 revenue release, change since the previous run',
    needs: ['members'],
    run: (ctx) => computeLiability(ctx, run),
  }),
  stage({
    id: 'models',
    name: 'Health diagnostics: churn risk and customer value',
    owner: 'member_insights_analyst',
    purpose:
      'BG/NBD and Gamma-Gamma fitted and checked, P(alive), expected purchases and CLV per member, RFM',
    needs: ['members'],
    run: (ctx, { members }) => computeModels(ctx, run, members),
  }),
];

/** Experiment review (parallel to the diagnostics), member insights, merge gate, action plan. */
const actionStages = (run: Run) => {
  const { inputs, config } = run.inputs;
  return [
    stage({
      id: 'experiments',
      name: 'Experiment review',
      owner: config.owners.experiments,
      purpose:
        'Campaign tests read out with liability and margin guardrails, next tests, incremental revenue vs holdout',
      needs: ['members'],
      condition: () => inputs.experiments !== null,
      run: (ctx) => reviewLoyaltyExperiments(ctx, run),
    }),
    stage({
      id: 'insights',
      name: 'Member insights: segments to act on',
      owner: 'member_insights_analyst',
      purpose:
        'Upgrade opportunities, downgrade risk, win-back, expiring points, never redeemed: size, value at stake, play',
      needs: ['members', 'models', 'liability'],
      run: (ctx, { members, models, liability }) => computeSegments(ctx, run, members, models, liability),
    }),
    stage({
      id: 'gate',
      name: 'Reconcile diagnostics (merge gate)',
      owner: 'member_insights_analyst',
      purpose: 'Balances, members and segment sizes agree across the branches',
      needs: ['kpis', 'liability', 'models', 'insights', 'experiments'],
      kind: 'merge-gate',
      run: async (_ctx, o) => {
        const checks = gateChecks(o);
        reconcile(checks, 'gate');
        return { checks };
      },
    }),
    stage({
      id: 'backlog',
      name: 'Action plan: prioritized backlog',
      owner: 'loyalty_strategist',
      purpose: 'Owned actions with evidence, ETA and projected lift, by value at stake',
      needs: ['gate', 'kpis', 'liability', 'models', 'insights', 'experiments'],
      run: async (_ctx, o) => buildBacklog(run, o),
    }),
  ];
};

/** The plan: gather ‖ → normalize → members → (KPIs ‖ liability ‖ models) ‖ experiments → insights → merge gate → action plan → report. */
export function monitorLoyaltyPlan(run: Run): CommandPlan<MonitorLoyaltyOutputs> {
  const { inputs, window, config } = run.inputs;
  return {
    scope: loyaltyScope(run.inputs),
    objective: `Monitor loyalty programme ${config.program}: health, liability, churn risk and plays (${window.label} to ${inputs.as_of})`,
    complexity: 'high',
    strategy: 'diamond',
    settings: {
      model: 'bg-nbd + gamma-gamma (weeks)',
      sources: Object.fromEntries(
        run.ws.sources.map((s) => [
          s.name,
          s.kind === 'file' ? `file:${s.path}` : `postgres:${s.table ?? 'query'}`,
        ]),
      ),
      thresholds: {
        loyalty_active_member_rate: inputs.alert_threshold,
        loyalty_liability_spike: run.inputs.liabilitySpike,
        max_reject_rate: run.ws.thresholds.max_reject_rate,
      },
      cadence: run.ws.cadence,
      window: window.label,
      dimensions: inputs.dimensions,
      loyalty: { ...config },
    },
    stages: [...diagnostics(run), ...actionStages(run)],
    successCriteria: [
      'every input row accepted, deduplicated or rejected with a reason',
      'FIFO lots reconcile with the ledger balances; members, revenue and segments reconcile across dimensions',
      `active member rate at or above ${inputs.alert_threshold}`,
      `points liability within +${(run.inputs.liabilitySpike * 100).toFixed(0)}% of the previous run`,
      'BG/NBD and Gamma-Gamma fits converged',
    ],
    deliverables: [
      'dashboard.html',
      'summary.md',
      'result.json',
      'kpis.csv',
      'liability_cohorts.csv',
      'segments.csv',
      'segment_members.csv',
      'backlog.csv',
      'tier_migration.csv',
      'experiments.csv',
    ],
    retryStrategy:
      'exponential backoff for retriable errors (data pulls, reconciliation mismatches, chart renders), 2 retries',
    fallbackPlan: 'report the last good run; escalate per ladder',
  };
}
