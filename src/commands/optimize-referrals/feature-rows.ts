import type { ReferralFeatureRow } from '../../analyses/fraud/index.ts';
import type { Row } from '../../data/index.ts';
import { numOrNull } from './query-numbers.ts';

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.length ? v.map(String).sort() : null);
const STATUSES = ['pending', 'paid', 'clawed_back', 'void'] as const;

/** What the report needs of a candidate besides its features. */
export interface CandidateMeta {
  referral_id: string;
  advocate_id: string;
  friend_id: string | null;
  channel: string;
  signed_up_at: string | null;
}

/**
 * A candidate row of `candidatesSql` as the scorer reads it. The advocate is identified by its
 * account (its customer id, else its advocate id), so that a friend who is the advocate's own
 * account fires the same-customer rule, and the velocity findings are keyed the same way.
 */
export function featureRow(r: Row, nodeOf: ReadonlyMap<string, number>): ReferralFeatureRow {
  const status = text(r.reward_status);
  // DuckDB's candidates carry their ring-graph nodes (`ref_node_num`); ClickHouse's are looked up
  const advocateNode =
    'advocate_node' in r ? numOrNull(r.advocate_node) : nodeOf.get(String(r.advocate_acct));
  const friendNode = 'friend_node' in r ? numOrNull(r.friend_node) : nodeOf.get(String(r.friend_acct));
  const rank = numOrNull(r.prior_claims);
  return {
    referralId: String(r.referral_id),
    advocateId: String(r.advocate_acct),
    friendId: text(r.friend_id),
    redeemedOwnCode: r.own_code === true || r.own_code === 1,
    advocateEmail: text(r.advocate_email),
    friendEmail: text(r.friend_email),
    advocateName: text(r.advocate_name),
    friendName: text(r.friend_name),
    sharedIps: strings(r.ips),
    sharedIpUserAgents: strings(r.ip_user_agents),
    sharedDeviceIds: strings(r.devices),
    sharedCookies: strings(r.cookies),
    sharedPaymentFingerprints: strings(r.payments),
    referredAt: numOrNull(r.referred_at_ms),
    clickToConversionSeconds: numOrNull(r.click_to_conversion_seconds),
    friendLastOrderBefore: numOrNull(r.last_order_ms),
    friendReferralRank: rank === null ? null : rank + 1,
    firstAdvocateId: text(r.first_advocate),
    conversionReferrer: text(r.conversion_referrer),
    rewardAmount: numOrNull(r.reward_amount) ?? 0,
    rewardHeld: numOrNull(r.reward_held),
    rewardStatus: STATUSES.includes(status as never) ? (status as (typeof STATUSES)[number]) : null,
    rewardPaidAt: numOrNull(r.reward_paid_ms),
    refundedAt: numOrNull(r.refunded_ms),
    refundAmount: numOrNull(r.refund_amount),
    advocateNode: advocateNode ?? null,
    friendNode: friendNode ?? null,
  };
}

/** The identifying fields of a candidate row, for the flagged list. */
export function candidateMeta(r: Row): CandidateMeta {
  const ms = numOrNull(r.signed_up_ms);
  return {
    referral_id: String(r.referral_id),
    advocate_id: String(r.advocate_id),
    friend_id: text(r.friend_id),
    channel: String(r.channel ?? 'unknown'),
    signed_up_at: ms === null ? null : new Date(ms).toISOString(),
  };
}
