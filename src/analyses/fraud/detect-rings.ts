import { connectedComponents, type ConnectedComponents } from './connected-components.ts';
import { FraudInputError } from './fraud-input-error.ts';
import { UnionFind } from './union-find.ts';

/** What two linked accounts share; `RingGraph.edges.kind` holds the index into this list. */
export const IDENTIFIER_KINDS = ['ip-user-agent', 'device', 'cookie', 'payment', 'email-domain'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/**
 * How a ring's accounts are linked. A **strong link** is a shared IP + user agent, device, cookie or
 * payment fingerprint; a shared company email domain is a weak one (colleagues at one company refer
 * each other in a B2B programme). `strong` when strong links alone connect at least `minMembers`
 * of its accounts (a ring by themselves); `mixed` when some accounts are strongly tied but strong
 * links connect fewer than `minMembers` of them (a pair sharing a device, joined to the rest by
 * their domain: the pair is what the per-referral rules catch, the ring around it is the domain's);
 * `weak` when only shared email domains connect it. Each account's tie is judged apart
 * (`AccountTie`): the ring rule weighs a referral by its account's tie, not by the ring's label.
 */
export type RingStrength = 'strong' | 'mixed' | 'weak';

/**
 * How one ring member is tied to its ring: `strong` when it shares an IP + user agent, device,
 * cookie or payment fingerprint with another member; else only through email-domain links.
 */
export interface AccountTie {
  readonly ring: number;
  /** The member's account id (`RingGraph.accountIds`), null without them. */
  readonly account: string | null;
  readonly strong: boolean;
  /** Distinct identifiers on the account's own links, strong kinds first (IDENTIFIER_KINDS order), at most `evidenceLimit`. */
  readonly identifiers: readonly Omit<SharedIdentifier, 'links'>[];
  readonly identifierCount: number;
}
/** The kinds that link weakly (bit i = IDENTIFIER_KINDS[i]): the email domain. */
const WEAK_KIND_MASK = 1 << IDENTIFIER_KINDS.indexOf('email-domain');

/**
 * Accounts (advocates ∪ friends) as nodes 0..nodeCount−1 and the identifiers they share as edges,
 * all in typed arrays. SQL (DuckDB shown), a star per shared identifier (hub = its smallest node):
 * ```sql
 * -- nodes: SELECT account_id, dense_rank() OVER (ORDER BY account_id) - 1 AS node FROM accounts
 * WITH ids AS (SELECT DISTINCT 0 AS kind, ip || '|' || user_agent AS label, node FROM sessions JOIN nodes USING (account_id)
 *              UNION ALL SELECT DISTINCT 1, device_id, node FROM sessions JOIN nodes USING (account_id)
 *              UNION ALL …),                      -- 2 cookie, 3 payment fingerprint, 4 email domain
 *      s AS (SELECT kind, label, node, min(node) OVER w AS hub, count(*) OVER w AS accounts,
 *                   dense_rank() OVER (ORDER BY kind, label) - 1 AS identifier
 *            FROM ids WINDOW w AS (PARTITION BY kind, label))
 * SELECT hub AS "from", node AS "to", kind, identifier, label FROM s
 * WHERE node <> hub AND accounts <= 50            -- identifiers of more accounts are infrastructure
 * ```
 * (`identifierLabels[identifier] = label`, ids of unshared identifiers left as holes; the query
 * was run on DuckDB 1.5 against a small fixture.)
 * Kinds: 0 ip-user-agent (IP **and** user agent: an office IP alone links colleagues), 1 device
 * id, 2 cookie, 3 payment fingerprint, 4 email domain, only for domains that are not free webmail
 * (`PUBLIC_EMAIL_PROVIDERS`) and not on the disposable list. Identifiers shared by more than a
 * few dozen accounts are infrastructure (carrier NAT, a corporate proxy) and belong out of the
 * graph; the cap is the query's.
 */
export interface RingGraph {
  readonly nodeCount: number;
  readonly edges: {
    readonly from: Int32Array;
    readonly to: Int32Array;
    /** Index into IDENTIFIER_KINDS per edge. */
    readonly kind: Uint8Array;
    /** Identifier value id per edge (index into `identifierLabels`), when the evidence should name it. */
    readonly identifier?: Int32Array;
  };
  /** Display value per identifier id (hashed device id, `ip|ua`, card fingerprint, domain). */
  readonly identifierLabels?: readonly string[];
  /** Account id per node, for the evidence. */
  readonly accountIds?: readonly string[];
  /**
   * Per-node activity (length nodeCount each). SQL: per account, `sum(reward) FILTER (paid)` as an
   * advocate; for friends, `rewarded_friend` = their referral's reward was paid, `orders_after_reward`
   * = `count(*) FILTER (ordered_at > reward_paid_at AND NOT qualifying)`; `orders`, `refunds` =
   * orders and refunded or cancelled orders in the window.
   */
  readonly activity: {
    readonly rewardsPaid: Float64Array;
    readonly rewardedFriend: Uint8Array;
    readonly ordersAfterReward: Int32Array;
    readonly orders: Int32Array;
    readonly refunds: Int32Array;
  };
  /**
   * Rewards paid on referrals whose friend is a node, per (friend node, advocate node): `advocate`
   * is the node of the payout's advocate account, −1 when that account is in no edge. A ring's
   * rewards are those of the referrals a member takes part in: `activity.rewardsPaid` counts them
   * on the advocate's side (its node's component), these on the friend's, unless the advocate's
   * node is in the friend's component too (counted there already). Without it, a ring of friends
   * whose advocates share nothing with them would show no rewards.
   */
  readonly friendRewards?: {
    readonly friend: Int32Array;
    readonly advocate: Int32Array;
    readonly amount: Float64Array;
  };
}

export interface RingOptions {
  /** Smallest component judged; default 3 (a pair is what the per-referral rules are for). */
  readonly minMembers?: number;
  /** Larger components are shared infrastructure more often than rings: listed as `oversized`, not flagged; default 200. */
  readonly maxMembers?: number;
  /** Flag when at most this share of the rewarded friends bought again after the reward; default 0.2. */
  readonly maxRetainedShare?: number;
  /** …or when refunded orders / orders is at least this; default 0.5. */
  readonly minRefundRate?: number;
  /** Identifiers listed per ring in the evidence; default 20 (the count is always complete). */
  readonly evidenceLimit?: number;
}

export const DEFAULT_RING_OPTIONS: Required<RingOptions> = {
  minMembers: 3,
  maxMembers: 200,
  maxRetainedShare: 0.2,
  minRefundRate: 0.5,
  evidenceLimit: 20,
};

export interface SharedIdentifier {
  readonly kind: IdentifierKind;
  /** Identifier id (−1 when the edges carry none) and its label when given. */
  readonly identifier: number;
  readonly label: string | null;
  /** Edges of the ring carrying it. */
  readonly links: number;
}

export interface Ring {
  /** Position in `RingReview.rings`, also stored per node in `ringOfNode`. */
  readonly ring: number;
  readonly component: number;
  readonly members: readonly number[];
  readonly accountIds: readonly string[] | null;
  /**
   * Rewards paid on the ring's referrals: those whose advocate or friend is a member, and a
   * member advocate's rewards without a referral; each payout once.
   */
  readonly rewardsPaid: number;
  readonly rewardedFriends: number;
  /** Rewarded friends with an order after the reward, and their share. */
  readonly retainedFriends: number;
  readonly retainedShare: number | null;
  readonly orders: number;
  readonly refunds: number;
  readonly refundRate: number | null;
  /** Why it was flagged: 'no-activity-after-reward' and/or 'mostly-refunds'. */
  readonly reasons: readonly ('no-activity-after-reward' | 'mostly-refunds')[];
  /** Distinct identifiers on the ring's edges, most links first, at most `evidenceLimit`. */
  readonly sharedIdentifiers: readonly SharedIdentifier[];
  readonly sharedIdentifierCount: number;
  /** Every identifier kind on the ring's edges (all of them, not only the listed identifiers), in IDENTIFIER_KINDS order. */
  readonly linkKinds: readonly IdentifierKind[];
  /** `strong`, `mixed` or `weak` (`RingStrength`). */
  readonly strength: RingStrength;
  /** Members strongly tied to the ring (`AccountTie.strong`), in node order. */
  readonly strongMembers: readonly number[];
  /** Rewards paid on the referrals whose advocate or friend is strongly tied (each payout once; part of `rewardsPaid`). */
  readonly strongRewardsPaid: number;
}

export interface RingReview {
  readonly components: ConnectedComponents;
  readonly rings: readonly Ring[];
  /** Ring index per node, −1 for nodes in no flagged ring. */
  readonly ringOfNode: Int32Array;
  /** Each ring member's tie to its ring, by node (`detectRings` always fills it; a review built by hand may not). */
  readonly ties?: ReadonlyMap<number, AccountTie>;
  /** Components above maxMembers that carry rewards: review by hand, not flagged. */
  readonly oversized: readonly { component: number; members: number; rewardsPaid: number }[];
}

/**
 * Fraud rings: connected components of accounts linked by shared identifiers (union-find over
 * the edge list) with at least `minMembers` accounts, rewards paid, and little real activity after
 * the rewards: at most `maxRetainedShare` of the rewarded friends ordered again, or refunds make
 * up at least `minRefundRate` of the orders. O(n + m·α(n)); the identifier evidence is gathered
 * in one more pass over the edges, for flagged rings only. Each ring records the identifier kinds
 * on its edges (`linkKinds`), its `strength` and, per member, its tie (`ties`): strong when the
 * member shares a non-email identifier with another member. A second union-find over the rings'
 * strong edges sizes the groups strong links connect (the ring is `strong` when one has at least
 * `minMembers` accounts). The scorer weighs a weakly tied account's referrals less
 * (`FraudOptions.weakRingWeight`).
 *
 * @example
 * const rings = detectRings(graph);
 * rings.ringOfNode[friendNode] >= 0; // the friend sits in a flagged ring
 */
export function detectRings(graph: RingGraph, options: RingOptions = {}): RingReview {
  const o: Required<RingOptions> = { ...DEFAULT_RING_OPTIONS, ...options };
  const n = graph.nodeCount;
  const { from, to, kind, identifier } = graph.edges;
  const a = graph.activity;
  for (const [name, arr] of Object.entries(a))
    if (arr.length !== n)
      throw new FraudInputError(`activity.${name} has ${arr.length} entries for ${n} nodes`, {
        field: `activity.${name}`,
      });
  if (kind.length !== from.length || (identifier && identifier.length !== from.length))
    throw new FraudInputError('edges.kind and edges.identifier need one entry per edge', {
      field: kind.length !== from.length ? 'edges.kind' : 'edges.identifier',
    });
  if (graph.accountIds && graph.accountIds.length !== n)
    throw new FraudInputError(`accountIds has ${graph.accountIds.length} entries for ${n} nodes`, {
      field: 'accountIds',
    });

  for (let e = 0; e < kind.length; e++)
    if (kind[e] >= IDENTIFIER_KINDS.length)
      throw new FraudInputError(
        `edge ${e} has kind ${kind[e]}; kinds are 0..${IDENTIFIER_KINDS.length - 1}`,
        {
          field: 'edges.kind',
          index: e,
          hint: `Codes: ${IDENTIFIER_KINDS.map((k, i) => `${i} ${k}`).join(', ')}.`,
        },
      );

  const components = connectedComponents(n, from, to);
  const { count, componentOf, componentSize } = components;
  const rewards = new Float64Array(count);
  const rewarded = new Int32Array(count);
  const retained = new Int32Array(count);
  const orders = new Int32Array(count);
  const refunds = new Int32Array(count);
  for (let i = 0; i < n; i++) {
    const c = componentOf[i];
    rewards[c] += a.rewardsPaid[i];
    if (a.rewardedFriend[i]) {
      rewarded[c]++;
      if (a.ordersAfterReward[i] > 0) retained[c]++;
    }
    orders[c] += a.orders[i];
    refunds[c] += a.refunds[i];
  }
  if (graph.friendRewards) addFriendRewards(rewards, componentOf, graph.friendRewards, n);

  const ringOfComponent = new Int32Array(count).fill(-1);
  const ringComponents: number[] = [];
  const oversized: { component: number; members: number; rewardsPaid: number }[] = [];
  for (let c = 0; c < count; c++) {
    if (componentSize[c] < o.minMembers || rewarded[c] === 0) continue;
    if (componentSize[c] > o.maxMembers) {
      oversized.push({ component: c, members: componentSize[c], rewardsPaid: rewards[c] });
      continue;
    }
    const lowRetention = retained[c] / rewarded[c] <= o.maxRetainedShare;
    const refundHeavy = orders[c] > 0 && refunds[c] / orders[c] >= o.minRefundRate;
    if (!lowRetention && !refundHeavy) continue;
    ringOfComponent[c] = ringComponents.length;
    ringComponents.push(c);
  }

  // Members and edges grouped by ring with counting sorts: O(n + m), one flat array each.
  const ringCount = ringComponents.length;
  const ringOfNode = new Int32Array(n).fill(-1);
  const memberStart = new Int32Array(ringCount + 1);
  for (let i = 0; i < n; i++) {
    const r = ringOfComponent[componentOf[i]];
    ringOfNode[i] = r;
    if (r >= 0) memberStart[r + 1]++;
  }
  for (let r = 0; r < ringCount; r++) memberStart[r + 1] += memberStart[r];
  const memberNodes = new Int32Array(memberStart[ringCount]);
  const memberFill = memberStart.slice(0, ringCount);
  for (let i = 0; i < n; i++) if (ringOfNode[i] >= 0) memberNodes[memberFill[ringOfNode[i]]++] = i;

  const edgeStart = new Int32Array(ringCount + 1);
  for (let e = 0; e < from.length; e++) if (ringOfNode[from[e]] >= 0) edgeStart[ringOfNode[from[e]] + 1]++;
  for (let r = 0; r < ringCount; r++) edgeStart[r + 1] += edgeStart[r];
  const ringEdges = new Int32Array(edgeStart[ringCount]);
  const edgeFill = edgeStart.slice(0, ringCount);
  for (let e = 0; e < from.length; e++) {
    const r = ringOfNode[from[e]];
    if (r >= 0) ringEdges[edgeFill[r]++] = e;
  }

  // Strong ties: an endpoint of a strong edge (both ends are in the same ring: edges make the
  // components). Strong edges alone, unioned, give the groups strong links connect.
  const strongTie = new Uint8Array(n);
  const strongSets = new UnionFind(ringEdges.length > 0 ? n : 0);
  for (let k = 0; k < ringEdges.length; k++) {
    const e = ringEdges[k];
    if ((1 << kind[e]) & WEAK_KIND_MASK) continue;
    strongTie[from[e]] = strongTie[to[e]] = 1;
    strongSets.union(from[e], to[e]);
  }
  const strongRewards = new Float64Array(ringCount);
  for (let i = 0; i < n; i++) if (strongTie[i]) strongRewards[ringOfNode[i]] += a.rewardsPaid[i];
  if (graph.friendRewards) {
    const fr = graph.friendRewards;
    for (let k = 0; k < fr.friend.length; k++) {
      const f = fr.friend[k];
      const adv = fr.advocate[k];
      // a strongly tied advocate in the friend's component counted it already (its rewardsPaid)
      if (strongTie[f] && !(adv >= 0 && strongTie[adv] && componentOf[adv] === componentOf[f]))
        strongRewards[ringOfNode[f]] += fr.amount[k];
    }
  }
  const ties = memberTies(graph, ringOfNode, ringEdges, strongTie, o.evidenceLimit);

  // Identifier key kind·2^32 + (identifier + 1): exact in a double for ids below 2^31, ordered by
  // kind, then identifier. A ring's keys are sorted in a scratch array and counted as runs.
  const scratch = new Float64Array(Math.max(1, maxRun(edgeStart)));
  const runKeys: number[] = [];
  const runLinks: number[] = [];
  const order: number[] = [];
  const rings: Ring[] = new Array(ringCount);
  for (let r = 0; r < ringCount; r++) {
    const c = ringComponents[r];
    const m = edgeStart[r + 1] - edgeStart[r];
    for (let k = 0; k < m; k++) {
      const e = ringEdges[edgeStart[r] + k];
      scratch[k] = kind[e] * 4294967296 + (identifier ? identifier[e] + 1 : 0);
    }
    const sorted = scratch.subarray(0, m).sort();
    runKeys.length = 0;
    runLinks.length = 0;
    let kindMask = 0;
    for (let k = 0; k < m; k++) {
      kindMask |= 1 << Math.floor(sorted[k] / 4294967296);
      if (k > 0 && sorted[k] === sorted[k - 1]) runLinks[runLinks.length - 1]++;
      else {
        runKeys.push(sorted[k]);
        runLinks.push(1);
      }
    }
    order.length = 0;
    for (let k = 0; k < runKeys.length; k++) order.push(k);
    // most links first; ties keep key order (the sort is stable)
    order.sort((x, y) => runLinks[y] - runLinks[x]);
    const sharedIdentifiers: SharedIdentifier[] = [];
    for (let k = 0; k < order.length && k < o.evidenceLimit; k++) {
      const key = runKeys[order[k]];
      const id = (key % 4294967296) - 1;
      sharedIdentifiers.push({
        kind: IDENTIFIER_KINDS[Math.floor(key / 4294967296)],
        identifier: id,
        label: id >= 0 ? (graph.identifierLabels?.[id] ?? null) : null,
        links: runLinks[order[k]],
      });
    }
    const members: number[] = [];
    const strongMembers: number[] = [];
    let largestStrongGroup = 0;
    for (let k = memberStart[r]; k < memberStart[r + 1]; k++) {
      const i = memberNodes[k];
      members.push(i);
      if (!strongTie[i]) continue;
      strongMembers.push(i);
      const root = strongSets.find(i);
      if (root === i) largestStrongGroup = Math.max(largestStrongGroup, strongSets.size[root]);
    }
    const reasons: Ring['reasons'][number][] = [];
    const retainedShare = retained[c] / rewarded[c];
    const refundRate = orders[c] > 0 ? refunds[c] / orders[c] : null;
    if (retainedShare <= o.maxRetainedShare) reasons.push('no-activity-after-reward');
    if (refundRate !== null && refundRate >= o.minRefundRate) reasons.push('mostly-refunds');
    rings[r] = {
      ring: r,
      component: c,
      members,
      accountIds: graph.accountIds ? members.map((i) => graph.accountIds![i]) : null,
      rewardsPaid: rewards[c],
      rewardedFriends: rewarded[c],
      retainedFriends: retained[c],
      retainedShare,
      orders: orders[c],
      refunds: refunds[c],
      refundRate,
      reasons,
      sharedIdentifiers,
      sharedIdentifierCount: runKeys.length,
      linkKinds: IDENTIFIER_KINDS.filter((_, k) => kindMask & (1 << k)),
      strength: largestStrongGroup >= o.minMembers ? 'strong' : strongMembers.length > 0 ? 'mixed' : 'weak',
      strongMembers,
      strongRewardsPaid: strongRewards[r],
    };
  }
  return { components, rings, ringOfNode, ties, oversized };
}

/**
 * Each ring member's tie: whether it is strongly tied and the distinct identifiers on its own
 * edges (a star per identifier: a member sharing one is an endpoint of at least one of its edges).
 */
function memberTies(
  graph: RingGraph,
  ringOfNode: Int32Array,
  ringEdges: Int32Array,
  strongTie: Uint8Array,
  evidenceLimit: number,
): Map<number, AccountTie> {
  const { from, to, kind, identifier } = graph.edges;
  const keys = new Map<number, number[]>();
  const add = (node: number, key: number) => {
    const list = keys.get(node);
    if (list) list.push(key);
    else keys.set(node, [key]);
  };
  for (let k = 0; k < ringEdges.length; k++) {
    const e = ringEdges[k];
    const key = kind[e] * 4294967296 + (identifier ? identifier[e] + 1 : 0);
    add(from[e], key);
    add(to[e], key);
  }
  const ties = new Map<number, AccountTie>();
  for (const [node, list] of keys) {
    list.sort((x, y) => x - y);
    const distinct = list.filter((x, k) => k === 0 || x !== list[k - 1]);
    ties.set(node, {
      ring: ringOfNode[node],
      account: graph.accountIds?.[node] ?? null,
      strong: strongTie[node] === 1,
      identifiers: distinct.slice(0, evidenceLimit).map((key) => {
        const id = (key % 4294967296) - 1;
        return {
          kind: IDENTIFIER_KINDS[Math.floor(key / 4294967296)],
          identifier: id,
          label: id >= 0 ? (graph.identifierLabels?.[id] ?? null) : null,
        };
      }),
      identifierCount: distinct.length,
    });
  }
  return ties;
}

/**
 * What the evidence of a weak ring says: "linked only by the shared email domain acme-corp.com"
 * (several domains: the first three listed, then how many more); null for a strong ring.
 *
 * @example weakRingNote('weak', [{ label: 'acme-corp.com' }], 1) // 'linked only by the shared email domain acme-corp.com'
 */
export function weakRingNote(
  strength: RingStrength | undefined,
  identifiers: readonly { readonly label: string | null }[],
  count: number,
): string | null {
  if (strength !== 'weak') return null;
  const shown = identifiers.slice(0, 3).map((x) => x.label ?? '(unnamed)');
  const more = Math.max(0, count - shown.length);
  if (count <= 1) return `linked only by the shared email domain ${shown[0] ?? '(unnamed)'}`;
  return `linked only by the shared email domains ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** The friends' side of the rewards (`RingGraph.friendRewards`), added to their components. */
function addFriendRewards(
  rewards: Float64Array,
  componentOf: Int32Array,
  fr: NonNullable<RingGraph['friendRewards']>,
  n: number,
): void {
  const m = fr.friend.length;
  if (fr.advocate.length !== m || fr.amount.length !== m)
    throw new FraudInputError('friendRewards.friend, advocate and amount need one entry per row', {
      field: 'friendRewards',
    });
  for (let k = 0; k < m; k++) {
    const f = fr.friend[k];
    const a = fr.advocate[k];
    if (f < 0 || f >= n || a < -1 || a >= n)
      throw new FraudInputError(`friendRewards row ${k} names node ${f < 0 || f >= n ? f : a} of ${n}`, {
        field: 'friendRewards',
        index: k,
      });
    const c = componentOf[f];
    if (a < 0 || componentOf[a] !== c) rewards[c] += fr.amount[k];
  }
}

function maxRun(starts: Int32Array): number {
  let max = 0;
  for (let r = 0; r + 1 < starts.length; r++) max = Math.max(max, starts[r + 1] - starts[r]);
  return max;
}
