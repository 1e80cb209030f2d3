import { gammaGammaExpectedSpend, type GammaGammaParams } from '../../analyses/loyalty/index.ts';
import { literal, type Engine } from '../../data/index.ts';
import { fetchMemberColumns as fetchByMember, type Columns } from './fetch-columns.ts';
import type { MembersOutput } from './members-stage.ts';
import { money6 } from './money6.ts';
import type { BgnbdModel } from './model-fits.ts';
import { relationOf } from './run-tables.ts';

/** Per-member model inputs and dimension codes, row k = k-th member by member id. */
export const MEMBER_COLUMNS = [
  'tier',
  'region',
  'channel',
  'cohort',
  'has_purchase',
  'x',
  'tx',
  'T',
  'zbar',
  'spend_total',
  'recency_days',
  'rfm_orders',
  'rfm_spend',
] as const;
export type MemberColumns = Columns<(typeof MEMBER_COLUMNS)[number]>;

/** Per-member scores, aligned with `MemberColumns` (NaN for members without a purchase). */
export interface MemberScores {
  pAlive: Float64Array;
  expected: Float64Array;
  clv: Float64Array;
}

const codeSql = (column: string, values: readonly string[]) =>
  values.length
    ? `CASE ${column} ${values.map((v, i) => `WHEN ${literal(v)} THEN ${i}`).join(' ')} ELSE -1 END`
    : '-1';

/** `codeSql` on ClickHouse. */
const codeCh = (column: string, values: readonly string[]) =>
  values.length
    ? `toInt32(indexOf([${values.map((v) => literal(v, 'clickhouse')).join(', ')}], ${column}) - 1)`
    : 'toInt32(-1)';

/** Fetches the member columns (dimension values as positions in `m.values`). */
export function fetchMemberColumns(engine: Engine, m: MembersOutput): Promise<MemberColumns> {
  if (engine.dialect === 'clickhouse')
    return fetchByMember(
      engine,
      `SELECT mi, tier_idx AS tier, ${codeCh('region', m.values.region)} AS region_code,
              ${codeCh('channel', m.values.channel)} AS channel_code, ${codeCh('cohort', m.values.cohort)} AS cohort_code,
              has_purchase, x, tx, t_age AS T, zbar, spend_total, recency_days, rfm_orders, rfm_spend
       FROM ${relationOf(engine)('lm_members')}`,
      MEMBER_COLUMNS,
      m.members,
      { region: 'region_code', channel: 'channel_code', cohort: 'cohort_code' },
    );
  return fetchByMember(
    engine,
    `SELECT b.mi, b.tier_idx AS tier, ${codeSql('b.region', m.values.region)} AS region,
            ${codeSql('b.channel', m.values.channel)} AS channel, ${codeSql('b.cohort', m.values.cohort)} AS cohort,
            CASE WHEN pu.mi IS NULL THEN 0 ELSE 1 END AS has_purchase, COALESCE(pu.x, 0) AS x, COALESCE(pu.tx, 0) AS tx,
            COALESCE(pu.t_age, 0) AS T, COALESCE(pu.zbar, 0) AS zbar, COALESCE(pu.spend_total, 0) AS spend_total,
            COALESCE(pu.recency_days, 0) AS recency_days, COALESCE(pu.rfm_orders, 0) AS rfm_orders,
            COALESCE(pu.rfm_spend, 0) AS rfm_spend
     FROM lm_member_base b LEFT JOIN lm_purchases pu ON pu.mi = b.mi WHERE b.mi IS NOT NULL`,
    MEMBER_COLUMNS,
    m.members,
  );
}

/**
 * P(alive), expected purchases and CLV of every member with a purchase: each member looks up its
 * (x, t_x, T) combination's predictions; CLV = Gamma-Gamma expected spend × discounted expected
 * purchases (NaN without a usable spend model).
 */
export function scoreMembers(cols: MemberColumns, bg: BgnbdModel, gg: GammaGammaParams | null): MemberScores {
  // (x, t_x, T) in whole days: one map per x, keyed on t_x · 2²² + T (exact below 11,000 years)
  const index = new Map<number, Map<number, number>>();
  const { x, tx, T } = bg.combos;
  const key = (b: number, c: number) => b * 4_194_304 + c;
  for (let k = 0; k < x.length; k++) {
    let byX = index.get(x[k]);
    if (!byX) index.set(x[k], (byX = new Map()));
    byX.set(key(tx[k], T[k]), k);
  }
  const n = cols.rowCount;
  const scores = { pAlive: new Float64Array(n), expected: new Float64Array(n), clv: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const k = cols.has_purchase[i] ? index.get(cols.x[i])?.get(key(cols.tx[i], cols.T[i])) : undefined;
    if (k === undefined) {
      scores.pAlive[i] = scores.expected[i] = scores.clv[i] = Number.NaN;
      continue;
    }
    scores.pAlive[i] = bg.pAlive[k];
    scores.expected[i] = bg.expected[k];
    scores.clv[i] = gg ? gammaGammaExpectedSpend(gg, cols.x[i], cols.zbar[i]) * bg.discounted[k] : Number.NaN;
  }
  return scores;
}

/**
 * Churn risk and value of one group of members. `purchasers` are the members the churn model
 * scored; with none (no usable model, or no purchase in the group) risk and expected purchases are
 * null (not computed), and CLV is null when no member has one (no Gamma-Gamma either).
 */
export interface ChurnRow {
  key: string;
  members: number;
  purchasers: number;
  mean_p_alive: number | null;
  at_risk: number | null;
  expected_purchases: number | null;
  clv: number | null;
  lifetime_spend: number;
}

/** Churn risk and value per value of a dimension (codes → names), with members at risk below `maxAlive`. */
export function churnBy(
  codes: Float64Array,
  names: readonly string[],
  cols: MemberColumns,
  s: MemberScores,
  maxAlive: number,
): ChurnRow[] {
  const rows = names.map((key) => ({
    key,
    members: 0,
    purchasers: 0,
    alive: 0,
    at_risk: 0,
    expected_purchases: 0,
    valued: 0,
    clv: 0,
    lifetime_spend: 0,
  }));
  for (let i = 0; i < cols.rowCount; i++) {
    const r = rows[codes[i]];
    if (!r) continue;
    r.members++;
    r.lifetime_spend += cols.spend_total[i];
    if (!Number.isFinite(s.pAlive[i])) continue;
    r.purchasers++;
    r.alive += s.pAlive[i];
    if (s.pAlive[i] < maxAlive) r.at_risk++;
    r.expected_purchases += s.expected[i];
    if (!Number.isFinite(s.clv[i])) continue;
    r.clv += s.clv[i];
    r.valued++;
  }
  return rows.map(({ alive, valued, ...r }) => ({
    ...r,
    lifetime_spend: money6(r.lifetime_spend),
    mean_p_alive: r.purchasers ? alive / r.purchasers : null,
    at_risk: r.purchasers ? r.at_risk : null,
    expected_purchases: r.purchasers ? r.expected_purchases : null,
    clv: valued ? r.clv : null,
  }));
}
