import {
  detectRings,
  type RingGraph,
  type RingOptions,
  type RingReview,
} from '../../analyses/fraud/index.ts';
import type { Engine, Row } from '../../data/index.ts';
import { num } from './query-numbers.ts';
import { RING_KINDS } from './sql/risk-sql.ts';

/** The ring review with the node id of each account that is in the graph. */
export interface RingResult {
  review: RingReview;
  nodeOf: ReadonlyMap<string, number>;
  edges: number;
}

/**
 * Reads the ring graph's edges (a star per shared identifier) and its nodes' activity from the
 * engine, numbers the accounts densely in TypeScript (no window function needed), and finds the
 * rings. Only accounts that share something are nodes: a lone account can be in no ring.
 */
export async function reviewRings(
  engine: Engine,
  edgeSql: string,
  activitySql: string,
  options: RingOptions,
): Promise<RingResult> {
  const edges = await engine.query<Row>(edgeSql);
  const nodeOf = new Map<string, number>();
  const accountIds: string[] = [];
  const node = (acct: string) => {
    let id = nodeOf.get(acct);
    if (id === undefined) {
      id = accountIds.push(acct) - 1;
      nodeOf.set(acct, id);
    }
    return id;
  };
  const labels: string[] = [];
  const labelIds = new Map<string, number>();
  const from = new Int32Array(edges.length);
  const to = new Int32Array(edges.length);
  const kind = new Uint8Array(edges.length);
  const identifier = new Int32Array(edges.length);
  edges.forEach((e, i) => {
    from[i] = node(String(e.hub));
    to[i] = node(String(e.acct));
    const k = RING_KINDS.indexOf(String(e.kind) as (typeof RING_KINDS)[number]);
    kind[i] = k;
    const key = `${k}\u0000${String(e.value)}`;
    let id = labelIds.get(key);
    if (id === undefined) {
      id = labels.push(String(e.value)) - 1;
      labelIds.set(key, id);
    }
    identifier[i] = id;
  });
  const n = accountIds.length;
  const activity = {
    rewardsPaid: new Float64Array(n),
    rewardedFriend: new Uint8Array(n),
    ordersAfterReward: new Int32Array(n),
    orders: new Int32Array(n),
    refunds: new Int32Array(n),
  };
  if (n > 0)
    for (const a of await engine.query<Row>(activitySql)) {
      const i = nodeOf.get(String(a.acct));
      if (i === undefined) continue;
      activity.rewardsPaid[i] = num(a.rewards_paid);
      activity.rewardedFriend[i] = num(a.rewarded_friend) > 0 ? 1 : 0;
      activity.ordersAfterReward[i] = num(a.orders_after_reward);
      activity.orders[i] = num(a.orders);
      activity.refunds[i] = num(a.refunds);
    }
  const graph: RingGraph = {
    nodeCount: n,
    edges: { from, to, kind, identifier },
    identifierLabels: labels,
    accountIds,
    activity,
  };
  return { review: detectRings(graph, options), nodeOf, edges: edges.length };
}
