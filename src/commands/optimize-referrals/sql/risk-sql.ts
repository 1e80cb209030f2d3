/**
 * The risk review's SQL: identifiers per account, the identifiers two or more accounts share
 * (capped: more accounts is infrastructure), what each referral's advocate and friend share, the
 * per-advocate activity for velocity, the edges and node activity of the ring graph, and the
 * per-referral features of the referrals worth scoring. Only those candidates and the graph's
 * edges come back to TypeScript.
 */
import { literal, type Dialect } from '../../../data/index.ts';
import { SESSION_COLUMNS as SESSION, sessionHashSql } from './derive-sql.ts';
import { createTableAs, daysBefore, distinctList, hashKey, tsLit } from './sql-fns.ts';

/** Identifier kinds as the tables spell them; `RING_KINDS` index = IDENTIFIER_KINDS of detectRings. */
export const RING_KINDS = ['ipua', 'device', 'cookie', 'payment', 'email_domain'] as const;
const PAIR_KINDS = ['ip', 'ipua', 'device', 'cookie', 'payment'];

export interface RiskParams {
  start: string;
  end: string;
  /** Window length in days (scored referrals: d_signup in 0..days). */
  days: number;
  /** Earliest instant read for advocates' share sessions. */
  from: string;
  maxAccountsPerIdentifier: number;
  revenueStages: readonly string[];
  dialect?: Dialect;
}

const ipua = (ip: string, ua: string) =>
  `CASE WHEN ${ip} IS NOT NULL AND ${ua} IS NOT NULL THEN ${ip} || '|' || ${ua} END`;

/** The friend's account: the friend's customer id, else one of its own per referral. */
const friendAcct = (r = '') => `COALESCE(${r}friend_id, 'referral:' || ${r}referral_id)`;

/**
 * The text of the clicks a sign-up names whose session may differ from that sign-up's
 * (`ref_click_text`: click_id, ip, user_agent, device_id, cookie_id; one row per click), read from
 * the clicks' view in one pass: the named clicks (`ref_click_facts`, by source row) whose hash of
 * the four identifiers differs from the hash of their sign-up's; `clickDiffSql` then compares them
 * exactly. Equal hashes are taken as equal sessions (a differing identifier hidden with a
 * probability of about 10⁻¹³ over 4M comparisons). The clicks' narrow table keeps no session
 * (`CLICKS_NARROW_DUCKDB`): only the named clicks' is ever compared. A source row that names rows in
 * several files of a source may fetch a click no sign-up differs from: harmless, as `clickDiffSql`
 * matches by click id. On ClickHouse the rows come from a hash per identifier (`clickMaybeSqlCh`).
 */
export function clickTextSql(p: RiskParams): string {
  return createTableAs(
    'ref_click_text',
    `SELECT v.click_id, ${SESSION.map((c) => `v.${c}`).join(', ')} FROM clicks v
     SEMI JOIN (SELECT k._source, k._row, ${sessionHashSql('r')} AS h
                FROM ref_referrals r JOIN ref_click_facts k ON k.rid = r.rowid) m
       ON m._source = v._source AND m._row = v._row AND ${sessionHashSql('v')} <> m.h`,
    p.dialect,
  );
}

/**
 * The friends' click sessions where they differ from the sign-up's (usually the click and the
 * sign-up are one session: those referrals have no row), one column per identifier kind, NULL
 * where that kind does not differ; from the named clicks' text where their session may differ
 * (`ref_click_text`: click_id, ip, user_agent, device_id, cookie_id). The sign-up's
 * identities, email and name are read from `ref_referrals` itself (normalized once there).
 */
