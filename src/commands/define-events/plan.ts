import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  applyGovernancePolicy,
  diffPlans,
  draftPlan,
  lintPlan,
  useCaseRequirements,
  type GovernanceApplied,
  type LintResult,
  type PlanDiff,
  type Requirements,
  type TrackingPlan,
  type ValidationReport,
  unmatchedPolicyEvents,
  USE_CASE_TEMPLATES,
  eventsWithoutIgluVendor,
  placeholderVendorWarning,
  consentIdsWarning,
  knownConsentCategories,
  DEFAULT_CONSENT_CATEGORY,
} from '../../analyses/instrumentation/index.ts';
import { buildQaPlan, type QaPlan } from '../../analyses/instrumentation/qa-plan.ts';
import { rolloutPlan, type RolloutStep } from '../../analyses/instrumentation/rollout-plan.ts';
import { GtmError } from '../../errors/index.ts';
import { reconcile } from '../../orchestrator/index.ts';
import { stageOf, type CommandPlan, type KitRun } from '../kit/index.ts';
import { checkConsentIds, importPlan, validateEventsFile } from '../shared/tracking-plan-io/index.ts';
import { asOfInstant } from '../shared/window/index.ts';
import { validatePayloadsClickHouse } from './clickhouse-validation.ts';
import { TOOLS, type DefineEventsContext } from './inputs.ts';

/** Every event a use case can catalog: per-event governance settings naming none of them apply to nothing. */
const TEMPLATE_EVENTS = [...new Set(USE_CASE_TEMPLATES.flatMap((t) => t.events.map((e) => e.name)))];
/** Every consent category a use case's events name: a map of consent ids may name any of them. */
const TEMPLATE_CATEGORIES = [
  ...new Set(
    USE_CASE_TEMPLATES.flatMap((t) => t.events.map((e) => e.consentCategory)).filter((c): c is string => !!c),
  ),
  DEFAULT_CONSENT_CATEGORY,
];

/** The tracking plan drafted by the catalog stage, with what it was compared against. */
export interface Catalog {
  plan: TrackingPlan;
  previous: { plan: TrackingPlan; file: string } | null;
  diff: PlanDiff | null;
  /** Which rule gave each event its retention period and consent category. */
  retention: Pick<GovernanceApplied, 'decisions' | 'rules'>;
}

/** What each stage of define-events hands to the next. */
export interface DefineEventsOutputs {
  requirements: Requirements;
  catalog: Catalog;
  governance: LintResult;
  qa: { plan: QaPlan; validation: ValidationReport | null };
  reconcile: { events: number };
  change_management: { rollout: RolloutStep[] };
}

type Run = KitRun<DefineEventsContext>;
const stage = stageOf<DefineEventsOutputs>();
export const OWNER_ROLE = 'analytics_data_strategist';

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
function previousTrackingPlan(reportsRoot: string, scope: string): Catalog['previous'] {
  if (!existsSync(reportsRoot)) return null;
  for (const run of readdirSync(reportsRoot).sort().reverse()) {
    const resultFile = path.join(reportsRoot, run, 'result.json');
    const planFile = path.join(reportsRoot, run, 'tracking-plan.json');
    if (!existsSync(resultFile) || !existsSync(planFile)) continue;
    try {
      const r = JSON.parse(readFileSync(resultFile, 'utf8')) as { inputs: { use_case: string[] } };
      if (r.inputs.use_case.join(',') === scope)
        return { plan: importPlan({ format: 'gtm-json', path: planFile }), file: planFile };
    } catch {
      continue; // an unreadable earlier run is not a reason to fail this one
    }
  }
  return null;
}

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 12);

const requirements = (run: Run) =>
  stage({
    id: 'requirements',
    name: 'Gather requirements',
    owner: OWNER_ROLE,
    purpose: `KPIs, events, identities and source systems for ${run.inputs.inputs.use_case.join(', ')}`,
    needs: [],
    run: async () => {
      const { inputs } = run.inputs;
      return useCaseRequirements(inputs.use_case, {
        sources: inputs.sources.length ? inputs.sources : undefined,
      });
    },
  });

