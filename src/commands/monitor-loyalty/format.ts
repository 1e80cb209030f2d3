import { fmtCount, fmtMoney, fmtPct, formatDelta, textTable } from '../../report/index.ts';
import { executiveSummary, immatureText } from './dashboard.ts';
import type { MonitorLoyaltyResult } from './result.ts';
import { ownerRole } from '../../report/owner-role.ts';

const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? null : x.toFixed(d));

/**
 * One backlog item of the terminal view. Its lift is money in the reporting currency, and says so
 * ("projected lift USD 20,709"; it printed as "lift 20,709", which read as members or points).
 */
export function backlogLine(b: MonitorLoyaltyResult['backlog'][number], currency: string): string {
  return `[${b.priority}] ${b.title} — ${b.owner.person ?? 'unassigned'} (${ownerRole(b.owner)}), ETA ${b.eta}, projected lift ${currency} ${fmtMoney(b.projected_lift, currency)}`;
}

/** a + b from which the BG/NBD dropout chance is one value for every member (its sd < 0.005). */
const UNIFORM_DROPOUT_AB = 10_000;

/**
 * The churn model in the terminal, in words a loyalty manager can use: what it is (the purchase
 * model behind P(alive), churn risk and the win-back segment), whether it fitted, on what, and how
 * well it predicted the window when fitted before it. It printed "BG/NBD (weeks): r 0.790, α 6.379,
 * a 37.922, b 737.214 — converged, 1760 combinations for 2431 members." (the parameters stay).
 */
export function churnModelLine(m: Pick<MonitorLoyaltyResult['models'], 'bgnbd' | 'holdout'>): string | null {
  const bg = m.bgnbd;
  if (!bg) return null;
  const h = m.holdout;
  const check =
    h && Number.isFinite(h.predicted)
      ? ` Fitted before the window, it predicted ${Math.round(h.predicted)} purchases in it; ${h.actual} happened${h.relative_error === null ? '' : ` (${formatDelta(h.relative_error)})`}.`
      : '';
  const { a, b } = bg.params;
  // a Beta(a, b) with a + b this large has a standard deviation under 0.005: one dropout chance
  const uniform =
    a + b >= UNIFORM_DROPOUT_AB
      ? ` (a and b this large mean one chance of dropping out after a purchase for every member, a / (a + b) = ${fmtPct(a / (a + b))}: the purchases show no spread in it)`
      : '';
  return `Churn model (BG/NBD purchase model behind P(alive), churn risk and win-back; weeks): ${bg.converged ? 'converged' : 'NOT converged: treat churn risk and CLV with caution'}, fitted on ${bg.rows} distinct purchase histories (repeat purchases, recency, age) of ${bg.members} members; r ${bg.params.r.toFixed(3)}, α ${bg.params.alpha.toFixed(3)}, a ${a.toFixed(3)}, b ${b.toFixed(3)}${uniform}.${check}`;
}

function kpiTable(r: MonitorLoyaltyResult): string {
  const o = r.kpis.overall;
  const row = (
    label: string,
    cur: number | null,
    prev: number | null,
    f: (x: number | null) => string | null,
  ) => [label, f(cur), f(prev)];
  return textTable(
    ['KPI', r.window.label, r.previous_window.label],
    [
      row('members', o.members, o.previous.members, (x) => (x === null ? null : fmtCount(x))),
      row('enrollment rate', o.enrollment_rate, o.previous_enrollment_rate, fmtPct),
      row('active member rate', o.active_member_rate, o.previous.active_member_rate, fmtPct),
      row('order earning rate', o.order_earning_rate, o.previous.order_earning_rate, fmtPct),
      row('redemption rate', o.redemption_rate, o.previous.redemption_rate, fmtPct),
      row('reward usage', o.reward_usage, o.previous.reward_usage, fmtPct),
      row('breakage rate (expired / earned)', o.breakage_rate, o.previous.breakage_rate, fmtPct),
      row('cost per point', o.cost_per_point, o.previous.cost_per_point, (x) => num(x, 4)),
      row('member AOV', o.aov, o.previous.aov, (x) => num(x)),
      row('member purchase frequency', o.frequency, o.previous.frequency, (x) => num(x)),
      row('CSAT', o.csat.csat, null, fmtPct),
    ],
  );
}

