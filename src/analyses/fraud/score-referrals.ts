import { couponSiteSet, matchCouponSite } from './coupon-sites.ts';
import { weakRingNote, type AccountTie, type RingReview } from './detect-rings.ts';
import { matchDisposableDomain } from './disposable-domains.ts';
import type { VelocityReview } from './flag-velocity.ts';
import { FraudInputError } from './fraud-input-error.ts';
import {
  DEFAULT_BANDS,
  DEFAULT_WEAK_RING_WEIGHT,
  FRAUD_RULE_IDS,
  FRAUD_RULES,
  type FraudRuleId,
} from './fraud-rules.ts';
import { jaroWinkler } from './jaro-winkler.ts';
import { normalizeEmailInto, type EmailParts } from './normalize-email.ts';
import { normalizeName } from './normalize-name.ts';
import { normalizedLevenshtein } from './normalized-levenshtein.ts';
import { similarityUpperBound } from './similarity-upper-bound.ts';
import {
  BANDS,
  type Band,
  type EvidenceValue,
  type FiredRule,
  type FraudReview,
  type ReferralFeatureRow,
  type ReferralVerdict,
} from './types.ts';

const DAY_MS = 86_400_000;
const EMPTY_COUPONS: ReadonlySet<string> = new Set();

export interface FraudRuleSetting {
  readonly enabled?: boolean;
  readonly weight?: number;
  readonly threshold?: number;
}

export interface FraudOptions {
  /** Per-rule overrides of `FRAUD_RULES` (enable, weight in [0, 1], threshold). */
  readonly rules?: Partial<Record<FraudRuleId, FraudRuleSetting>>;
  /** Score bands; defaults review 0.4, reject 0.8. */
  readonly bands?: { readonly review?: number; readonly reject?: number };
  /** String similarity for similar-email and similar-name; default Jaro–Winkler. */
  readonly similarity?: 'jaro-winkler' | 'levenshtein';
  /** Email local parts shorter than this (after normalization) are not compared; default 4. */
  readonly minLocalPartLength?: number;
  /** Accounts listed in ring evidence; default 20. */
  readonly evidenceLimit?: number;
  /**
   * The ring rule's weight for an account tied to its ring only by shared email domains, in [0, 1]; the
   * ring rule's weight when that is lower. Default `DEFAULT_WEAK_RING_WEIGHT` (0.3).
   */
  readonly weakRingWeight?: number;
}

/** Run-level inputs the rules look up: lists, and the results of the advocate- and graph-level passes. */
export interface FraudContext {
  /** From `buildDisposableDomainSet(...)`; without it the disposable-email rule does not run. */
  readonly disposableDomains?: ReadonlySet<string>;
  /** From `couponSiteSet(...)`; defaults to `DEFAULT_COUPON_SITE_DOMAINS`. */
  readonly couponDomains?: ReadonlySet<string>;
  /** From `flagVelocity`; without it the velocity rule does not run. */
  readonly velocity?: VelocityReview;
  /** From `detectRings`; without it the ring rule does not run. */
  readonly rings?: RingReview;
}

const bit = (id: FraudRuleId): number => FRAUD_RULE_IDS.indexOf(id);
const B = Object.fromEntries(FRAUD_RULE_IDS.map((id) => [id, bit(id)])) as Record<FraudRuleId, number>;

/**
 * Scores every referral: each enabled rule that fires adds its weight w by noisy-OR,
 * score = 1 − Π(1 − w), so independent weak signals add up without ever passing 1, and one strong
 * signal is enough. Bands: score ≥ reject (0.8) → reject, ≥ review (0.4) → review, else approve
 * (within 1e-12, on the unrounded score). Scores are reported rounded to 6 decimals, so the float
 * noise of 1 − Π(1 − w) (0.19999999999999996 for a weight of 0.2) reaches no output.
 * Held value = pending + paid rewards of review and reject referrals.
 *
 * One pass, O(n) with per-row work bounded by the string lengths (emails, names) and the shared
 * identifier lists; evidence objects are built only for rules that fire. Per-advocate (velocity)
 * and graph (ring) findings come in through `context`, computed once beforehand.
 *
 * @example
 * const review = scoreReferrals(rows, {
 *   disposableDomains: buildDisposableDomainSet(disposableEmailBlocklist()),
 *   velocity: flagVelocity(advocateRows),
 *   rings: detectRings(graph),
 * });
 * review.summary.valueAtRisk.total;
 */
