import type { Engine, Row } from '../../data/index.ts';
import { num } from './query-numbers.ts';
import { dimensionColumn, type FunnelDimension } from './sql/funnel-sql.ts';
import { dec } from './sql/sql-fns.ts';

/** Suspicious cohorts: referrals of the window by dimension value, with their bands and held value. */
export interface RiskCohort {
  dimension: string;
  value: string;
  referrals: number;
  review: number;
  reject: number;
  /** (review + reject) / referrals */
  flagged_share: number | null;
  held_value: number;
}

/** Fraud verdicts by dimension value (program, each requested dimension, advocate kind). */
export async function riskCohorts(
  engine: Engine,
  dims: readonly FunnelDimension[],
  days: number,
): Promise<RiskCohort[]> {
  const out: RiskCohort[] = [];
  const columns: [string, string][] = [
    ...dims.map((d): [string, string] => [d, dimensionColumn(d)]),
    ['advocate-kind', 'advocate_kind'],
  ];
  for (const [dim, col] of columns) {
    const rows = await engine.query<Row>(
      engine.dialect === 'clickhouse'
        ? cohortSqlCh(col, days)
        : `SELECT ${col} AS value, count(*) AS referrals,
         sum(CASE WHEN v.band = 'review' THEN 1 ELSE 0 END) AS review,
         sum(CASE WHEN v.band = 'reject' THEN 1 ELSE 0 END) AS reject,
         COALESCE(sum(${dec('v.held')}), 0) AS held
       FROM ref_ref r LEFT JOIN ref_verdicts v ON v.referral_id = r.referral_id
       WHERE r.d_signup >= 0 AND r.d_signup < ${days}
       GROUP BY ${col} ORDER BY value`,
    );
    for (const r of rows) {
      const referrals = num(r.referrals);
      const review = num(r.review);
      const reject = num(r.reject);
      out.push({
        dimension: dim,
        value: String(r.value),
        referrals,
        review,
        reject,
        flagged_share: referrals > 0 ? (review + reject) / referrals : null,
        held_value: num(r.held),
      });
    }
  }
  return out;
}

/** The cohort query on ClickHouse 18.16 (one JOIN on a renamed key). */
function cohortSqlCh(col: string, days: number): string {
  return `SELECT value, count() AS referrals, sum(CASE WHEN band = 'review' THEN 1 ELSE 0 END) AS review,
       sum(CASE WHEN band = 'reject' THEN 1 ELSE 0 END) AS reject, coalesce(sum(${dec('v_held', 'clickhouse')}), 0) AS held
     FROM (SELECT referral_id, ${col} AS value FROM ref_ref WHERE d_signup >= 0 AND d_signup < ${days})
     ALL LEFT JOIN (SELECT referral_id, band, held AS v_held FROM ref_verdicts) USING referral_id
     GROUP BY value ORDER BY value`;
}
