import type { FraudRuleId } from './fraud-rules.ts';

/**
 * One referral with the features the per-referral rules read, one row per referral from the
 * feature query (joins of referrals, advocate and friend profiles, sessions, orders and rewards).
 * Every feature is optional: a rule whose inputs are null or absent does not fire. Timestamps are
 * epoch milliseconds (`epoch_ms(ts)` in DuckDB, `toUnixTimestamp64Milli(ts)` in ClickHouse).
 * Shared identifiers are the intersections computed in SQL, e.g.
 * ```sql
 * (SELECT list(DISTINCT a.device_id) FROM sessions a JOIN sessions f USING (device_id)
 *   WHERE a.account_id = r.advocate_id AND f.account_id = r.friend_id) AS "sharedDeviceIds"
 * ```
 * (null or empty when nothing is shared: the rows of honest referrals then carry no arrays).
 */
export interface ReferralFeatureRow {
  readonly referralId: string;
  readonly advocateId: string;
  /** Customer id of the referred friend, once they have an account. */
  readonly friendId?: string | null;
  /** The redeeming account owns the code (`redeemer_id = code_owner_id`). */
  readonly redeemedOwnCode?: boolean | null;
  readonly advocateEmail?: string | null;
  readonly friendEmail?: string | null;
  readonly advocateName?: string | null;
  readonly friendName?: string | null;
  /** IPs seen on both accounts' sessions. */
  readonly sharedIps?: readonly string[] | null;
  /** `ip|user agent` pairs seen on both accounts' sessions. */
  readonly sharedIpUserAgents?: readonly string[] | null;
  readonly sharedDeviceIds?: readonly string[] | null;
  readonly sharedCookies?: readonly string[] | null;
  readonly sharedPaymentFingerprints?: readonly string[] | null;
  /**
   * When the referral was made (the friend's first click on the link, or the sign-up). The
   * friend-history rules need it: without it a previous order can only count as a win-back.
   */
  readonly referredAt?: number | null;
  /** Seconds from the friend's last referral-link click to the conversion. */
  readonly clickToConversionSeconds?: number | null;
  /** The friend's latest order before `referredAt` that was not refunded. */
  readonly friendLastOrderBefore?: number | null;
  /** The friend had an active subscription or membership at `referredAt`. */
  readonly friendActiveAtReferral?: boolean | null;
  /**
   * 1-based rank of this referral among all claims on the same friend by time
   * (`row_number() OVER (PARTITION BY friend_id ORDER BY referred_at)`); > 1 = referred before.
   */
  readonly friendReferralRank?: number | null;
  /** The advocate of the friend's first claim, for the evidence. */
  readonly firstAdvocateId?: string | null;
  /** Referrer URL or host of the converting session. */
  readonly conversionReferrer?: string | null;
  /** Reward owed for this referral (advocate + friend incentive), program currency. */
  readonly rewardAmount?: number | null;
  /**
   * The part of `rewardAmount` still outstanding: its pending and paid (or status-less) rewards and
   * incentives, without the clawed-back ones. Held when the referral is banded review or reject;
   * absent, `rewardAmount` is held when `rewardStatus` is pending, paid or null.
   */
  readonly rewardHeld?: number | null;
  /** Null counts as outstanding (pending). */
  readonly rewardStatus?: 'pending' | 'paid' | 'clawed_back' | 'void' | null;
  readonly rewardPaidAt?: number | null;
  /** First refund or cancellation of the qualifying order. */
  readonly refundedAt?: number | null;
  readonly refundAmount?: number | null;
  /** Node ids of the two accounts in the ring graph (`RingGraph`). */
  readonly advocateNode?: number | null;
  readonly friendNode?: number | null;
}

export type Band = 'approve' | 'review' | 'reject';
export const BANDS: readonly Band[] = ['approve', 'review', 'reject'];

export type EvidenceValue = string | number | boolean | null | readonly string[] | readonly number[];

export interface FiredRule {
  readonly rule: FraudRuleId;
  readonly weight: number;
  /** What matched, with the values compared and the threshold used. */
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
}

export interface ReferralVerdict {
  /** Position of the referral in the input rows. */
  readonly index: number;
  readonly referralId: string;
  readonly advocateId: string;
  readonly score: number;
  readonly band: Band;
  /** Fired rules, heaviest first. */
  readonly rules: readonly FiredRule[];
  /** Reward held by this verdict (pending or paid, for review and reject), else 0. */
  readonly heldValue: number;
}

export interface FraudSummary {
  readonly referrals: number;
  readonly byBand: Readonly<Record<Band, number>>;
  /** Referrals each rule fired on, and the reward value on them (any status). */
  readonly byRule: Readonly<Record<FraudRuleId, { readonly fired: number; readonly rewardValue: number }>>;
  /** Pending + paid rewards of review and reject referrals: the payout to hold. */
  readonly valueAtRisk: { readonly review: number; readonly reject: number; readonly total: number };
}

export interface FraudReview {
  /** Noisy-OR score per input row, in [0, 1]. */
  readonly scores: Float64Array;
  /** Band per row: 0 approve, 1 review, 2 reject (index into BANDS). */
  readonly bands: Uint8Array;
  /** Fired rules per row as bits (bit i = FRAUD_RULE_IDS[i]). */
  readonly ruleMasks: Uint32Array;
  /** Every referral with at least one rule fired, in input order, with evidence. */
  readonly flagged: readonly ReferralVerdict[];
  readonly summary: FraudSummary;
}
