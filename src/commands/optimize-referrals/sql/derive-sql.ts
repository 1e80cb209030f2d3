/**
 * The refresh stage's derived tables, built once from the canonical entities: advocates with their
 * account and dimensions, referrals resolved to their advocate with the qualifying conversion and
 * reward facts (`ref_ref`), and daily aggregates of shares, clicks and payouts by advocate (or
 * click segment), channel and dimension keyed by whole days before the window end (`d`, 0 = the
 * last day).
 *
 * The canonical entities are views that normalize their source on every read, so each large one
 * is read exactly once: the referrals and shares into narrow copies (`ref_referrals`,
 * `ref_shares`); the clicks are not read through their view at all: normalize writes the narrow
 * table `ref_clicks_in` (`CLICKS_NARROW`) from its own pass, and the click facts, the clicks by
 * segment and day and the share → click median read it. Every later query reads these, never the
 * entities' views again (but for the few clicks whose session text is fetched by row number).
 */
import { literal, type Dialect, type NarrowSpec } from '../../../data/index.ts';
import { withNormalizedPerson } from './identity-sql.ts';
import {
  argMin,
  argMinRow,
  createTableAs,
  daysBefore,
  dec,
  hashKey,
  minorUnits,
  rowField,
  rowNumber,
  tsLit,
} from './sql-fns.ts';

/** What the derived tables depend on. */
export interface DeriveParams {
  /** Window end (exclusive, ISO) = as-of. */
  end: string;
  /** Earliest instant read (previous window or first trend week). */
  from: string;
  revenueStages: readonly string[];
  lostStages: readonly string[];
  /** Decimals of the reporting currency's minor unit (2 for cents, 0 for JPY): payouts are rounded to them. */
  minorDigits: number;
  dialect?: Dialect;
}

const list = (xs: readonly string[], d: Dialect = 'duckdb') => `(${xs.map((x) => literal(x, d)).join(', ')})`;

/** Stage is revenue: listed, or absent (an order without a stage is a purchase). */
export const revenueStageSql = (p: DeriveParams, col = 'stage') =>
  `(${col} IS NULL OR ${col} IN ${list(p.revenueStages, p.dialect)})`;

/** Amount net of its refund (the whole amount when refunded without an amount). */
export const netAmountSql = (c = '', d: Dialect = 'duckdb') =>
  dec(
    `${c}amount - CASE WHEN ${c}refunded_at IS NULL THEN 0 ELSE least(${c}amount, COALESCE(${c}refund_amount, ${c}amount)) END`,
    d,
  );

function advocatesSql(p: DeriveParams): string {
  return createTableAs(
    'ref_advocates',
    withNormalizedPerson(
      `SELECT advocate_id, COALESCE(customer_id, advocate_id) AS acct, referral_code,
       COALESCE(kind, 'customer') AS kind,
       COALESCE(tier, CASE WHEN kind = 'partner' THEN 'unassigned' ELSE 'customer' END) AS tier,
       COALESCE(region, 'unknown') AS region, COALESCE(persona, 'unknown') AS persona,
       joined_at, name, email, ip, user_agent, device_id, payment_fingerprint
     FROM advocates WHERE joined_at < ${tsLit(p.end, p.dialect)}`,
      'email',
      'name',
      p.dialect,
    ),
    p.dialect,
  );
}

/**
 * Click segments: each partner alone, customer and employee advocates by their dimensions. Clicks
 * are counted per segment (an integer key), not per advocate: only partners are looked at one by
 * one, so the click aggregate stays small however many customer advocates there are.
 */
function segmentsSql(p: DeriveParams): string {
  return createTableAs(
    'ref_segments',
    `SELECT ${rowNumber(p.dialect)} AS seg, partner_id, kind, persona, region, tier
     FROM (SELECT DISTINCT CASE WHEN kind = 'partner' THEN advocate_id ELSE '' END AS partner_id,
             kind, persona, region, tier FROM ref_advocates) s`,
    p.dialect,
  );
}

/**
 * Referral code → advocate (the smallest id when two share a code) and its click segment; the
 * code's 64-bit hash (`code_h`) is what the clicks' narrow table keeps of theirs.
 */
function codesSql(p: DeriveParams): string {
  return createTableAs(
    'ref_codes',
    `SELECT c.referral_code, ${hashKey('c.referral_code', p.dialect)} AS code_h, c.advocate_id, g.seg
     FROM (SELECT referral_code, min(advocate_id) AS advocate_id FROM ref_advocates
           WHERE referral_code IS NOT NULL GROUP BY referral_code) c
     JOIN ref_advocates a ON a.advocate_id = c.advocate_id
     JOIN ref_segments g ON g.partner_id = CASE WHEN a.kind = 'partner' THEN a.advocate_id ELSE '' END
       AND g.kind = a.kind AND g.persona = a.persona AND g.region = a.region AND g.tier = a.tier`,
    p.dialect,
  );
}

/**
 * The referrals up to the window end, read once from the entity, with the friend's email and name
 * normalized as the fraud scorer normalizes them: what the referral facts, the earlier-claims
 * self-join, the qualifying conversions and the risk review's identities read. Its `rowid` (the
 * table is written once and never changed) is the referral's integer key, `rid` in the tables the
 * refresh builds from it (the named clicks, the qualifying conversions, earlier claims), which the
 * referral facts join on it instead of the referral id's or click id's text. No numbering is
 * computed for it: a `row_number()` over the rows read is a window over all of them (lab, scale 1:
 * 3.4–3.8 s CPU without, 7.0–8.9 s with it over the finished rows).
 */
function referralsSql(p: DeriveParams): string {
  return createTableAs(
    'ref_referrals',
    withNormalizedPerson(
      `SELECT referral_id, advocate_id, referral_code, friend_id, email, name, ip, user_agent, device_id,
         cookie_id, payment_fingerprint, click_id, channel, signed_up_at
       FROM referrals WHERE signed_up_at < ${tsLit(p.end, p.dialect)}`,
      'email',
      'name',
      p.dialect,
    ),
    p.dialect,
  );
}

/**
 * The shares, read once from the entity (all of them: a click's share may lie outside the read
 * range), the share id as its 64-bit hash (`share_h`, NULL without an id), which the clicks'
 * narrow table keeps of theirs (`share_id_hash`): clicks find their share by an integer join.
 */
