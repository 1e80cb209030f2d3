import type {
  GovernanceRule,
  LintResult,
  PlanDiff,
  Requirements,
  ValidationReport,
} from '../../analyses/instrumentation/index.ts';
import type { QaPlan } from '../../analyses/instrumentation/qa-plan.ts';
import type { RolloutStep } from '../../analyses/instrumentation/rollout-plan.ts';
import type { AlertRecord, EscalationRecord } from '../../orchestrator/index.ts';
import type { Closing, KitRun, SnapshotInfo } from '../kit/index.ts';
import type { DefineEventsContext, DefineEventsInputs } from './inputs.ts';
import { exportSummary, planExports, type PlanExport } from './plan-exports.ts';
import { OWNER_ROLE, type DefineEventsOutputs } from './plan.ts';

export const DEFINE_EVENTS_SCHEMA_ID = 'gtm.define-events.result/v1';

/** The machine contract of `define-events` (documented by `define-events.result.schema.json`). */
export interface DefineEventsResult {
  schema: typeof DEFINE_EVENTS_SCHEMA_ID;
  run_id: string;
  plan_path: string;
  reports_dir: string;
  inputs: DefineEventsInputs;
  requirements: Requirements;
  tracking_plan: {
    name: string;
    version: string;
    events: number;
    properties: number;
    file: string;
    /** The plan in gtm's own formats (JSON, YAML, CSV), each with what it could not carry. */
    formats: PlanExport[];
  };
  governance: {
    lint: LintResult;
    /** The rules that gave events their retention period and consent category, and how many each. */
    rules: GovernanceRule[];
    rows: {
      event: string;
      type: string;
      consent: string | null;
      /** Where the consent category came from: a gtm.yaml key, the use-case template, or gtm's default. */
      consent_rule: string | null;
      pii: boolean;
      retention_days: number | null;
      /** Where the retention period came from: a gtm.yaml key, `--retention-days`, a `--constraints` default, or gtm's. */
      retention_rule: string | null;
      owner: string | null;
    }[];
  };
  qa: QaPlan & { validation: ValidationReport | null; defect_rate: number | null; defect_threshold: number };
  change_management: {
    previous_version: string | null;
    diff: PlanDiff | null;
    rollout: (RolloutStep & { owner: string | null })[];
    approvals: string[];
  };
  /** One export per requested tool, each with what its format could not carry. */
  exports: PlanExport[];
  alerts: AlertRecord[];
  escalations: EscalationRecord[];
  /** dashboard.png and the narrow dashboard-narrow.png, when Chromium rendered them. */
  snapshot?: SnapshotInfo;
}

type Run = KitRun<DefineEventsContext>;

function approvals(run: Run, regulations: readonly string[], version: string): string[] {
  const who = (role: string, fallback: string) => run.owner(role).person ?? fallback;
  return [
    `Schema review: ${who('data_engineering_lead', 'Data Engineering Lead')}`,
    ...(regulations.length
      ? [`Privacy review (${regulations.join(', ')}): ${who(OWNER_ROLE, 'Analytics Data Strategist')}`]
      : []),
    `Plan approval and version tag ${version}: ${who(OWNER_ROLE, 'Analytics Data Strategist')}`,
  ];
}

/** The result of a run, assembled once every stage has finished. */
export function buildDefineEventsResult(
  run: Run,
  o: DefineEventsOutputs,
  closing: Closing,
): DefineEventsResult {
  const { inputs, defectThreshold, igluVendor } = run.inputs;
  const { plan, previous, diff, retention } = o.catalog;
  const v = o.qa.validation;
  const exported = planExports(plan, inputs.tools, inputs.as_of, igluVendor).map(exportSummary);
  const decided = new Map(retention.decisions.map((d) => [`${d.type}\u0000${d.event}`, d]));
  return {
    schema: DEFINE_EVENTS_SCHEMA_ID,
    run_id: run.runId,
    plan_path: closing.plan_path,
    reports_dir: run.rel(run.reportsDir),
    inputs,
    requirements: o.requirements,
    tracking_plan: {
      name: plan.name,
      version: plan.version,
      events: plan.events.length,
      properties: plan.events.reduce((s, e) => s + e.properties.length, 0),
      file: run.rel(`${run.reportsDir}/tracking-plan.json`),
      formats: exported.filter((x) => x.tool === 'gtm'),
    },
    governance: {
      lint: o.governance,
      rules: retention.rules,
      rows: plan.events.map((e) => {
        const d = decided.get(`${e.type}\u0000${e.name}`);
        return {
          event: e.name,
          type: e.type,
          consent: e.consentCategory ?? null,
          consent_rule: d?.consent_rule ?? null,
          pii: Boolean(e.pii || e.properties.some((p) => p.pii)),
          retention_days: e.retentionDays ?? null,
          retention_rule: d?.retention_rule ?? null,
          owner: e.owner ?? null,
        };
      }),
    },
    qa: {
      ...o.qa.plan,
      checks: o.qa.plan.checks.map((c) => ({ ...c, owner: run.owner(c.owner_role).person })),
      validation: v,
      defect_rate: v ? (v.eventsChecked ? v.messagesWithViolations / v.eventsChecked : 0) : null,
      defect_threshold: defectThreshold,
    },
    change_management: {
      previous_version: previous?.plan.version ?? null,
      diff,
      rollout: o.change_management.rollout.map((r) => ({ ...r, owner: run.owner(r.owner_role).person })),
      approvals: approvals(run, inputs.constraints.regulations, plan.version),
    },
    exports: exported.filter((x) => x.tool !== 'gtm'),
    alerts: closing.alerts,
    escalations: closing.escalations,
  };
}
