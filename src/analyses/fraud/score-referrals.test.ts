import { describe, expect, it } from 'vitest';
import { detectRings, IDENTIFIER_KINDS } from './detect-rings.ts';
import { buildDisposableDomainSet } from './disposable-domains.ts';
import { flagVelocity } from './flag-velocity.ts';
import { FraudInputError } from './fraud-input-error.ts';
import { FRAUD_RULE_IDS, FRAUD_RULES, type FraudRuleId } from './fraud-rules.ts';
import { scoreReferrals } from './score-referrals.ts';
import type { ReferralFeatureRow } from './types.ts';

const DAY = 86_400_000;
const T = Date.UTC(2026, 2, 1);
let seq = 0;

/** An honest referral: different people, nothing shared, a human-paced conversion. */
function row(overrides: Partial<ReferralFeatureRow> = {}): ReferralFeatureRow {
  seq++;
  return {
    referralId: `r${seq}`,
    advocateId: `adv${seq}`,
    friendId: `fr${seq}`,
    advocateEmail: `advocate${seq}@example.org`,
    friendEmail: `someone.else${seq}@example.net`,
    advocateName: `Alice Advocate${seq}`,
    friendName: `Bob Friend${seq}`,
    referredAt: T,
    clickToConversionSeconds: 900,
    friendReferralRank: 1,
    rewardAmount: 20,
    rewardStatus: 'pending',
    ...overrides,
  };
}

// A ring of shared devices and cards (nodes 0..3; see detect-rings.test.ts for the pattern).
function ringContext() {
  const n = 5;
  const rewardedFriend = Uint8Array.of(0, 1, 1, 1, 0);
  return detectRings({
    nodeCount: n,
    edges: {
      from: Int32Array.of(0, 0, 2),
      to: Int32Array.of(1, 2, 3),
      kind: Uint8Array.of(
        IDENTIFIER_KINDS.indexOf('device'),
        IDENTIFIER_KINDS.indexOf('device'),
        IDENTIFIER_KINDS.indexOf('payment'),
      ),
      identifier: Int32Array.of(0, 0, 1),
    },
    identifierLabels: ['dev-X', 'card-9'],
    accountIds: ['ring-adv', 'ring-f1', 'ring-f2', 'ring-f3', 'outsider'],
    activity: {
      rewardsPaid: Float64Array.of(150, 0, 0, 0, 0),
      rewardedFriend,
      ordersAfterReward: new Int32Array(n),
      orders: Int32Array.of(0, 1, 1, 1, 3),
      refunds: Int32Array.of(0, 1, 1, 0, 0),
    },
  });
}

// Velocity: 'adv-burst' converts 12 on one day; everybody else 1–2.
function velocityContext() {
  const rows = Array.from({ length: 20 }, (_, i) => ({
    advocateId: `quiet${i}`,
    conversions: 2,
    activeDays: 30,
    peakDayConversions: 1 + (i % 2),
    peakWeekConversions: 2,
  }));
  rows.push({
    advocateId: 'adv-burst',
    conversions: 14,
    activeDays: 30,
    peakDayConversions: 12,
    peakWeekConversions: 14,
  });
  return flagVelocity(rows);
}

const planted = {
  // self-referrals
  gmailVariant: row({ advocateEmail: 'john@gmail.com', friendEmail: 'j.o.h.n+ref@gmail.com' }),
  googlemail: row({ advocateEmail: 'John.Smith@GoogleMail.com', friendEmail: 'johnsmith+2@gmail.com' }),
  sameId: row({ advocateId: 'cust-7', friendId: 'cust-7' }),
  ownCode: row({ redeemedOwnCode: true }),
  // shared identifiers
  ipAndUa: row({
    sharedIps: ['203.0.113.9'],
    sharedIpUserAgents: ['203.0.113.9|Mozilla/5.0 (X11) Firefox/128'],
  }),
  ringMember: row({
    advocateNode: 0,
    friendNode: 1,
    sharedDeviceIds: ['dev-X'],
    sharedPaymentFingerprints: ['card-9'],
    rewardStatus: 'paid',
  }),
  disposable: row({ friendEmail: 'throwaway@a.b.mailinator.com' }),
  // behaviour and history
  coupon: row({ conversionReferrer: 'https://www.retailmenot.com/view/acme.com' }),
  refund: row({
    rewardStatus: 'paid',
    rewardAmount: 30,
    rewardPaidAt: T + 10 * DAY,
    refundedAt: T + 12 * DAY,
  }),
  fast: row({ clickToConversionSeconds: 4 }),
  alreadyCustomer: row({ friendLastOrderBefore: T - 40 * DAY }),
  alreadyReferred: row({ friendReferralRank: 2, firstAdvocateId: 'adv-first', rewardStatus: 'clawed_back' }),
  velocity: row({ advocateId: 'adv-burst' }),
};

