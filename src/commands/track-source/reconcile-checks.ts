import type { ContributionRow } from '../../analyses/co-marketing/index.ts';
import type { ReconcileCheck } from '../../orchestrator/index.ts';
import type { AttributionOutput } from './attribute-stage.ts';

const tol = (x: number) => 1e-6 * Math.max(1, x);

/**
 * The merge gate's checks: attributed credit plus unattributed equals pipeline and revenue in scope
 * for every dimension; sourced + influenced + unattributed equals pipeline; contribution equals the
 * partners' credit.
 */
export function reconcileChecks(a: AttributionOutput, contribution: ContributionRow[]): ReconcileCheck[] {
  const checks: ReconcileCheck[] = Object.entries(a.byDimension).flatMap(([dim, lines]) => [
    {
      what: `pipeline by ${dim} + unattributed`,
      expected: a.totals.pipeline,
      actual: (lines ?? []).reduce((s, l) => s + l.pipeline, 0) + a.unattributed.pipeline,
      tolerance: tol(a.totals.pipeline),
    },
    {
      what: `revenue by ${dim} + unattributed`,
      expected: a.totals.revenue,
      actual: (lines ?? []).reduce((s, l) => s + l.revenue, 0) + a.unattributed.revenue,
      tolerance: tol(a.totals.revenue),
    },
  ]);
  const c = a.classification;
  checks.push({
    what: 'sourced + influenced + unattributed pipeline',
    expected: a.totals.pipeline,
    actual: c.sourced.pipeline + c.influenced.pipeline + c.unattributed.pipeline,
    tolerance: tol(a.totals.pipeline),
  });
  const partnerCredit = (a.byDimension.partner ?? [])
    .filter((l) => l.key !== 'house')
    .reduce((s, l) => s + l.pipeline, 0);
  checks.push({
    what: 'contribution vs partner credit',
    expected: partnerCredit,
    actual: contribution.reduce((s, r) => s + r.pipeline, 0),
    tolerance: tol(partnerCredit),
  });
  return checks;
}
