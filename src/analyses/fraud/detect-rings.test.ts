import { describe, expect, it } from 'vitest';
import { detectRings, IDENTIFIER_KINDS, weakRingNote, type RingGraph } from './detect-rings.ts';
import { FraudInputError } from './fraud-input-error.ts';

const K = Object.fromEntries(IDENTIFIER_KINDS.map((k, i) => [k, i])) as Record<string, number>;
const LABELS = ['dev-X', 'card-9', 'smith-family.net', 'dev-P', 'ipua-1', 'dev-R'];
const L = Object.fromEntries(LABELS.map((l, i) => [l, i]));

/**
 * Planted graph (node: role):
 * - ring A, 0..3: advocate 0 shares device dev-X with friends 1 and 2 and card card-9 with 2 and 3;
 *   friends rewarded, none ordered again, two refunds → flagged (no activity after reward, mostly refunds);
 * - family B, 4..6: same family email domain; both rewarded friends ordered again, no refunds → clean;
 * - pair C, 7–8: shares a device, friend never ordered again, but only 2 accounts → not a ring;
 * - 9: alone;
 * - chain E, 10..15: 6 accounts linked by one IP+UA, rewarded → oversized when maxMembers = 5;
 * - ring D, 16..18: friends ordered again but 3 of 4 orders refunded → flagged (mostly refunds).
 */
function graph(): RingGraph {
  const edges: [number, number, string, string][] = [
    [0, 1, 'device', 'dev-X'],
    [0, 2, 'device', 'dev-X'],
    [2, 3, 'payment', 'card-9'],
    [0, 3, 'payment', 'card-9'],
    [4, 5, 'email-domain', 'smith-family.net'],
    [4, 6, 'email-domain', 'smith-family.net'],
    [7, 8, 'device', 'dev-P'],
    [10, 11, 'ip-user-agent', 'ipua-1'],
    [10, 12, 'ip-user-agent', 'ipua-1'],
    [10, 13, 'ip-user-agent', 'ipua-1'],
    [10, 14, 'ip-user-agent', 'ipua-1'],
    [10, 15, 'ip-user-agent', 'ipua-1'],
    [16, 17, 'device', 'dev-R'],
    [16, 18, 'device', 'dev-R'],
  ];
  const n = 19;
  const rewardsPaid = new Float64Array(n);
  const rewardedFriend = new Uint8Array(n);
  const ordersAfterReward = new Int32Array(n);
  const orders = new Int32Array(n);
  const refunds = new Int32Array(n);
  rewardsPaid[0] = 150;
  for (const f of [1, 2, 3]) {
    rewardedFriend[f] = 1;
    orders[f] = 1;
  }
  refunds[1] = refunds[2] = 1;
  rewardsPaid[4] = 100;
  for (const f of [5, 6]) {
    rewardedFriend[f] = 1;
    ordersAfterReward[f] = 2;
    orders[f] = 3;
  }
  rewardsPaid[7] = 50;
  rewardedFriend[8] = 1;
  orders[8] = 1;
  rewardsPaid[10] = 250;
  for (const f of [11, 12, 13, 14, 15]) rewardedFriend[f] = 1;
  rewardsPaid[16] = 100;
  for (const f of [17, 18]) {
    rewardedFriend[f] = 1;
    ordersAfterReward[f] = 1;
    orders[f] = 2;
  }
  refunds[17] = 2;
  refunds[18] = 1;
  return {
    nodeCount: n,
    edges: {
      from: Int32Array.from(edges.map((e) => e[0])),
      to: Int32Array.from(edges.map((e) => e[1])),
      kind: Uint8Array.from(edges.map((e) => K[e[2]])),
      identifier: Int32Array.from(edges.map((e) => L[e[3]])),
    },
    identifierLabels: LABELS,
    accountIds: Array.from({ length: n }, (_, i) => `acct-${i}`),
    activity: { rewardsPaid, rewardedFriend, ordersAfterReward, orders, refunds },
  };
}