function sharesSql(p: DeriveParams): string {
  return createTableAs(
    'ref_shares',
    `SELECT CASE WHEN share_id IS NOT NULL THEN ${hashKey('share_id', p.dialect)} END AS share_h, advocate_id,
       channel, shared_at, recipients, ip, user_agent, device_id FROM shares`,
    p.dialect,
  );
}

/** The narrow table of the clicks normalize writes (`CLICKS_NARROW`): the command never reads the clicks' view for them. */
export const CLICKS_TABLE = 'ref_clicks_in';

/**
 * What the command keeps of each click, written by normalize from its check pass: the time and
 * channel as they are, the row's source and row number (to fetch a few rows' text again), and the
 * click id, referral code, share id and session identifiers as 64-bit hashes (8 bytes each
 * instead of a string per click: the session text is needed only for the clicks a sign-up names
 * whose session differs from the sign-up's, fetched by row number). This is the ClickHouse form
 * (one hash per session identifier); DuckDB keeps no session (`CLICKS_NARROW_DUCKDB`).
 *
 * Only the click id's hash is checked for collisions (the kit's dedupe key: a sort of the hashes,
 * which finds none to look at when no two clicks share one). The others are `unchecked`, as the
 * user key of monitor-personalization is:
 * - the session identifiers (IP, user agent, device, cookie) are only compared with the hash of the
 *   sign-up's value (`clickMaybeSqlCh`), which a check of the clicks' own values never sees (a
 *   differing click identifier hidden with a probability of about 10⁻¹³ over 4M comparisons);
 * - the referral code and share id are joined to the advocates' codes and the shares' ids, hashed
 *   from those entities' own values, so a check of the clicks' distinct values alone would not make
 *   those joins exact either (a click's code that no advocate has could still share a hash with one
 *   that does), while it cost a text pass over the clicks' view per column (10M clicks: about 2.7 s
 *   of CPU with the distinct-count estimate that picked its method). The chance that any two of
 *   the 2M share ids and the clicks' values share a 64-bit hash is about 1 in 10 million; a
 *   collision would move one value's clicks to another share or advocate.
 */
export const CLICKS_NARROW: NarrowSpec = {
  table: CLICKS_TABLE,
  columns: ['clicked_at', 'channel', '_source', '_row'],
  hashes: ['click_id', 'referral_code', 'share_id', 'ip', 'user_agent', 'device_id', 'cookie_id'],
  unchecked: ['referral_code', 'share_id', 'ip', 'user_agent', 'device_id', 'cookie_id'],
};

/** The identifiers of a session, compared between a click and the sign-up that names it. */
export const SESSION_COLUMNS = ['ip', 'user_agent', 'device_id', 'cookie_id'] as const;

/** A session's four identifiers as one 64-bit hash (DuckDB), `t` the table's alias. */
export const sessionHashSql = (t: string) => `hash(${SESSION_COLUMNS.map((c) => `${t}.${c}`).join(', ')})`;

/**
 * `CLICKS_NARROW` on DuckDB: no session identifier at all. The session is compared only for the
 * clicks a sign-up names (about 1 in 10 at the bench), so their text is read from the clicks' view
 * by the comparison itself (`clickTextSql`) instead of hashed for every click in the pass and read
 * again for the few that differ. At 10M clicks one hash of the four took 3–5 s of CPU from the
 * pass (lab, load 14–16); the comparison's scan costs 1.5–2 s more than the fetch of the differing
 * rows it replaces.
 */
export const CLICKS_NARROW_DUCKDB: NarrowSpec = {
  table: CLICKS_TABLE,
  columns: CLICKS_NARROW.columns,
  hashes: ['click_id', 'referral_code', 'share_id'],
  unchecked: ['referral_code', 'share_id'],
};

/**
 * The click each sign-up names (its click id hashes to the narrow table's `click_id_hash`), one
 * row per such referral (`rid`, the referrals' integer key), with the click's time and channel (the
 * click's, else its share's) for the referral facts, its referral code's hash (`code_h`: whose
 * clicks it counts in, for the partners' click conversions), and its source row for the risk
 * review (`ref_click_text`). On ClickHouse one row per named click id, with a
 * hash per session identifier (`clickFactsCh`).
 */
function clickFactsSql(p: DeriveParams): string {
  return createTableAs(
    'ref_click_facts',
    `SELECT u.rid, k.clicked_at, COALESCE(k.channel, s.channel) AS channel, k.referral_code_hash AS code_h,
       k._source, k._row
     FROM ${CLICKS_TABLE} k
     JOIN (SELECT rowid AS rid, ${hashKey('click_id', p.dialect)} AS h FROM ref_referrals WHERE click_id IS NOT NULL) u
       ON u.h = k.click_id_hash
     LEFT JOIN ref_shares s ON s.share_h = k.share_id_hash`,
    p.dialect,
  );
}

/**
 * Clicks of the read range by segment (NULL when the code resolves to no advocate: the
 * unresolved clicks), channel (the click's, else its share's) and day: one GROUP BY over the
 * narrow table with the code → segment map and the shares joined.
 */
function clickDaysSql(p: DeriveParams): string {
  const d = daysBefore('k.clicked_at', p.end, p.dialect);
  return createTableAs(
    'ref_click_days',
    `SELECT c.seg, COALESCE(k.channel, s.channel, 'unknown') AS channel, ${d} AS d, count(*) AS clicks
     FROM ${CLICKS_TABLE} k
     LEFT JOIN ref_codes c ON c.code_h = k.referral_code_hash
     LEFT JOIN ref_shares s ON s.share_h = k.share_id_hash
     WHERE k.clicked_at >= ${tsLit(p.from, p.dialect)} AND k.clicked_at < ${tsLit(p.end, p.dialect)}
     GROUP BY c.seg, COALESCE(k.channel, s.channel, 'unknown'), ${d}`,
    p.dialect,
  );
}

/**
 * The conversions, read once from the entity (every one: a friend's orders before the referral
 * count too, whenever they were): the qualifying conversions, the referral facts, new customers,
 * the stages' pipeline and the ring nodes' orders read this copy. A refund dated at or after the
 * window end has not happened as of the run: its date and amount are left out, so no net amount,
 * refund count or rule sees it.
 */
