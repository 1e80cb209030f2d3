/**
 * The referrals of the window worth scoring, with the features the rules read. A referral is a
 * candidate when any signal could fire: exact ones from the tables (shared identifiers, listed
 * domains, flagged advocates, ring members, fast conversion, earlier orders or claims, refund
 * after reward, coupon referrer, self-referral) and, for the string rules, a similarity at most
 * `margin` below the rule's threshold (DuckDB's similarity is never below the scorer's there, see
 * sql-fns.test.ts). Referrals no signal reaches score 0 and never leave the engine.
 */
import { literal, type Dialect } from '../../../data/index.ts';
import { emailDomainSql, emailLocalSql, firstWordSql, lastWordSql, nameSql } from './identity-sql.ts';
import { epochMs, epochSeconds, nonAscii, similaritySql } from './sql-fns.ts';

export interface CandidateParams {
  days: number;
  revenueStages: readonly string[];
  similarity: 'jaro-winkler' | 'levenshtein';
  emailThreshold: number;
  nameThreshold: number;
  minLocalPartLength: number;
  /** Seconds below which a conversion is implausibly fast. */
  fastSeconds: number;
  /** A referral ranked above this among claims on the same friend fires friend-already-referred. */
  alreadyReferredRank: number;
  dialect?: Dialect;
}

/** Below this, DuckDB's Jaro–Winkler is not known to bound the scorer's: no pre-selection. */
const JW_SAFE_FROM = 0.75;
const JW_MARGIN = 0.02;

/** `sim ≥ threshold − margin` as SQL, or TRUE when the pre-selection would not be safe. */
function similarEnough(a: string, b: string, threshold: number, p: CandidateParams): string {
  if (p.similarity === 'levenshtein')
    return `${similaritySql(a, b, 'levenshtein', p.dialect)} >= ${threshold - 1e-9}`;
  if (threshold - JW_MARGIN < JW_SAFE_FROM) return 'TRUE';
  return `${similaritySql(a, b, 'jaro-winkler', p.dialect)} >= ${threshold - JW_MARGIN}`;
}

function emailCondition(p: CandidateParams): string {
  const min = Math.floor(p.minLocalPartLength);
  return `(advocate_email IS NOT NULL AND friend_email IS NOT NULL AND (
    ${nonAscii('advocate_email', p.dialect)} OR ${nonAscii('friend_email', p.dialect)}
    OR (la <> '' AND la = lf AND da = df)
    OR (length(la) >= ${min} AND length(lf) >= ${min} AND ${similarEnough('la', 'lf', p.emailThreshold, p)})))`;
}

function nameCondition(p: CandidateParams): string {
  const t = p.nameThreshold;
  return `(advocate_name IS NOT NULL AND friend_name IS NOT NULL AND (
    ${nonAscii('advocate_name', p.dialect)} OR ${nonAscii('friend_name', p.dialect)}
    OR (strpos(na, ' ') > 0 AND strpos(nf, ' ') > 0 AND (na = nf
      OR (${similarEnough('naf', 'nff', t, p)} AND ${similarEnough('nal', 'nfl', t, p)})
      OR (${similarEnough('naf', 'nfl', t, p)} AND ${similarEnough('nal', 'nff', t, p)})))))`;
}

/**
 * The pre-selection of the string rules (self-referral by email or name, similar email, similar
 * name) over columns `advocate_email`, `friend_email`, `advocate_name`, `friend_name` and their
 * normalized forms from `normalizedColumnsSql` (names' first and last words `naf`, `nal`, `nff`, `nfl`).
 */
export const stringSignalsSql = (p: CandidateParams): string =>
  `(${emailCondition(p)}) OR (${nameCondition(p)})`;

/** Normalized local parts (la, lf), domains (da, df), names (na, nf) and their first and last words of the two sides. */
export function normalizedColumnsSql(
  advocateEmail: string,
  friendEmail: string,
  advocateName: string,
  friendName: string,
  d: Dialect = 'duckdb',
): string {
  return `${emailLocalSql(advocateEmail, d)} AS la, ${emailLocalSql(friendEmail, d)} AS lf,
       ${emailDomainSql(advocateEmail, d)} AS da, ${emailDomainSql(friendEmail, d)} AS df,
       ${nameSql(advocateName, d)} AS na, ${nameSql(friendName, d)} AS nf,
       ${firstWordSql(nameSql(advocateName, d))} AS naf, ${lastWordSql(nameSql(advocateName, d), d)} AS nal,
       ${firstWordSql(nameSql(friendName, d))} AS nff, ${lastWordSql(nameSql(friendName, d), d)} AS nfl`;
}

