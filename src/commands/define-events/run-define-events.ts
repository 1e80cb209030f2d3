import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  diffPlans,
  draftPlan,
  lintPlan,
  renderChangelog,
  useCaseRequirements,
  type LintResult,
  type PlanDiff,
  type Requirements,
  type TrackingPlan,
  type ValidationReport,
} from '../../analyses/instrumentation/index.ts';
import { buildQaPlan, type QaPlan } from '../../analyses/instrumentation/qa-plan.ts';
import { rolloutPlan, type RolloutStep } from '../../analyses/instrumentation/rollout-plan.ts';
import { GtmError } from '../../errors/index.ts';
import {
  reconcile,
  resolveOwner,
  runPlan,
  type PlanRecord,
  type Roster,
  type RunEvent,
  type StageDef,
} from '../../orchestrator/index.ts';
import { importPlan, validateEventsFile } from '../events/index.ts';
import { resolveDefineEventsInputs, TOOLS, type DefineEventsInputs } from './inputs.ts';
import { writeDefineEventsReports } from './write-reports.ts';

export interface DefineEventsContext {
  baseDir: string;
  reportsDir: string;
  plansDir: string;
  roster: Roster;
  ladder: string[];
  /** NDJSON file or folder of captured payloads to validate (QA evidence), if any. */
  payloads: string | null;
  defectThreshold: number;
}

export interface DefineEventsResult {
  schema: 'gtm.define-events.result/v1';
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
  qa: QaPlan & { validation: ValidationReport | null; defect_rate: number | null };
  change_management: {
    previous_version: string | null;
    diff: PlanDiff | null;
    rollout: (RolloutStep & { owner: string | null })[];
    approvals: string[];
  };
  exports: { tool: string; format: string; file: string }[];
  alerts: unknown[];
  escalations: unknown[];
}

const OWNER_ROLE = 'analytics_data_strategist';

/** Lint errors plus consent violations and unflagged PII seen in captured payloads. */
export function complianceBlockers(lint: LintResult, validation: ValidationReport | null): number {
  return (
    lint.errors +
    (validation
      ? validation.violationsByType.consent_violation + validation.violationsByType.pii_detected
      : 0)
  );
}

/** The previous tracking plan of the same use cases, from the last define-events run's folder. */
function previousTrackingPlan(
  reportsRoot: string,
  scope: string,
): { plan: TrackingPlan; file: string } | null {
  if (!existsSync(reportsRoot)) return null;
  for (const run of readdirSync(reportsRoot).sort().reverse()) {
    const resultFile = path.join(reportsRoot, run, 'result.json');
    const planFile = path.join(reportsRoot, run, 'tracking-plan.json');
    if (!existsSync(resultFile) || !existsSync(planFile)) continue;
    try {
      const r = JSON.parse(readFileSync(resultFile, 'utf8')) as DefineEventsResult;
      if (r.inputs.use_case.join(',') === scope)
        return { plan: importPlan({ format: 'gtm-json', path: planFile }), file: planFile };
    } catch {
      continue; // an unreadable earlier run is not a reason to fail this one
    }
  }
  return null;
}

/**
 * `define-events` as an audited plan: requirements → catalog → governance ‖ QA → reconcile (merge
 * gate) → change management → reporting package.
 */