function conversionsSql(p: DeriveParams): string {
  const known = `r_at < ${tsLit(p.end, p.dialect)}`;
  return createTableAs(
    'ref_conversions',
    `SELECT conversion_id, customer_id, referral_id, amount, stage, converted_at,
       CASE WHEN ${known} THEN r_at END AS refunded_at, CASE WHEN ${known} THEN r_amount END AS refund_amount,
       referrer, coupon_code
     FROM (SELECT conversion_id, customer_id, referral_id, amount, stage, converted_at, refunded_at AS r_at,
             refund_amount AS r_amount, referrer, coupon_code FROM conversions) c`,
    p.dialect,
  );
}

/**
 * The payouts created before the window end, read once from the entity, each amount in the
 * reporting currency's minor units (a converted 25.55 EUR at 1.0837 is 27.69 USD paid, not
 * 27.688535), so every payout figure (rewards, incentives, fees, held value, ring rewards) is a sum
 * of amounts as paid and they reconcile to the cent.
 */
function payoutsSql(p: DeriveParams): string {
  return createTableAs(
    'ref_payouts',
    `SELECT advocate_id, referral_id, kind, ${minorUnits('amount', p.minorDigits, p.dialect)} AS amount, status,
       created_at, paid_at FROM payouts
     WHERE created_at < ${tsLit(p.end, p.dialect)}`,
    p.dialect,
  );
}

/** What the referral facts read of a referral's qualifying conversion. */
const QUALIFYING_FIELDS = [
  'conversion_id',
  'converted_at',
  'amount',
  'refunded_at',
  'refund_amount',
  'referrer',
  'coupon_code',
] as const;

/**
 * The qualifying conversion of each referral: the friend's first revenue-stage order after the
 * sign-up, with the fields the referral facts read (taken from that one row, so the facts need no
 * second join on the conversions).
 */
function qualifyingSql(p: DeriveParams): string {
  const end = tsLit(p.end, p.dialect);
  const cond = `c.converted_at >= r.signed_up_at AND c.converted_at < ${end} AND ${revenueStageSql(p, 'c.stage')}`;
  const cols = QUALIFYING_FIELDS.map((f) => `c.${f}`).join(', ');
  return createTableAs(
    'ref_qualifying',
    `SELECT rid, ${QUALIFYING_FIELDS.map((f) => `${rowField('q', QUALIFYING_FIELDS, f, p.dialect)} AS ${f}`).join(', ')}
     FROM (SELECT rid, ${argMinRow(QUALIFYING_FIELDS, 'converted_at', p.dialect)} AS q
           FROM (SELECT r.rowid AS rid, ${cols} FROM ref_referrals r
                   JOIN ref_conversions c ON c.customer_id = r.friend_id WHERE ${cond}
                 UNION ALL
                 SELECT r.rowid AS rid, ${cols} FROM ref_referrals r
                   JOIN ref_conversions c ON c.referral_id = r.referral_id WHERE r.friend_id IS NULL AND ${cond}) u
           GROUP BY rid) g`,
    p.dialect,
  );
}

/**
 * Rewards and incentives per referral (any time up to the window end). The status and the paid
 * time are the advocate reward's (a friend's incentive is usually a discount taken at checkout,
 * so "refund after reward" means after the advocate was paid); without a reward row, the incentive's.
 * A reward whose status says paid (or clawed back) without a `paid_at` (exports with a status and
 * a creation date only) was paid at `created_at` at the earliest: its friend is rewarded for the
 * rings and its refunds are dated against it, instead of never.
 */
function rewardsSql(p: DeriveParams): string {
  const rank = `CASE status WHEN 'paid' THEN 3 WHEN 'pending' THEN 2 WHEN 'clawed_back' THEN 1 ELSE 0 END`;
  const reward = `(kind IS NULL OR kind = 'reward')`;
  return createTableAs(
    'ref_rewards',
    `SELECT referral_id,
       sum(CASE WHEN status <> 'void' THEN ${dec('amount', p.dialect)} ELSE 0 END) AS reward_amount,
       sum(CASE WHEN status = 'clawed_back' THEN ${dec('amount', p.dialect)} ELSE 0 END) AS clawed_back,
       COALESCE(max(CASE WHEN ${reward} THEN ${rank} END), max(${rank})) AS status_rank,
       min(CASE WHEN ${reward} AND status IN ('paid', 'clawed_back') THEN COALESCE(paid_at, created_at) END) AS reward_paid_at
     FROM ref_payouts WHERE referral_id IS NOT NULL
       AND (kind IS NULL OR kind IN ('reward', 'incentive'))
     GROUP BY referral_id`,
    p.dialect,
  );
}

/** Friends who became advocates: the last time each account shared. */
function friendSharesSql(p: DeriveParams): string {
  return createTableAs(
    'ref_account_shares',
    `SELECT a.acct, max(s.shared_at) AS last_shared_at FROM ref_shares s
     JOIN ref_advocates a ON a.advocate_id = s.advocate_id
     WHERE s.shared_at < ${tsLit(p.end, p.dialect)} GROUP BY a.acct`,
    p.dialect,
  );
}

/**
 * Earlier claims on the same friend (a self-join on friend_id instead of a window function, which
 * ClickHouse 18.16 lacks): `prior_claims` > 0 means the friend was referred before, and
 * `first_advocate` by whom: the first claim's advocate, resolved from its code as the referral's own
 * advocate is (the code itself only when no advocate owns it).
 */
function claimsSql(p: DeriveParams): string {
  return createTableAs(
    'ref_claims',
    `SELECT a.rowid AS rid, count(*) AS prior_claims,
       ${argMin('COALESCE(b.advocate_id, cd.advocate_id, b.referral_code)', 'b.signed_up_at', p.dialect)} AS first_advocate
     FROM ref_referrals a JOIN ref_referrals b ON b.friend_id = a.friend_id
     LEFT JOIN ref_codes cd ON cd.referral_code = b.referral_code
     WHERE (b.signed_up_at < a.signed_up_at OR (b.signed_up_at = a.signed_up_at AND b.referral_id < a.referral_id))
     GROUP BY a.rowid`,
    p.dialect,
  );
}