describe('detectRings', () => {
  it('flags the planted ring of shared devices and cards, and the refund ring, nothing else', () => {
    const r = detectRings(graph(), { maxMembers: 5 });
    expect(r.rings.map((x) => x.members)).toEqual([
      [0, 1, 2, 3],
      [16, 17, 18],
    ]);
    const [a, d] = r.rings;
    // ring A: 3 rewarded friends, 0 ordered again → retained share 0/3 ≤ 0.2; refunds 2 / 3 orders ≥ 0.5
    expect(a).toMatchObject({
      rewardsPaid: 150,
      rewardedFriends: 3,
      retainedFriends: 0,
      retainedShare: 0,
      orders: 3,
      refunds: 2,
      reasons: ['no-activity-after-reward', 'mostly-refunds'],
      accountIds: ['acct-0', 'acct-1', 'acct-2', 'acct-3'],
      sharedIdentifierCount: 2,
    });
    expect(a.refundRate).toBeCloseTo(2 / 3, 15);
    expect(a.sharedIdentifiers).toEqual([
      { kind: 'device', identifier: L['dev-X'], label: 'dev-X', links: 2 },
      { kind: 'payment', identifier: L['card-9'], label: 'card-9', links: 2 },
    ]);
    // ring D: both friends ordered again (retained 2/2 = 1 > 0.2) but refunds 3 / 4 orders = 0.75 ≥ 0.5
    expect(d).toMatchObject({ retainedShare: 1, refundRate: 0.75, reasons: ['mostly-refunds'] });
    // the family (retained 2/2, no refunds), the pair (2 accounts) and the singleton are not rings
    for (const node of [4, 5, 6, 7, 8, 9]) expect(r.ringOfNode[node]).toBe(-1);
    for (const node of [0, 1, 2, 3]) expect(r.ringOfNode[node]).toBe(0);
    // the 6-account chain is above maxMembers: listed, not flagged
    expect(r.oversized).toEqual([{ component: r.components.componentOf[10], members: 6, rewardsPaid: 250 }]);
    expect(r.ringOfNode[12]).toBe(-1);
  });

  it('the chain is a ring under the default size cap (200); thresholds are configurable', () => {
    expect(detectRings(graph()).rings.map((x) => x.members[0])).toEqual([0, 10, 16]);
    // a stricter refund rule drops ring D; a looser retention rule does not rescue ring A
    const strict = detectRings(graph(), { minRefundRate: 0.8, maxRetainedShare: 0 });
    expect(strict.rings.map((x) => x.members[0])).toEqual([0, 10]);
    // minMembers 2 brings in the pair C (retained 0/1)
    expect(detectRings(graph(), { minMembers: 2 }).rings.map((x) => x.members[0])).toContain(7);
  });

  it('adds the rewards paid on its friends’ referrals to advocates outside the ring, each once', () => {
    const g = graph();
    // ring D's friends 17 and 18 were referred by advocate 9 (in no ring) for 30 and 20, and by
    // its own advocate 16 for 100 (already in rewardsPaid[16]); advocate 7 (pair C) paid 40 for
    // friend 1 of ring A; −1: an advocate in no edge, 5 for friend 2
    const friendRewards = {
      friend: Int32Array.of(17, 18, 17, 1, 2),
      advocate: Int32Array.of(9, 9, 16, 7, -1),
      amount: Float64Array.of(30, 20, 100, 40, 5),
    };
    const r = detectRings({ ...g, friendRewards }, { maxMembers: 5 });
    expect(r.rings.map((x) => x.rewardsPaid)).toEqual([150 + 40 + 5, 100 + 30 + 20]);
    // a pure ring of friends: no member was paid as an advocate, its rewards are all the friends'
    const rewardsPaid = Float64Array.from(g.activity.rewardsPaid);
    rewardsPaid[16] = 0;
    const friendsOnly = detectRings({ ...g, activity: { ...g.activity, rewardsPaid }, friendRewards });
    expect(friendsOnly.rings.find((x) => x.members[0] === 16)?.rewardsPaid).toBe(30 + 20);
    expect(() =>
      detectRings({ ...g, friendRewards: { ...friendRewards, advocate: Int32Array.of(9, 19, 16, 7, -1) } }),
    ).toThrow(FraudInputError);
  });

  it('records the kinds linking each ring: weak when only email domains link it, strong beside any other link', () => {
    // the family B (4..6) stops buying after the reward: a ring by the rule, linked by its domain only
    const g = graph();
    const ordersAfterReward = Int32Array.from(g.activity.ordersAfterReward);
    ordersAfterReward[5] = ordersAfterReward[6] = 0;
    const activity = { ...g.activity, ordersAfterReward };
    const r = detectRings({ ...g, activity }, { maxMembers: 5 });
    const byFirst = new Map(r.rings.map((x) => [x.members[0], x]));
    expect(byFirst.get(0)).toMatchObject({ linkKinds: ['device', 'payment'], strength: 'strong' });
    expect(byFirst.get(4)).toMatchObject({ linkKinds: ['email-domain'], strength: 'weak' });
    expect(byFirst.get(16)).toMatchObject({ linkKinds: ['device'], strength: 'strong' });
    // one device shared by two of the family beside the domain: mixed (strong links connect a pair,
    // fewer than the 3 a ring needs; was 'strong' when any strong link made the whole ring strong)
    const edges = {
      from: Int32Array.from([...g.edges.from, 5]),
      to: Int32Array.from([...g.edges.to, 6]),
      kind: Uint8Array.from([...g.edges.kind, K.device]),
      identifier: Int32Array.from([...g.edges.identifier!, L['dev-P']]),
    };
    const mixed = detectRings({ ...g, edges, activity }, { maxMembers: 5 }).rings.find(
      (x) => x.members[0] === 4,
    );
    expect(mixed).toMatchObject({
      linkKinds: ['device', 'email-domain'],
      strength: 'mixed',
      strongMembers: [5, 6],
    });
    // with an evidence limit of 1 the listed identifiers are cut, the kinds are not
    const cut = detectRings({ ...g, edges, activity }, { maxMembers: 5, evidenceLimit: 1 });
    expect(cut.rings.find((x) => x.members[0] === 4)).toMatchObject({
      sharedIdentifiers: [{ kind: 'email-domain', label: 'smith-family.net', links: 2 }],
      sharedIdentifierCount: 2,
      linkKinds: ['device', 'email-domain'],
      strength: 'mixed',
    });
  });

  it('weakRingNote names the domain(s) of a weak ring, nothing for a strong one', () => {
    expect(weakRingNote('weak', [{ label: 'acme-corp.com' }], 1)).toBe(
      'linked only by the shared email domain acme-corp.com',
    );
    const five = ['a.example', 'b.example', 'c.example', 'd.example', 'e.example'].map((label) => ({
      label,
    }));
    expect(weakRingNote('weak', five, 5)).toBe(
      'linked only by the shared email domains a.example, b.example, c.example and 2 more',
    );
    expect(weakRingNote('weak', five.slice(0, 2), 2)).toBe(
      'linked only by the shared email domains a.example, b.example',
    );
    expect(weakRingNote('strong', [{ label: 'acme-corp.com' }], 1)).toBeNull();
    expect(weakRingNote(undefined, [], 0)).toBeNull();
  });

  it('without identifier ids the evidence names the kinds only', () => {
    const g = graph();
    const r = detectRings({ ...g, edges: { ...g.edges, identifier: undefined } }, { maxMembers: 5 });
    expect(r.rings[0].sharedIdentifiers).toEqual([
      { kind: 'device', identifier: -1, label: null, links: 2 },
      { kind: 'payment', identifier: -1, label: null, links: 2 },
    ]);
  });

  it('rejects activity arrays of the wrong length and unknown kinds', () => {
    const g = graph();
    expect(() => detectRings({ ...g, activity: { ...g.activity, orders: new Int32Array(3) } })).toThrow(
      FraudInputError,
    );
    const kind = Uint8Array.from(g.edges.kind);
    kind[2] = 9;
    expect(() => detectRings({ ...g, edges: { ...g.edges, kind } })).toThrow(/kind 9/);
  });
});