const lookAlikes = {
  // one office IP, different laptops and browsers: no (IP, UA) pair in common
  colleagues: row({
    advocateEmail: 'anna.berg@acme-widgets.io',
    friendEmail: 'tom.lind@acme-widgets.io',
    advocateName: 'Anna Berg',
    friendName: 'Tom Lind',
    sharedIps: ['198.51.100.7'],
  }),
  // same surname, different first names, same home IP on different devices
  family: row({
    advocateEmail: 'anna.smith@outlook.com',
    friendEmail: 'peter.smith@outlook.com',
    advocateName: 'Anna Smith',
    friendName: 'Peter Smith',
    sharedIps: ['192.0.2.44'],
  }),
  // siblings whose first names are nearly equal: review at most
  siblings: row({ advocateName: 'Daniel Smith', friendName: 'Danielle Smith', sharedIps: ['192.0.2.45'] }),
  // a former customer (last order 500 days before), referred once, who bought again
  winBack: row({ friendLastOrderBefore: T - 500 * DAY, friendReferralRank: 1, rewardStatus: 'void' }),
  // two different people with one common name
  namesake: row({ advocateName: 'Maria Garcia', friendName: 'María García' }),
  clean: row(),
};

const rows = [...Object.values(planted), ...Object.values(lookAlikes)];
const context = {
  disposableDomains: buildDisposableDomainSet(['mailinator.com', 'guerrillamail.com']),
  velocity: velocityContext(),
  rings: ringContext(),
};
const review = scoreReferrals(rows, context);
const verdict = (r: ReferralFeatureRow) => {
  const i = rows.indexOf(r);
  const v = review.flagged.find((f) => f.index === i);
  return { score: review.scores[i], band: v?.band ?? 'approve', rules: v?.rules.map((x) => x.rule) ?? [], v };
};

describe('scoreReferrals: planted fraud is found by the right rule', () => {
  it.each<[keyof typeof planted, FraudRuleId[], 'review' | 'reject', number]>([
    // [fixture, rules fired, band, score = 1 − Π(1 − w)]
    ['gmailVariant', ['self-referral-email'], 'reject', 0.95],
    ['googlemail', ['self-referral-email'], 'reject', 0.95],
    ['sameId', ['self-referral-customer-id'], 'reject', 1],
    ['ownCode', ['self-referral-own-code'], 'reject', 1],
    ['ipAndUa', ['shared-ip-user-agent'], 'review', 0.6],
    // 1 − (1 − 0.95)(1 − 0.9)(1 − 0.75) = 1 − 0.05 × 0.1 × 0.25 = 0.99875
    ['ringMember', ['shared-payment', 'shared-device', 'ring'], 'reject', 0.99875],
    ['disposable', ['disposable-email'], 'review', 0.5],
    ['coupon', ['coupon-leakage'], 'review', 0.5],
    ['refund', ['refund-after-reward'], 'review', 0.6],
    ['fast', ['fast-conversion'], 'review', 0.4],
    ['alreadyCustomer', ['friend-already-customer'], 'reject', 0.85],
    ['alreadyReferred', ['friend-already-referred'], 'reject', 0.85],
    ['velocity', ['velocity'], 'review', 0.5],
  ])('%s → %j, %s (score %f)', (name, rules, band, score) => {
    const v = verdict(planted[name]);
    expect(v.rules).toEqual(rules);
    expect(v.band).toBe(band);
    expect(v.score).toBeCloseTo(score, 12);
  });

  it('evidence says what matched, with the values', () => {
    expect(verdict(planted.gmailVariant).v!.rules[0].evidence).toEqual({
      advocateEmail: 'john@gmail.com',
      friendEmail: 'j.o.h.n+ref@gmail.com',
      normalized: 'john@gmail.com',
    });
    const ring = verdict(planted.ringMember).v!.rules.find((r) => r.rule === 'ring')!.evidence;
    expect(ring).toMatchObject({
      ring: 0,
      members: 4,
      accounts: ['ring-adv', 'ring-f1', 'ring-f2', 'ring-f3'],
      sharedIdentifiers: ['device:dev-X', 'payment:card-9'],
    });
    expect(verdict(planted.disposable).v!.rules[0].evidence).toEqual({
      party: 'friend',
      domain: 'a.b.mailinator.com',
      listed: 'mailinator.com',
    });
    expect(verdict(planted.coupon).v!.rules[0].evidence).toMatchObject({ site: 'retailmenot.com' });
    expect(verdict(planted.refund).v!.rules[0].evidence).toMatchObject({ daysAfterReward: 2 });
    expect(verdict(planted.alreadyCustomer).v!.rules[0].evidence).toMatchObject({
      daysSinceLastOrder: 40,
      thresholdDays: 365,
    });
    expect(verdict(planted.velocity).v!.rules[0].evidence).toMatchObject({ period: 'day', peak: 12 });
  });
});