/**
 * One row per referral up to the window end with everything the stages read, in one statement:
 * resolved to an advocate by id or by code (unresolved ones are left out and counted by the
 * refresh), with its click's time and channel (`ref_click_facts`), its qualifying conversion, rewards, earlier claims on
 * the same friend, and whether the friend shared after buying. Narrow on purpose: the identities
 * the risk review reads are in `ref_referrals` and `ref_click_diff`.
 */
function referralFactsSql(p: DeriveParams): string {
  const end = tsLit(p.end, p.dialect);
  return createTableAs(
    'ref_ref',
    `SELECT r.referral_id, a.advocate_id, a.acct AS advocate_acct, r.friend_id,
       COALESCE(r.friend_id, 'referral:' || r.referral_id) AS friend_acct,
       r.signed_up_at, r.click_id, k.clicked_at, COALESCE(k.clicked_at, r.signed_up_at) AS referred_at,
       COALESCE(r.channel, k.channel, 'unknown') AS channel,
       a.persona, a.region, a.tier, a.kind AS advocate_kind,
       ${daysBefore('r.signed_up_at', p.end, p.dialect)} AS d_signup,
       c.conversion_id, c.converted_at, ${daysBefore('c.converted_at', p.end, p.dialect)} AS d_converted,
       ${dec('c.amount', p.dialect)} AS amount, ${netAmountSql('c.')} AS net_amount,
       CASE WHEN c.refunded_at < ${end} THEN c.refunded_at END AS refunded_at, c.refund_amount,
       c.referrer AS conversion_referrer, c.coupon_code,
       COALESCE(w.reward_amount, 0) AS reward_amount, COALESCE(w.clawed_back, 0) AS clawed_back,
       CASE w.status_rank WHEN 3 THEN 'paid' WHEN 2 THEN 'pending' WHEN 1 THEN 'clawed_back' WHEN 0 THEN 'void' END AS reward_status,
       w.reward_paid_at,
       CASE WHEN fs.last_shared_at >= c.converted_at THEN 1 ELSE 0 END AS friend_shared,
       COALESCE(cl.prior_claims, 0) AS prior_claims, cl.first_advocate
     FROM (SELECT r0.referral_id, r0.rowid AS rid, r0.friend_id, r0.signed_up_at, r0.click_id, r0.channel,
             COALESCE(a1.advocate_id, cd.advocate_id) AS resolved_advocate
           FROM ref_referrals r0
           LEFT JOIN ref_advocates a1 ON a1.advocate_id = r0.advocate_id
           LEFT JOIN ref_codes cd ON cd.referral_code = r0.referral_code) r
     JOIN ref_advocates a ON a.advocate_id = r.resolved_advocate
     LEFT JOIN ref_click_facts k ON k.rid = r.rid
     LEFT JOIN ref_qualifying c ON c.rid = r.rid
     LEFT JOIN ref_rewards w ON w.referral_id = r.referral_id
     LEFT JOIN ref_account_shares fs ON fs.acct = r.friend_id
     LEFT JOIN ref_claims cl ON cl.rid = r.rid`,
    p.dialect,
  );
}

/**
 * The shares of the read range with their advocate's dimensions, one row per share (`shares` = 1):
 * a GROUP BY by advocate, channel and day barely reduces them (an advocate seldom shares twice on
 * one channel in a day), so the readers sum the rows of `ref_shares` directly.
 */
function shareAggSql(p: DeriveParams): string {
  return createTableAs(
    'ref_share_agg',
    `SELECT s.advocate_id, COALESCE(s.channel, 'unknown') AS channel, a.persona, a.region, a.tier, a.kind,
       ${daysBefore('s.shared_at', p.end, p.dialect)} AS d, 1 AS shares, COALESCE(s.recipients, 1) AS invites
     FROM ref_shares s JOIN ref_advocates a ON a.advocate_id = s.advocate_id
     WHERE s.shared_at >= ${tsLit(p.from, p.dialect)} AND s.shared_at < ${tsLit(p.end, p.dialect)}`,
    p.dialect,
  );
}

/**
 * Clicks by segment (a partner, or customers of one set of dimensions), channel and day: the
 * segments' dimensions joined to the reduced rows of `ref_click_days`. `advocate_id` is the
 * partner's, NULL for customer segments.
 */
function clickAggSql(p: DeriveParams): string {
  return createTableAs(
    'ref_click_agg',
    `SELECT CASE WHEN g.partner_id <> '' THEN g.partner_id END AS advocate_id, y.channel,
       g.persona, g.region, g.tier, g.kind, y.d, y.clicks
     FROM ref_click_days y JOIN ref_segments g ON g.seg = y.seg`,
    p.dialect,
  );
}

/** Program costs by day and dimension: payouts not void, with their referral's channel. */
function payoutAggSql(p: DeriveParams): string {
  const d = daysBefore('p.created_at', p.end, p.dialect);
  return createTableAs(
    'ref_payout_agg',
    `SELECT COALESCE(r.channel, 'unknown') AS channel, a.persona, a.region, a.tier, ${d} AS d,
       sum(CASE WHEN p.kind = 'reward' OR p.kind IS NULL THEN ${dec('p.amount', p.dialect)} ELSE 0 END) AS rewards,
       sum(CASE WHEN p.kind = 'incentive' THEN ${dec('p.amount', p.dialect)} ELSE 0 END) AS incentives,
       sum(CASE WHEN p.kind = 'fee' THEN ${dec('p.amount', p.dialect)} ELSE 0 END) AS fees,
       sum(CASE WHEN p.status = 'clawed_back' THEN ${dec('p.amount', p.dialect)} ELSE 0 END) AS clawbacks
     FROM ref_payouts p JOIN ref_advocates a ON a.advocate_id = p.advocate_id
     LEFT JOIN ref_ref r ON r.referral_id = p.referral_id
     WHERE COALESCE(p.status, '') <> 'void' AND p.created_at >= ${tsLit(p.from, p.dialect)} AND p.created_at < ${tsLit(p.end, p.dialect)}
     GROUP BY COALESCE(r.channel, 'unknown'), a.persona, a.region, a.tier, ${d}`,
    p.dialect,
  );
}

