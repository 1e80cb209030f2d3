import {
  detectRings,
  type RingGraph,
  type RingOptions,
  type RingReview,
} from '../../analyses/fraud/index.ts';
import { isDuckDbEngine, type DuckDbEngine, type Engine, type Row } from '../../data/index.ts';
import { num } from './query-numbers.ts';
import { RING_KINDS, ringNumberingSql } from './sql/risk-sql.ts';

/**
 * The ring review with the node id of each account that is in the graph: `nodeOf` (the row path,
 * ClickHouse), or the engine's `ref_node_num` table (DuckDB: `numbered`, `nodeOf` left empty; the
 * candidates query joins it).
 */
export interface RingResult {
  review: RingReview;
  nodeOf: ReadonlyMap<string, number>;
  numbered: boolean;
  nodes: number;
  edges: number;
}

/**
 * Reads the ring graph's edges (a star per shared identifier), its nodes' activity and the
 * rewards paid on its friends' referrals (`friendRewardsSql`) from the engine, numbers the accounts
 * densely in TypeScript (no window function needed), and finds the rings. Only accounts that share
 * something are nodes: a lone account can be in no ring.
 */
export async function reviewRings(
  engine: Engine,
  edgeSql: string,
  activitySql: string,
  friendRewardsSql: string,
  options: RingOptions,
): Promise<RingResult> {
  if (isDuckDbEngine(engine)) return reviewRingsNumbered(engine, activitySql, friendRewardsSql, options);
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
  const friends = n > 0 ? await engine.query<Row>(friendRewardsSql) : [];
  const known = friends.filter((r) => nodeOf.has(String(r.friend_acct)));
  const friendRewards = {
    friend: Int32Array.from(known, (r) => nodeOf.get(String(r.friend_acct))!),
    advocate: Int32Array.from(known, (r) => nodeOf.get(String(r.advocate_acct)) ?? -1),
    amount: Float64Array.from(known, (r) => num(r.paid)),
  };
  const graph: RingGraph = {
    nodeCount: n,
    edges: { from, to, kind, identifier },
    identifierLabels: labels,
    accountIds,
    activity,
    friendRewards,
  };
  return {
    review: detectRings(graph, options),
    nodeOf,
    numbered: false,
    nodes: n,
    edges: edges.length,
  };
}

/** A numeric column of a columnar result (a typed array of the result's rows). */
function column(columns: Record<string, unknown>, name: string): Float64Array {
  const c = columns[name];
  if (!(c instanceof Float64Array)) throw new Error(`ring graph: column ${name} is not numeric`);
  return c;
}

/**
 * `reviewRings` on DuckDB: the graph numbered in the engine (`ringNumberingSql`), its edges and
 * the nodes' activity read as typed arrays, the rings found, then only the flagged rings' account
 * ids and identifier labels read back as text. The same review as the row path, node for node.
 */