export function scoreReferrals(
  rows: readonly ReferralFeatureRow[],
  context: FraudContext = {},
  options: FraudOptions = {},
): FraudReview {
  const ruleCount = FRAUD_RULE_IDS.length;
  const on = new Uint8Array(ruleCount);
  const weight = new Float64Array(ruleCount);
  const threshold = new Float64Array(ruleCount);
  FRAUD_RULE_IDS.forEach((id, i) => {
    const setting = options.rules?.[id] ?? {};
    const w = setting.weight ?? FRAUD_RULES[id].weight;
    if (!(w >= 0 && w <= 1))
      throw new FraudInputError(`rule ${id}: weight must be in [0, 1], got ${w}`, {
        field: `rules.${id}.weight`,
      });
    const t = setting.threshold ?? FRAUD_RULES[id].threshold ?? 0;
    if (!Number.isFinite(t))
      throw new FraudInputError(`rule ${id}: threshold must be finite, got ${t}`, {
        field: `rules.${id}.threshold`,
      });
    on[i] = setting.enabled === false ? 0 : 1;
    weight[i] = w;
    threshold[i] = t;
  });
  const weakRing = options.weakRingWeight ?? DEFAULT_WEAK_RING_WEIGHT;
  if (!(weakRing >= 0 && weakRing <= 1))
    throw new FraudInputError(`weakRingWeight must be in [0, 1], got ${weakRing}`, {
      field: 'weakRingWeight',
    });
  const weakRingWeight = Math.min(weakRing, weight[B.ring]);
  const reviewAt = options.bands?.review ?? DEFAULT_BANDS.review;
  const rejectAt = options.bands?.reject ?? DEFAULT_BANDS.reject;
  if (!(reviewAt > 0 && reviewAt <= rejectAt && rejectAt <= 1))
    throw new FraudInputError(
      `bands need 0 < review ≤ reject ≤ 1, got review ${reviewAt}, reject ${rejectAt}`,
      {
        field: 'bands',
      },
    );
  const similar = options.similarity === 'levenshtein' ? normalizedLevenshtein : jaroWinkler;
  const similarityName = options.similarity ?? 'jaro-winkler';
  // The exact similarity, or 0 when the cheap ceiling already rules the threshold out.
  const similarAtLeast = (a: string, b: string, t: number): number =>
    a === b ? 1 : similarityUpperBound(a, b, similarityName) < t ? 0 : similar(a, b);
  // Same for name tokens given as ranges: bounded before any substring is made.
  const tokenSimilarity = (
    x: string,
    xs: number,
    xe: number,
    y: string,
    ys: number,
    ye: number,
    t: number,
  ): number =>
    similarityUpperBound(x, y, similarityName, xs, xe, ys, ye) < t
      ? 0
      : similarAtLeast(x.slice(xs, xe), y.slice(ys, ye), t);
  const minLocal = options.minLocalPartLength ?? 4;
  const evidenceLimit = options.evidenceLimit ?? 20;
  const disposable = context.disposableDomains;
  const coupons = context.couponDomains ?? (on[B['coupon-leakage']] ? couponSiteSet() : EMPTY_COUPONS);
  const velocity = context.velocity?.flagged;
  // Email domains repeat (gmail.com on a third of rows): remember each verdict, up to a bound.
  const domainCache = new Map<string, string | null>();
  const disposableMatch = (domain: string): string | null => {
    let hit = domainCache.get(domain);
    if (hit === undefined) {
      hit = matchDisposableDomain(domain, disposable!);
      if (domainCache.size < 200_000) domainCache.set(domain, hit);
    }
    return hit;
  };
  const ringOfNode = context.rings?.ringOfNode;
  const rings = context.rings?.rings ?? [];
  // A ring review without per-account ties (built by hand) ties every member as its ring is linked.
  const tieOf = (node: number, ring: number): AccountTie =>
    context.rings?.ties?.get(node) ?? {
      ring,
      account: null,
      strong: rings[ring].strength !== 'weak',
      identifiers: rings[ring].sharedIdentifiers,
      identifierCount: rings[ring].sharedIdentifierCount,
    };
  if (!disposable) on[B['disposable-email']] = 0;
  if (!velocity) on[B.velocity] = 0;
  if (!ringOfNode) on[B.ring] = 0;

  const n = rows.length;
  const scores = new Float64Array(n);
  const bands = new Uint8Array(n);
  const ruleMasks = new Uint32Array(n);
  const flagged: ReferralVerdict[] = [];
  const firedCount = new Int32Array(ruleCount);
  const firedValue = new Float64Array(ruleCount);
  const byBand = new Int32Array(3);
  const held = new Float64Array(3);

  // Per-row state, reset at the top of each row; `fire` is created once per call, not per row.
  let mask = 0;
  let survive = 1;
  const fired: FiredRule[] = [];
  const advocateParts: EmailParts = { local: '', domain: '' };
  const friendParts: EmailParts = { local: '', domain: '' };
  const fire = (b: number, evidence: Record<string, EvidenceValue>, w = weight[b]): void => {
    mask |= 1 << b;
    survive *= 1 - w;
    fired.push({ rule: FRAUD_RULE_IDS[b], weight: w, evidence });
  };

  for (let i = 0; i < n; i++) {
    const r = rows[i];
    mask = 0;
    survive = 1;
    fired.length = 0;
    const reward = r.rewardAmount ?? 0;
    if (!Number.isFinite(reward) || reward < 0)
      throw new FraudInputError(`referral ${r.referralId}: rewardAmount must be a finite amount ≥ 0`, {
        field: `rows[${i}].rewardAmount`,
        index: i,
      });

    // Identity: the same person on both sides.
    if (on[B['self-referral-customer-id']] && r.friendId != null && r.friendId === r.advocateId)
      fire(B['self-referral-customer-id'], { advocateId: r.advocateId, friendId: r.friendId });
    if (on[B['self-referral-own-code']] && r.redeemedOwnCode === true)
      fire(B['self-referral-own-code'], { advocateId: r.advocateId, friendId: r.friendId ?? null });

    const advocateEmail = normalizeEmailInto(r.advocateEmail, advocateParts) ? advocateParts : null;
    const friendEmail = normalizeEmailInto(r.friendEmail, friendParts) ? friendParts : null;
    if (advocateEmail && friendEmail) {
      if (advocateEmail.local === friendEmail.local && advocateEmail.domain === friendEmail.domain) {
        if (on[B['self-referral-email']])
          fire(B['self-referral-email'], {
            advocateEmail: r.advocateEmail!,
            friendEmail: r.friendEmail!,
            normalized: `${friendEmail.local}@${friendEmail.domain}`,
          });
      } else if (on[B['similar-email']]) {
        const a = advocateEmail.local;
        const f = friendEmail.local;
        if (a.length >= minLocal && f.length >= minLocal) {
          const t = threshold[B['similar-email']];
          const s = similarAtLeast(a, f, t);
          if (s >= t)
            fire(B['similar-email'], {
              advocateEmail: r.advocateEmail!,
              friendEmail: r.friendEmail!,
              advocateLocal: a,
              friendLocal: f,
              similarity: s,
              measure: similarityName,
              threshold: t,
            });
        }
      }
    }

    if (r.advocateName && r.friendName && (on[B['self-referral-name']] || on[B['similar-name']])) {
      const a = normalizeName(r.advocateName);
      const f = normalizeName(r.friendName);
      const aSpace = a.indexOf(' ');
      const fSpace = f.indexOf(' ');
      if (aSpace > 0 && fSpace > 0) {
        if (a === f) {
          if (on[B['self-referral-name']])
            fire(B['self-referral-name'], {
              advocateName: r.advocateName,
              friendName: r.friendName,
              normalized: f,
            });
        } else if (on[B['similar-name']]) {
          const t = threshold[B['similar-name']];
          const aLastStart = a.lastIndexOf(' ') + 1;
          const fLastStart = f.lastIndexOf(' ') + 1;
          let first = tokenSimilarity(a, 0, aSpace, f, 0, fSpace, t);
          let last = first >= t ? tokenSimilarity(a, aLastStart, a.length, f, fLastStart, f.length, t) : 0;
          if (!(first >= t && last >= t)) {
            // "Smith John" for "John Smith"
            const crossFirst = tokenSimilarity(a, 0, aSpace, f, fLastStart, f.length, t);
            const crossLast = crossFirst >= t ? tokenSimilarity(a, aLastStart, a.length, f, 0, fSpace, t) : 0;
            if (crossFirst >= t && crossLast >= t) {
              first = crossFirst;
              last = crossLast;
            }
          }
          if (first >= t && last >= t)
            fire(B['similar-name'], {
              advocateName: r.advocateName,
              friendName: r.friendName,
              firstNameSimilarity: first,
              lastNameSimilarity: last,
              measure: similarityName,
              threshold: t,
            });
        }
      }
    }

    // Shared technical identifiers.
    const ipUa = r.sharedIpUserAgents;
    if (ipUa && ipUa.length > 0) {
      if (on[B['shared-ip-user-agent']]) fire(B['shared-ip-user-agent'], { ipUserAgents: ipUa });
    } else if (on[B['shared-ip']] && r.sharedIps && r.sharedIps.length > 0) {
      fire(B['shared-ip'], { ips: r.sharedIps });
    }
    if (on[B['shared-device']]) {
      const devices = r.sharedDeviceIds?.length ? r.sharedDeviceIds : null;
      const cookies = r.sharedCookies?.length ? r.sharedCookies : null;
      if (devices || cookies) fire(B['shared-device'], { deviceIds: devices ?? [], cookies: cookies ?? [] });
    }
    if (on[B['shared-payment']] && r.sharedPaymentFingerprints && r.sharedPaymentFingerprints.length > 0)
      fire(B['shared-payment'], { paymentFingerprints: r.sharedPaymentFingerprints });

    if (on[B['disposable-email']]) {
      const f = friendEmail ? disposableMatch(friendEmail.domain) : null;
      const a = advocateEmail ? disposableMatch(advocateEmail.domain) : null;
      if (f || a)
        fire(B['disposable-email'], {
          party: f && a ? 'both' : f ? 'friend' : 'advocate',
          domain: f ? friendEmail!.domain : advocateEmail!.domain,
          listed: f ?? a,
        });
    }

    // Behaviour.
    if (on[B.velocity]) {
      const v = velocity!.get(r.advocateId);
      if (v)
        fire(B.velocity, {
          period: v.period,
          peak: v.peak,
          median: v.median,
          sigma: v.sigma,
          threshold: v.madThreshold,
          programRate: v.programRate,
          pValue: v.pValue,
          method: v.method,
        });
    }
    const seconds = r.clickToConversionSeconds;
    if (
      on[B['fast-conversion']] &&
      seconds != null &&
      seconds >= 0 &&
      seconds < threshold[B['fast-conversion']]
    )
      fire(B['fast-conversion'], { seconds, threshold: threshold[B['fast-conversion']] });

    if (r.friendActiveAtReferral === true || r.friendLastOrderBefore != null) {
      const days =
        r.friendLastOrderBefore != null && r.referredAt != null
          ? (r.referredAt - r.friendLastOrderBefore) / DAY_MS
          : null;
      const window = threshold[B['friend-already-customer']];
      const active = r.friendActiveAtReferral === true || (days !== null && days <= window);
      if (active && on[B['friend-already-customer']])
        fire(B['friend-already-customer'], {
          activeAtReferral: r.friendActiveAtReferral === true,
          daysSinceLastOrder: days,
          thresholdDays: window,
        });
      else if (!active && on[B['friend-win-back']])
        fire(B['friend-win-back'], { daysSinceLastOrder: days, thresholdDays: window });
    }
    if (
      on[B['friend-already-referred']] &&
      r.friendReferralRank != null &&
      r.friendReferralRank > threshold[B['friend-already-referred']]
    )
      fire(B['friend-already-referred'], {
        rank: r.friendReferralRank,
        firstAdvocateId: r.firstAdvocateId ?? null,
      });

    if (
      on[B['refund-after-reward']] &&
      r.rewardPaidAt != null &&
      r.refundedAt != null &&
      r.refundedAt >= r.rewardPaidAt
    )
      fire(B['refund-after-reward'], {
        rewardPaidAt: r.rewardPaidAt,
        refundedAt: r.refundedAt,
        daysAfterReward: (r.refundedAt - r.rewardPaidAt) / DAY_MS,
        refundAmount: r.refundAmount ?? null,
      });

    if (on[B['coupon-leakage']] && r.conversionReferrer) {
      const site = matchCouponSite(r.conversionReferrer, coupons);
      if (site) fire(B['coupon-leakage'], { referrer: r.conversionReferrer, site });
    }

    if (on[B.ring]) {
      const aRing = nodeRing(ringOfNode!, r.advocateNode, i, 'advocateNode');
      const fRing = nodeRing(ringOfNode!, r.friendNode, i, 'friendNode');
      const aTie = aRing >= 0 ? tieOf(r.advocateNode!, aRing) : null;
      const fTie = fRing >= 0 ? tieOf(r.friendNode!, fRing) : null;
      // the advocate's tie, unless only the friend's is strong (each account judged by its own links)
      const friendSide = fTie !== null && (aTie === null || (!aTie.strong && fTie.strong));
      const tie = friendSide ? fTie : aTie;
      if (tie) {
        const ringIndex = tie.ring;
        const ring = rings[ringIndex];
        const note = tie.strong ? null : weakRingNote('weak', tie.identifiers, tie.identifierCount);
        const accountId = tie.account ?? (friendSide ? (r.friendId ?? null) : r.advocateId);
        fire(
          B.ring,
          {
            ring: ringIndex,
            members: ring.members.length,
            strength: ring.strength ?? 'strong',
            tie: tie.strong ? 'strong' : 'weak',
            party: friendSide ? 'friend' : 'advocate',
            account: accountId,
            tiedBy: tie.identifiers.map((s) => (s.label ? `${s.kind}:${s.label}` : s.kind)),
            ...(note ? { note } : {}),
            reasons: ring.reasons,
            accounts: ring.accountIds?.slice(0, evidenceLimit) ?? ring.members.slice(0, evidenceLimit),
            sharedIdentifiers: ring.sharedIdentifiers.map((s) => (s.label ? `${s.kind}:${s.label}` : s.kind)),
          },
          tie.strong ? weight[B.ring] : weakRingWeight,
        );
      }
    }

    const raw = 1 - survive;
    // Tolerance: 1 − (1 − 0.8) must band as 0.8 whatever the rounding.
    const band = raw >= rejectAt - 1e-12 ? 2 : raw >= reviewAt - 1e-12 ? 1 : 0;
    // Reported to 6 decimals: 1 − (1 − 0.2) is 0.19999999999999996 in binary, 0.2 in every output
    const score = Math.round(raw * 1e6) / 1e6;
    scores[i] = score;
    bands[i] = band;
    ruleMasks[i] = mask;
    byBand[band]++;
    const status = r.rewardStatus;
    const outstanding = status == null || status === 'pending' || status === 'paid' ? reward : 0;
    const heldValue = band > 0 ? (r.rewardHeld ?? outstanding) : 0;
    held[band] += heldValue;
    if (mask !== 0) {
      for (let b = 0; b < ruleCount; b++)
        if (mask & (1 << b)) {
          firedCount[b]++;
          firedValue[b] += reward;
        }
      flagged.push({
        index: i,
        referralId: r.referralId,
        advocateId: r.advocateId,
        score,
        band: BANDS[band],
        rules: fired.slice().sort((x, y) => y.weight - x.weight),
        heldValue,
      });
    }
  }

  const byRule = Object.fromEntries(
    FRAUD_RULE_IDS.map((id, b) => [id, { fired: firedCount[b], rewardValue: firedValue[b] }]),
  ) as FraudReview['summary']['byRule'];
  return {
    scores,
    bands,
    ruleMasks,
    flagged,
    summary: {
      referrals: n,
      byBand: { approve: byBand[0], review: byBand[1], reject: byBand[2] } as Record<Band, number>,
      byRule,
      valueAtRisk: { review: held[1], reject: held[2], total: held[1] + held[2] },
    },
  };
}

function nodeRing(
  ringOfNode: Int32Array,
  node: number | null | undefined,
  row: number,
  field: string,
): number {
  if (node == null) return -1;
  if (!(node >= 0 && node < ringOfNode.length && Number.isInteger(node)))
    throw new FraudInputError(`rows[${row}].${field} = ${node} is not a node of the ring graph`, {
      field: `rows[${row}].${field}`,
      index: row,
    });
  return ringOfNode[node];
}