/** Customers whose first revenue-stage order falls in the read range: the new customers. */
function newCustomersSql(p: DeriveParams): string {
  return createTableAs(
    'ref_new_customers',
    `SELECT customer_id, ${daysBefore('first_at', p.end, p.dialect)} AS d, net_amount FROM (
       SELECT customer_id, min(converted_at) AS first_at, ${argMin(netAmountSql(), 'converted_at', p.dialect)} AS net_amount
       FROM ref_conversions WHERE ${revenueStageSql(p)} AND converted_at < ${tsLit(p.end, p.dialect)}
       GROUP BY customer_id) f
     WHERE first_at >= ${tsLit(p.from, p.dialect)}`,
    p.dialect,
  );
}

/** Every statement of the refresh, in order. */
export function deriveStatements(p: DeriveParams): { table: string; sql: string }[] {
  if (p.dialect === 'clickhouse') return deriveStatementsClickHouse(p);
  return [
    { table: 'ref_advocates', sql: advocatesSql(p) },
    { table: 'ref_segments', sql: segmentsSql(p) },
    { table: 'ref_codes', sql: codesSql(p) },
    { table: 'ref_referrals', sql: referralsSql(p) },
    { table: 'ref_shares', sql: sharesSql(p) },
    { table: 'ref_click_facts', sql: clickFactsSql(p) },
    { table: 'ref_click_days', sql: clickDaysSql(p) },
    { table: 'ref_conversions', sql: conversionsSql(p) },
    { table: 'ref_payouts', sql: payoutsSql(p) },
    { table: 'ref_qualifying', sql: qualifyingSql(p) },
    { table: 'ref_rewards', sql: rewardsSql(p) },
    { table: 'ref_account_shares', sql: friendSharesSql(p) },
    { table: 'ref_claims', sql: claimsSql(p) },
    { table: 'ref_ref', sql: referralFactsSql(p) },
    { table: 'ref_share_agg', sql: shareAggSql(p) },
    { table: 'ref_click_agg', sql: clickAggSql(p) },
    { table: 'ref_payout_agg', sql: payoutAggSql(p) },
    { table: 'ref_new_customers', sql: newCustomersSql(p) },
  ];
}

// ---------------------------------------------------------------------------------------------
// ClickHouse 18.16 forms of the refresh. One JOIN per SELECT (joins nest), `USING` on renamed
// keys, and no output alias equal to an input column read elsewhere in the same SELECT (18.16
// substitutes an alias for the column of that name everywhere in the query, qualified or not):
// inputs are renamed in an inner SELECT. Table names are plain (`commandEngine` maps them).

/** `select` (columns `cols`, among them `email` and `name`) with the normalized person columns, in ClickHouse. */
export function withNormalizedPersonCh(
  select: string,
  cols: readonly string[],
  email: string,
  name: string,
): string {
  const keep = cols.join(', ');
  const e = `lowerUTF8(replaceRegexpAll(ifNull(${email}, ''), '^ +| +$', ''))`;
  const pos = (x: string, ch: string) => `position(${x}, '${ch}')`;
  const lastPos = (x: string, ch: string) =>
    `(CASE WHEN ${pos(x, ch)} = 0 THEN 0 ELSE length(${x}) + 1 - ${pos(`reverse(${x})`, ch)} END)`;
  const ascii = (x: string) => `(length(${x}) = lengthUTF8(${x}))`;
  const localRaw = `(CASE WHEN ${ascii('_e')} THEN (CASE WHEN ${lastPos('_e', '@')} = 0 THEN '' ELSE substring(_e, 1, ${lastPos('_e', '@')} - 1) END)
    ELSE extract(_e, '^(.*)@[^@]*$') END)`;
  const domainRaw = `(CASE WHEN ${ascii('_e')} THEN (CASE WHEN ${lastPos('_e', '@')} = 0 THEN '' ELSE substring(_e, ${lastPos('_e', '@')} + 1) END)
    ELSE extract(_e, '@([^@]*)$') END)`;
  const noDot = `(CASE WHEN _dr LIKE '%.' THEN substring(_dr, 1, length(_dr) - 1) ELSE _dr END)`;
  const domain = `(CASE WHEN ${noDot} = 'googlemail.com' THEN 'gmail.com' ELSE ${noDot} END)`;
  const plusFree = `splitByChar('+', _lr)[1]`;
  const local = `(CASE WHEN _lr = '' OR _lr LIKE '+%' OR position(_dd, '.') <= 1 THEN ''
    ELSE (CASE WHEN _dd = 'gmail.com' THEN replaceAll(${plusFree}, '.', '') ELSE ${plusFree} END) END)`;
  const clean = `replaceRegexpAll(replaceRegexpAll(lowerUTF8(ifNull(${name}, '')), '[^a-z0-9]+', ' '), '^ +| +$', '')`;
  const titled = ['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof'].map((t) => `_n LIKE '${t} %'`).join(' OR ');
  const norm = `(CASE WHEN ${titled} THEN substring(_n, position(_n, ' ') + 1) ELSE _n END)`;
  const last = `(CASE WHEN ${lastPos('_nn', ' ')} = 0 THEN _nn ELSE substring(_nn, ${lastPos('_nn', ' ')} + 1) END)`;
  const nullIf = (col: string, x: string) => `if(isNull(${col}), NULL, ${x})`;
  return `SELECT ${keep}, ${nullIf(email, '_ll')} AS email_local, ${nullIf(email, '_dd')} AS email_domain,
       ${nullIf(name, '_nn')} AS name_norm, ${nullIf(name, `splitByChar(' ', _nn)[1]`)} AS name_first,
       ${nullIf(name, last)} AS name_last
     FROM (SELECT ${keep}, _dd, ${local} AS _ll, ${norm} AS _nn
     FROM (SELECT ${keep}, _lr, _n, ${domain} AS _dd
     FROM (SELECT ${keep}, ${localRaw} AS _lr, ${domainRaw} AS _dr, _n
     FROM (SELECT ${keep}, ${e} AS _e, ${clean} AS _n FROM (${select})))))`;
}