const catalog = (run: Run) =>
  stage({
    id: 'catalog',
    name: 'Catalog events',
    owner: OWNER_ROLE,
    purpose: 'Events, payloads, properties, identities, sampling, ownership and versions',
    needs: ['requirements'],
    run: async (ctx, { requirements: req }) => {
      const { inputs, scope } = run.inputs;
      const owner = run.owner(OWNER_ROLE).person ?? undefined;
      const drafted = draftPlan(req, {
        name: `${inputs.use_case.join(' + ')} tracking plan`,
        owner,
        regulations: inputs.constraints.regulations,
        sources: inputs.sources.length ? inputs.sources : undefined,
        defaultConsentCategory: null,
      });
      for (const e of drafted.events) e.owner ??= owner;
      // Every event leaves the catalog with a retention period and a consent category, each traced to its rule.
      const { plan, decisions, rules } = applyGovernancePolicy(drafted, run.inputs.governance);
      for (const line of unmatchedPolicyEvents(
        run.inputs.governance,
        TEMPLATE_EVENTS,
        plan.events.map((e) => e.name),
      ))
        run.warn(line);
      // Snowplow's schemas under the placeholder vendor would ship as iglu:com.example/…: said once
      if (run.inputs.igluVendor === null && inputs.tools.some((t) => TOOLS[t].format === 'iglu'))
        run.warn(placeholderVendorWarning(eventsWithoutIgluVendor(plan).length));
      const previous = previousTrackingPlan(path.dirname(run.reportsDir), scope);
      let diff: PlanDiff | null = null;
      if (previous) {
        diff = diffPlans(previous.plan, { ...plan, version: previous.plan.version });
        plan.version = diff.proposedVersion;
        for (const ev of diff.events) {
          const target = plan.events.find((x) => x.name === ev.event);
          if (target) target.version = ev.proposed;
        }
      }
      ctx.setting('plan_version', previous?.plan.version ?? null);
      // events and a digest of each schema join the settings, so the change log names what changed
      ctx.setting(
        'events',
        Object.fromEntries(
          plan.events.map((e) => [
            e.name,
            `${e.version} ${digest({ p: e.properties, i: e.identities, s: e.sources, a: e.additionalProperties })}`,
          ]),
        ),
      );
      return { plan, previous, diff, retention: { decisions, rules } };
    },
  });

const governance = (run: Run) =>
  stage({
    id: 'governance',
    name: 'Map governance',
    owner: 'data_engineering_lead',
    purpose: 'Naming conventions, consent handling, PII and retention; constraints turned into lint rules',
    needs: ['catalog'],
    run: async (ctx, { catalog: { plan, retention } }) => {
      const lint = lintPlan(plan, { regulations: run.inputs.inputs.constraints.regulations });
      ctx.setting('governance', {
        consent_mode: plan.consentMode,
        regulations: lint.regulations,
        consent: Object.fromEntries(plan.events.map((e) => [e.name, e.consentCategory ?? null])),
        retention_days: Object.fromEntries(plan.events.map((e) => [e.name, e.retentionDays ?? null])),
        retention_rules: Object.fromEntries(
          retention.rules.filter((r) => r.kind === 'retention').map((r) => [r.source, r.value]),
        ),
      });
      return lint;
    },
  });

/** Validates captured payloads; a half-written capture or a busy disk can succeed on retry, bad content cannot. */
async function validatePayloads(
  plan: TrackingPlan,
  file: string,
  now: number,
  consentIds: Record<string, string> | undefined,
): Promise<ValidationReport> {
  try {
    return await validateEventsFile({ plan, input: file, now, ...(consentIds ? { consentIds } : {}) });
  } catch (e) {
    if (e instanceof GtmError && e.code === 'IO')
      throw new GtmError('IO', e.message, { where: e.where, hint: e.hint, retriable: true, cause: e });
    throw e;
  }
}

const qa = (run: Run) =>
  stage({
    id: 'qa',
    name: 'Plan QA',
    owner: 'data_engineering_lead',
    purpose: 'Unit tests, replay of captured payloads, observability dashboards, evidence plan',
    needs: ['catalog'],
    run: async (ctx, { catalog: { plan } }) => {
      const { payloads, payloadsOnClickHouse, defectThreshold } = run.inputs;
      // a captured message stamped after the run's as-of is a future_timestamp
      const now = asOfInstant(run.inputs.inputs.as_of).getTime();
      let validation: ValidationReport | null = null;
      if (payloads) {
        // consent manager ids (RudderStack) read as the plan's categories: events.governance.consent.ids
        const consentIds = checkConsentIds(
          run.inputs.governance.consent?.ids,
          knownConsentCategories(plan, run.inputs.governance, TEMPLATE_CATEGORIES),
        );
        if (payloadsOnClickHouse) {
          ctx.progress(`validating payloads of ${run.rel(payloads)} on ClickHouse (event_payloads)`);
          validation = await validatePayloadsClickHouse(plan, payloadsOnClickHouse, {
            now,
            payloads,
            warn: (line) => run.warn(line),
            ...(consentIds ? { consentIds } : {}),
          });
        } else {
          ctx.progress(`validating payloads in ${run.rel(payloads)}`);
          validation = await validatePayloads(plan, payloads, now, consentIds);
        }
        const unmatched = consentIdsWarning(validation);
        if (unmatched) run.warn(unmatched);
        ctx.alert({
          id: 'instrumentation_defects',
          metric: 'share of captured messages with violations',
          value: validation.eventsChecked ? validation.messagesWithViolations / validation.eventsChecked : 0,
          threshold: defectThreshold,
          direction: 'above',
          owner_role: OWNER_ROLE,
          within_hours: 48,
        });
      }
      return { plan: buildQaPlan(plan, validation, defectThreshold), validation };
    },
  });

