import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  buildBacklog,
  issueId,
  type AnomalyFinding,
  type BacklogItem,
  type Issue,
  type Severity,
} from '../../analyses/personalization/index.ts';
import type { StageContext } from '../../orchestrator/index.ts';
import type { OwnerRef } from '../kit/index.ts';
import { previousRuns } from '../shared/previous-runs.ts';
import type { AggregateOutput } from './aggregate-stage.ts';
import type { ExperimentsOutput } from './experiments-stage.ts';
import { anomalyLine } from './format.ts';
import { ownerRolesOf, type GovernanceOutput } from './governance-stage.ts';
import { noRows, type IssuesOutput } from './issues-stage.ts';
import type { Run } from './run-scope.ts';
import { projectedLift, type ProjectedLift } from './projected-lift.ts';

/** A backlog item with its owner from the roster, due date and projected effect. */
export interface OwnedBacklogItem extends BacklogItem {
  owner: OwnerRef;
  /** YYYY-MM-DD: as-of plus `personalization.eta_days` for its severity. */
  due: string;
  projected_lift: ProjectedLift | null;
  /** Why there is no projected lift (compliance, hygiene), when there is none. */
  lift_basis: string | null;
}

/** An escalation the command makes at once, without waiting for a second breach. */
export interface ImmediateEscalation {
  alert_id: string;
  reason: string;
  role: string;
  person: string | null;
  fallback_used: OwnerRef['fallback_used'];
  value: number;
  at: string;
}

export interface BacklogOutput {
  items: OwnedBacklogItem[];
  by_severity: Record<Severity, number>;
  repeats: string[];
  resolved: string[];
  previous_run: string | null;
  immediate_escalations: ImmediateEscalation[];
}

/** Issues for the backlog from the experiment memos: one per experiment whose guidance asks for an action. */
const SEVERITY: Record<string, Severity | null> = {
  'fix and restart': 'high',
  'roll back': 'high',
  'owner decision': 'medium',
  ship: 'medium',
  ramp: 'medium',
  stop: 'low',
  'keep running': null,
};

function experimentIssuesOf(run: Run, x: ExperimentsOutput): Issue[] {
  const owner = run.ws.personalization.owners.experiments;
  return x.memos.flatMap((m): Issue[] => {
    const severity = m.guidance ? SEVERITY[m.guidance.kind] : null;
    if (!m.guidance || !severity || !m.readout) return [];
    const kind = `experiment-${m.guidance.kind.replace(/ /g, '-')}`;
    const subject = { experiment: m.id };
    return [
      {
        id: issueId(kind, subject),
        source: 'experiment',
        kind,
        severity,
        ownerRole: owner,
        title: `${m.name}: ${m.guidance.kind}`,
        evidence: m.readout.recommendation.reasons.slice(0, 3).join(' '),
        suggestedAction: m.guidance.headline,
        subject,
      },
    ];
  });
}

/**
 * Anomalies in the backlog's loose finding shape: one id per detector and subject. A freshness
 * anomaly's instant is the end of as-of's day, so its title says how old the source's data is at
 * the end of as-of (the terminal's line), not the next date, and its evidence names the latest row
 * instead of a one-point "baseline".
 */
export const findingsOf = (issues: IssuesOutput, asOf: string): AnomalyFinding[] =>
  issues.anomalies.map((y) => {
    const fresh = y.detectors.includes('data-freshness');
    return {
      detector: y.key.slice(0, y.key.indexOf(':')),
      severity: y.severity,
      key: y.subject,
      title: fresh
        ? anomalyLine(y, asOf)
        : `${y.key.slice(0, y.key.indexOf(':'))} on ${y.subject} (${y.at.slice(0, 10)})`,
      evidence: noRows(y)
        ? `no rows in ${y.subject}: no latest row to measure its freshness by (SLA: warn after ${fmt(y.expected)} h, error after ${fmt(y.threshold)} h)`
        : `value ${fmt(y.value)} vs expected ${fmt(y.expected)} (score ${fmt(y.score)}, threshold ${fmt(y.threshold)}; ${y.detectors.join(' + ')}; ${fresh ? `latest row ${y.window.from}` : `baseline ${y.window.from.slice(0, 10)} to ${y.window.to.slice(0, 10)}, ${y.window.points} points`})`,
      playbook: y.playbook,
    };
  });