export function clickDiffSql(p: RiskParams): string {
  if (p.dialect === 'clickhouse') return clickDiffSqlCh();
  const differs = (x: string, y: string) => `CASE WHEN ${x} <> COALESCE(${y}, '') THEN ${x} END`;
  const kinds = {
    ip: differs('k.ip', 'r.ip'),
    ipua: differs(ipua('k.ip', 'k.user_agent'), ipua('r.ip', 'r.user_agent')),
    device: differs('k.device_id', 'r.device_id'),
    cookie: differs('k.cookie_id', 'r.cookie_id'),
  };
  return createTableAs(
    'ref_click_diff',
    `SELECT friend_acct, ${Object.keys(kinds).join(', ')} FROM (
       SELECT ${friendAcct('r.')} AS friend_acct,
         ${Object.entries(kinds)
           .map(([k, x]) => `${x} AS ${k}`)
           .join(', ')}
       FROM ref_referrals r JOIN ref_click_text k ON k.click_id = r.click_id) t
     WHERE ${Object.keys(kinds)
       .map((k) => `${k} IS NOT NULL`)
       .join(' OR ')}`,
    p.dialect,
  );
}

/**
 * Every (account, identifier kind, value) seen, as a union to read (not a table): advocates'
 * profiles and share sessions, friends' sign-ups and clicks. Company email domains only (webmail
 * and disposable ones are in `ref_domain_flags`, built before).
 */
function identifierUnionSql(p: RiskParams): string {
  const d = p.dialect;
  const companyDomain = `CASE WHEN email_local <> '' AND email_domain NOT IN (SELECT domain FROM ref_domain_flags) THEN email_domain END`;
  const parts = (acct: string, from: string, cols: Record<string, string>) =>
    Object.entries(cols).map(
      ([kind, expr]) => `SELECT ${acct} AS acct, ${literal(kind)} AS kind, ${expr} AS value FROM ${from}`,
    );
  const shares = `ref_shares s JOIN ref_advocates sa ON sa.advocate_id = s.advocate_id
    WHERE s.shared_at >= ${tsLit(p.from, d)} AND s.shared_at < ${tsLit(p.end, d)}`;
  const selects = [
    ...parts('acct', 'ref_advocates', {
      ip: 'ip',
      ipua: ipua('ip', 'user_agent'),
      device: 'device_id',
      payment: 'payment_fingerprint',
      email_domain: companyDomain,
    }),
    ...parts('sa.acct', shares, { ip: 's.ip', ipua: ipua('s.ip', 's.user_agent'), device: 's.device_id' }),
    ...parts(friendAcct(), 'ref_referrals', {
      ip: 'ip',
      ipua: ipua('ip', 'user_agent'),
      device: 'device_id',
      cookie: 'cookie_id',
      payment: 'payment_fingerprint',
      email_domain: companyDomain,
    }),
    // the click's session, where it differs from the sign-up's (usually it is the same session)
    ...parts('friend_acct', 'ref_click_diff', { ip: 'ip', ipua: 'ipua', device: 'device', cookie: 'cookie' }),
  ];
  return `SELECT acct, kind, value FROM (${selects.join('\nUNION ALL ')}) t WHERE value IS NOT NULL AND value <> ''`;
}

/**
 * The identifiers two to `cap` accounts share, in two passes over the union instead of a DISTINCT
 * of all of it (nearly every identifier belongs to one account): the (kind, value hash) pairs seen
 * more than once, an integer GROUP BY that finds a superset of the repeated values without
 * comparing strings; the distinct (account, kind, value) rows of those, exactly; then the
 * identifiers of two accounts or more, the cap applied, with the star hub (smallest account) of each.
 */
export function sharedIdentifiersSql(p: RiskParams): string[] {
  if (p.dialect === 'clickhouse') return sharedIdentifiersSqlCh(p);
  const union = identifierUnionSql(p);
  const h = hashKey('value', p.dialect);
  return [
    createTableAs(
      'ref_shared_keys',
      `SELECT kind, ${h} AS h FROM (${union}) u GROUP BY kind, ${h} HAVING count(*) > 1`,
      p.dialect,
    ),
    createTableAs(
      'ref_sid_all',
      `SELECT DISTINCT u.acct, u.kind, u.value FROM (${union}) u
       JOIN ref_shared_keys k ON k.kind = u.kind AND k.h = ${hashKey('u.value', p.dialect)}`,
      p.dialect,
    ),
    createTableAs(
      'ref_shared_ids',
      `SELECT kind, value, count(*) AS accounts, min(acct) AS hub FROM ref_sid_all
       GROUP BY kind, value HAVING count(*) > 1 AND count(*) <= ${Math.floor(p.maxAccountsPerIdentifier)}`,
      p.dialect,
    ),
    createTableAs(
      'ref_sid',
      `SELECT i.acct, i.kind, i.value, s.hub FROM ref_sid_all i
       JOIN ref_shared_ids s ON s.kind = i.kind AND s.value = i.value`,
      p.dialect,
    ),
  ];
}