const reconcileGate = () =>
  stage({
    id: 'reconcile',
    name: 'Reconcile governance and QA (merge gate)',
    owner: OWNER_ROLE,
    purpose: 'Every cataloged event has governance and QA coverage; compliance blockers from both branches',
    needs: ['catalog', 'governance', 'qa'],
    kind: 'merge-gate',
    run: async (ctx, { catalog: { plan }, governance: lint, qa: q }) => {
      // Both branches find compliance blockers: the plan's lint errors, and consent violations or
      // unflagged PII in captured payloads.
      ctx.alert({
        id: 'compliance_blockers',
        metric: 'lint errors + consent violations + unflagged PII in captured payloads',
        value: complianceBlockers(lint, q.validation),
        threshold: 0,
        direction: 'above',
        unit: 'count',
        owner_role: OWNER_ROLE,
        within_hours: 48,
      });
      const live = plan.events.filter((e) => e.status !== 'deprecated');
      // Governed means both: a consent category and a retention period.
      const governed = live.filter((e) => !!e.consentCategory && e.retentionDays !== undefined);
      reconcile(
        [
          {
            what: 'events with replay checks',
            expected: live.length,
            actual: new Set(q.plan.checks.filter((c) => c.kind === 'replay').map((c) => c.event)).size,
            tolerance: 0,
          },
          {
            what: 'events with a consent category and a retention period',
            expected: live.length,
            actual: governed.length,
            tolerance: 0,
          },
        ],
        'reconcile',
      );
      return { events: live.length };
    },
  });

const changeManagement = (run: Run) =>
  stage({
    id: 'change_management',
    name: 'Change management',
    owner: OWNER_ROLE,
    purpose: 'Version bump by SchemaVer, changelog, review/approval steps and rollout plan',
    needs: ['catalog', 'reconcile'],
    run: async (_ctx, { catalog: { plan, diff } }) => {
      const { inputs } = run.inputs;
      const regulated =
        inputs.constraints.regulations.length > 0 ||
        plan.events.some((e) => e.pii || e.properties.some((p) => p.pii));
      const breaking = Boolean(diff && diff.changes.some((c) => c.breaking));
      return { rollout: rolloutPlan(inputs.as_of, inputs.timeline, breaking, regulated) };
    },
  });

/**
 * The events: section of gtm.yaml, every key (null or empty: not set). Its retention and consent
 * defaults are gtm's, applied per event by the catalog stage, which records the rules it used under
 * `settings.governance`; `--retention-days` is an input.
 */
function eventsSection(run: Run) {
  const { payloads, plan, iglu_vendor, governance: g } = run.ws.events;
  return {
    payloads: payloads ?? null,
    plan: plan ?? null,
    // null: the Snowplow schemas use the placeholder com.example
    iglu_vendor: iglu_vendor ?? null,
    governance: {
      retention: {
        default_days: g?.retention?.default_days ?? null,
        categories: g?.retention?.categories ?? {},
        events: g?.retention?.events ?? {},
      },
      consent: {
        default_category: g?.consent?.default_category ?? null,
        events: g?.consent?.events ?? {},
        // consent manager id → category, as gtm.yaml gives it (checked when payloads are validated)
        ids: g?.consent?.ids ?? {},
      },
    },
  };
}

/** requirements → catalog → governance ‖ QA → reconcile (merge gate) → change management → report. */
export function defineEventsPlan(run: Run): CommandPlan<DefineEventsOutputs> {
  const { inputs, defectThreshold, scope } = run.inputs;
  return {
    scope,
    objective: `Instrumentation spec and tracking plan for ${inputs.use_case.join(', ')}`,
    complexity: 'medium',
    strategy: 'diamond',
    settings: {
      use_case: inputs.use_case,
      sources: Object.fromEntries(inputs.sources.map((s) => [s, 'requested'])),
      tools: inputs.tools,
      regulations: inputs.constraints.regulations,
      thresholds: { defect_rate: defectThreshold, compliance_blockers: 0 },
      // not `events`: the catalog stage records the events it drafted under that key
      events_config: eventsSection(run),
    },
    stages: [
      requirements(run),
      catalog(run),
      governance(run),
      qa(run),
      reconcileGate(),
      changeManagement(run),
    ],
    successCriteria: [
      'every KPI measurable from the sources given',
      'no compliance blockers (lint errors, consent violations, unflagged PII)',
      `captured payload defect rate at most ${defectThreshold}`,
    ],
    deliverables: [
      'summary.md',
      'dashboard.html',
      'tracking-plan.json',
      'tracking-plan.yaml',
      'tracking-plan.csv',
      'qa-checklist.md',
      'evidence-plan.md',
      'changelog.md',
      'result.json',
    ],
    retryStrategy: 'exponential backoff; QA failures (payload reads) retried up to 2 times',
    fallbackPlan: 'ship the spec without payload evidence and schedule live QA',
  };
}
