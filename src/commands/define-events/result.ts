import type {
  LintResult,
  PlanDiff,
  Requirements,
  ValidationReport,
} from '../../analyses/instrumentation/index.ts';
import type { QaPlan } from '../../analyses/instrumentation/qa-plan.ts';
import type { RolloutStep } from '../../analyses/instrumentation/rollout-plan.ts';
import type { AlertRecord, EscalationRecord } from '../../orchestrator/index.ts';
import type { Closing, KitRun, SnapshotInfo } from '../kit/index.ts';
import { TOOLS, type DefineEventsContext, type DefineEventsInputs } from './inputs.ts';
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
  tracking_plan: { name: string; version: string; events: number; properties: number; file: string };
  governance: {
    lint: LintResult;
    rows: {
      event: string;
      consent: string | null;
      pii: boolean;
      retention_days: number | null;
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
  exports: { tool: string; format: string; file: string }[];
  alerts: AlertRecord[];
  escalations: EscalationRecord[];
  /** dashboard.png and the narrow dashboard-narrow.png, when Chromium rendered them. */
  snapshot?: SnapshotInfo;
}

/** Where each tool's export goes in the report folder (`null`: the tool takes no plan file). */
export function exportFileOf(format: string): string {
  if (format === 'dbt') return 'exports/dbt/schema.yml';
  if (format === 'iglu' || format === 'json-schema') return `exports/${format}`;
  const ext = format === 'rudderstack' ? 'yaml' : format === 'amplitude' ? 'csv' : 'json';
  return `exports/${format}-plan.${ext}`;
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
  const { inputs, defectThreshold } = run.inputs;
  const { plan, previous, diff } = o.catalog;
  const v = o.qa.validation;
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
    },
    governance: {
      lint: o.governance,
      rows: plan.events.map((e) => ({
        event: e.name,
        consent: e.consentCategory ?? null,
        pii: Boolean(e.pii || e.properties.some((p) => p.pii)),
        retention_days: e.retentionDays ?? null,
        owner: e.owner ?? null,
      })),
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
    exports: inputs.tools
      .filter((t) => TOOLS[t].format)
      .map((t) => {
        const format = TOOLS[t].format as string;
        return {
          tool: TOOLS[t].label,
          format: format === 'dbt' ? 'dbt schema.yml' : format,
          file: exportFileOf(format),
        };
      }),
    alerts: closing.alerts,
    escalations: closing.escalations,
  };
}