describe('scoreReferrals: look-alikes are not rejected', () => {
  it('colleagues behind one office IP with different devices: shared-ip only (0.1) → approve', () => {
    const v = verdict(lookAlikes.colleagues);
    expect(v.rules).toEqual(['shared-ip']);
    expect(v.band).toBe('approve');
    expect(v.score).toBeCloseTo(0.1, 12);
  });

  it('family sharing a surname with different first names: no name or email rule → approve', () => {
    // JW(annasmith, petersmith) = 0.685 < 0.92; first names anna/peter are not similar
    const v = verdict(lookAlikes.family);
    expect(v.rules).toEqual(['shared-ip']);
    expect(v.band).toBe('approve');
  });

  it('siblings Daniel/Danielle Smith: similar-name (JW 0.95) + shared IP → 1 − 0.55 × 0.9 = 0.505, review', () => {
    const v = verdict(lookAlikes.siblings);
    expect(v.rules).toEqual(['similar-name', 'shared-ip']);
    expect(v.score).toBeCloseTo(0.505, 12);
    expect(v.band).toBe('review');
  });

  it('a former customer referred once who bought again: win-back → review (0.4), never reject alone', () => {
    const v = verdict(lookAlikes.winBack);
    expect(v.rules).toEqual(['friend-win-back']);
    expect(v.band).toBe('review');
    expect(v.v!.rules[0].evidence).toMatchObject({ daysSinceLastOrder: 500 });
  });

  it('namesakes (Maria Garcia / María García): same normalized name → review, not reject', () => {
    const v = verdict(lookAlikes.namesake);
    expect(v.rules).toEqual(['self-referral-name']);
    expect(v.band).toBe('review');
  });

  it('an honest referral fires nothing', () => {
    expect(verdict(lookAlikes.clean)).toMatchObject({ score: 0, band: 'approve', rules: [] });
  });
});

describe('scoreReferrals: summary and outputs', () => {
  it('bands, rule masks and counts line up', () => {
    const { byBand, byRule } = review.summary;
    // reject: gmailVariant, googlemail, sameId, ownCode, ringMember, alreadyCustomer, alreadyReferred = 7
    // review: ipAndUa, disposable, coupon, refund, fast, velocity, siblings, winBack, namesake = 9
    // approve: colleagues, family, clean = 3
    expect(byBand).toEqual({ approve: 3, review: 9, reject: 7 });
    expect(byRule['shared-ip']).toEqual({ fired: 3, rewardValue: 60 });
    expect(byRule['refund-after-reward']).toEqual({ fired: 1, rewardValue: 30 });
    for (const f of review.flagged)
      expect(review.ruleMasks[f.index]).toBe(
        f.rules.reduce((m, r) => m | (1 << FRAUD_RULE_IDS.indexOf(r.rule)), 0),
      );
    expect(review.flagged.length).toBe(rows.length - 1); // all but the clean row
  });

  it('value at risk: pending + paid rewards of review and reject', () => {
    // reject: 7 rows × 20 except alreadyReferred (clawed back) → 6 × 20 = 120
    // review: ipAndUa, disposable, coupon, fast, velocity, siblings, namesake 7 × 20 + refund 30 (paid)
    //         = 170; winBack is void → 0
    expect(review.summary.valueAtRisk).toEqual({ review: 170, reject: 120, total: 290 });
  });

  it('every rule id has a definition with a weight in [0, 1]', () => {
    for (const id of FRAUD_RULE_IDS) {
      expect(FRAUD_RULES[id].id).toBe(id);
      expect(FRAUD_RULES[id].weight).toBeGreaterThanOrEqual(0);
      expect(FRAUD_RULES[id].weight).toBeLessThanOrEqual(1);
    }
    expect(FRAUD_RULE_IDS.length).toBeLessThanOrEqual(32); // one Uint32 mask
  });
});

