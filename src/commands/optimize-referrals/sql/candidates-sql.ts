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
import { dec, epochMs, epochSeconds, nonAscii, similaritySql } from './sql-fns.ts';

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

const pos = (x: string, d: Dialect = 'duckdb') =>
  d === 'duckdb' ? `strpos(${x}, ' ')` : `position(${x}, ' ')`;

function nameCondition(p: CandidateParams): string {
  const t = p.nameThreshold;
  return `(advocate_name IS NOT NULL AND friend_name IS NOT NULL AND (
    ${nonAscii('advocate_name', p.dialect)} OR ${nonAscii('friend_name', p.dialect)}
    OR (${pos('na', p.dialect)} > 0 AND ${pos('nf', p.dialect)} > 0 AND (na = nf
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

/** The window's referrals (signed up in it), as a filter on `ref_ref r`. */
const inWindow = (p: CandidateParams) => `r.d_signup >= 0 AND r.d_signup < ${p.days}`;

/**
 * The window's referrals with the normalized emails and names of both sides (computed once, in
 * ref_advocates and ref_referrals) and the referral columns `cols` of `ref_ref`, for the
 * referrals `filter` admits. The friend's side is joined to the referral facts first and the
 * advocate's by a LEFT JOIN (every referral of `ref_ref` has its advocate in `ref_advocates`, so
 * it is the inner join's result): the 1M-row join then materializes only `cols`, not the
 * advocates' strings with every column of the facts.
 */
function scoredSql(p: CandidateParams, cols: string, filter = 'TRUE'): string {
  const d = p.dialect;
  return `SELECT r.*, a.email AS advocate_email, f.email AS friend_email, a.name AS advocate_name, f.name AS friend_name,
       a.email_local AS la, f.email_local AS lf, a.email_domain AS da, f.email_domain AS df,
       a.name_norm AS na, f.name_norm AS nf, a.name_first AS naf, a.name_last AS nal, f.name_first AS nff,
       f.name_last AS nfl,
       CASE WHEN r.clicked_at IS NOT NULL AND r.converted_at IS NOT NULL
            THEN ${epochSeconds('r.converted_at', d)} - ${epochSeconds('r.clicked_at', d)} END AS click_to_conversion_seconds
     FROM ref_referrals f
     JOIN (SELECT ${cols} FROM ref_ref r WHERE ${inWindow(p)} AND ${filter}) r ON r.referral_id = f.referral_id
     LEFT JOIN ref_advocates a ON a.advocate_id = r.advocate_id`;
}

/** The friend's latest order before the referral that was not refunded. */
function lastOrderSql(p: CandidateParams): string {
  const stages = p.revenueStages.map((s) => literal(s)).join(', ');
  return `SELECT r.referral_id, max(c.converted_at) AS last_order_at FROM ref_ref r
          JOIN ref_conversions c ON c.customer_id = r.friend_id
          WHERE ${inWindow(p)} AND c.converted_at < r.referred_at
            AND c.refunded_at IS NULL AND (c.stage IS NULL OR c.stage IN (${stages}))
          GROUP BY r.referral_id`;
}

/** The friend redeemed a code of their own account at checkout. */
const ownCodeSql = (p: CandidateParams) =>
  `SELECT DISTINCT r.referral_id FROM ref_ref r JOIN ref_advocates a ON a.acct = r.friend_id AND a.referral_code = r.coupon_code
   WHERE ${inWindow(p)}`;

/** What the signals read of `ref_ref` (the candidate ids' pass). */
const SIGNAL_COLUMNS = [
  'referral_id',
  'advocate_id',
  'advocate_acct',
  'friend_id',
  'friend_acct',
  'clicked_at',
  'converted_at',
  'prior_claims',
  'reward_paid_at',
  'refunded_at',
];

/**
 * The candidate referrals and their features (one row each), in two steps: the ids some signal
 * reaches, from the narrow columns the signals read (`SIGNAL_COLUMNS`, the lookups as semi-joins:
 * 1M referrals at scale), then the features of those candidates only (a few percent of them).
 */
export function candidatesSql(p: CandidateParams, pairLists: string): string {
  const d = p.dialect;
  const ms = (x: string) => `CASE WHEN ${x} IS NOT NULL THEN ${epochMs(x, d)} END`;
  const disposable = 'SELECT domain FROM ref_domain_flags WHERE disposable';
  const signals = [
    's.friend_id = s.advocate_acct',
    's.referral_id IN (SELECT referral_id FROM own)',
    's.referral_id IN (SELECT referral_id FROM ref_pair_shared)',
    `s.da IN (${disposable})`,
    `s.df IN (${disposable})`,
    's.advocate_acct IN (SELECT acct FROM ref_velocity)',
    's.advocate_acct IN (SELECT acct FROM ref_ring_accts)',
    's.friend_acct IN (SELECT acct FROM ref_ring_accts)',
    `s.click_to_conversion_seconds < ${p.fastSeconds}`,
    's.referral_id IN (SELECT referral_id FROM lo)',
    `s.prior_claims + 1 > ${p.alreadyReferredRank}`,
    's.reward_paid_at IS NOT NULL AND s.refunded_at >= s.reward_paid_at',
    's.referral_id IN (SELECT referral_id FROM ref_coupon_hits)',
    stringSignalsSql(p),
  ];
  return `WITH lo AS MATERIALIZED (${lastOrderSql(p)}),
     own AS MATERIALIZED (${ownCodeSql(p)}),
     ids AS MATERIALIZED (
       SELECT s.referral_id FROM (${scoredSql(p, SIGNAL_COLUMNS.map((c) => `r.${c}`).join(', '))}) s
       WHERE ${signals.map((x) => `(${x})`).join('\n         OR ')})
     SELECT s.referral_id, s.advocate_id, s.advocate_acct, s.friend_id, s.friend_acct, s.channel,
       s.advocate_email, s.friend_email, s.advocate_name, s.friend_name,
       pl.ips, pl.ip_user_agents, pl.devices, pl.cookies, pl.payments,
       ${ms('s.referred_at')} AS referred_at_ms, s.click_to_conversion_seconds,
       ${ms('lo.last_order_at')} AS last_order_ms, s.prior_claims, s.first_advocate,
       s.conversion_referrer, s.reward_amount, s.reward_amount - s.clawed_back AS reward_held, s.reward_status,
       ${ms('s.reward_paid_at')} AS reward_paid_ms,
       ${ms('s.refunded_at')} AS refunded_ms, ${dec('s.refund_amount', d)} AS refund_amount, own.referral_id IS NOT NULL AS own_code,
       ${ms('s.signed_up_at')} AS signed_up_ms, an.node AS advocate_node, fn.node AS friend_node
     FROM (${scoredSql(p, 'r.*', 'r.referral_id IN (SELECT referral_id FROM ids)')}) s
     LEFT JOIN (${pairLists}) pl ON pl.referral_id = s.referral_id
     LEFT JOIN lo ON lo.referral_id = s.referral_id
     LEFT JOIN own ON own.referral_id = s.referral_id
     LEFT JOIN ref_node_num an ON an.acct = s.advocate_acct
     LEFT JOIN ref_node_num fn ON fn.acct = s.friend_acct
     ORDER BY s.referral_id`;
}

/**
 * The lookups of `candidatesSqlCh`, in order: each a join kind and its right side (a subquery
 * closed by its USING clause), joined onto the window's referrals one after another.
 */
function candidateJoinsCh(win: string, stages: string): [string, string][] {
  return [
    [
      'ALL INNER JOIN',
      `SELECT advocate_id, email AS advocate_email, name AS advocate_name, email_local AS la, email_domain AS da,
         name_norm AS na, name_first AS naf, name_last AS nal FROM ref_advocates) USING advocate_id`,
    ],
    [
      'ALL INNER JOIN',
      `SELECT referral_id, email AS friend_email, name AS friend_name, email_local AS lf, email_domain AS df,
         name_norm AS nf, name_first AS nff, name_last AS nfl FROM ref_referrals) USING referral_id`,
    ],
    ['ALL LEFT JOIN', `${pairListsSqlCh()}) USING referral_id`],
    [
      'ALL LEFT JOIN',
      `SELECT referral_id, max(c_at) AS last_order_at FROM
         (SELECT referral_id, friend_id AS cust, referred_at AS r_at FROM ref_ref WHERE ${win} AND friend_id IS NOT NULL)
         ALL INNER JOIN (SELECT customer_id AS cust, converted_at AS c_at FROM ref_conversions
                         WHERE refunded_at IS NULL AND (stage IS NULL OR stage IN (${stages}))) USING cust
         WHERE c_at < r_at GROUP BY referral_id) USING referral_id`,
    ],
    [
      'ALL LEFT JOIN',
      `SELECT referral_id, toUInt8(1) AS own FROM
         (SELECT referral_id, friend_id AS o_acct, coupon_code AS o_code FROM ref_ref WHERE ${win})
         ALL INNER JOIN (SELECT acct AS o_acct, referral_code AS o_code FROM ref_advocates) USING o_acct, o_code
         GROUP BY referral_id) USING referral_id`,
    ],
    ['ALL LEFT JOIN', `SELECT referral_id, toUInt8(1) AS ch_hit FROM ref_coupon_hits) USING referral_id`],
    [
      'ALL LEFT JOIN',
      `SELECT acct AS advocate_acct, toUInt8(1) AS v_hit FROM ref_velocity) USING advocate_acct`,
    ],
    [
      'ALL LEFT JOIN',
      `SELECT acct AS advocate_acct, toUInt8(1) AS ra_hit FROM ref_ring_accts) USING advocate_acct`,
    ],
    [
      'ALL LEFT JOIN',
      `SELECT acct AS friend_acct, toUInt8(1) AS rf_hit FROM ref_ring_accts) USING friend_acct`,
    ],
    [
      'ALL LEFT JOIN',
      `SELECT domain AS da, toUInt8(1) AS fa_hit FROM ref_domain_flags WHERE disposable = 1) USING da`,
    ],
    [
      'ALL LEFT JOIN',
      `SELECT domain AS df, toUInt8(1) AS ff_hit FROM ref_domain_flags WHERE disposable = 1) USING df`,
    ],
  ];
}

/**
 * `candidatesSql` on ClickHouse 18.16: the same rows and columns, each lookup one LEFT JOIN on a
 * renamed key (a found flag instead of the right side's key, 0 when none: the query runs without
 * `join_use_nulls`, which would make the identifier lists Nullable arrays, which 18.16 refuses;
 * the right sides' other columns are Nullable, so they still come back NULL), times already epoch
 * milliseconds.
 * The string rules' pre-selection has no similarity function there (see `similaritySql`): every
 * pair the other string conditions admit comes back, and `stringPreselected` applies DuckDB's
 * measure in TypeScript.
 */
export function candidatesSqlCh(p: CandidateParams): string {
  const win = `d_signup >= 0 AND d_signup < ${p.days}`;
  const stages = p.revenueStages.map((s) => literal(s, 'clickhouse')).join(', ');
  const s0 = `SELECT referral_id, advocate_id, advocate_acct, friend_id, friend_acct, channel, clicked_at, converted_at,
      referred_at, prior_claims, first_advocate, conversion_referrer, reward_amount, clawed_back, reward_status,
      reward_paid_at, refunded_at, refund_amount, signed_up_at, coupon_code FROM ref_ref WHERE ${win}`;
  const steps = candidateJoinsCh(win, stages);
  const joined = steps.reduce((from, [join, right]) => `SELECT * FROM (${from}) ${join} (${right}`, s0);
  const c2c = `if(isNotNull(clicked_at) AND isNotNull(converted_at), (converted_at - clicked_at) / 1000, NULL)`;
  const signals = [
    'friend_id = advocate_acct',
    'own = 1',
    'pl_found = 1',
    'fa_hit = 1',
    'ff_hit = 1',
    'v_hit = 1',
    'ra_hit = 1',
    'rf_hit = 1',
    `${c2c} < ${p.fastSeconds}`,
    'isNotNull(last_order_at)',
    `prior_claims + 1 > ${p.alreadyReferredRank}`,
    'reward_paid_at IS NOT NULL AND refunded_at >= reward_paid_at',
    'ch_hit = 1',
    stringSignalsSql({ ...p, dialect: 'clickhouse' }),
  ];
  return `SELECT referral_id, advocate_id, advocate_acct, friend_id, friend_acct, channel,
       advocate_email, friend_email, advocate_name, friend_name, ips, ip_user_agents, devices, cookies, payments,
       referred_at AS referred_at_ms, ${c2c} AS click_to_conversion_seconds, last_order_at AS last_order_ms,
       prior_claims, first_advocate, conversion_referrer, reward_amount, reward_amount - clawed_back AS reward_held,
       reward_status, reward_paid_at AS reward_paid_ms,
       refunded_at AS refunded_ms, ${dec('refund_amount', 'clickhouse')} AS refund_amount, own AS own_code, signed_up_at AS signed_up_ms,
       ${stringOnlySql(signals)} AS string_only, la, lf, na, nf, naf, nal, nff, nfl
     FROM (${joined})
     WHERE ${signals.map((x) => `(${x})`).join('\n       OR ')}
     ORDER BY referral_id
     SETTINGS join_use_nulls = 0`;
}

/** 1 when only the string rules' pre-selection admits the row (the last signal), else 0. */
function stringOnlySql(signals: readonly string[]): string {
  return `if(${signals
    .slice(0, -1)
    .map((x) => `ifNull(${x}, 0)`)
    .join(' OR ')}, 0, 1)`;
}

/** Shared identifiers of each scored referral as sorted lists per kind, and a found flag. */
function pairListsSqlCh(): string {
  const of = (kind: string) =>
    `arraySort(groupUniqArray(if(kind = ${literal(kind, 'clickhouse')}, value, NULL)))`;
  return `SELECT referral_id, ${of('ip')} AS ips, ${of('ipua')} AS ip_user_agents, ${of('device')} AS devices,
       ${of('cookie')} AS cookies, ${of('payment')} AS payments, toUInt8(1) AS pl_found
     FROM ref_pair_shared GROUP BY referral_id`;
}