const fmt = (x: number | null) => (x === null ? 'n/a' : Number(x.toPrecision(4)).toString());

/**
 * Backlog ids of the previous run of the same command and scope (`previousRuns`: the succeeded run
 * of the latest as-of before this run's), from its result.json. A back-dated run marked the
 * later run's items as repeats, and the next run compared with it; a failed run in between made
 * every item new.
 */
async function previousIds(
  run: Run,
  scope: string,
  currentPlanId: string,
): Promise<{ ids: string[]; run: string | null }> {
  const [prev] = await previousRuns(run, scope, currentPlanId);
  if (!prev) return { ids: [], run: null };
  const file = path.resolve(
    run.baseDir,
    run.ws.output.reports_dir,
    run.command,
    prev.record.run_id,
    'result.json',
  );
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as { backlog?: { items?: { id: string }[] } };
    return { ids: (json.backlog?.items ?? []).map((i) => i.id), run: prev.record.run_id };
  } catch {
    return { ids: [], run: prev.record.run_id };
  }
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The backlog: governance findings, experiment guidance and anomalies merged under stable ids,
 * ranked, each with an owner from the roster (fallbacks recorded), a due date and a projected
 * effect computed from the data; repeats of the previous run marked. Consent violations escalate
 * at once to the consent owner (Data Privacy Lead), without waiting for a second breach.
 */
export async function backlogStage(
  ctx: StageContext,
  run: Run,
  scope: string,
  o: {
    aggregate: AggregateOutput;
    governance: GovernanceOutput;
    experiments: ExperimentsOutput;
    issues: IssuesOutput;
  },
): Promise<BacklogOutput> {
  const p = run.ws.personalization;
  const prev = await previousIds(run, scope, path.basename(ctx.planPath, '.json'));
  const backlog = buildBacklog(
    {
      governance: o.governance.scan.findings,
      experiments: experimentIssuesOf(run, o.experiments),
      anomalies: findingsOf(o.issues, run.asOfDay),
    },
    { previousIds: prev.ids, ownerRoles: ownerRolesOf(p) },
  );
  const items = backlog.items.map((item): OwnedBacklogItem => {
    const lift = projectedLift(item, o);
    return {
      ...item,
      owner: run.owner(item.ownerRole),
      due: addDays(run.asOfDay, p.eta_days[item.severity]),
      projected_lift: lift.lift,
      lift_basis: lift.lift ? null : lift.basis,
    };
  });
  const immediate = immediateEscalations(ctx, run, o.governance);
  return {
    items,
    by_severity: { ...backlog.bySeverity },
    repeats: [...backlog.repeats],
    resolved: [...backlog.resolved],
    previous_run: prev.run,
    immediate_escalations: immediate,
  };
}

function immediateEscalations(ctx: StageContext, run: Run, g: GovernanceOutput): ImmediateEscalation[] {
  const violations = g.scan.consent?.violations ?? 0;
  if (violations === 0) return [];
  const owner = run.owner(run.ws.personalization.owners.consent);
  const e: ImmediateEscalation = {
    alert_id: 'consent_violations',
    reason: `${violations} decision${violations === 1 ? '' : 's'} served without the required consent`,
    role: owner.role,
    person: owner.person,
    fallback_used: owner.fallback_used,
    value: violations,
    at: run.inputs.window.end,
  };
  ctx.note(`escalated at once to ${owner.person ?? 'nobody available'} (${owner.role}): ${e.reason}`);
  return [e];
}
