import { reconcile } from '../../orchestrator/index.ts';
import { stageOf, type CommandPlan, type SourceOutputs } from '../kit/index.ts';
import { aggregateStage, type AggregateOutput } from './aggregate-stage.ts';
import { backlogStage, type BacklogOutput } from './backlog-stage.ts';
import { experimentsStage, type ExperimentsOutput } from './experiments-stage.ts';
import { governanceStage, type GovernanceOutput } from './governance-stage.ts';
import { issuesStage, type IssuesOutput } from './issues-stage.ts';
import type { Run } from './run-scope.ts';

/** What each stage of monitor-personalization hands to the next. */
export interface MonitorPersonalizationOutputs extends SourceOutputs {
  aggregate: AggregateOutput;
  governance: GovernanceOutput;
  experiments: ExperimentsOutput;
  merge: { checks: number };
  issues: IssuesOutput;
  backlog: BacklogOutput;
}

const stage = stageOf<MonitorPersonalizationOutputs>();

/**
 * The plan's scope: runs of the same initiative and window form a history (alert streaks, repeats,
 * change log), as optimize-referrals keeps one per program and window: a 7d and a 30d run made the
 * same day measure different things, and one must not make the other's alert a repeat.
 */
export const scopeName = (run: Run): string =>
  `${run.inputs.inputs.initiative ?? 'all initiatives'}:${run.inputs.window.label}`;

/** Evaluations per rule add up to the decisions in scope, and users per variant to the users exposed. */
function mergeChecks(a: AggregateOutput, g: GovernanceOutput) {
  const evaluations = (g.scan.ruleHealth?.rules ?? []).reduce((s, r) => s + r.evaluations, 0);
  const users = a.performance.rows.filter((r) => r.dimension === 'all').reduce((s, r) => s + r.users, 0);
  return [
    { what: 'rule evaluations vs decisions in scope', expected: a.totals.decisions, actual: evaluations },
    { what: 'users by variant vs users exposed', expected: a.totals.users, actual: users },
  ];
}

/** Aggregation, then governance ‖ experiments. */
function branchStages(run: Run) {
  const { inputs } = run.inputs;
  const p = run.ws.personalization;
  return [
    stage({
      id: 'aggregate',
      name: 'Aggregate engagement, conversion and revenue',
      owner: p.owners.anomalies,
      purpose: `Users and outcomes after exposure by ${inputs.dimension.join(', ')} and variant vs holdout; daily KPI and volume series; source freshness`,
      needs: ['normalize'],
      run: (ctx, { normalize }) => aggregateStage(ctx, run, normalize),
    }),
    stage({
      id: 'governance',
      name: 'Governance scan',
      owner: p.owners.rule_health,
      purpose:
        'Consent adherence, fallback/error rates by rule with evaluation reasons, change approvals, changes in running experiments, stale rules',
      needs: ['aggregate'],
      run: (ctx, { aggregate }) => governanceStage(ctx, run, aggregate),
    }),
    stage({
      id: 'experiments',
      name: 'Experiment readout',
      owner: p.owners.experiments,
      purpose:
        'Live and completed tests: statistics per method, SRM, multiple exposure, guardrails, rollout guidance',
      needs: ['aggregate'],
      run: (ctx, { aggregate }) => experimentsStage(ctx, run, aggregate),
    }),
  ];
}

/** Merge gate, issue detection, backlog. */
function closingStages(run: Run, scope: string) {
  const p = run.ws.personalization;
  return [
    stage({
      id: 'merge',
      name: 'Reconcile branches (merge gate)',
      owner: p.owners.rule_health,
      purpose:
        'Rule evaluations add up to the decisions in scope; users by variant add up to the users exposed',
      needs: ['aggregate', 'governance', 'experiments'],
      kind: 'merge-gate',
      run: async (_ctx, { aggregate, governance }) => {
        const checks = mergeChecks(aggregate, governance);
        reconcile(checks, 'merge');
        return { checks: checks.length };
      },
    }),
    stage({
      id: 'issues',
      name: 'Issue detection',
      owner: p.owners.anomalies,
      purpose: 'Data freshness vs SLAs, volume drops, variant suppression, KPI dips with weekly seasonality',
      needs: ['merge', 'aggregate', 'experiments'],
      run: async (ctx, { aggregate, experiments }) => issuesStage(ctx, run, aggregate, experiments),
    }),
    stage({
      id: 'backlog',
      name: 'Backlog and escalation',
      owner: p.owners.experiments,
      purpose:
        'Recap, ranked backlog with owners, due dates and projected lift; consent violations escalate at once',
      needs: ['issues', 'aggregate', 'governance', 'experiments'],
      run: (ctx, o) => backlogStage(ctx, run, scope, o),
    }),
  ];
}

const stagesOf = (run: Run, scope: string) => [...branchStages(run), ...closingStages(run, scope)];

/**
 * The plan: gather ‖ → normalize → aggregate → governance ‖ experiments → merge gate → issue
 * detection → backlog → report (a diamond with a merge gate).
 */
export function monitorPersonalizationPlan(run: Run): CommandPlan<MonitorPersonalizationOutputs> {
  const { inputs, window } = run.inputs;
  const p = run.ws.personalization;
  const scope = scopeName(run);
  return {
    scope,
    objective: `Monitor personalization of ${inputs.initiative ?? 'every initiative'}: performance vs holdout, governance, experiments and anomalies (${window.label} to ${inputs.as_of})`,
    complexity: 'high',
    strategy: 'diamond',
    settings: {
      window: window.label,
      dimension: inputs.dimension,
      thresholds: {
        personalization_fallback_rate: inputs.alert_threshold,
        max_reject_rate: run.ws.thresholds.max_reject_rate,
      },
      cadence: run.ws.cadence,
      holdout_variants: p.holdout_variants,
      attribution_days: p.attribution_days,
      governance: p.governance,
      freshness: p.freshness,
      anomalies: p.anomalies,
      experiments: p.experiments,
      // the whole personalization: section as resolved (defaults filled in): initiatives, events,
      // consent, rules, metrics, owners, due dates; the keys above stay for older plans' diffs
      personalization: p,
    },
    stages: stagesOf(run, scope),
    successCriteria: [
      'every input row accepted, deduplicated or rejected with a reason',
      'rule evaluations and users by variant reconcile with the decisions in scope',
      'no decision served without the required consent',
      `highest fallback rate of a rule at or below ${inputs.alert_threshold}`,
    ],
    deliverables: [
      'result.json',
      'summary.md',
      'dashboard.html',
      'governance-checklist.md',
      'experiment-memo.md',
      'performance.csv',
      'rule_health.csv',
      'governance_checklist.csv',
      'experiments.csv',
      'anomalies.csv',
      'backlog.csv',
    ],
    retryStrategy:
      'exponential backoff for retriable errors: data pulls, anomaly jobs and merge-gate mismatches (2 retries)',
    fallbackPlan:
      'report the last good run; escalate per ladder (Testing Lead → Personalization Architect → Data Privacy Lead)',
  };
}