describe('scoreReferrals: options', () => {
  it('rules can be disabled, reweighted and rethresholded; bands moved', () => {
    const r1 = scoreReferrals(
      [planted.ipAndUa],
      {},
      { rules: { 'shared-ip-user-agent': { enabled: false } } },
    );
    expect(r1.summary.byBand.approve).toBe(1);
    const r2 = scoreReferrals([planted.coupon], {}, { rules: { 'coupon-leakage': { weight: 0.9 } } });
    expect(r2.flagged[0].band).toBe('reject');
    const r3 = scoreReferrals([planted.fast], {}, { rules: { 'fast-conversion': { threshold: 3 } } });
    expect(r3.flagged).toHaveLength(0);
    const r4 = scoreReferrals(
      [planted.alreadyCustomer],
      {},
      { rules: { 'friend-already-customer': { threshold: 30 } } },
    );
    expect(r4.flagged[0].rules[0].rule).toBe('friend-win-back'); // 40 days is beyond a 30-day window
    const r5 = scoreReferrals([planted.coupon], {}, { bands: { review: 0.6, reject: 0.9 } });
    expect(r5.flagged[0].band).toBe('approve');
  });

  it('scores are reported to 6 decimals, without float noise; bands as before at a threshold', () => {
    // 1 − (1 − 0.2) is 0.19999999999999996 and 1 − (1 − 0.45) 0.44999999999999996 in binary
    const at = (weight: number, review = 0.4) =>
      scoreReferrals([planted.coupon], {}, { rules: { 'coupon-leakage': { weight } }, bands: { review } });
    const r1 = at(0.2, 0.2);
    expect(String(r1.flagged[0].score)).toBe('0.2');
    expect(String(r1.scores[0])).toBe('0.2');
    expect(r1.flagged[0].band).toBe('review'); // exactly at the review threshold
    expect(String(at(0.45).flagged[0].score)).toBe('0.45');
    expect(at(0.2, 0.2000001).flagged[0].band).toBe('approve');
  });

  it('similar email by Levenshtein: jsmith84 vs jsmith → 1 − 2/8 = 0.75', () => {
    const r = row({ advocateEmail: 'jsmith@outlook.com', friendEmail: 'jsmith84@yahoo.com' });
    // Jaro–Winkler 0.95 ≥ 0.92 fires by default
    expect(scoreReferrals([r]).flagged[0].rules[0].evidence).toMatchObject({ similarity: 0.95 });
    const lev = scoreReferrals(
      [r],
      {},
      { similarity: 'levenshtein', rules: { 'similar-email': { threshold: 0.75 } } },
    );
    expect(lev.flagged[0].rules[0].evidence).toMatchObject({ similarity: 0.75, measure: 'levenshtein' });
  });

  it('rules that need context do not run without it', () => {
    const r = scoreReferrals([planted.disposable, planted.velocity, planted.ringMember]);
    expect(r.summary.byRule['disposable-email'].fired).toBe(0);
    expect(r.summary.byRule.velocity.fired).toBe(0);
    expect(r.summary.byRule.ring.fired).toBe(0);
  });

  it('rejects bad rewards, weights, bands and node ids', () => {
    expect(() => scoreReferrals([row({ rewardAmount: -5 })])).toThrow(FraudInputError);
    expect(() => scoreReferrals([], {}, { rules: { ring: { weight: 2 } } })).toThrow(/weight/);
    expect(() => scoreReferrals([], {}, { bands: { review: 0.9, reject: 0.5 } })).toThrow(/bands/);
    expect(() => scoreReferrals([row({ friendNode: 99 })], { rings: ringContext() })).toThrow(/node/);
  });
});

