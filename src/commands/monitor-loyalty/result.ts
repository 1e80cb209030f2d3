import type { RowAccounting } from '../../contracts/index.ts';
import { topReasons, type NormalizeResult } from '../../data/index.ts';
import type { AlertRecord, EscalationRecord, ReconcileCheck } from '../../orchestrator/index.ts';
import type { Closing, KitRun } from '../kit/index.ts';
import type { ResolvedWindow } from '../shared/window/index.ts';
import type { BacklogItem } from './backlog.ts';
import type { ExperimentsOutput } from './experiments-stage.ts';
import { LOYALTY_ENTITIES, type MonitorLoyaltyContext, type MonitorLoyaltyInputs } from './inputs.ts';
import { rewardUsageWarning, type KpiOutput } from './kpi-stage.ts';
import type { LiabilityOutput } from './liability-stage.ts';
import type { MembersOutput, UnknownTier } from './members-stage.ts';
import { MEMBER_SCORES_FILE } from './member-scores-csv.ts';
import type { ModelsOutput } from './models-stage.ts';
import type { MonitorLoyaltyOutputs } from './plan.ts';
import type { SegmentLine } from './segments-stage.ts';

export const RESULT_SCHEMA_ID = 'gtm.monitor-loyalty.result/v1';

/** The machine contract of `monitor-loyalty` (documented by `monitor-loyalty.result.schema.json`). */
export interface MonitorLoyaltyResult {
  schema: typeof RESULT_SCHEMA_ID;
  run_id: string;
  plan_path: string;
  reports_dir: string;
  as_of: string;
  inputs: MonitorLoyaltyInputs;
  window: ResolvedWindow;
  previous_window: ResolvedWindow;
  currency: string;
  program: string;
  members: Omit<MembersOutput, 'values' | 'unknown_tiers'> & {
    dimension_values: MembersOutput['values'];
    /** Member tiers no tier rule describes, with the liability their outstanding points carry. */
    unknown_tiers: (UnknownTier & { liability: number })[];
  };
  kpis: KpiOutput;
  liability: LiabilityOutput;
  models: Omit<ModelsOutput, 'cols' | 'scores' | 'rfmMembers'>;
  segments: SegmentLine[];
  segment_members: { rows: number; per_segment_limit: number; file: string };
  /** member_scores.csv, one row per member: written under `--detail full` only (else null). */
  member_scores: { rows: number; file: string } | null;
  experiments: Omit<ExperimentsOutput, never> | null;
  backlog: BacklogItem[];
  checks: ReconcileCheck[];
  row_accounting: (RowAccounting & { entity: string })[];
  rejects: { rows: number; file: string | null; top_reasons: { reason: string; rows: number }[] };
  /** Per source and kept source: rows dropped as duplicates, and how many of them differed from the row kept. */
  duplicates: NormalizeResult['duplicates'];
  alerts: AlertRecord[];
  /** Escalations of the plan: an alert's second breach in a row, a liability spike's first. */
  escalations: EscalationRecord[];
  warnings: string[];
}

type Run = KitRun<MonitorLoyaltyContext>;

/** The result of a run, assembled once every stage has finished. */
export function buildMonitorLoyaltyResult(
  run: Run,
  o: MonitorLoyaltyOutputs,
  closing: Closing,
): MonitorLoyaltyResult {
  const n = o.normalize;
  const { cols: _c, scores: _s, rfmMembers: _r, ...models } = o.models;
  const { values, unknown_tiers, ...members } = o.members;
  const l = o.liability;
  return {
    schema: RESULT_SCHEMA_ID,
    run_id: run.runId,
    plan_path: closing.plan_path,
    reports_dir: run.rel(run.reportsDir),
    as_of: run.inputs.inputs.as_of,
    inputs: run.inputs.inputs,
    window: run.inputs.window,
    previous_window: run.inputs.previous,
    currency: run.ws.currency.reporting,
    program: run.inputs.config.program,
    members: {
      ...members,
      dimension_values: values,
      // outstanding points × value per point × expected redemption, as the liability is computed
      unknown_tiers: unknown_tiers.map((u) => ({
        ...u,
        liability: u.outstanding_points * l.value_per_point * l.expected_redemption_rate,
      })),
    },
    kpis: o.kpis,
    liability: o.liability,
    models,
    segments: o.insights.segments,
    segment_members: {
      rows: o.insights.members.length,
      per_segment_limit: run.inputs.config.segments.export_members,
      file: run.rel(`${run.reportsDir}/segment_members.csv`),
    },
    member_scores:
      run.inputs.inputs.detail === 'full'
        ? { rows: o.models.cols.rowCount, file: run.rel(`${run.reportsDir}/${MEMBER_SCORES_FILE}`) }
        : null,
    experiments: o.experiments ?? null,
    backlog: o.backlog,
    checks: o.gate.checks,
    // in the command's entity order (normalize takes the entities a narrow table's pass looks up first)
    row_accounting: [...n.accounting].sort((a, b) => entityRank(a.entity) - entityRank(b.entity)),
    rejects: {
      rows: n.rejects.length,
      file: n.rejects.length ? run.rel(`${run.reportsDir}/rejects.csv`) : null,
      top_reasons: topReasons(n.rejects.map((r) => r.reason)).slice(0, 5),
    },
    duplicates: n.duplicates,
    alerts: closing.alerts,
    escalations: closing.escalations,
    warnings: [
      ...(o.kpis.coverage.warning ? [o.kpis.coverage.warning] : []),
      ...(l.overdue ? [l.overdue.finding] : []),
      ...(l.stale_pending ? [l.stale_pending.finding] : []),
      ...o.members.id_case.warnings,
      ...(o.members.orders.warning ? [o.members.orders.warning] : []),
      ...o.models.warnings,
      ...(rewardUsageWarning(o.kpis.overall) ? [rewardUsageWarning(o.kpis.overall)!] : []),
      ...(o.experiments?.missing.length
        ? [
            `experiments not read out (no definition, or fewer than two variants with members): ${o.experiments.missing.join(', ')}`,
          ]
        : []),
    ],
  };
}

/** An entity's place in `LOYALTY_ENTITIES` (others last). */
function entityRank(entity: string): number {
  const i = (LOYALTY_ENTITIES as readonly string[]).indexOf(entity);
  return i < 0 ? LOYALTY_ENTITIES.length : i;
}
