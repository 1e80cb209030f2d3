import { literal, type Engine } from '../../../data/index.ts';
import type { RelationOf } from './member-summary-sql.ts';
import { money6 } from '../money6.ts';

/**
 * What an order is to the command, from its status, cancellation and refund (`orders.status`,
 * `cancelled_at`, `refunded_amount`), the first that applies:
 *
 * - `cancelled` (3): cancelled (`cancelled_at`, or the status `cancelled`) or `voided` — not revenue;
 * - `refunded` (4): the status `refunded`, or a refund of the whole amount — not revenue, and not a
 *   purchase for the churn and value models;
 * - `unpaid` (5): `pending` or `authorized`, no payment taken yet — not counted until it is paid
 *   (the loyalty apps award points on payment, and an authorization can lapse);
 * - `net` (1): counted, net of a partial refund (`amount − refunded_amount`);
 * - `refund_unknown` (2): counted whole, but `partially_refunded` with no refunded amount (said in a
 *   warning: the refund is not known);
 * - `counted` (0): every other order, as every order was before these columns were read.
 *
 * Codes below `FIRST_NOT_COUNTED` count.
 */
export const ORDER_KIND = {
  counted: 0,
  net: 1,
  refund_unknown: 2,
  cancelled: 3,
  refunded: 4,
  unpaid: 5,
} as const;
export const FIRST_NOT_COUNTED = ORDER_KIND.cancelled;

const list = (values: readonly string[]) => values.map((v) => literal(v)).join(', ');
const CANCELLED = list(['voided', 'cancelled']);
const UNPAID = list(['pending', 'authorized']);

/** `ORDER_KIND` of an order of the canonical orders (alias `o`), DuckDB, as a TINYINT. */
export const orderKindSql = (o: string): string => {
  const status = `COALESCE(${o}.status, '')`;
  return `CAST(CASE WHEN ${o}.cancelled_at IS NOT NULL OR ${status} IN (${CANCELLED}) THEN ${ORDER_KIND.cancelled}
       WHEN ${status} = 'refunded' OR (${o}.refunded_amount > 0 AND ${o}.refunded_amount >= ${o}.amount) THEN ${ORDER_KIND.refunded}
       WHEN ${status} IN (${UNPAID}) THEN ${ORDER_KIND.unpaid}
       WHEN ${o}.refunded_amount > 0 THEN ${ORDER_KIND.net}
       WHEN ${status} = 'partially_refunded' AND ${o}.refunded_amount IS NULL THEN ${ORDER_KIND.refund_unknown}
       ELSE ${ORDER_KIND.counted} END AS TINYINT)`;
};

/** `orderKindSql` on ClickHouse, over the canonical orders' own columns. */
export const ORDER_KIND_CH = `toUInt8(multiIf(
       isNotNull(cancelled_at) OR ifNull(status, '') IN (${CANCELLED}), ${ORDER_KIND.cancelled},
       ifNull(status, '') = 'refunded' OR ifNull(refunded_amount > 0 AND refunded_amount >= amount, 0), ${ORDER_KIND.refunded},
       ifNull(status, '') IN (${UNPAID}), ${ORDER_KIND.unpaid},
       ifNull(refunded_amount > 0, 0), ${ORDER_KIND.net},
       ifNull(status, '') = 'partially_refunded' AND isNull(refunded_amount), ${ORDER_KIND.refund_unknown},
       ${ORDER_KIND.counted}))`;

/** The order's amount net of its refund (both in the reporting currency, at the order day's rate). */
export const orderNetSql = (o: string): string => `(${o}.amount - COALESCE(${o}.refunded_amount, 0))`;

/** The refund taken off a counted order (`net`), else NULL: what the refunds of `OrderStatus` sum. */
export const orderRefundSql = (o: string): string =>
  `CASE WHEN ${o}.refunded_amount > 0 AND ${o}.refunded_amount < ${o}.amount THEN ${o}.refunded_amount END`;

/**
 * The orders read (every date), by what they are to the command (`ORDER_KIND`), and the refunds
 * taken off the orders counted, in the reporting currency.
 */
export interface OrderStatus {
  /** Orders that count (revenue, purchases), net of refunds. */
  counted: number;
  /** …of which net of a partial refund. */
  partially_refunded: number;
  /** …of which `partially_refunded` with no refunded amount: counted whole. */
  refund_unknown: number;
  /** The partial refunds taken off the orders counted. */
  refunds: number;
  /** Not counted: voided or cancelled. */
  cancelled: number;
  /** Not counted: refunded whole. */
  refunded: number;
  /** Not counted: pending or authorized, no payment taken yet. */
  unpaid: number;
}

/**
 * After normalize wrote `lm_orders` (`narrowTablesSpec`, DuckDB, with `lm_kind`, `lm_refund` and
 * the net amount `lm_amount`): the orders by kind into `lm_order_status`, the orders that do not
 * count deleted, the net amount renamed `amount`. Once (a data pull run again finds it done).
 */
export async function finishNarrowOrders(engine: Engine): Promise<void> {
  const [{ n }] = await engine.query<{ n: number | bigint }>(
    `SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'lm_orders' AND column_name = 'lm_kind'`,
  );
  if (!Number(n)) return;
  for (const q of [
    `CREATE OR REPLACE TABLE lm_order_status AS
     SELECT lm_kind AS kind, count(*) AS n, sum(lm_refund) AS refunds FROM lm_orders GROUP BY lm_kind`,
    `DELETE FROM lm_orders WHERE lm_kind >= ${FIRST_NOT_COUNTED}`,
    'ALTER TABLE lm_orders DROP COLUMN lm_kind',
    'ALTER TABLE lm_orders DROP COLUMN lm_refund',
    'ALTER TABLE lm_orders RENAME COLUMN lm_amount TO amount',
  ])
    await engine.exec(q);
}

/**
 * `OrderStatus` of the run: from `lm_order_status` (`finishNarrowOrders`), else from the canonical
 * orders (ClickHouse; DuckDB without normalize's narrow tables).
 */
export async function orderStatusOf(engine: Engine, rel: RelationOf, narrow: boolean): Promise<OrderStatus> {
  const ch = engine.dialect === 'clickhouse';
  const sql = narrow
    ? 'SELECT kind, n, refunds FROM lm_order_status'
    : ch
      ? `SELECT kind, count() AS n, sum(refund) AS refunds
         FROM (SELECT ${ORDER_KIND_CH} AS kind,
                      if(ifNull(refunded_amount > 0 AND refunded_amount < amount, 0), assumeNotNull(refunded_amount), 0) AS refund
               FROM ${rel('orders')})
         GROUP BY kind`
      : `SELECT ${orderKindSql('o')} AS kind, count(*) AS n, sum(${orderRefundSql('o')}) AS refunds
         FROM orders o GROUP BY 1`;
  const rows = await engine.query<{ kind: number; n: number | bigint; refunds: number | null }>(sql);
  const of = (k: number) => rows.find((r) => Number(r.kind) === k);
  const count = (k: number) => Number(of(k)?.n ?? 0);
  return {
    counted: count(ORDER_KIND.counted) + count(ORDER_KIND.net) + count(ORDER_KIND.refund_unknown),
    partially_refunded: count(ORDER_KIND.net),
    refund_unknown: count(ORDER_KIND.refund_unknown),
    refunds: money6(Number(of(ORDER_KIND.net)?.refunds ?? 0)),
    cancelled: count(ORDER_KIND.cancelled),
    refunded: count(ORDER_KIND.refunded),
    unpaid: count(ORDER_KIND.unpaid),
  };
}