/**
 * The liability in the terminal. Its money (liability, floor, revenue released) has the reporting
 * currency's decimals below 1,000 ("Liability (USD): 5.30 on 530 points outstanding"; it printed
 * "5", while summary.md said "USD 5.30"); the points are a count.
 */
export function liabilityLine(r: Pick<MonitorLoyaltyResult, 'liability' | 'currency'>): string {
  const l = r.liability;
  return (
    `Liability (${r.currency}): ${fmtMoney(l.liability, r.currency)} on ${fmtCount(l.outstanding_points)} points outstanding × ${l.value_per_point} × ${fmtPct(l.expected_redemption_rate)} expected redemption` +
    (l.change_rate !== null
      ? `; ${formatDelta(l.change_rate)} since the previous run`
      : '; no previous run') +
    (l.immature
      ? `. At full value: ${immatureText(l.immature)}, so no breakage is recognised; the redemptions seen so far give ${fmtMoney(l.liability_floor ?? 0, r.currency)} (a floor); revenue released in the window ${fmtMoney(l.revenue_released, r.currency)}.`
      : `. Breakage (${l.method === 'bornhuetter-ferguson' ? 'Bornhuetter–Ferguson' : 'chain ladder'}) ${fmtPct(l.expected_breakage_rate)}; revenue released in the window ${fmtMoney(l.revenue_released, r.currency)}.`)
  );
}

/** The segments to act on, with their value at stake in the reporting currency. */
export function segmentsTable(r: Pick<MonitorLoyaltyResult, 'segments' | 'currency'>): string {
  return textTable(
    ['segment', 'members', `at stake (${r.currency})`, 'play'],
    r.segments.map((s) => [
      s.segment,
      s.unavailable ? null : s.size,
      s.unavailable ? null : fmtMoney(s.value_at_stake, r.currency),
      s.unavailable ?? clip(s.play, 70),
    ]),
  );
}

/** Terminal view of a monitor-loyalty result. */
export function formatMonitorLoyalty(r: MonitorLoyaltyResult, detail: 'summary' | 'full'): string {
  const out: string[] = [executiveSummary(r).replace(/\*\*/g, ''), '', kpiTable(r), ''];
  out.push(liabilityLine(r), '', 'Segments to act on:', segmentsTable(r));
  if (detail === 'full') {
    const line = churnModelLine(r.models);
    if (line) out.push('', line);
    for (const e of r.experiments?.readouts ?? [])
      out.push(
        `Experiment ${e.id}: ${e.recommendation.action}${e.recommendation.variant ? ` ${e.recommendation.variant}` : ''}. Next: ${e.next_test}`,
      );
  }
  out.push('', 'Backlog:');
  for (const b of r.backlog.slice(0, detail === 'full' ? undefined : 5))
    out.push(`  ${backlogLine(b, r.currency)}`);
  const rowsIn = r.row_accounting.reduce((s, a) => s + a.rows_in, 0);
  const dd = r.row_accounting.reduce((s, a) => s + a.deduplicated, 0);
  out.push(
    '',
    `Rows: ${rowsIn} in, ${rowsIn - dd - r.rejects.rows} accepted, ${dd} deduplicated, ${r.rejects.rows} rejected${r.rejects.file ? ` (${r.rejects.file})` : ''}.`,
    `Reports: ${r.reports_dir}/ (dashboard.html, summary.md, result.json, CSV)`,
    `Plan:    ${r.plan_path}`,
  );
  return out.join('\n');
}

/** The first sentence of a text, or its first `max` characters cut at a word with an ellipsis. */
function clip(text: string, max: number): string {
  const sentence = /^[^.]*\./.exec(text)?.[0] ?? text;
  if (sentence.length <= max) return sentence;
  const cut = sentence.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1)).replace(/[,;:]$/, '')}…`;
}