async function reviewRingsNumbered(
  engine: DuckDbEngine,
  activitySql: string,
  friendRewardsSql: string,
  options: RingOptions,
): Promise<RingResult> {
  for (const sql of ringNumberingSql()) await engine.exec(sql);
  const e = await engine.queryColumns('SELECT from_node, to_node, kind, ident FROM ref_edge_num ORDER BY e');
  const [{ n: nodeCount }] = await engine.query('SELECT count(*) AS n FROM ref_node_num');
  const n = num(nodeCount);
  const edges = {
    from: Int32Array.from(column(e.columns, 'from_node')),
    to: Int32Array.from(column(e.columns, 'to_node')),
    kind: Uint8Array.from(column(e.columns, 'kind')),
    identifier: Int32Array.from(column(e.columns, 'ident')),
  };
  const fr = await engine.queryColumns(friendRewardsSql);
  const graph: RingGraph = {
    nodeCount: n,
    edges,
    activity: await nodeActivity(engine, activitySql, n),
    friendRewards: {
      friend: Int32Array.from(column(fr.columns, 'friend_node')),
      advocate: Int32Array.from(column(fr.columns, 'advocate_node')),
      amount: Float64Array.from(column(fr.columns, 'paid')),
    },
  };
  const review = detectRings(graph, options);
  // the text the flagged rings cite: their accounts and their identifiers' values
  const members = new Set(review.rings.flatMap((r) => r.members));
  const idents = new Set(
    review.rings.flatMap((r) => r.sharedIdentifiers.map((x) => x.identifier).filter((i) => i >= 0)),
  );
  for (const tie of review.ties?.values() ?? [])
    for (const x of tie.identifiers) if (x.identifier >= 0) idents.add(x.identifier);
  const accountOf = await textOf(
    engine,
    'ref_ring_nodes',
    members,
    (t) => `SELECT n.node AS id, n.acct AS text FROM ref_node_num n SEMI JOIN ${t} r ON r.id = n.node`,
  );
  const labelOf = await textOf(
    engine,
    'ref_ring_idents',
    idents,
    (t) =>
      `SELECT ident AS id, min(value) AS text FROM ref_edge_seq WHERE ident IN (SELECT id FROM ${t}) GROUP BY ident`,
  );
  const rings = review.rings.map((ring) => ({
    ...ring,
    accountIds: ring.members.map((i) => accountOf.get(i) ?? ''),
    sharedIdentifiers: ring.sharedIdentifiers.map((x) => ({
      ...x,
      label: x.identifier >= 0 ? (labelOf.get(x.identifier) ?? null) : null,
    })),
  }));
  const ties = new Map(
    [...(review.ties ?? [])].map(([node, tie]) => [
      node,
      {
        ...tie,
        account: accountOf.get(node) ?? null,
        identifiers: tie.identifiers.map((x) => ({
          ...x,
          label: x.identifier >= 0 ? (labelOf.get(x.identifier) ?? null) : null,
        })),
      },
    ]),
  );
  return {
    review: { ...review, rings, ties },
    nodeOf: new Map(),
    numbered: true,
    nodes: n,
    edges: e.rowCount,
  };
}

/** Each numbered node's activity (`activitySql` per account, joined to its node) as typed arrays. */
async function nodeActivity(
  engine: DuckDbEngine,
  activitySql: string,
  n: number,
): Promise<RingGraph['activity']> {
  const activity = {
    rewardsPaid: new Float64Array(n),
    rewardedFriend: new Uint8Array(n),
    ordersAfterReward: new Int32Array(n),
    orders: new Int32Array(n),
    refunds: new Int32Array(n),
  };
  if (n === 0) return activity;
  const a = await engine.queryColumns(
    `SELECT nn.node, CAST(a.rewards_paid AS DOUBLE) AS rewards_paid, CAST(a.rewarded_friend AS DOUBLE) AS rewarded_friend,
       CAST(a.orders_after_reward AS DOUBLE) AS orders_after_reward, CAST(a.orders AS DOUBLE) AS orders,
       CAST(a.refunds AS DOUBLE) AS refunds
     FROM (${activitySql}) a JOIN ref_node_num nn ON nn.acct = a.acct`,
  );
  const node = column(a.columns, 'node');
  const paid = column(a.columns, 'rewards_paid');
  const rewarded = column(a.columns, 'rewarded_friend');
  const after = column(a.columns, 'orders_after_reward');
  const orders = column(a.columns, 'orders');
  const refunds = column(a.columns, 'refunds');
  for (let r = 0; r < a.rowCount; r++) {
    const i = node[r];
    activity.rewardsPaid[i] = paid[r];
    activity.rewardedFriend[i] = rewarded[r] > 0 ? 1 : 0;
    activity.ordersAfterReward[i] = after[r];
    activity.orders[i] = orders[r];
    activity.refunds[i] = refunds[r];
  }
  return activity;
}

/**
 * The text of a few numbered ids: the ids appended to the temporary table `table` (column `id`),
 * then `sql(table)` read back as (id, text) rows. No query when there is no id.
 */
async function textOf(
  engine: DuckDbEngine,
  table: string,
  ids: ReadonlySet<number>,
  sql: (table: string) => string,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (ids.size === 0) return out;
  await engine.exec(`CREATE OR REPLACE TEMP TABLE ${table} (id DOUBLE)`);
  await engine.append(
    table,
    [...ids].map((i) => [i]),
  );
  for (const r of await engine.query(sql(table))) out.set(num(r.id), String(r.text));
  return out;
}
