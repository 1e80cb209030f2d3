/**
 * monitor-loyalty keeps one plan history per programme and window, as optimize-referrals and
 * monitor-personalization do (h-plan28): a 90d run the day after a 7d run is not the second breach
 * of the 7d run's active-member-rate alert. Before, the scope was the programme alone, so an ad-hoc
 * run of another window made the next run's breach "2 as-of dates in a row" and escalated it.
 *
 * Hand-worked: members K1 and K2; K1 earns on 2026-11-10 and 2026-11-25, K2 on 2026-09-15. Active
 * member rate (members with a ledger or order row in the window / members): 7d to 2026-11-28 and
 * 30d to 2026-11-29 or 11-30 → K1 only: 1/2, below the 0.99 threshold; 90d to 2026-12-01 → both:
 * 2/2, not below.
 */
import { describe, expect, it } from 'vitest';
import { runLoyalty, useLoyaltyWorkspaces, type LoyaltySpec } from '../helpers/loyalty-workspace.ts';

const SPEC: LoyaltySpec = {
  loyalty: { program: 'Window Club' },
  ledger: ['E1,K1,2026-11-10,earn,1000', 'E2,K1,2026-11-25,earn,200', 'E3,K2,2026-09-15,earn,500'],
};
const workspace = useLoyaltyWorkspaces();

interface Alert {
  id: string;
  value: number;
  breached: boolean;
  consecutive_breaches: number;
  escalate: boolean;
  previous: { plan_id: string } | null;
}
interface Result {
  plan_path: string;
  alerts: Alert[];
  escalations: { alert_id: string }[];
}

async function run(dir: string, window: string, asOf: string): Promise<Result> {
  const cli = await runLoyalty(dir, [
    '--window',
    window,
    '--as-of',
    asOf,
    '--alert-threshold',
    '0.99',
    '--json',
  ]);
  expect(cli.code, cli.stderr).toBe(0);
  return cli.json<Result>();
}
const active = (r: Result) => r.alerts.find((a) => a.id === 'active_member_rate')!;
const planId = (r: Result) => r.plan_path.replace(/^.*\//, '').replace(/\.json$/, '');

describe('monitor-loyalty: plan history per programme and window', () => {
  it("a run of another window is not the previous run of this window's alerts", async () => {
    const { dir } = await workspace(SPEC);

    const week = await run(dir, '7d', '2026-11-28');
    expect(active(week)).toMatchObject({ value: 0.5, breached: true, consecutive_breaches: 1 });

    // the next day's 30d run: its first breach (was the second in a row, escalated)
    const month = await run(dir, '30d', '2026-11-29');
    expect(active(month)).toMatchObject({
      value: 0.5,
      breached: true,
      consecutive_breaches: 1,
      previous: null,
    });
    expect(month.escalations.filter((e) => e.alert_id === 'active_member_rate')).toEqual([]);

    // the 30d history goes on: the next as-of of the 30d window is the second breach in a row
    const next = await run(dir, '30d', '2026-11-30');
    expect(active(next)).toMatchObject({
      value: 0.5,
      breached: true,
      consecutive_breaches: 2,
      escalate: true,
    });
    expect(active(next).previous?.plan_id).toBe(planId(month));
    expect(next.escalations.map((e) => e.alert_id)).toContain('active_member_rate');

    // and a 90d run has its own: no previous run, not breached (2/2)
    const quarter = await run(dir, '90d', '2026-12-01');
    expect(active(quarter)).toMatchObject({
      value: 1,
      breached: false,
      consecutive_breaches: 0,
      previous: null,
    });
  }, 180_000);
});