// Two rings: colleagues 0..2 linked by acme-corp.com only (weak), accounts 3..5 by one device (strong).
function domainAndDeviceRings() {
  const n = 6;
  const domain = IDENTIFIER_KINDS.indexOf('email-domain');
  const device = IDENTIFIER_KINDS.indexOf('device');
  return detectRings({
    nodeCount: n,
    edges: {
      from: Int32Array.of(0, 0, 3, 3),
      to: Int32Array.of(1, 2, 4, 5),
      kind: Uint8Array.of(domain, domain, device, device),
      identifier: Int32Array.of(0, 0, 1, 1),
    },
    identifierLabels: ['acme-corp.com', 'dev-L'],
    accountIds: ['anna', 'ben', 'cara', 'gus', 'hal', 'ivy'],
    activity: {
      rewardsPaid: Float64Array.of(100, 0, 0, 100, 0, 0),
      rewardedFriend: Uint8Array.of(0, 1, 1, 0, 1, 1),
      ordersAfterReward: new Int32Array(n),
      orders: Int32Array.of(0, 1, 1, 0, 1, 1),
      refunds: new Int32Array(n),
    },
  });
}

describe('scoreReferrals: a ring linked only by a company email domain weighs less', () => {
  const rings = domainAndDeviceRings();
  const colleague = (o: Partial<ReferralFeatureRow> = {}) => row({ advocateNode: 0, friendNode: 1, ...o });
  const one = (r: ReferralFeatureRow, options = {}) => {
    const x = scoreReferrals([r], { rings }, options);
    return { score: x.scores[0], band: x.flagged[0]?.band ?? 'approve', rules: x.flagged[0]?.rules ?? [] };
  };

  it('the rings: acme-corp.com weak, the device strong', () => {
    expect(rings.rings.map((x) => [x.accountIds, x.strength, x.linkKinds])).toEqual([
      [['anna', 'ben', 'cara'], 'weak', ['email-domain']],
      [['gus', 'hal', 'ivy'], 'strong', ['device']],
    ]);
  });

  it('alone: 0.3, approve (a strong ring alone is 0.75, review)', () => {
    const weak = one(colleague());
    expect(weak).toMatchObject({ score: 0.3, band: 'approve' });
    expect(weak.rules[0]).toEqual({
      rule: 'ring',
      weight: 0.3,
      evidence: {
        ring: 0,
        members: 3,
        strength: 'weak',
        tie: 'weak',
        party: 'advocate',
        account: 'anna',
        tiedBy: ['email-domain:acme-corp.com'],
        note: 'linked only by the shared email domain acme-corp.com',
        reasons: ['no-activity-after-reward'],
        accounts: ['anna', 'ben', 'cara'],
        sharedIdentifiers: ['email-domain:acme-corp.com'],
      },
    });
    const strong = one(row({ advocateNode: 3, friendNode: 4 }));
    expect(strong).toMatchObject({ score: 0.75, band: 'review' });
    expect(strong.rules[0].evidence).toMatchObject({ strength: 'strong' });
    expect(strong.rules[0].evidence).not.toHaveProperty('note');
  });

  it('beside a review-level signal it lifts, and does not reject: 1 − 0.5 × 0.7 = 0.65; 1 − 0.9 × 0.6 × 0.7 = 0.622', () => {
    const similar = one(
      colleague({ advocateEmail: 'jsmith@acme-corp.com', friendEmail: 'jsmith84@acme-corp.com' }),
    );
    expect(similar.rules.map((x) => x.rule)).toEqual(['similar-email', 'ring']);
    expect(similar.score).toBe(0.65);
    expect(similar.band).toBe('review');
    const fast = one(colleague({ sharedIps: ['198.51.100.10'], clickToConversionSeconds: 20 }));
    expect(fast).toMatchObject({ score: 0.622, band: 'review' });
    // the strong ring with the same signals: 1 − 0.9 × 0.6 × 0.25 = 0.865, reject
    expect(
      one(row({ advocateNode: 3, friendNode: 4, sharedIps: ['x'], clickToConversionSeconds: 20 })),
    ).toMatchObject({
      score: 0.865,
      band: 'reject',
    });
  });

  it('weakRingWeight sets it, never above the ring rule’s weight', () => {
    expect(one(colleague(), { weakRingWeight: 0.5 })).toMatchObject({ score: 0.5, band: 'review' });
    expect(one(colleague(), { weakRingWeight: 0.75 })).toMatchObject({ score: 0.75 });
    expect(one(colleague(), { rules: { ring: { weight: 0.2 } } })).toMatchObject({ score: 0.2 });
    expect(one(colleague(), { weakRingWeight: 0 }).rules[0]).toMatchObject({ rule: 'ring', weight: 0 });
    expect(() => one(colleague(), { weakRingWeight: 1.5 })).toThrow(/weakRingWeight/);
  });

  it('an advocate in the weak ring and a friend in the strong one: the strong ring counts', () => {
    const r = one(row({ advocateNode: 0, friendNode: 5 }));
    expect(r).toMatchObject({ score: 0.75, band: 'review' });
    expect(r.rules[0].evidence).toMatchObject({ ring: 1, strength: 'strong' });
    // the other way round too
    expect(one(row({ advocateNode: 4, friendNode: 2 })).rules[0].evidence).toMatchObject({ ring: 1 });
  });
});

