export interface RolloutStep {
  step: string;
  owner_role: string;
  due: string;
  gate: string;
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Review, approval and rollout steps between as-of and the delivery date (default three weeks),
 * spread over the time available. A breaking (MODEL) change adds a dual-write step so consumers
 * can move before the old version stops.
 * @example rolloutPlan('2026-11-21', '2026-12-12', false).map((s) => s.step)
 */
export function rolloutPlan(
  asOf: string,
  timeline: string | null,
  breaking: boolean,
  regulated: boolean,
): RolloutStep[] {
  const end = timeline ?? addDays(asOf, 21);
  const span = Math.max(4, Math.round((Date.parse(end) - Date.parse(asOf)) / 86_400_000));
  const at = (share: number) => addDays(asOf, Math.max(1, Math.round(span * share)));
  const steps: RolloutStep[] = [
    {
      step: 'Schema review of the tracking plan (names, types, constraints, lint clean)',
      owner_role: 'data_engineering_lead',
      due: at(0.15),
      gate: 'no lint errors',
    },
  ];
  if (regulated)
    steps.push({
      step: 'Privacy review: consent categories, PII flags, retention',
      owner_role: 'analytics_data_strategist',
      due: at(0.2),
      gate: 'no compliance blockers',
    });
  steps.push(
    {
      step: 'Approval and version tag of the plan (commit tracking-plan files with the changelog)',
      owner_role: 'analytics_data_strategist',
      due: at(0.25),
      gate: 'reviewers signed off',
    },
    {
      step: 'Implement with the generated typed tracking module',
      owner_role: 'data_engineering_lead',
      due: at(0.55),
      gate: 'codegen unit tests pass',
    },
    {
      step: 'QA in staging: live collector session and replay validation',
      owner_role: 'data_engineering_lead',
      due: at(0.7),
      gate: 'defect rate under guardrail, zero unplanned events',
    },
  );
  if (breaking)
    steps.push({
      step: 'Dual-write old and new event versions; migrate downstream models',
      owner_role: 'data_engineering_lead',
      due: at(0.8),
      gate: 'consumers switched',
    });
  steps.push(
    {
      step: 'Production rollout 10% → 50% → 100% with monitoring',
      owner_role: 'data_engineering_lead',
      due: at(0.9),
      gate: 'volumes and defect rate stable at each step',
    },
    {
      step: 'Hand-off: dashboards, KPI definitions and owners to RevOps',
      owner_role: 'revops',
      due: end,
      gate: 'KPIs computed from the new events',
    },
  );
  return steps;
}
