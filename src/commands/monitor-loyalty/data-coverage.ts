import type { Engine } from '../../data/index.ts';
import type { ResolvedWindow } from '../shared/window/index.ts';
import { relationOf } from './run-tables.ts';
import { msCh, ts } from './sql/member-summary-sql.ts';

/**
 * Where the as-of falls in the data: the last ledger or order row before the end of the window and
 * the first enrolment. A window with no ledger or order row at all (an as-of past the last activity
 * by more than the window), or before every enrolment, has KPIs of no data: the warning says so and
 * the active-member-rate guardrail is not evaluated (`guardrail_skipped` says why).
 */
export interface DataCoverage {
  /** The last ledger or order row before the end of the window (ISO), null when there is none. */
  last_activity: string | null;
  /** The first enrolment of the members source (ISO), null without members. */
  first_enrolment: string | null;
  /** Why the active-member-rate guardrail was not evaluated, null when it was. */
  guardrail_skipped: string | null;
  /** The warning line (stderr, result.json `warnings`), null when the window holds data. */
  warning: string | null;
  /**
   * Orders (any date) that count (`lm_orders`) and name a reward used (`reward_id`): 0 when the orders' column is empty or
   * not mapped, and reward usage (orders with a reward / rewards redeemed) cannot be measured.
   */
  orders_with_reward: number;
}

type Row = Record<string, unknown>;
const DAY_MS = 86_400_000;

/**
 * Epoch milliseconds of the last ledger and order rows before `end` and of the first enrolment, and
 * the number of orders that name a reward.
 */
function coverageSql(engine: Engine, end: string): string {
  if (engine.dialect !== 'clickhouse')
    return `SELECT (SELECT epoch_ms(max(occurred_at)) FROM lm_ledger WHERE occurred_at < ${ts(end)}) AS ledger_last,
       (SELECT epoch_ms(max(ordered_at)) FROM lm_orders WHERE ordered_at < ${ts(end)}) AS order_last,
       (SELECT epoch_ms(min(enrolled_at)) FROM lm_member_base) AS first_enrolled,
       (SELECT n FROM lm_orders_rewarded) AS orders_with_reward`;
  const rel = relationOf(engine);
  // max of no row is 0 on ClickHouse: NULL then
  const last = (table: string, col: string) =>
    `(SELECT if(count() > 0, toNullable(max(${col})), NULL) FROM ${rel(table)} WHERE ${col} < ${msCh(end)})`;
  return `SELECT ${last('lm_ledger', 'occurred_at')} AS ledger_last, ${last('lm_orders', 'ordered_at')} AS order_last,
       (SELECT if(count() > 0, toNullable(min(enrolled_at)), NULL) FROM ${rel('lm_member_base')}) AS first_enrolled,
       (SELECT count() FROM ${rel('lm_orders')} WHERE rewarded = 1) AS orders_with_reward`;
}

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(Number(v)).toISOString();
const day = (t: string) => t.slice(0, 10);

/** The coverage of the window `w` (to as-of `asOf`) with `members` members at its end. */
export async function dataCoverage(
  engine: Engine,
  w: ResolvedWindow,
  asOf: string,
  members: number,
): Promise<DataCoverage> {
  const [r = {}] = await engine.query<Row>(coverageSql(engine, w.end));
  const lasts = [r.ledger_last, r.order_last].filter((v) => v !== null && v !== undefined).map(Number);
  const last_activity = lasts.length ? iso(Math.max(...lasts)) : null;
  const first_enrolment = iso(r.first_enrolled);
  const out = {
    last_activity,
    first_enrolment,
    guardrail_skipped: null,
    warning: null,
    orders_with_reward: Number(r.orders_with_reward ?? 0),
  };
  if (members === 0)
    return first_enrolment === null
      ? out
      : {
          ...out,
          guardrail_skipped: `as-of ${asOf} is before the first enrolment (${day(first_enrolment)}): no member at as-of`,
          warning: `as-of ${asOf} is before the first enrolment (${day(first_enrolment)}): no member at as-of, so the KPIs, liability and segments are empty and the active-member-rate guardrail was not evaluated; check --as-of`,
        };
  if (last_activity !== null && last_activity >= w.start) return out;
  return {
    ...out,
    guardrail_skipped: `no ledger or order row in the ${w.label} window to ${asOf}`,
    warning: `${pastData(asOf, w, last_activity)}: the window holds no ledger or order row, so its KPIs describe no data and the active-member-rate guardrail was not evaluated; check --as-of${last_activity ? ` (the data run to ${day(last_activity)})` : ''}`,
  };
}

/** "as-of … is N days after the last ledger or order row (day), more than the window", or that there is none. */
function pastData(asOf: string, w: ResolvedWindow, last: string | null): string {
  if (last === null) return `no ledger or order row is dated on or before as-of ${asOf}`;
  const days = Math.round((Date.parse(day(w.end)) - DAY_MS - Date.parse(day(last))) / DAY_MS);
  return `as-of ${asOf} is ${days.toLocaleString('en-US')} days after the last ledger or order row (${day(last)}), more than the ${w.label} window`;
}