/** What each scored referral's advocate and friend share (IP, IP + user agent, device, cookie, card). */
export function pairSharedSql(p: RiskParams): string {
  if (p.dialect === 'clickhouse') return pairSharedSqlCh(p);
  return createTableAs(
    'ref_pair_shared',
    `SELECT r.referral_id, a.kind, a.value FROM ref_ref r
     JOIN ref_sid a ON a.acct = r.advocate_acct
     JOIN ref_sid f ON f.acct = r.friend_acct AND f.kind = a.kind AND f.value = a.value
     WHERE r.d_signup >= 0 AND r.d_signup < ${p.days} AND r.advocate_acct <> r.friend_acct
       AND a.kind IN (${PAIR_KINDS.map((k) => literal(k)).join(', ')})`,
    p.dialect,
  );
}

/** Distinct email domains of advocates and friends, for the disposable and webmail lists. */
export const emailDomainsSql = (): string =>
  `SELECT DISTINCT domain FROM (
     SELECT email_domain AS domain FROM ref_advocates WHERE email_local <> ''
     UNION ALL SELECT email_domain FROM ref_referrals WHERE email_local <> '') t`;

/**
 * Referred conversions per advocate account in the window: total, busiest day and week (weeks end
 * at as-of), and the days the advocate could refer, with the advocate's kind (partners are judged
 * against partners, customers against customers); advocates without conversions come back as one
 * line per kind (their days are all the velocity norm needs of them).
 */
export function velocitySql(p: RiskParams): string {
  if (p.dialect === 'clickhouse') return velocitySqlCh(p);
  const d = p.dialect;
  const week = 'CAST(floor(d / 7) AS INTEGER)';
  const active = `greatest(1, ${daysBefore(`greatest(joined_at, ${tsLit(p.start, d)})`, p.end, d)} + 1)`;
  return `SELECT a.kind, COALESCE(c.acct, '') AS acct, COALESCE(c.conversions, 0) AS conversions,
            sum(a.active_days) AS active_days, COALESCE(max(c.peak_day), 0) AS peak_day,
            COALESCE(max(w.peak_week), 0) AS peak_week
          FROM (SELECT acct, kind, least(${p.days}, ${active}) AS active_days FROM
                  (SELECT acct, min(kind) AS kind, min(joined_at) AS joined_at FROM ref_advocates GROUP BY acct) j) a
          LEFT JOIN (SELECT acct, sum(n) AS conversions, max(n) AS peak_day FROM
                       (SELECT advocate_acct AS acct, d_converted AS d, count(*) AS n FROM ref_ref
                        WHERE d_converted >= 0 AND d_converted < ${p.days} GROUP BY advocate_acct, d_converted) x
                     GROUP BY acct) c ON c.acct = a.acct
          LEFT JOIN (SELECT acct, max(n) AS peak_week FROM
                       (SELECT advocate_acct AS acct, ${week} AS w, count(*) AS n FROM
                          (SELECT advocate_acct, d_converted AS d FROM ref_ref WHERE d_converted >= 0 AND d_converted < ${p.days}) y
                        GROUP BY advocate_acct, ${week}) z
                     GROUP BY acct) w ON w.acct = a.acct
          GROUP BY a.kind, COALESCE(c.acct, ''), COALESCE(c.conversions, 0)`;
}

/** Ring edges: a star per shared identifier (hub = its smallest account). */
export function ringEdgesSql(p: RiskParams): string {
  return createTableAs(
    'ref_edges',
    `SELECT hub, acct, kind, value FROM ref_sid
     WHERE acct <> hub AND kind IN (${RING_KINDS.map((k) => literal(k)).join(', ')})
`,
    p.dialect,
  );
}