export async function runDefineEvents(opts: {
  flags: Record<string, unknown>;
  today: string;
  ctx: DefineEventsContext;
  now?: () => Date;
  onEvent?: (e: RunEvent) => void;
}): Promise<{ result: DefineEventsResult; record: PlanRecord }> {
  const inputs = resolveDefineEventsInputs(opts.flags, opts.today);
  const { ctx } = opts;
  const now = opts.now ?? (() => new Date());
  const runId = now().toISOString().replace(/[-:.]/g, '');
  const scope = inputs.use_case.join(',');
  const reportsRoot = path.resolve(ctx.baseDir, ctx.reportsDir, 'define-events');
  const outDir = path.join(reportsRoot, runId);
  const previous = previousTrackingPlan(reportsRoot, scope);
  const owner = (role: string) => resolveOwner(ctx.roster, role, inputs.as_of).person;

  let requirements!: Requirements;
  let plan!: TrackingPlan;
  let lint!: LintResult;
  let validation: ValidationReport | null = null;
  let qa!: QaPlan;
  let diff: PlanDiff | null = null;
  let rollout: RolloutStep[] = [];
  let exports: DefineEventsResult['exports'] = [];
  let planPath = '';

  const stages: StageDef[] = [
    {
      id: 'requirements',
      name: 'Gather requirements',
      owner: OWNER_ROLE,
      purpose: `KPIs, events, identities and source systems for ${inputs.use_case.join(', ')}`,
      outputVar: 'requirements',
      dependsOn: [],
      run: async () => {
        requirements = useCaseRequirements(inputs.use_case, {
          sources: inputs.sources.length ? inputs.sources : undefined,
        });
        return {
          kpis: requirements.kpis.length,
          events: requirements.events.length,
          unmeasurable: requirements.kpis.filter((k) => !k.measurable).map((k) => k.id),
        };
      },
    },
    {
      id: 'catalog',
      name: 'Catalog events',
      owner: OWNER_ROLE,
      purpose: 'Events, payloads, properties, identities, sampling, ownership and versions',
      outputVar: 'catalog',
      dependsOn: ['requirements'],
      run: async (sctx) => {
        plan = draftPlan(requirements, {
          name: `${inputs.use_case.join(' + ')} tracking plan`,
          owner: owner(OWNER_ROLE) ?? undefined,
          regulations: inputs.constraints.regulations,
          sources: inputs.sources.length ? inputs.sources : undefined,
        });
        for (const e of plan.events) e.owner ??= owner(OWNER_ROLE) ?? undefined;
        if (previous) {
          diff = diffPlans(previous.plan, { ...plan, version: previous.plan.version });
          plan.version = diff.proposedVersion;
          for (const ev of diff.events) {
            const target = plan.events.find((x) => x.name === ev.event);
            if (target) target.version = ev.proposed;
          }
        }
        // events and a digest of each schema join the settings, so the change log names what changed
        const digest = (x: unknown) =>
          createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 12);
        sctx.setting(
          'events',
          Object.fromEntries(
            plan.events.map((e) => [
              e.name,
              `${e.version} ${digest({ p: e.properties, i: e.identities, s: e.sources, a: e.additionalProperties })}`,
            ]),
          ),
        );
        return { events: plan.events.length, version: plan.version };
      },
    },
    {
      id: 'governance',
      name: 'Map governance',
      owner: 'data_engineering_lead',
      purpose: 'Naming conventions, consent handling, PII and retention; constraints turned into lint rules',
      outputVar: 'governance',
      dependsOn: ['catalog'],
      run: async (sctx) => {
        lint = lintPlan(plan, { regulations: inputs.constraints.regulations });
        sctx.setting('governance', {
          consent_mode: plan.consentMode,
          regulations: lint.regulations,
          consent: Object.fromEntries(plan.events.map((e) => [e.name, e.consentCategory ?? null])),
          retention_days: Object.fromEntries(plan.events.map((e) => [e.name, e.retentionDays ?? null])),
        });
        return { errors: lint.errors, warnings: lint.warnings };
      },
    },
    {
      id: 'qa',
      name: 'Plan QA',
      owner: 'data_engineering_lead',
      purpose: 'Unit tests, replay of captured payloads, observability dashboards, evidence plan',
      outputVar: 'qa',
      dependsOn: ['catalog'],
      run: async (sctx) => {
        if (ctx.payloads) {
          sctx.progress(`validating payloads in ${path.relative(ctx.baseDir, ctx.payloads)}`);
          try {
            validation = await validateEventsFile({ plan, input: ctx.payloads });
          } catch (e) {
            // A partially written capture or a busy disk can succeed on retry; bad content cannot.
            if (e instanceof GtmError && e.code === 'IO')
              throw new GtmError('IO', e.message, {
                where: e.where,
                hint: e.hint,
                retriable: true,
                cause: e,
              });
            throw e;
          }
          const rate = validation.eventsChecked
            ? validation.messagesWithViolations / validation.eventsChecked
            : 0;
          sctx.alert({
            id: 'instrumentation_defects',
            metric: 'share of captured messages with violations',
            value: rate,
            threshold: ctx.defectThreshold,
            direction: 'above',
            owner_role: OWNER_ROLE,
            within_hours: 48,
          });
        }
        qa = buildQaPlan(plan, validation, ctx.defectThreshold);
        return {
          checks: qa.checks.length,
          validated: validation ? (validation as ValidationReport).eventsChecked : 0,
        };
      },
    },
    {
      id: 'reconcile',
      name: 'Reconcile governance and QA (merge gate)',
      owner: OWNER_ROLE,
      purpose: 'Every cataloged event has governance and QA coverage; compliance blockers from both branches',
      outputVar: 'reconciled',
      dependsOn: ['governance', 'qa'],
      kind: 'merge-gate',
      run: async (sctx) => {
        // Both branches find compliance blockers: the plan's lint errors, and consent violations or
        // unflagged PII in captured payloads.
        sctx.alert({
          id: 'compliance_blockers',
          metric: 'lint errors + consent violations + unflagged PII in captured payloads',
          value: complianceBlockers(lint, validation),
          threshold: 0,
          direction: 'above',
          owner_role: OWNER_ROLE,
          within_hours: 48,
        });
        const live = plan.events.filter((e) => e.status !== 'deprecated');
        reconcile(
          [
            {
              what: 'events with replay checks',
              expected: live.length,
              actual: new Set(qa.checks.filter((c) => c.kind === 'replay').map((c) => c.event)).size,
              tolerance: 0,
            },
            {
              what: 'events covered by governance',
              expected: live.length,
              actual: live.filter(
                (e) =>
                  e.consentCategory !== undefined ||
                  e.retentionDays !== undefined ||
                  plan.consentMode !== undefined,
              ).length,
              tolerance: 0,
            },
          ],
          'reconcile',
        );
        return { events: live.length };
      },
    },
    {
      id: 'change_management',
      name: 'Change management',
      owner: OWNER_ROLE,
      purpose: 'Version bump by SchemaVer, changelog, review/approval steps and rollout plan',
      outputVar: 'change',
      dependsOn: ['reconcile'],
      run: async () => {
        const regulated =
          inputs.constraints.regulations.length > 0 ||
          plan.events.some((e) => e.pii || e.properties.some((p) => p.pii));
        rollout = rolloutPlan(
          inputs.as_of,
          inputs.timeline,
          Boolean(diff && (diff as PlanDiff).changes.some((c) => c.breaking)),
          regulated,
        );
        return {
          version: plan.version,
          previous: previous?.plan.version ?? null,
          changes: diff ? (diff as PlanDiff).changes.length : 0,
        };
      },
    },
    {
      id: 'report',
      name: 'Reporting package',
      owner: OWNER_ROLE,
      purpose: 'Instrumentation spec, tracking plan files and tool formats, QA checklist and evidence plan',
      outputVar: 'report',
      dependsOn: ['change_management'],
      run: async () => {
        exports = await writeDefineEventsReports(
          outDir,
          buildResult(),
          plan,
          inputs.tools.map((t) => ({ tool: TOOLS[t].label, format: TOOLS[t].format })),
        );
        return { dir: path.relative(ctx.baseDir, outDir), files: exports.length };
      },
    },
  ];

  function buildResult(): DefineEventsResult {
    return {
      schema: 'gtm.define-events.result/v1',
      run_id: runId,
      plan_path: path.relative(ctx.baseDir, planPath),
      reports_dir: path.relative(ctx.baseDir, outDir),
      inputs,
      requirements,
      tracking_plan: {
        name: plan.name,
        version: plan.version,
        events: plan.events.length,
        properties: plan.events.reduce((s, e) => s + e.properties.length, 0),
        file: path.relative(ctx.baseDir, path.join(outDir, 'tracking-plan.json')),
      },
      governance: {
        lint,
        rows: plan.events.map((e) => ({
          event: e.name,
          consent: e.consentCategory ?? null,
          pii: Boolean(e.pii || e.properties.some((p) => p.pii)),
          retention_days: e.retentionDays ?? null,
          owner: e.owner ?? null,
        })),
      },
      qa: {
        ...qa,
        checks: qa.checks.map((c) => ({ ...c, owner: owner(c.owner_role) })),
        validation,
        defect_rate: validation
          ? (validation as ValidationReport).eventsChecked
            ? (validation as ValidationReport).messagesWithViolations /
              (validation as ValidationReport).eventsChecked
            : 0
          : null,
      },
      change_management: {
        previous_version: previous?.plan.version ?? null,
        diff,
        rollout: rollout.map((r) => ({ ...r, owner: owner(r.owner_role) })),
        approvals: [
          `Schema review: ${owner('data_engineering_lead') ?? 'Data Engineering Lead'}`,
          ...(inputs.constraints.regulations.length
            ? [
                `Privacy review (${inputs.constraints.regulations.join(', ')}): ${owner(OWNER_ROLE) ?? 'Analytics Data Strategist'}`,
              ]
            : []),
          `Plan approval and version tag ${plan.version}: ${owner(OWNER_ROLE) ?? 'Analytics Data Strategist'}`,
        ],
      },
      exports,
      alerts: [],
      escalations: [],
    };
  }

  const record = await runPlan(
    {
      command: 'define-events',
      scope,
      objective: `Instrumentation spec and tracking plan for ${inputs.use_case.join(', ')}`,
      complexity: 'medium',
      strategy: 'diamond',
      inputs: { ...inputs },
      settings: {
        use_case: inputs.use_case,
        sources: Object.fromEntries(inputs.sources.map((s) => [s, 'requested'])),
        tools: inputs.tools,
        regulations: inputs.constraints.regulations,
        thresholds: { defect_rate: ctx.defectThreshold, compliance_blockers: 0 },
        plan_version: previous?.plan.version ?? null,
      },
      stages,
      successCriteria: [
        'every KPI measurable from the sources given',
        'no compliance blockers (lint errors, consent violations, unflagged PII)',
        `captured payload defect rate at most ${ctx.defectThreshold}`,
      ],
      deliverables: [
        'instrumentation-spec.md',
        'instrumentation-spec.html',
        'tracking-plan.json',
        'tracking-plan.yaml',
        'tracking-plan.csv',
        'qa-checklist.md',
        'evidence-plan.md',
        'changelog.md',
        'result.json',
      ],
      errorHandling: {
        retryStrategy: 'exponential backoff; QA failures (payload reads) retried up to 2 times',
        maxRetries: 2,
        fallbackPlan: 'ship the spec without payload evidence and schedule live QA',
        escalationLadder: ctx.ladder,
      },
      roster: ctx.roster,
      asOf: inputs.as_of,
    },
    {
      planDir: path.resolve(ctx.baseDir, ctx.plansDir),
      now,
      runId,
      onEvent: (e) => {
        if (e.type === 'run-started') planPath = e.path;
        opts.onEvent?.(e);
      },
    },
  );
  const result = buildResult();
  result.alerts = record.alerts;
  result.escalations = record.escalations;
  result.plan_path = path.relative(ctx.baseDir, planPath);
  await writeDefineEventsReports(
    outDir,
    result,
    plan,
    inputs.tools.map((t) => ({ tool: TOOLS[t].label, format: TOOLS[t].format })),
  );
  return { result, record };
}

export { renderChangelog };