const ADVOCATE_COLS = [
  'advocate_id',
  'acct',
  'referral_code',
  'kind',
  'tier',
  'region',
  'persona',
  'joined_at',
  'name',
  'email',
  'ip',
  'user_agent',
  'device_id',
  'payment_fingerprint',
];

function advocatesCh(p: DeriveParams): string {
  return withNormalizedPersonCh(
    `SELECT i_id AS advocate_id, coalesce(i_cust, i_id) AS acct, i_code AS referral_code,
       coalesce(i_kind, 'customer') AS kind,
       coalesce(i_tier, CASE WHEN i_kind = 'partner' THEN 'unassigned' ELSE 'customer' END) AS tier,
       coalesce(i_region, 'unknown') AS region, coalesce(i_persona, 'unknown') AS persona,
       i_joined AS joined_at, i_name AS name, i_email AS email, i_ip AS ip, i_ua AS user_agent, i_dev AS device_id,
       i_pay AS payment_fingerprint
     FROM (SELECT advocate_id AS i_id, customer_id AS i_cust, referral_code AS i_code, kind AS i_kind, tier AS i_tier,
             region AS i_region, persona AS i_persona, joined_at AS i_joined, name AS i_name, email AS i_email,
             ip AS i_ip, user_agent AS i_ua, device_id AS i_dev, payment_fingerprint AS i_pay
           FROM advocates WHERE joined_at < ${tsLit(p.end, 'clickhouse')})`,
    ADVOCATE_COLS,
    'email',
    'name',
  );
}

const partnerOf = `if(kind = 'partner', advocate_id, '')`;
const SEG_KEYS = 'g_partner, g_kind, g_persona, g_region, g_tier';
const segKeys = (partner: string) =>
  `${partner} AS g_partner, kind AS g_kind, persona AS g_persona, region AS g_region, tier AS g_tier`;

const segmentsCh = () =>
  `SELECT toUInt64(rowNumberInAllBlocks() + 1) AS seg, g_partner AS partner_id, g_kind AS kind, g_persona AS persona,
     g_region AS region, g_tier AS tier
   FROM (SELECT DISTINCT ${segKeys(partnerOf)} FROM ref_advocates)`;

const codesCh = () =>
  `SELECT c_code AS referral_code, cityHash64(c_code) AS code_h, c_adv AS advocate_id, seg FROM (
     SELECT c_code, c_adv, ${SEG_KEYS} FROM
       (SELECT referral_code AS c_code, min(advocate_id) AS c_adv FROM ref_advocates
        WHERE referral_code IS NOT NULL GROUP BY referral_code)
     ALL INNER JOIN (SELECT advocate_id AS c_adv, ${segKeys(partnerOf)} FROM ref_advocates) USING c_adv)
   ALL INNER JOIN (SELECT seg, ${segKeys('partner_id')} FROM ref_segments) USING ${SEG_KEYS}`;

const REFERRAL_COLS = [
  'referral_id',
  'advocate_id',
  'referral_code',
  'friend_id',
  'email',
  'name',
  'ip',
  'user_agent',
  'device_id',
  'cookie_id',
  'payment_fingerprint',
  'click_id',
  'channel',
  'signed_up_at',
];

const referralsCh = (p: DeriveParams) =>
  withNormalizedPersonCh(
    `SELECT ${REFERRAL_COLS.join(', ')} FROM referrals WHERE signed_up_at < ${tsLit(p.end, 'clickhouse')}`,
    REFERRAL_COLS,
    'email',
    'name',
  );

const sharesCh = () =>
  `SELECT cityHash64(share_id) AS share_h, advocate_id, channel, shared_at, recipients, ip, user_agent, device_id FROM shares`;

const clickFactsCh = () =>
  `SELECT click_id, clicked_at, coalesce(k_channel, s_channel) AS channel, code_h, _source, _row,
     ip_hash, user_agent_hash, device_id_hash, cookie_id_hash FROM (
     SELECT u_click AS click_id, clicked_at, k_channel, code_h, _source, _row, ip_hash, user_agent_hash, device_id_hash,
       cookie_id_hash, s_h FROM
       (SELECT clicked_at, channel AS k_channel, referral_code_hash AS code_h, _source, _row, ip_hash, user_agent_hash,
          device_id_hash, cookie_id_hash, share_id_hash AS s_h, click_id_hash AS u_h FROM ${CLICKS_TABLE})
       ALL INNER JOIN (SELECT DISTINCT click_id AS u_click, cityHash64(click_id) AS u_h FROM ref_referrals
                       WHERE click_id IS NOT NULL) USING u_h)
   ALL LEFT JOIN (SELECT share_h AS s_h, channel AS s_channel FROM ref_shares) USING s_h`;

function clickDaysCh(p: DeriveParams): string {
  const e = tsLit(p.end, 'clickhouse');
  return `SELECT seg, channel, d, count() AS clicks FROM (
     SELECT seg, coalesce(k_channel, s_channel, 'unknown') AS channel, ${daysBefore('k_at', p.end, 'clickhouse')} AS d FROM (
       SELECT k_at, k_channel, s_h, seg FROM
         (SELECT clicked_at AS k_at, channel AS k_channel, share_id_hash AS s_h, referral_code_hash AS code_h
          FROM ${CLICKS_TABLE} WHERE clicked_at >= ${tsLit(p.from, 'clickhouse')} AND clicked_at < ${e})
       ALL LEFT JOIN (SELECT code_h, seg FROM ref_codes) USING code_h)
     ALL LEFT JOIN (SELECT share_h AS s_h, channel AS s_channel FROM ref_shares) USING s_h)
   GROUP BY seg, channel, d`;
}

