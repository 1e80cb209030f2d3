import type { BacklogItem } from '../../analyses/personalization/index.ts';
import type { AggregateOutput } from './aggregate-stage.ts';
import type { ExperimentsOutput } from './experiments-stage.ts';
import type { GovernanceOutput } from './governance-stage.ts';
import type { IssuesOutput } from './issues-stage.ts';

/** What fixing a backlog item is worth, in a unit of the data, and how it was computed. */
export interface ProjectedLift {
  metric: string;
  value: number;
  unit: string;
  basis: string;
}

interface Inputs {
  aggregate: AggregateOutput;
  governance: GovernanceOutput;
  experiments: ExperimentsOutput;
  issues: IssuesOutput;
}

const pp = (x: number) => `${(x * 100).toFixed(2)} pp`;
/** A rate (not a difference of rates): percent, not percentage points. */
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Conversions per exposed user: the personalized arm minus the holdout, in the whole window. */
export function conversionLiftPerUser(
  a: AggregateOutput,
): { lift: number; personalized: number; holdout: number } | null {
  const all = a.performance.rows.filter((r) => r.dimension === 'all');
  const hold = all.filter((r) => r.isHoldout);
  const pers = all.filter((r) => r.variant === 'personalized');
  // conversion unmeasured (no conversion outcome in the window): no lift to project, not one of 0
  const rate = (rows: typeof all) => {
    const users = rows.reduce((s, r) => s + r.users, 0);
    if (!users || rows.some((r) => r.converters === null)) return null;
    return rows.reduce((s, r) => s + (r.converters ?? 0), 0) / users;
  };
  const h = rate(hold);
  const q = rate(pers);
  return h === null || q === null ? null : { lift: q - h, personalized: q, holdout: h };
}

function ruleRate(item: BacklogItem, o: Inputs): { lift: ProjectedLift | null; basis: string } {
  const reason = item.kind.replace(/^rule-/, '').replace(/-rate$/, '') as
    'fallback' | 'error' | 'default' | 'disabled';
  const rule = o.governance.scan.ruleHealth?.rules.find((r) => r.rule === item.subject.rule);
  const lift = conversionLiftPerUser(o.aggregate);
  if (!rule || !lift || lift.lift <= 0)
    return { lift: null, basis: 'no positive conversion lift over the holdout to recover' };
  const n = rule.counts[reason];
  return {
    lift: {
      metric: 'conversions',
      value: n * lift.lift,
      unit: 'conversions in the window',
      basis: `${n} ${reason} evaluations × ${pp(lift.lift)} conversion lift per exposed user of personalization over the holdout (${pct(lift.personalized)} vs ${pct(lift.holdout)} converting)`,
    },
    basis: '',
  };
}

function experiment(item: BacklogItem, o: Inputs): { lift: ProjectedLift | null; basis: string } {
  const memo = o.experiments.memos.find((m) => m.id === item.subject.experiment);
  const r = memo?.readout;
  const g = memo?.guidance;
  if (!memo || !r || !g || !['ship', 'ramp', 'roll back'].includes(g.kind))
    return { lift: null, basis: 'no effect to project until the experiment reads out cleanly' };
  const goal = r.metrics.find((m) => !m.guardrail);
  const days = r.health.days_running ?? 0;
  if (!goal || days <= 0) return { lift: null, basis: 'no goal metric or no days running' };
  const units = r.units;
  const weekly = (units / days) * 7;
  const variants =
    g.kind === 'roll back'
      ? goal.variants.filter((v) => v.decision === 'worse')
      : goal.variants.filter((v) => v.name === g.variant);
  const value = variants.reduce((s, v) => {
    const planned = memo.planned.find((p) => p.variant === v.name)?.share ?? 0;
    const share = g.kind === 'roll back' ? planned : 1 - planned;
    return s + Math.abs(v.mean - goal.control.mean) * weekly * share;
  }, 0);
  return {
    lift: {
      metric: goal.name,
      value,
      unit:
        g.kind === 'roll back'
          ? `${goal.name} units lost per week avoided`
          : `${goal.name} units gained per week`,
      basis: `|variant − control| on ${goal.name} × ${Math.round(weekly)} exposed users a week (${units} users in ${days} days) × the traffic share that changes`,
    },
    basis: '',
  };
}

function kpiDip(item: BacklogItem, o: Inputs): { lift: ProjectedLift | null; basis: string } {
  const key = String(item.subject.key ?? '');
  const dips = o.issues.anomalies.filter(
    (y) => y.key === `kpi-dip:${key}` && y.users !== null && y.value !== null,
  );
  if (!dips.length)
    return { lift: null, basis: 'data quality: restores trust in the numbers, no lift of its own' };
  const value = dips.reduce((s, y) => s + (y.expected - (y.value ?? 0)) * (y.users ?? 0), 0);
  return {
    lift: {
      metric: key,
      value,
      unit:
        key === 'revenue_per_user'
          ? 'revenue lost (reporting currency)'
          : `${key.replace(/_rate$/, '')} events lost`,
      basis: `Σ over dip days of (expected − observed ${key}) × users exposed that day`,
    },
    basis: '',
  };
}

/**
 * The projected effect of a backlog item, computed from the run's data: recovered conversions for
 * rule fallbacks and errors (evaluations × the measured lift per user over the holdout), weekly
 * gain or avoided loss for experiments to ship, ramp or roll back, lost conversions or revenue for
 * KPI dips. Compliance and hygiene items have none, and say why.
 */
export function projectedLift(item: BacklogItem, o: Inputs): { lift: ProjectedLift | null; basis: string } {
  if (/^rule-(fallback|error|default|disabled)-rate$/.test(item.kind)) return ruleRate(item, o);
  if (item.source === 'experiment') return experiment(item, o);
  if (item.kind === 'anomaly-kpi-dip') return kpiDip(item, o);
  if (item.kind === 'consent-violation')
    return { lift: null, basis: 'compliance: the decisions without consent must stop, whatever their lift' };
  if (item.kind.startsWith('change-'))
    return {
      lift: null,
      basis: 'compliance: the change must be approved (and the experiment judged) before any lift counts',
    };
  if (item.kind.startsWith('stale-'))
    return { lift: null, basis: 'hygiene: no measured lift; frees traffic and review time' };
  return { lift: null, basis: 'data quality: restores trust in the numbers, no lift of its own' };
}