/**
 * DuckDB: the ring graph numbered in the engine, so that only integers cross into TypeScript
 * (`reviewRings` read every edge's four strings and every node's account id as row objects: at 10M
 * clicks 143k edges and 249k nodes, 2–4 s of conversion). The numbering is the one the row path
 * gives: edges in (kind, value, account) order; an identifier is numbered where its (kind, value)
 * first appears (a dense rank in that order); an account where it first appears, its edge's hub
 * before the edge's account (`ref_node_num.node`); `ref_edge_num` keeps each edge's nodes.
 */
export function ringNumberingSql(): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE ref_edge_seq AS SELECT hub, acct, kind, value,
       row_number() OVER (ORDER BY kind, value, acct) - 1 AS e,
       dense_rank() OVER (ORDER BY kind, value) - 1 AS ident
     FROM ref_edges`,
    `CREATE OR REPLACE TEMP TABLE ref_node_num AS SELECT acct, CAST(row_number() OVER (ORDER BY first) - 1 AS INTEGER) AS node
     FROM (SELECT acct, min(k) AS first FROM (SELECT hub AS acct, 2 * e AS k FROM ref_edge_seq
                                             UNION ALL SELECT acct, 2 * e + 1 AS k FROM ref_edge_seq) x GROUP BY acct) f`,
    `CREATE OR REPLACE TEMP TABLE ref_edge_num AS SELECT s.e, h.node AS from_node, a.node AS to_node,
       CAST(CASE s.kind ${RING_KINDS.map((k, i) => `WHEN ${literal(k)} THEN ${i}`).join(' ')} END AS INTEGER) AS kind,
       CAST(s.ident AS INTEGER) AS ident
     FROM ref_edge_seq s JOIN ref_node_num h ON h.acct = s.hub JOIN ref_node_num a ON a.acct = s.acct`,
  ];
}

/**
 * Per ring node: rewards paid as an advocate; rewarded as a friend and orders after that reward;
 * orders and refunds. Each part reads only the nodes' rows (a semi-join on the node list before
 * it groups), not every advocate's, friend's and customer's.
 */
export function nodeActivitySql(p: RiskParams): string {
  if (p.dialect === 'clickhouse') return nodeActivitySqlCh(p);
  const end = tsLit(p.end, p.dialect);
  const revenue = `(c.stage IS NULL OR c.stage IN (${p.revenueStages.map((s) => literal(s)).join(', ')}))`;
  const nodes = '(SELECT hub AS acct FROM ref_edges UNION SELECT acct FROM ref_edges)';
  return `SELECT n.acct, COALESCE(rp.paid, 0) AS rewards_paid, COALESCE(rf.rewarded, 0) AS rewarded_friend,
            COALESCE(rf.orders_after, 0) AS orders_after_reward, COALESCE(o.orders, 0) AS orders,
            COALESCE(o.refunds, 0) AS refunds
          FROM ${nodes} n
          LEFT JOIN (SELECT a.acct, sum(p.amount) AS paid FROM ref_payouts p JOIN ref_advocates a ON a.advocate_id = p.advocate_id
                     WHERE ${paidReward(p, 'p.')} AND a.acct IN ${nodes}
                     GROUP BY a.acct) rp ON rp.acct = n.acct
          LEFT JOIN (SELECT f.acct, 1 AS rewarded, count(c.conversion_id) AS orders_after FROM
                       (SELECT friend_acct AS acct, min(reward_paid_at) AS first_reward, max(conversion_id) AS qualifying
                        FROM ref_ref WHERE reward_paid_at IS NOT NULL AND friend_acct IN ${nodes} GROUP BY friend_acct) f
                     LEFT JOIN ref_conversions c ON c.customer_id = f.acct AND c.converted_at > f.first_reward
                       AND c.converted_at < ${end} AND c.conversion_id <> f.qualifying AND ${revenue}
                     GROUP BY f.acct) rf ON rf.acct = n.acct
          LEFT JOIN (SELECT c.customer_id AS acct, count(*) AS orders,
                       sum(CASE WHEN c.refunded_at < ${end} THEN 1 ELSE 0 END) AS refunds
                     FROM ref_conversions c WHERE c.converted_at < ${end} AND ${revenue}
                       AND c.customer_id IN ${nodes} GROUP BY c.customer_id) o ON o.acct = n.acct`;
}

/** A payout that counts as a reward paid (a clawed-back one was recovered, a pending one is held). */
const paidReward = (p: RiskParams, c = '') =>
  `${c}status = 'paid' AND (${c}kind IS NULL OR ${c}kind = 'reward') AND ${c}created_at < ${tsLit(p.end, p.dialect)}`;

/**
 * The friends' side of a ring's rewards (`RingGraph.friendRewards`): rewards paid on referrals
 * whose friend is a ring-graph node, by friend and by the payout's advocate account. DuckDB: as
 * node numbers (`ref_node_num`; −1 for an advocate in no edge); ClickHouse: as accounts
 * (`friend_acct`, `advocate_acct`), numbered by the row path.
 */
export function friendRewardsSql(p: RiskParams): string {
  if (p.dialect === 'clickhouse') return friendRewardsSqlCh(p);
  return `SELECT fn.node AS friend_node, COALESCE(an.node, -1) AS advocate_node, CAST(sum(p.amount) AS DOUBLE) AS paid
          FROM ref_payouts p JOIN ref_ref r ON r.referral_id = p.referral_id
          JOIN ref_node_num fn ON fn.acct = r.friend_acct
          JOIN ref_advocates a ON a.advocate_id = p.advocate_id
          LEFT JOIN ref_node_num an ON an.acct = a.acct
          WHERE ${paidReward(p, 'p.')}
          GROUP BY fn.node, COALESCE(an.node, -1)`;
}

/** `friendRewardsSql` on ClickHouse (accounts, one JOIN per SELECT). */
function friendRewardsSqlCh(p: RiskParams): string {
  const nodes = '(SELECT hub FROM ref_edges UNION ALL SELECT acct FROM ref_edges)';
  return `SELECT friend_acct, advocate_acct, sum(p_amount) AS paid FROM (
      SELECT friend_acct, advocate_id, p_amount FROM
        (SELECT advocate_id, referral_id, amount AS p_amount FROM ref_payouts
         WHERE referral_id IS NOT NULL AND ${paidReward(p)})
        ALL INNER JOIN (SELECT referral_id, friend_acct FROM ref_ref WHERE friend_acct IN ${nodes}) USING referral_id)
      ALL INNER JOIN (SELECT advocate_id, acct AS advocate_acct FROM ref_advocates) USING advocate_id
    GROUP BY friend_acct, advocate_acct`;
}

/** Referrals of the window whose conversion came through a coupon, deal or cashback site (substring pre-selection). */
export function couponHitsSql(p: RiskParams): string {
  if (p.dialect === 'clickhouse') return couponHitsSqlCh(p);
  return createTableAs(
    'ref_coupon_hits',
    `SELECT DISTINCT r.referral_id FROM ref_ref r, ref_coupon_domains cd
     WHERE r.d_signup >= 0 AND r.d_signup < ${p.days} AND r.conversion_referrer IS NOT NULL
       AND strpos(lower(r.conversion_referrer), cd.domain) > 0`,
    p.dialect,
  );
}

/** Shared identifiers of each scored referral, as lists per kind. */
export function pairListsSql(d: Dialect = 'duckdb'): string {
  const of = (kind: string) => distinctList(`CASE WHEN kind = ${literal(kind)} THEN value END`, d);
  return `SELECT referral_id, ${of('ip')} AS ips, ${of('ipua')} AS ip_user_agents, ${of('device')} AS devices,
            ${of('cookie')} AS cookies, ${of('payment')} AS payments
          FROM ref_pair_shared GROUP BY referral_id`;
}

// ---------------------------------------------------------------------------------------------
// ClickHouse 18.16 forms (one JOIN per SELECT on renamed keys; no output alias equal to an input
// column read elsewhere in its SELECT; GROUP BY instead of DISTINCT over a JOIN, which 18.16
// applies before the join). Narrow hashes are cityHash64 there and NULL stays NULL.

const ipuaCh = (ip: string, ua: string) =>
  `if(isNotNull(${ip}) AND isNotNull(${ua}), concat(${ip}, '|', ${ua}), NULL)`;

/**
 * The clicks a sign-up names whose session may differ from that sign-up's, by source row, on
 * ClickHouse (a hash per identifier in the narrow table): the rows whose text `clickTexts` fetches.
 */
export function clickMaybeSqlCh(): string {
  const has = (c: string) => `isNotNull(${c}_hash)`;
  const neq = (c: string, r: string) => `(${r} IS NULL OR ${c}_hash <> cityHash64(${r}))`;
  const maybe = [
    `(${has('ip')} AND ${neq('ip', 'r_ip')})`,
    `(${has('ip')} AND ${has('user_agent')} AND (${neq('ip', 'r_ip')} OR ${neq('user_agent', 'r_ua')}))`,
    `(${has('device_id')} AND ${neq('device_id', 'r_dev')})`,
    `(${has('cookie_id')} AND ${neq('cookie_id', 'r_ck')})`,
  ];
  return createTableAs(
    'ref_click_maybe',
    `SELECT _source, _row FROM
       (SELECT click_id, ip AS r_ip, user_agent AS r_ua, device_id AS r_dev, cookie_id AS r_ck FROM ref_referrals
        WHERE click_id IS NOT NULL)
     ALL INNER JOIN (SELECT click_id, _source, _row, ip_hash, user_agent_hash, device_id_hash, cookie_id_hash
                     FROM ref_click_facts) USING click_id
     WHERE ${maybe.map((m) => `ifNull(${m}, 0)`).join(' OR ')}
     GROUP BY _source, _row`,
    'clickhouse',
  );
}

/** `clickDiffSql` on ClickHouse. */
export function clickDiffSqlCh(): string {
  const differs = (x: string, y: string) => `if(${x} <> coalesce(${y}, ''), ${x}, NULL)`;
  return createTableAs(
    'ref_click_diff',
    `SELECT friend_acct, ip, ipua, device, cookie FROM (
       SELECT coalesce(friend_id, concat('referral:', referral_id)) AS friend_acct,
         ${differs('k_ip', 'r_ip')} AS ip,
         ${differs(ipuaCh('k_ip', 'k_ua'), ipuaCh('r_ip', 'r_ua'))} AS ipua,
         ${differs('k_dev', 'r_dev')} AS device, ${differs('k_ck', 'r_ck')} AS cookie FROM
         (SELECT referral_id, friend_id, click_id, ip AS r_ip, user_agent AS r_ua, device_id AS r_dev,
            cookie_id AS r_ck FROM ref_referrals WHERE click_id IS NOT NULL)
         ALL INNER JOIN (SELECT click_id, ip AS k_ip, user_agent AS k_ua, device_id AS k_dev, cookie_id AS k_ck
                         FROM ref_click_text) USING click_id)
     WHERE ip IS NOT NULL OR ipua IS NOT NULL OR device IS NOT NULL OR cookie IS NOT NULL`,
    'clickhouse',
  );
}

function identifierUnionSqlCh(p: RiskParams): string {
  const d = 'clickhouse' as const;
  const companyDomain = `if(email_local <> '' AND email_domain NOT IN (SELECT domain FROM ref_domain_flags), email_domain, NULL)`;
  const parts = (acct: string, from: string, cols: Record<string, string>) =>
    Object.entries(cols).map(
      ([kind, expr]) =>
        `SELECT toNullable(toString(${acct})) AS acct, ${literal(kind, d)} AS kind, toNullable(toString(${expr})) AS value FROM ${from}`,
    );
  const shares = `(SELECT advocate_id, ip AS s_ip, user_agent AS s_ua, device_id AS s_dev FROM ref_shares
      WHERE shared_at >= ${tsLit(p.from, d)} AND shared_at < ${tsLit(p.end, d)})
    ALL INNER JOIN (SELECT advocate_id, acct AS s_acct FROM ref_advocates) USING advocate_id`;
  const selects = [
    ...parts(
      'a_acct',
      '(SELECT acct AS a_acct, ip AS a_ip, user_agent AS a_ua, device_id AS a_dev, payment_fingerprint AS a_pay, email_local, email_domain FROM ref_advocates)',
      {
        ip: 'a_ip',
        ipua: ipuaCh('a_ip', 'a_ua'),
        device: 'a_dev',
        payment: 'a_pay',
        email_domain: companyDomain,
      },
    ),
    ...parts('s_acct', shares, { ip: 's_ip', ipua: ipuaCh('s_ip', 's_ua'), device: 's_dev' }),
    ...parts(
      'f_acct',
      `(SELECT coalesce(friend_id, concat('referral:', referral_id)) AS f_acct, ip AS f_ip, user_agent AS f_ua,
          device_id AS f_dev, cookie_id AS f_ck, payment_fingerprint AS f_pay, email_local, email_domain FROM ref_referrals)`,
      {
        ip: 'f_ip',
        ipua: ipuaCh('f_ip', 'f_ua'),
        device: 'f_dev',
        cookie: 'f_ck',
        payment: 'f_pay',
        email_domain: companyDomain,
      },
    ),
    ...parts(
      'c_acct',
      '(SELECT friend_acct AS c_acct, ip AS c_ip, ipua AS c_ipua, device AS c_dev, cookie AS c_ck FROM ref_click_diff)',
      {
        ip: 'c_ip',
        ipua: 'c_ipua',
        device: 'c_dev',
        cookie: 'c_ck',
      },
    ),
  ];
  return `SELECT acct, kind, value FROM (${selects.join('\nUNION ALL ')}) WHERE value IS NOT NULL AND value <> ''`;
}

/** `sharedIdentifiersSql` on ClickHouse. */
export function sharedIdentifiersSqlCh(p: RiskParams): string[] {
  const union = identifierUnionSqlCh(p);
  const ch = (t: string, s: string) => createTableAs(t, s, 'clickhouse');
  return [
    ch(
      'ref_shared_keys',
      `SELECT kind, cityHash64(value) AS h FROM (${union}) GROUP BY kind, h HAVING count() > 1`,
    ),
    ch(
      'ref_sid_all',
      `SELECT acct, kind, value FROM (SELECT acct, kind, value, cityHash64(value) AS h FROM (${union}))
       ALL INNER JOIN (SELECT kind, h FROM ref_shared_keys) USING kind, h
       GROUP BY acct, kind, value`,
    ),
    ch(
      'ref_shared_ids',
      `SELECT kind, value, count() AS accounts, min(acct) AS hub FROM ref_sid_all
       GROUP BY kind, value HAVING count() > 1 AND count() <= ${Math.floor(p.maxAccountsPerIdentifier)}`,
    ),
    ch(
      'ref_sid',
      `SELECT acct, kind, value, hub FROM ref_sid_all
       ALL INNER JOIN (SELECT kind, value, hub FROM ref_shared_ids) USING kind, value`,
    ),
  ];
}

/** `pairSharedSql` on ClickHouse. */
export function pairSharedSqlCh(p: RiskParams): string {
  return createTableAs(
    'ref_pair_shared',
    `SELECT referral_id, kind, value FROM (
       SELECT referral_id, f_acct, kind, value FROM
         (SELECT referral_id, advocate_acct AS acct, friend_acct AS f_acct FROM ref_ref
          WHERE d_signup >= 0 AND d_signup < ${p.days} AND advocate_acct <> friend_acct)
         ALL INNER JOIN (SELECT acct, kind, value FROM ref_sid
                         WHERE kind IN (${PAIR_KINDS.map((k) => literal(k, 'clickhouse')).join(', ')})) USING acct)
     ALL INNER JOIN (SELECT acct AS f_acct, kind, value FROM ref_sid) USING f_acct, kind, value`,
    'clickhouse',
  );
}

/** `velocitySql` on ClickHouse. */
export function velocitySqlCh(p: RiskParams): string {
  const d = 'clickhouse' as const;
  const active = `greatest(1, ${daysBefore(`greatest(j_at, ${tsLit(p.start, d)})`, p.end, d)} + 1)`;
  const inWindow = `d_converted >= 0 AND d_converted < ${p.days}`;
  const a = `SELECT acct, j_kind, least(${p.days}, ${active}) AS a_days FROM
      (SELECT acct, min(kind) AS j_kind, min(joined_at) AS j_at FROM ref_advocates GROUP BY acct)`;
  const c = `SELECT acct, sum(n) AS c_conv, max(n) AS c_peak FROM
      (SELECT advocate_acct AS acct, d_converted AS dc, count() AS n FROM ref_ref WHERE ${inWindow}
       GROUP BY advocate_acct, d_converted) GROUP BY acct`;
  const w = `SELECT acct, max(n) AS w_peak FROM
      (SELECT advocate_acct AS acct, toInt32(floor(d_converted / 7)) AS wk, count() AS n FROM ref_ref WHERE ${inWindow}
       GROUP BY advocate_acct, wk) GROUP BY acct`;
  return `SELECT j_kind AS kind, acct_key AS acct, conversions, sum(a_days) AS active_days,
       max(p_day) AS peak_day, max(p_week) AS peak_week FROM (
       SELECT j_kind, if(isNull(c_conv), '', acct) AS acct_key, coalesce(c_conv, 0) AS conversions, a_days,
         coalesce(c_peak, 0) AS p_day, coalesce(w_peak, 0) AS p_week FROM (
         SELECT * FROM (${a}) ALL LEFT JOIN (${c}) USING acct)
       ALL LEFT JOIN (${w}) USING acct)
     GROUP BY j_kind, acct_key, conversions`;
}

/** `nodeActivitySql` on ClickHouse. */
export function nodeActivitySqlCh(p: RiskParams): string {
  const d = 'clickhouse' as const;
  const end = tsLit(p.end, d);
  const revenue = `(stage IS NULL OR stage IN (${p.revenueStages.map((s) => literal(s, d)).join(', ')}))`;
  const nodes = '(SELECT hub FROM ref_edges UNION ALL SELECT acct FROM ref_edges)';
  const rp = `SELECT acct, sum(p_amount) AS rp_paid FROM
      (SELECT advocate_id, amount AS p_amount FROM ref_payouts
       WHERE ${paidReward(p)})
      ALL INNER JOIN (SELECT advocate_id, acct FROM ref_advocates WHERE acct IN ${nodes}) USING advocate_id
    GROUP BY acct`;
  const rf = `SELECT acct, 1 AS rf_rewarded,
        countIf(ifNull(isNotNull(c_id) AND c_at > first_reward AND c_id <> qualifying, 0)) AS rf_after FROM
      (SELECT friend_acct AS acct, min(reward_paid_at) AS first_reward, max(conversion_id) AS qualifying
       FROM ref_ref WHERE reward_paid_at IS NOT NULL AND friend_acct IN ${nodes} GROUP BY friend_acct)
      ALL LEFT JOIN (SELECT customer_id AS acct, conversion_id AS c_id, converted_at AS c_at FROM ref_conversions
                     WHERE converted_at < ${end} AND ${revenue}) USING acct
    GROUP BY acct`;
  const o = `SELECT customer_id AS acct, count() AS o_orders,
        sum(CASE WHEN refunded_at < ${end} THEN 1 ELSE 0 END) AS o_refunds
      FROM ref_conversions WHERE converted_at < ${end} AND ${revenue} AND customer_id IN ${nodes}
      GROUP BY customer_id`;
  return `SELECT acct, coalesce(rp_paid, 0) AS rewards_paid, coalesce(rf_rewarded, 0) AS rewarded_friend,
       coalesce(rf_after, 0) AS orders_after_reward, coalesce(o_orders, 0) AS orders, coalesce(o_refunds, 0) AS refunds
     FROM (SELECT * FROM (SELECT * FROM (SELECT DISTINCT hub AS acct FROM ${nodes})
             ALL LEFT JOIN (${rp}) USING acct)
           ALL LEFT JOIN (${rf}) USING acct)
     ALL LEFT JOIN (${o}) USING acct`;
}

/** `couponHitsSql` on ClickHouse. */
export function couponHitsSqlCh(p: RiskParams): string {
  return createTableAs(
    'ref_coupon_hits',
    `SELECT referral_id FROM
       (SELECT referral_id, lowerUTF8(conversion_referrer) AS ref_l FROM ref_ref
        WHERE d_signup >= 0 AND d_signup < ${p.days} AND conversion_referrer IS NOT NULL)
     CROSS JOIN (SELECT domain FROM ref_coupon_domains)
     WHERE position(ref_l, domain) > 0
     GROUP BY referral_id`,
    'clickhouse',
  );
}