function qualifyingCh(p: DeriveParams): string {
  const end = tsLit(p.end, 'clickhouse');
  const cols = ['c_id', 'c_at', 'c_amount', 'c_refunded', 'c_refund', 'c_referrer', 'c_coupon'];
  const conv = `conversion_id AS c_id, converted_at AS c_at, amount AS c_amount, refunded_at AS c_refunded,
    refund_amount AS c_refund, referrer AS c_referrer, coupon_code AS c_coupon, stage AS c_stage`;
  const cond = `c_at >= r_at AND c_at < ${end} AND ${revenueStageSql(p, 'c_stage')}`;
  return `SELECT referral_id, ${QUALIFYING_FIELDS.map((f, i) => `tupleElement(q, ${i + 1}) AS ${f}`).join(', ')} FROM (
     SELECT referral_id, argMin(tuple(${cols.join(', ')}), c_at) AS q FROM (
       SELECT referral_id, ${cols.join(', ')} FROM
         (SELECT referral_id, friend_id AS cust, signed_up_at AS r_at FROM ref_referrals WHERE friend_id IS NOT NULL)
         ALL INNER JOIN (SELECT customer_id AS cust, ${conv} FROM ref_conversions) USING cust WHERE ${cond}
       UNION ALL
       SELECT referral_id, ${cols.join(', ')} FROM
         (SELECT referral_id, signed_up_at AS r_at FROM ref_referrals WHERE friend_id IS NULL)
         ALL INNER JOIN (SELECT referral_id, ${conv} FROM ref_conversions WHERE referral_id IS NOT NULL) USING referral_id
         WHERE ${cond})
     GROUP BY referral_id)`;
}

function rewardsCh(): string {
  const rank = `multiIf(status = 'paid', 3, status = 'pending', 2, status = 'clawed_back', 1, 0)`;
  const reward = `(kind IS NULL OR kind = 'reward')`;
  const amt = dec('amount', 'clickhouse');
  return `SELECT referral_id,
       sum(CASE WHEN status <> 'void' THEN ${amt} ELSE ${dec('0', 'clickhouse')} END) AS reward_amount,
       sum(CASE WHEN status = 'clawed_back' THEN ${amt} ELSE ${dec('0', 'clickhouse')} END) AS clawed_back,
       coalesce(max(CASE WHEN ${reward} THEN ${rank} END), max(${rank})) AS status_rank,
       min(CASE WHEN ${reward} AND status IN ('paid', 'clawed_back') THEN COALESCE(paid_at, created_at) END) AS reward_paid_at
     FROM ref_payouts WHERE referral_id IS NOT NULL AND (kind IS NULL OR kind IN ('reward', 'incentive'))
     GROUP BY referral_id`;
}

const accountSharesCh = (p: DeriveParams) =>
  `SELECT acct, max(s_at) AS last_shared_at FROM
     (SELECT advocate_id, shared_at AS s_at FROM ref_shares WHERE shared_at < ${tsLit(p.end, 'clickhouse')})
   ALL INNER JOIN (SELECT advocate_id, acct FROM ref_advocates) USING advocate_id
   GROUP BY acct`;

const claimsCh = () =>
  `SELECT referral_id, count() AS prior_claims, argMin(b_first, b_at) AS first_advocate FROM (
     SELECT referral_id, a_at, b_id, b_at, b_first FROM
       (SELECT referral_id, friend_id AS f, signed_up_at AS a_at FROM ref_referrals WHERE friend_id IS NOT NULL)
       ALL INNER JOIN (SELECT f, b_id, b_at, coalesce(b_adv, cd_adv, r_code) AS b_first FROM
                         (SELECT friend_id AS f, referral_id AS b_id, signed_up_at AS b_at, advocate_id AS b_adv,
                            referral_code AS r_code FROM ref_referrals WHERE friend_id IS NOT NULL)
                         ALL LEFT JOIN (SELECT referral_code AS r_code, advocate_id AS cd_adv FROM ref_codes) USING r_code) USING f
     WHERE b_at < a_at OR (b_at = a_at AND b_id < referral_id))
   GROUP BY referral_id`;

function referralFactsCh(p: DeriveParams): string {
  const d = 'clickhouse' as const;
  const end = tsLit(p.end, d);
  // each step one JOIN: resolved advocate, its dimensions, the click, the qualifying conversion,
  // rewards, the friend's shares, earlier claims
  const r1 = `SELECT referral_id, friend_id, signed_up_at, click_id, r_channel, r_code, a1_id FROM
      (SELECT referral_id, friend_id, signed_up_at, click_id, channel AS r_channel, referral_code AS r_code,
         advocate_id AS a1_key FROM ref_referrals)
      ALL LEFT JOIN (SELECT advocate_id AS a1_key, advocate_id AS a1_id FROM ref_advocates) USING a1_key`;
  const r2 = `SELECT referral_id, friend_id, signed_up_at, click_id, r_channel, coalesce(a1_id, cd_adv) AS resolved FROM (${r1})
      ALL LEFT JOIN (SELECT referral_code AS r_code, advocate_id AS cd_adv FROM ref_codes) USING r_code`;
  const r3 = `SELECT * FROM (${r2})
      ALL INNER JOIN (SELECT advocate_id AS resolved, acct AS a_acct, persona AS a_persona, region AS a_region,
                        tier AS a_tier, kind AS a_kind FROM ref_advocates) USING resolved`;
  const r4 = `SELECT * FROM (${r3})
      ALL LEFT JOIN (SELECT click_id, clicked_at AS k_at, channel AS k_channel FROM ref_click_facts) USING click_id`;
  const r5 = `SELECT * FROM (${r4})
      ALL LEFT JOIN (SELECT referral_id, conversion_id AS c_id, converted_at AS c_at, amount AS c_amount,
                       refunded_at AS c_refunded_at, refund_amount AS c_refund_amount, referrer AS c_referrer,
                       coupon_code AS c_coupon FROM ref_qualifying) USING referral_id`;
  const r6 = `SELECT * FROM (${r5})
      ALL LEFT JOIN (SELECT referral_id, reward_amount AS w_amount, clawed_back AS w_clawed, status_rank AS w_rank,
                       reward_paid_at AS w_paid FROM ref_rewards) USING referral_id`;
  const r7 = `SELECT * FROM (${r6})
      ALL LEFT JOIN (SELECT acct AS friend_id, last_shared_at AS fs_at FROM ref_account_shares) USING friend_id`;
  const r8 = `SELECT * FROM (${r7})
      ALL LEFT JOIN (SELECT referral_id, prior_claims AS cl_prior, first_advocate AS cl_first FROM ref_claims) USING referral_id`;
  return `SELECT referral_id, resolved AS advocate_id, a_acct AS advocate_acct, friend_id,
       coalesce(friend_id, concat('referral:', referral_id)) AS friend_acct,
       signed_up_at, click_id, k_at AS clicked_at, coalesce(k_at, signed_up_at) AS referred_at,
       coalesce(r_channel, k_channel, 'unknown') AS channel,
       a_persona AS persona, a_region AS region, a_tier AS tier, a_kind AS advocate_kind,
       ${daysBefore('signed_up_at', p.end, d)} AS d_signup,
       c_id AS conversion_id, c_at AS converted_at, ${daysBefore('c_at', p.end, d)} AS d_converted,
       ${dec('c_amount', d)} AS amount, ${netAmountSql('c_', d)} AS net_amount,
       CASE WHEN c_refunded_at < ${end} THEN c_refunded_at END AS refunded_at, c_refund_amount AS refund_amount,
       c_referrer AS conversion_referrer, c_coupon AS coupon_code,
       coalesce(w_amount, ${dec('0', d)}) AS reward_amount, coalesce(w_clawed, ${dec('0', d)}) AS clawed_back,
       multiIf(w_rank = 3, 'paid', w_rank = 2, 'pending', w_rank = 1, 'clawed_back', w_rank = 0, 'void', NULL) AS reward_status,
       w_paid AS reward_paid_at,
       CASE WHEN fs_at >= c_at THEN 1 ELSE 0 END AS friend_shared,
       coalesce(cl_prior, 0) AS prior_claims, cl_first AS first_advocate
     FROM (${r8})`;
}

