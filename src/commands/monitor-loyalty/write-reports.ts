import { toCsvTable, type ReportFile } from '../../report/index.ts';
import type { KpiRow } from './kpi-stage.ts';
import type { MonitorLoyaltyOutputs } from './plan.ts';
import type { MonitorLoyaltyResult } from './result.ts';

const cols = (...keys: string[]) => keys.map((key) => ({ key, label: key }));
const csv = (name: string, keys: string[], rows: Record<string, unknown>[]): ReportFile => ({
  name,
  content: toCsvTable(cols(...keys), rows),
});

const KPI_KEYS = [
  'members',
  'enrolled',
  'active_members',
  'active_member_rate',
  'order_earning_rate',
  'redemption_rate',
  'reward_usage',
  'breakage_rate',
  'cost_per_point',
  'orders',
  'revenue',
  'purchasing_members',
  'aov',
  'frequency',
  'revenue_per_member_customer',
  'points_earned',
  'points_redeemed',
  'points_expired',
] as const;

/** One KPI row per window (current, previous) per group. */
function kpiLines(dimension: string, rows: KpiRow[]): Record<string, unknown>[] {
  return rows.flatMap((r) =>
    (['current', 'previous'] as const).map((w) => {
      const v = w === 'current' ? r : r.previous;
      return {
        dimension,
        key: r.key,
        window: w,
        ...Object.fromEntries(KPI_KEYS.map((k) => [k, v[k]])),
        csat: w === 'current' ? r.csat.csat : null,
        csat_responses: w === 'current' ? r.csat.responses : null,
        outstanding_points: w === 'current' ? r.outstanding_points : null,
      };
    }),
  );
}

/** KPIs overall and by dimension, the weekly trend and the tier migration matrix. */
function kpiFiles(r: MonitorLoyaltyResult): ReportFile[] {
  const k = r.kpis;
  const m = k.tier_migration;
  return [
    csv(
      'kpis.csv',
      ['dimension', 'key', 'window', ...KPI_KEYS, 'csat', 'csat_responses', 'outstanding_points'],
      [
        ...kpiLines('all', [k.overall]),
        ...Object.entries(k.by_dimension).flatMap(([d, rows]) => kpiLines(d, rows ?? [])),
      ],
    ),
    csv(
      'kpi_trends.csv',
      Object.keys(k.trends[0] ?? { week_start: '' }),
      k.trends.map((t) => ({ ...t })),
    ),
    csv(
      'tier_migration.csv',
      ['start_tier', ...m.tiers],
      m.counts.map((row, i) => ({
        start_tier: m.tiers[i],
        ...Object.fromEntries(m.tiers.map((t, j) => [t, row[j]])),
      })),
    ),
  ];
}

/** Issuance cohorts, segments (overall and by dimension), their members, and RFM. */
function liabilityAndSegmentFiles(r: MonitorLoyaltyResult, o: MonitorLoyaltyOutputs): ReportFile[] {
  const files = [
    csv(
      'liability_cohorts.csv',
      [
        'cohort',
        'age',
        'issued',
        'reversed',
        'redeemed',
        'expired',
        'adjusted',
        'overdue',
        'outstanding',
        'matured',
        'basis',
        'ultimate_redemption_rate',
        'breakage_rate',
        'allocated',
        'revenue_in_window',
        'deferred_revenue',
      ],
      r.liability.cohorts.map((c) => ({ ...c })),
    ),
    csv(
      'segments.csv',
      ['segment', 'dimension', 'key', 'size', 'value_at_stake', 'play'],
      r.segments.flatMap((s) => [
        {
          segment: s.segment,
          dimension: 'all',
          key: 'all',
          size: s.size,
          value_at_stake: s.value_at_stake,
          play: s.unavailable ?? s.play,
        },
        ...Object.entries(s.by_dimension).flatMap(([d, rows]) =>
          (rows ?? []).map((x) => ({ segment: s.segment, dimension: d, ...x, play: '' })),
        ),
      ]),
    ),
    csv(
      'segment_members.csv',
      [
        'segment',
        'member_id',
        'tier',
        'region',
        'channel',
        'cohort',
        'p_alive',
        'clv',
        'lifetime_spend',
        'points_balance',
        'expiring_points',
        'days_to_expiry',
        'qualifying_value',
        'days_left_in_period',
      ],
      o.insights.members.map((x) => ({ ...x })),
    ),
  ];
  if (r.models.rfm)
    files.push(
      csv(
        'rfm_segments.csv',
        ['segment', 'members', 'share', 'mean_p_alive', 'clv', 'spend'],
        r.models.rfm.segments.map((s) => ({ ...s })),
      ),
    );
  return files;
}

/** One line per experiment, metric and variant, with the decision and the next test. */
function experimentFile(e: NonNullable<MonitorLoyaltyResult['experiments']>): ReportFile {
  return csv(
    'experiments.csv',
    [
      'experiment',
      'metric',
      'guardrail',
      'variant',
      'n',
      'mean',
      'control_mean',
      'effect',
      'ci_low',
      'ci_high',
      'p_value',
      'decision',
      'recommendation',
      'next_test',
    ],
    e.readouts.flatMap((x) =>
      x.metrics.flatMap((mt) =>
        mt.variants.map((v) => ({
          experiment: x.id,
          metric: mt.name,
          guardrail: mt.guardrail,
          variant: v.name,
          n: v.n,
          mean: v.mean,
          control_mean: mt.control.mean,
          effect: v.effect,
          ci_low: v.ci?.[0] ?? null,
          ci_high: v.ci?.[1] ?? null,
          p_value: v.p_value,
          decision: v.decision,
          recommendation: x.recommendation.action,
          next_test: x.next_test,
        })),
      ),
    ),
  );
}

/**
 * The CSV tables of a run (spreadsheet formulas neutralized by `toCsvTable`); the kit adds
 * result.json, summary.md, dashboard.html, row_accounting.csv and rejects.csv.
 */
export function monitorLoyaltyTables(r: MonitorLoyaltyResult, o: MonitorLoyaltyOutputs): ReportFile[] {
  return [
    ...kpiFiles(r),
    ...liabilityAndSegmentFiles(r, o),
    csv(
      'backlog.csv',
      [
        'id',
        'priority',
        'title',
        'evidence',
        'owner_role',
        'owner',
        'fallback',
        'eta',
        'value_at_stake',
        'projected_lift',
        'lift_basis',
      ],
      r.backlog.map((b) => ({
        ...b,
        owner_role: b.owner.role,
        owner: b.owner.person ?? '',
        fallback: b.owner.fallback_used ? `${b.owner.fallback_used.from} → ${b.owner.fallback_used.to}` : '',
      })),
    ),
    ...(r.experiments ? [experimentFile(r.experiments)] : []),
  ];
}