// One five-account ring (h-ring24b): advocate dora (0) and her colleagues eli, fay, gil, hal (1..4)
// on initech.example; eli and fay also share a kiosk device. Strong links connect two accounts: a
// mixed ring; eli and fay are strongly tied, dora, gil and hal by the domain only.
function pairAndColleagues() {
  const n = 5;
  const domain = IDENTIFIER_KINDS.indexOf('email-domain');
  const device = IDENTIFIER_KINDS.indexOf('device');
  return detectRings({
    nodeCount: n,
    edges: {
      from: Int32Array.of(0, 0, 0, 0, 1),
      to: Int32Array.of(1, 2, 3, 4, 2),
      kind: Uint8Array.of(domain, domain, domain, domain, device),
      identifier: Int32Array.of(0, 0, 0, 0, 1),
    },
    identifierLabels: ['initech.example', 'dev-kiosk'],
    accountIds: ['dora', 'eli', 'fay', 'gil', 'hal'],
    activity: {
      rewardsPaid: Float64Array.of(200, 0, 0, 0, 0),
      rewardedFriend: Uint8Array.of(0, 1, 1, 1, 1),
      ordersAfterReward: new Int32Array(n),
      orders: Int32Array.of(0, 1, 1, 1, 1),
      refunds: new Int32Array(n),
    },
  });
}

describe('scoreReferrals: the ring rule weighs each account by its own tie to the ring', () => {
  const rings = pairAndColleagues();
  const one = (r: ReferralFeatureRow) => {
    const x = scoreReferrals([r], { rings });
    const ring = x.flagged[0]?.rules.find((f) => f.rule === 'ring');
    return { score: x.scores[0], band: x.flagged[0]?.band ?? 'approve', ring };
  };

  it('the ring: mixed, two of five strongly tied', () => {
    expect(rings.rings.map((x) => [x.accountIds, x.strength, x.strongMembers])).toEqual([
      [['dora', 'eli', 'fay', 'gil', 'hal'], 'mixed', [1, 2]],
    ]);
  });

  it('a colleague tied by the domain only: 0.3 (was 0.75: any device in the ring made it strong)', () => {
    const gil = one(row({ advocateNode: 0, friendNode: 3 }));
    expect(gil).toMatchObject({ score: 0.3, band: 'approve' });
    expect(gil.ring).toMatchObject({
      weight: 0.3,
      evidence: {
        ring: 0,
        members: 5,
        strength: 'mixed',
        tie: 'weak',
        party: 'advocate',
        account: 'dora',
        tiedBy: ['email-domain:initech.example'],
        note: 'linked only by the shared email domain initech.example',
      },
    });
    // with an office IP and a 20 s conversion: 1 − 0.9 × 0.6 × 0.7 = 0.622, review (was 0.865, reject)
    expect(
      one(row({ advocateNode: 0, friendNode: 4, sharedIps: ['203.0.113.7'], clickToConversionSeconds: 20 })),
    ).toMatchObject({ score: 0.622, band: 'review' });
  });

  it('a strongly tied friend of a weakly tied advocate: the friend’s tie counts, 0.75, naming her device', () => {
    const eli = one(row({ advocateNode: 0, friendNode: 1 }));
    expect(eli).toMatchObject({ score: 0.75, band: 'review' });
    expect(eli.ring).toMatchObject({
      weight: 0.75,
      evidence: {
        tie: 'strong',
        party: 'friend',
        account: 'eli',
        tiedBy: ['device:dev-kiosk', 'email-domain:initech.example'],
      },
    });
    expect(eli.ring!.evidence).not.toHaveProperty('note');
    // both strongly tied: the advocate's side is named
    expect(one(row({ advocateNode: 2, friendNode: 1 })).ring!.evidence).toMatchObject({
      party: 'advocate',
      account: 'fay',
    });
  });
});
