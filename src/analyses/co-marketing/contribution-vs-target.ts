export interface ContributionRow {
  partner: string;
  partner_name: string;
  pipeline: number;
  /** The partner's campaign target. */
  pipeline_target: number | null;
  /** The part of the campaign target that falls in the reporting window (target × window share). */
  pipeline_target_in_window: number | null;
  /** pipeline / target in window */
  pipeline_attainment: number | null;
  revenue: number;
  revenue_target: number | null;
  revenue_target_in_window: number | null;
  revenue_attainment: number | null;
  /** Share of the campaign's duration that the window covers; targets are prorated by it. */
  window_share: number;
  status: 'ahead' | 'on_track' | 'behind' | 'no_target';
}

/**
 * Contribution vs target per partner. Campaign targets are prorated to the reporting window (a 30-day
 * window of a 90-day campaign is judged against a third of the target); a partner is behind below
 * 90% attainment of that and ahead above 110%.
 * @example contributionVsTarget([{ partner: 'p', partner_name: 'P', pipeline: 50, revenue: 0 }], { p: { pipeline: 300 } }, 1 / 3)
 * // [{ …, pipeline_target_in_window: 100, pipeline_attainment: 0.5, status: 'behind' }]
 */
export function contributionVsTarget(
  credit: { partner: string; partner_name: string; pipeline: number; revenue: number }[],
  targets: Record<string, { pipeline?: number; revenue?: number }>,
  windowShare: number,
): ContributionRow[] {
  const share = Math.min(1, Math.max(0, windowShare));
  return credit.map((c) => {
    const t = targets[c.partner];
    const pt = t?.pipeline ?? null;
    const rt = t?.revenue ?? null;
    const pw = pt === null ? null : pt * share;
    const rw = rt === null ? null : rt * share;
    const pa = pw ? c.pipeline / pw : null;
    const ra = rw ? c.revenue / rw : null;
    const status: ContributionRow['status'] =
      pa === null ? 'no_target' : pa < 0.9 ? 'behind' : pa > 1.1 ? 'ahead' : 'on_track';
    return {
      partner: c.partner,
      partner_name: c.partner_name,
      pipeline: c.pipeline,
      pipeline_target: pt,
      pipeline_target_in_window: pw,
      pipeline_attainment: pa,
      revenue: c.revenue,
      revenue_target: rt,
      revenue_target_in_window: rw,
      revenue_attainment: ra,
      window_share: share,
      status,
    };
  });
}