/** The scored referrals with the normalized emails and names of both sides (computed once, in ref_advocates and ref_referrals). */
function scoredSql(p: CandidateParams): string {
  const d = p.dialect;
  return `SELECT r.*, a.email AS advocate_email, f.email AS friend_email, a.name AS advocate_name, f.name AS friend_name,
       a.email_local AS la, f.email_local AS lf, a.email_domain AS da, f.email_domain AS df,
       a.name_norm AS na, f.name_norm AS nf, a.name_first AS naf, a.name_last AS nal, f.name_first AS nff,
       f.name_last AS nfl,
       CASE WHEN r.clicked_at IS NOT NULL AND r.converted_at IS NOT NULL
            THEN ${epochSeconds('r.converted_at', d)} - ${epochSeconds('r.clicked_at', d)} END AS click_to_conversion_seconds
     FROM ref_ref r JOIN ref_advocates a ON a.advocate_id = r.advocate_id
     JOIN ref_referrals f ON f.referral_id = r.referral_id
     WHERE r.d_signup >= 0 AND r.d_signup < ${p.days}`;
}

/** The friend's latest order before the referral that was not refunded. */
function lastOrderSql(p: CandidateParams): string {
  const stages = p.revenueStages.map((s) => literal(s)).join(', ');
  return `SELECT r.referral_id, max(c.converted_at) AS last_order_at FROM ref_ref r
          JOIN ref_conversions c ON c.customer_id = r.friend_id
          WHERE r.d_signup >= 0 AND r.d_signup < ${p.days} AND c.converted_at < r.referred_at
            AND c.refunded_at IS NULL AND (c.stage IS NULL OR c.stage IN (${stages}))
          GROUP BY r.referral_id`;
}

/** The friend redeemed a code of their own account at checkout. */
const ownCodeSql = (p: CandidateParams) =>
  `SELECT DISTINCT r.referral_id FROM ref_ref r JOIN ref_advocates a ON a.acct = r.friend_id AND a.referral_code = r.coupon_code
   WHERE r.d_signup >= 0 AND r.d_signup < ${p.days}`;

/** The candidate referrals and their features (one row each). */
export function candidatesSql(p: CandidateParams, pairLists: string): string {
  const d = p.dialect;
  const ms = (x: string) => `CASE WHEN ${x} IS NOT NULL THEN ${epochMs(x, d)} END`;
  const signals = [
    's.friend_id = s.advocate_acct',
    'own.referral_id IS NOT NULL',
    'pl.referral_id IS NOT NULL',
    'fa.domain IS NOT NULL',
    'ff.domain IS NOT NULL',
    'v.acct IS NOT NULL',
    'ra.acct IS NOT NULL',
    'rf.acct IS NOT NULL',
    `s.click_to_conversion_seconds < ${p.fastSeconds}`,
    'lo.last_order_at IS NOT NULL',
    `s.prior_claims + 1 > ${p.alreadyReferredRank}`,
    's.reward_paid_at IS NOT NULL AND s.refunded_at >= s.reward_paid_at',
    'ch.referral_id IS NOT NULL',
    stringSignalsSql(p),
  ];
  return `SELECT s.referral_id, s.advocate_id, s.advocate_acct, s.friend_id, s.friend_acct, s.channel,
       s.advocate_email, s.friend_email, s.advocate_name, s.friend_name,
       pl.ips, pl.ip_user_agents, pl.devices, pl.cookies, pl.payments,
       ${ms('s.referred_at')} AS referred_at_ms, s.click_to_conversion_seconds,
       ${ms('lo.last_order_at')} AS last_order_ms, s.prior_claims, s.first_advocate,
       s.conversion_referrer, s.reward_amount, s.reward_status, ${ms('s.reward_paid_at')} AS reward_paid_ms,
       ${ms('s.refunded_at')} AS refunded_ms, s.refund_amount, own.referral_id IS NOT NULL AS own_code,
       ${ms('s.signed_up_at')} AS signed_up_ms
     FROM (${scoredSql(p)}) s
     LEFT JOIN (${pairLists}) pl ON pl.referral_id = s.referral_id
     LEFT JOIN (${lastOrderSql(p)}) lo ON lo.referral_id = s.referral_id
     LEFT JOIN (${ownCodeSql(p)}) own ON own.referral_id = s.referral_id
     LEFT JOIN ref_coupon_hits ch ON ch.referral_id = s.referral_id
     LEFT JOIN ref_velocity v ON v.acct = s.advocate_acct
     LEFT JOIN ref_ring_accts ra ON ra.acct = s.advocate_acct
     LEFT JOIN ref_ring_accts rf ON rf.acct = s.friend_acct
     LEFT JOIN ref_domain_flags fa ON fa.domain = s.da AND fa.disposable
     LEFT JOIN ref_domain_flags ff ON ff.domain = s.df AND ff.disposable
     WHERE ${signals.map((x) => `(${x})`).join('\n       OR ')}
     ORDER BY s.referral_id`;
}
