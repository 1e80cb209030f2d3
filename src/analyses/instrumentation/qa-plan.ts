import { percentText, plural } from '../text/index.ts';
import type { ValidationReport, ViolationType } from './validation-report.ts';
import { eventKey, type TrackingPlan } from './tracking-plan.ts';

export interface QaCheck {
  id: string;
  event: string | null;
  kind: 'unit-test' | 'replay' | 'observability' | 'live-qa' | 'privacy';
  check: string;
  evidence: string;
  owner_role: string;
  /** The person holding the role, when the command resolved it from the roster. */
  owner?: string | null;
  /** From validated payloads when given: pass, fail, or not yet tested. */
  status: 'pass' | 'fail' | 'untested';
  detail?: string;
}

export interface QaPlan {
  checks: QaCheck[];
  /** Dashboards to watch after rollout, each with its alert rule. */
  dashboards: { name: string; metric: string; alert: string }[];
  evidence: { artifact: string; how: string; retention: string }[];
}

/**
 * The QA checklist and evidence plan of a tracking plan: a unit test, a replay check and a privacy
 * check per event (status from validated payloads when a report is given), plus the observability
 * dashboards and the evidence to keep. Owners are roles; the command resolves people.
 * @example buildQaPlan(plan, report).checks.filter((c) => c.status === 'fail')
 */
export function buildQaPlan(
  plan: TrackingPlan,
  report: ValidationReport | null,
  defectThreshold = 0.02,
): QaPlan {
  const checks: QaCheck[] = [];
  // the report names an event by its key (track events by name, other calls `type:name`) and lists
  // every planned event, captured or not: an event with no checked message was not tested
  const byEvent = new Map((report?.byEvent ?? []).map((e) => [e.event, e]));
  for (const e of plan.events.filter((x) => x.status !== 'deprecated')) {
    const entry = byEvent.get(eventKey(e));
    const seen = entry && entry.checked > 0 ? entry : undefined;
    const violations = seen ? Object.entries(seen.byType).filter(([, n]) => (n ?? 0) > 0) : [];
    const required = e.properties.filter((p) => p.required).map((p) => p.name);
    checks.push({
      id: `unit:${e.name}`,
      event: e.name,
      kind: 'unit-test',
      check: `the generated tracking function for "${e.name}" compiles and rejects a payload missing ${required.length ? required.join(', ') : 'its identity'}`,
      evidence: 'CI log of the codegen test (gtm events codegen --lang ts, tsc --strict)',
      owner_role: 'data_engineering_lead',
      status: 'untested',
    });
    checks.push({
      id: `replay:${e.name}`,
      event: e.name,
      kind: 'replay',
      check: `captured "${e.name}" payloads conform to the plan (types, required properties, enums, version, source)`,
      evidence: 'gtm events validate report (validation.json) with sample payloads',
      owner_role: 'analytics_data_strategist',
      status: !report ? 'untested' : !seen ? 'untested' : violations.length ? 'fail' : 'pass',
      detail: !report
        ? undefined
        : !seen
          ? 'no captured payloads of this event'
          : violations.length
            ? violations.map(([t, n]) => `${n} ${t}`).join(', ')
            : `${plural(seen.checked, 'payload conforms', 'payloads conform')}`,
    });
    if (e.pii || e.properties.some((p) => p.pii) || e.consentCategory)
      checks.push({
        id: `privacy:${e.name}`,
        event: e.name,
        kind: 'privacy',
        check: `"${e.name}" is sent only with ${e.consentCategory ?? 'the required'} consent and carries PII only in flagged properties`,
        evidence:
          'consent_violation and pii_detected counts in validation.json; consent manager configuration export',
        owner_role: 'analytics_data_strategist',
        status:
          !report || !seen
            ? 'untested'
            : (seen.byType.consent_violation ?? 0) + (seen.byType.pii_detected ?? 0) > 0
              ? 'fail'
              : 'pass',
        detail: !report
          ? undefined
          : !seen
            ? 'no captured payloads of this event'
            : privacyDetail(seen.checked, seen.byType),
      });
  }
  checks.push({
    id: 'live-qa',
    event: null,
    kind: 'live-qa',
    check:
      'a QA build sends every planned event to the gtm collector (gtm events collect) with zero unplanned events',
    evidence: 'collector summary (GET /summary) saved after the QA session',
    owner_role: 'data_engineering_lead',
    status: 'untested',
  });
  const dashboards = [
    {
      name: 'Event volume by event and day',
      metric: 'messages per event per day',
      alert: 'volume drops more than 50% day over day, or an event stops arriving',
    },
    {
      name: 'Instrumentation defects',
      metric: 'messages with violations / messages checked',
      alert: `above ${percentText(defectThreshold)} twice within 48 h escalates`,
    },
    {
      name: 'Unplanned events',
      metric: 'unplanned_event count by name',
      alert: 'any new unplanned event name',
    },
    {
      name: 'Consent and PII',
      metric: 'consent_violation + pii_detected',
      alert: 'any occurrence is a compliance blocker',
    },
  ];
  const evidence = [
    {
      artifact: 'validation.json',
      how: 'gtm events validate --plan tracking-plan.json --input <captured payloads>',
      retention: 'kept with the release',
    },
    {
      artifact: 'sample payloads per event',
      how: 'samples in validation.json, at most 5 per violation type',
      retention: 'redacted of PII before sharing',
    },
    {
      artifact: 'collector summary',
      how: 'gtm events collect --plan tracking-plan.json, then GET /summary',
      retention: 'kept with the release',
    },
    {
      artifact: 'plan JSON',
      how: '.claude/plans/plan-<timestamp>.json of this run',
      retention: 'audit trail',
    },
  ];
  return { checks, dashboards, evidence };
}

/** A privacy check's evidence: its consent and PII violations, or how many payloads had none. */
function privacyDetail(checked: number, byType: Partial<Record<ViolationType, number>>): string {
  const found = (['consent_violation', 'pii_detected'] as const).filter((t) => (byType[t] ?? 0) > 0);
  return found.length
    ? found.map((t) => `${byType[t]} ${t}`).join(', ')
    : `${plural(checked, 'payload')} checked: no consent_violation or pii_detected`;
}