function shareAggCh(p: DeriveParams): string {
  const d = 'clickhouse' as const;
  return `SELECT advocate_id, coalesce(s_channel, 'unknown') AS channel, persona, region, tier, kind,
       ${daysBefore('s_at', p.end, d)} AS d, 1 AS shares, coalesce(s_recipients, 1) AS invites FROM
       (SELECT advocate_id, channel AS s_channel, shared_at AS s_at, recipients AS s_recipients FROM ref_shares
        WHERE shared_at >= ${tsLit(p.from, d)} AND shared_at < ${tsLit(p.end, d)})
     ALL INNER JOIN (SELECT advocate_id, persona, region, tier, kind FROM ref_advocates) USING advocate_id`;
}

const clickAggCh = () =>
  `SELECT if(g_partner <> '', g_partner, NULL) AS advocate_id, channel, g_persona AS persona, g_region AS region,
     g_tier AS tier, g_kind AS kind, d, clicks FROM
     (SELECT assumeNotNull(seg) AS g, channel, d, clicks FROM ref_click_days WHERE isNotNull(seg))
   ALL INNER JOIN (SELECT seg AS g, ${segKeys('partner_id')} FROM ref_segments) USING g`;

function payoutAggCh(p: DeriveParams): string {
  const d = 'clickhouse' as const;
  const amt = dec('p_amount', d);
  const z = dec('0', d);
  return `SELECT channel, persona, region, tier, d,
       sum(CASE WHEN p_kind = 'reward' OR p_kind IS NULL THEN ${amt} ELSE ${z} END) AS rewards,
       sum(CASE WHEN p_kind = 'incentive' THEN ${amt} ELSE ${z} END) AS incentives,
       sum(CASE WHEN p_kind = 'fee' THEN ${amt} ELSE ${z} END) AS fees,
       sum(CASE WHEN p_status = 'clawed_back' THEN ${amt} ELSE ${z} END) AS clawbacks FROM (
     SELECT coalesce(r_channel, 'unknown') AS channel, persona, region, tier, ${daysBefore('p_at', p.end, d)} AS d,
       p_kind, p_amount, p_status FROM (
       SELECT referral_id, p_kind, p_amount, p_status, p_at, persona, region, tier FROM
         (SELECT advocate_id, referral_id, kind AS p_kind, amount AS p_amount, status AS p_status, created_at AS p_at
          FROM ref_payouts WHERE coalesce(status, '') <> 'void' AND created_at >= ${tsLit(p.from, d)}
            AND created_at < ${tsLit(p.end, d)})
       ALL INNER JOIN (SELECT advocate_id, persona, region, tier FROM ref_advocates) USING advocate_id)
     ALL LEFT JOIN (SELECT referral_id, channel AS r_channel FROM ref_ref) USING referral_id)
   GROUP BY channel, persona, region, tier, d`;
}

function newCustomersCh(p: DeriveParams): string {
  const d = 'clickhouse' as const;
  return `SELECT customer_id, ${daysBefore('first_at', p.end, d)} AS d, net_amount FROM (
       SELECT customer_id, min(converted_at) AS first_at, argMin(net, converted_at) AS net_amount FROM
         (SELECT customer_id, converted_at, ${netAmountSql('', d)} AS net FROM ref_conversions
          WHERE ${revenueStageSql(p)} AND converted_at < ${tsLit(p.end, d)})
       GROUP BY customer_id)
     WHERE first_at >= ${tsLit(p.from, d)}`;
}

/** The refresh's statements on ClickHouse: the same tables, columns and rows as `deriveStatements` on DuckDB. */
function deriveStatementsClickHouse(p: DeriveParams): { table: string; sql: string }[] {
  const ch = (table: string, select: string) => ({ table, sql: createTableAs(table, select, 'clickhouse') });
  const duck = { ...p, dialect: 'clickhouse' as const };
  return [
    ch('ref_advocates', advocatesCh(p)),
    ch('ref_segments', segmentsCh()),
    ch('ref_codes', codesCh()),
    ch('ref_referrals', referralsCh(p)),
    ch('ref_shares', sharesCh()),
    ch('ref_click_facts', clickFactsCh()),
    ch('ref_click_days', clickDaysCh(p)),
    { table: 'ref_conversions', sql: conversionsSql(duck) },
    { table: 'ref_payouts', sql: payoutsSql(duck) },
    ch('ref_qualifying', qualifyingCh(p)),
    ch('ref_rewards', rewardsCh()),
    ch('ref_account_shares', accountSharesCh(p)),
    ch('ref_claims', claimsCh()),
    ch('ref_ref', referralFactsCh(p)),
    ch('ref_share_agg', shareAggCh(p)),
    ch('ref_click_agg', clickAggCh()),
    ch('ref_payout_agg', payoutAggCh(p)),
    ch('ref_new_customers', newCustomersCh(p)),
  ];
}