/**
 * Per-account ties (h-ring24b). Four rings, every friend rewarded 50 and never back:
 * - X, 0..4: advocate 0 and friends 1..4 on initech.example; friends 1 and 2 also share a kiosk
 *   device. Strong links connect 2 accounts (< 3): mixed; 1, 2 strongly tied, 0, 3, 4 by the domain
 *   only. Rewards of their referrals: r-1, r-2 = 100 of the ring's 200.
 * - Y, 5..7: advocate 5 and friends 6, 7 on one tablet: strong, all three tied; 100 (the advocate's
 *   side, each payout once).
 * - Z, 8..11: two device pairs (8–9, 10–11) joined by umbrella.example: 4 strongly tied accounts,
 *   but strong links connect 2 at most: mixed.
 * - W, 12..15: 12–13 a cookie, 13–14 a card (3 connected by strong links: strong), 15 by the domain
 *   only (globex.example); 15's referral counts among the strong ties' rewards all the same: its
 *   advocate 12 is strongly tied (150 of 150).
 */
function tiesGraph(): RingGraph {
  const labels = ['initech.example', 'dev-kiosk', 'dev-tablet', 'umbrella.example', 'dev-a', 'dev-b'];
  labels.push('cookie-1', 'card-1', 'globex.example');
  const id = (l: string) => labels.indexOf(l);
  const edges: [number, number, string, string][] = [
    [0, 1, 'email-domain', 'initech.example'],
    [0, 2, 'email-domain', 'initech.example'],
    [0, 3, 'email-domain', 'initech.example'],
    [0, 4, 'email-domain', 'initech.example'],
    [1, 2, 'device', 'dev-kiosk'],
    [5, 6, 'device', 'dev-tablet'],
    [5, 7, 'device', 'dev-tablet'],
    [8, 9, 'email-domain', 'umbrella.example'],
    [8, 10, 'email-domain', 'umbrella.example'],
    [8, 11, 'email-domain', 'umbrella.example'],
    [8, 9, 'device', 'dev-a'],
    [10, 11, 'device', 'dev-b'],
    [12, 13, 'cookie', 'cookie-1'],
    [13, 14, 'payment', 'card-1'],
    [12, 15, 'email-domain', 'globex.example'],
  ];
  const n = 16;
  const advocates: [number, number[]][] = [
    [0, [1, 2, 3, 4]],
    [5, [6, 7]],
    [8, [9, 10, 11]],
    [12, [13, 14, 15]],
  ];
  const rewardsPaid = new Float64Array(n);
  const rewardedFriend = new Uint8Array(n);
  const orders = new Int32Array(n);
  const fr: [number, number, number][] = [];
  for (const [a, friends] of advocates) {
    rewardsPaid[a] = 50 * friends.length;
    for (const f of friends) {
      rewardedFriend[f] = 1;
      orders[f] = 1;
      fr.push([f, a, 50]);
    }
  }
  return {
    nodeCount: n,
    edges: {
      from: Int32Array.from(edges.map((e) => e[0])),
      to: Int32Array.from(edges.map((e) => e[1])),
      kind: Uint8Array.from(edges.map((e) => K[e[2]])),
      identifier: Int32Array.from(edges.map((e) => id(e[3]))),
    },
    identifierLabels: labels,
    accountIds: Array.from({ length: n }, (_, i) => `acct-${i}`),
    activity: {
      rewardsPaid,
      rewardedFriend,
      ordersAfterReward: new Int32Array(n),
      orders,
      refunds: new Int32Array(n),
    },
    friendRewards: {
      friend: Int32Array.from(fr.map((x) => x[0])),
      advocate: Int32Array.from(fr.map((x) => x[1])),
      amount: Float64Array.from(fr.map((x) => x[2])),
    },
  };
}

