import type { ReconcileCheck } from '../../orchestrator/index.ts';
import type { Diagnostics } from './diagnostics-stage.ts';
import type { RiskReview } from './risk-stage.ts';

/**
 * Counts each dimension's segments add up to the program: every one but eligible and participating
 * advocates (a channel's eligible advocates are the program's; an advocate shares on several
 * channels). A friend counts once, on their first claim, so sign-ups and customers add up too.
 */
const ADDITIVE = [
  'shares',
  'clicks',
  'referrals',
  'signups',
  'conversions',
  'referredRevenue',
  'rewards',
  'incentives',
  'fees',
  'clawbacks',
] as const;

/**
 * What the two branches of the diamond must agree on: the risk review scored exactly the
 * referrals the diagnostics counted in the window; bands add up to them; the held value is the
 * flagged referrals' held rewards; and every dimension's segments add up to the program.
 */
export function reconcileChecks(d: Diagnostics, r: RiskReview): ReconcileCheck[] {
  const program = d.program.current.counts;
  const checks: ReconcileCheck[] = [
    {
      what: 'referrals of the window scored by the risk review',
      expected: program.referrals,
      actual: r.scored,
      tolerance: 0,
    },
    {
      what: 'referrals by band',
      expected: r.scored,
      actual: r.by_band.approve + r.by_band.review + r.by_band.reject,
      tolerance: 0,
    },
    {
      what: 'flagged referrals listed',
      expected: r.by_band.review + r.by_band.reject,
      actual: r.flagged.length,
      tolerance: 0,
    },
    {
      what: 'payout value at risk',
      expected: r.value_at_risk.total,
      actual: r.flagged.reduce((s, f) => s + f.held_value, 0),
    },
  ];
  const dims = [...new Set(d.current.map((s) => s.dimension))].filter((x) => x !== 'program');
  for (const dim of dims)
    for (const key of ADDITIVE) {
      const segments = d.current.filter((s) => s.dimension === dim);
      checks.push({
        what: `${key} summed over ${dim}`,
        expected: Number(program[key] ?? 0),
        actual: segments.reduce((s, x) => s + Number(x.counts[key] ?? 0), 0),
      });
    }
  return checks;
}