describe('detectRings: each account tied by its own links', () => {
  const r = detectRings(tiesGraph());

  it('a ring is strong when strong links alone connect 3 of its accounts; mixed below; the ring stays one component', () => {
    expect(
      r.rings.map((x) => [x.members, x.strength, x.strongMembers, x.rewardsPaid, x.strongRewardsPaid]),
    ).toEqual([
      [[0, 1, 2, 3, 4], 'mixed', [1, 2], 200, 100],
      [[5, 6, 7], 'strong', [5, 6, 7], 100, 100],
      [[8, 9, 10, 11], 'mixed', [8, 9, 10, 11], 150, 150],
      [[12, 13, 14, 15], 'strong', [12, 13, 14], 150, 150],
    ]);
  });

  it('each member’s tie names the identifiers on its own links, strong kinds first', () => {
    const tie = (node: number) => {
      const t = r.ties!.get(node)!;
      return [t.ring, t.strong, t.identifiers.map((s) => `${s.kind}:${s.label}`), t.identifierCount];
    };
    expect(tie(0)).toEqual([0, false, ['email-domain:initech.example'], 1]);
    expect(tie(1)).toEqual([0, true, ['device:dev-kiosk', 'email-domain:initech.example'], 2]);
    expect(tie(3)).toEqual([0, false, ['email-domain:initech.example'], 1]);
    expect(tie(6)).toEqual([1, true, ['device:dev-tablet'], 1]);
    expect(tie(8)).toEqual([2, true, ['device:dev-a', 'email-domain:umbrella.example'], 2]);
    expect(tie(13)).toEqual([3, true, ['cookie:cookie-1', 'payment:card-1'], 2]);
    expect(tie(15)).toEqual([3, false, ['email-domain:globex.example'], 1]);
    expect(r.ties!.size).toBe(16);
    // the evidence limit cuts the listed identifiers, not the count
    const cut = detectRings(tiesGraph(), { evidenceLimit: 1 }).ties!.get(1)!;
    expect(cut).toMatchObject({ identifiers: [{ kind: 'device', label: 'dev-kiosk' }], identifierCount: 2 });
  });

  it('a weak ring has no strongly tied member; nodes outside rings have no tie', () => {
    const g = tiesGraph();
    const only = detectRings({
      ...g,
      edges: {
        from: g.edges.from.subarray(0, 4),
        to: g.edges.to.subarray(0, 4),
        kind: g.edges.kind.subarray(0, 4),
        identifier: g.edges.identifier!.subarray(0, 4),
      },
    });
    expect(only.rings.map((x) => [x.strength, x.strongMembers, x.strongRewardsPaid])).toEqual([
      ['weak', [], 0],
    ]);
    expect([...only.ties!.keys()].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
