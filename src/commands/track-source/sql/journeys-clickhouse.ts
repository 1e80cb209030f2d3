/**
 * track-source's journey and insight SQL on ClickHouse (18.16 and later): the twins of
 * `journeys-sql.ts` over the canonical entities normalized on the server (`canonicalRelation`),
 * with times as epoch milliseconds. No WITH, no window functions, no non-equi joins: the lookback
 * join is an equi-join on the account with the time condition in WHERE, each "first/last per key"
 * an `argMinIf`/`minIf`, and the journeys come back as one row per opportunity (and per
 * non-converting account) whose touches are arrays of integer codes, sorted on the server with
 * `arraySort` over `groupArray` tuples. Values are escaped through `literal(…, 'clickhouse')`.
 *
 * The relations are SQL text nested into each query (18.16 has no CTEs): every query normalizes
 * the rows it reads again on the shards.
 */
import { literal } from '../../../data/sql-text.ts';
import type { ScopeParams } from './journeys-sql.ts';

const lit = (v: string | number) => literal(v, 'clickhouse');
const list = (xs: readonly string[]) => xs.map((x) => lit(x)).join(', ');
/** `x IN (…)` that is 0, not NULL, for a NULL x or an empty list (DuckDB's `IN (NULL)` keeps no row). */
const inList = (expr: string, xs: readonly string[]) =>
  xs.length ? `ifNull(${expr} IN (${list(xs)}), 0)` : '0';
const ms = (iso: string) => Date.parse(iso);
const DAY_MS = 86_400_000;

/** The canonical relations the queries read (parenthesised SELECTs). */
export interface CanonicalRelations {
  touchpoints: string;
  people: string;
  opportunities: string;
  stage_history: string;
}

const stageRank = (p: ScopeParams, expr: string) => {
  const entries = Object.entries(p.stageRanks);
  return entries.length
    ? `multiIf(${entries.map(([s, r]) => `${expr} = ${lit(s)}, ${Number(r)}`).join(', ')}, 0)`
    : '0';
};

/** Campaign touches with their account (the touch's, else the person's in the CRM): `campaignTouchesSql`. */
export function campaignTouchesCh(p: ScopeParams, r: CanonicalRelations): string {
  return `(SELECT person_id, occurred_at, utm_source, utm_medium, partner, asset, region, touch_type, channel,
      if(isNotNull(account_id), account_id, if(pp_found = 1, pp_account, CAST(NULL AS Nullable(String)))) AS acct
    FROM (SELECT person_id, account_id, occurred_at, utm_source, utm_medium, partner, asset, region, touch_type, channel
          FROM ${r.touchpoints} WHERE ${inList('utm_campaign', p.utmCampaigns)} OR ${inList('asset', p.assetIds)})
    ANY LEFT JOIN (SELECT person_id, min(account_id) AS pp_account, toUInt8(1) AS pp_found FROM ${r.people} GROUP BY person_id)
    USING person_id)`;
}

/** Opportunities in scope (`scopeSql`): created in the window, tagged or touched within the lookback. */
export function scopeCh(p: ScopeParams, r: CanonicalRelations, ctouch: string): string {
  const window = `created_at >= ${ms(p.windowStart)} AND created_at < ${ms(p.windowEnd)}`;
  const lookback = Math.floor(p.lookbackDays) * DAY_MS;
  // a closing stage counts as of the run unless closed_at is after as-of (`scopeSql`)
  const closedByAsOf = `ifNull(closed_at < ${ms(p.asOfEnd)}, 1)`;
  // the furthest stage reached as of the run (`reachedRankSql`): stage changes dated before as-of's
  // end, and the current stage unless it is a close after as-of or first dated at or after as-of
  const beforeAsOf = `ifNull(changed_at < ${ms(p.asOfEnd)}, 0)`;
  const currentKnown = `(NOT ${inList('stage', [p.wonStage, ...p.lostStages])} OR ${closedByAsOf})
      AND NOT (h_found = 1 AND has(h_later, ifNull(stage, '')))`;
  // the campaign's touches stream on the left; the window's opportunities (few) are the join's hash table
  const touched = `SELECT opportunity_id FROM (SELECT acct, occurred_at FROM ${ctouch} WHERE isNotNull(acct))
    ALL INNER JOIN (SELECT opportunity_id, account_id AS acct, created_at AS o_created FROM ${r.opportunities} WHERE ${window}) USING acct
    WHERE occurred_at <= o_created AND occurred_at >= o_created - ${lookback}`;
  return `(SELECT opportunity_id, account_id, created_at, closed_at, stage, currency, amount,
      ifNull(o_region, '(unknown)') AS region, ifNull(o_segment, '(unknown)') AS segment,
      amount * _rate_created AS pipeline,
      if(ifNull(stage = ${lit(p.wonStage)}, 0) AND ${closedByAsOf}, amount * _rate_closed, toFloat64(0)) AS revenue,
      toUInt8(ifNull(stage = ${lit(p.wonStage)}, 0) AND ${closedByAsOf}) AS won,
      toUInt8(${inList('stage', p.lostStages)} AND ${closedByAsOf}) AS lost,
      ${inList('campaign', p.campaignTags)} AS tagged,
      greatest(if(${currentKnown}, ${stageRank(p, 'stage')}, 0), if(h_found = 1, h_rank, 0)) AS max_stage_rank
    FROM (SELECT opportunity_id, account_id, created_at, closed_at, stage, currency, amount, campaign, region AS o_region,
            segment AS o_segment, _rate_created, _rate_closed FROM ${r.opportunities} WHERE ${window})
    ANY LEFT JOIN (SELECT opportunity_id, maxIf(${stageRank(p, 'stage')}, ${beforeAsOf}) AS h_rank,
        groupUniqArrayIf(ifNull(stage, ''), NOT ${beforeAsOf}) AS h_later, toUInt8(1) AS h_found
      FROM ${r.stage_history} GROUP BY opportunity_id)
    USING opportunity_id
    WHERE ${inList('campaign', p.campaignTags)} OR opportunity_id IN (${touched}))`;
}

/** Touches of each in-scope opportunity's account within the lookback (`journeyTouchesSql`), with the person's creation. */
export function journeyTouchesCh(
  p: ScopeParams,
  r: CanonicalRelations,
  ctouch: string,
  scope: string,
): string {
  const lookback = Math.floor(p.lookbackDays) * DAY_MS;
  // ClickHouse 18.16 runs one JOIN per SELECT: the people are joined to the joined touches. The
  // right side of a join is held in memory: the opportunities in scope, not the campaign's touches
  // (which stream on the left), so the join's memory follows the scope, not the touch table
  const joined = `SELECT opportunity_id, o_account, o_created, o_region, occurred_at, channel, t_partner, t_asset, t_region, touch_type, person_id
    FROM (SELECT acct, occurred_at, channel, partner AS t_partner, asset AS t_asset, region AS t_region, touch_type, person_id
          FROM ${ctouch} WHERE isNotNull(acct))
    ALL INNER JOIN (SELECT opportunity_id, account_id AS acct, account_id AS o_account, created_at AS o_created, region AS o_region FROM ${scope}) USING acct
    WHERE occurred_at <= o_created AND occurred_at >= o_created - ${lookback}`;
  return `(SELECT opportunity_id, o_account, o_created, assumeNotNull(occurred_at) AS occurred_at, ifNull(channel, '') AS channel,
      ifNull(t_partner, 'house') AS partner, ifNull(t_asset, '(none)') AS asset, ifNull(t_region, o_region) AS region,
      touch_type, person_id, if(pe_found = 1, pe_created, CAST(NULL AS Nullable(Int64))) AS p_created
    FROM (${joined})
    ANY LEFT JOIN (SELECT person_id, created_at AS pe_created, toUInt8(1) AS pe_found FROM ${r.people}) USING person_id)`;
}

/** Touches from the lookback before the window to its end of accounts that touched the campaign but have no opportunity in scope (`nullPathRowsSql`). */
export function nullTouchesCh(p: ScopeParams, ctouch: string, scope: string): string {
  const from = ms(p.windowStart) - Math.floor(p.lookbackDays) * DAY_MS;
  return `(SELECT acct, assumeNotNull(occurred_at) AS occurred_at, ifNull(channel, '') AS channel, ifNull(partner, 'house') AS partner,
      ifNull(asset, '(none)') AS asset, ifNull(region, '(unknown)') AS region
    FROM ${ctouch}
    WHERE isNotNull(acct) AND occurred_at >= ${from} AND occurred_at < ${ms(p.windowEnd)}
      AND acct NOT IN (SELECT account_id FROM ${scope}))`;
}

/** The distinct values of each touch dimension on journeys and null paths: the dictionaries of the codes. */
export function dictionariesCh(jtouch: string, nulls: string): string {
  return `SELECT groupUniqArray(channel) AS channel, groupUniqArray(partner) AS partner, groupUniqArray(asset) AS asset,
      groupUniqArray(region) AS region, groupUniqArrayIf(assumeNotNull(touch_type), isNotNull(touch_type)) AS touch_type
    FROM (SELECT channel, partner, asset, region, touch_type FROM ${jtouch}
          UNION ALL SELECT channel, partner, asset, region, CAST(NULL AS Nullable(String)) AS touch_type FROM ${nulls})`;
}

/** Text values and their codes: a value's code is its position in the sorted dictionary (1-based). */
export interface Dictionaries {
  channel: string[];
  partner: string[];
  asset: string[];
  region: string[];
  touch_type: string[];
}

const code = (dict: readonly string[], expr: string) =>
  dict.length ? `toUInt32(indexOf([${list(dict)}], ${expr}))` : 'toUInt32(0)';

/**
 * One row per opportunity in scope (`scopeRowsSql` + `journeyRowsSql` + `sourcedSql` +
 * `leadCreatedSql`): its fields, its touches as sorted arrays of time and codes (touch type 0 =
 * none, sorting last as DuckDB's NULLS LAST), the partner that sourced it and its lead's creation.
 */
export function journeysCh(p: ScopeParams, scope: string, jtouch: string, d: Dictionaries): string {
  const tt = `if(isNull(touch_type), toUInt32(${d.touch_type.length + 1}), ${code(d.touch_type, 'assumeNotNull(touch_type)')})`;
  const registration = `${inList('touch_type', p.registrationTypes)} AND partner != 'house'`;
  const perOpp = `SELECT opportunity_id,
      arraySort(groupArray((occurred_at, ${code(d.channel, 'channel')}, ${code(d.partner, 'partner')}, ${code(d.asset, 'asset')}, ${tt}, ${code(d.region, 'region')}))) AS touches,
      if(countIf(${registration}) > 0, argMinIf(partner, occurred_at, ${registration}), CAST(NULL AS Nullable(String))) AS sourced_by,
      if(countIf(isNotNull(p_created) AND p_created <= o_created) > 0, minIf(p_created, isNotNull(p_created) AND p_created <= o_created), CAST(NULL AS Nullable(Int64))) AS lead_ts,
      toUInt8(1) AS j_found
    FROM ${jtouch} GROUP BY opportunity_id`;
  return `SELECT opportunity_id, account_id, created_at AS created_ts, stage, currency, amount, region, segment,
      pipeline, revenue, won, tagged, max_stage_rank,
      arrayMap(x -> x.1, touches) AS ts, arrayMap(x -> x.2, touches) AS channel, arrayMap(x -> x.3, touches) AS partner,
      arrayMap(x -> x.4, touches) AS asset, arrayMap(x -> x.5, touches) AS touch_type, arrayMap(x -> x.6, touches) AS region_code,
      if(j_found = 1, sourced_by, CAST(NULL AS Nullable(String))) AS sourced_by, if(j_found = 1, lead_ts, CAST(NULL AS Nullable(Int64))) AS lead_ts
    FROM ${scope} ANY LEFT JOIN (${perOpp}) USING opportunity_id
    ORDER BY opportunity_id`;
}

/** A list of integers as text `1,2,3`: read from a `TabSeparated` line without a JSON parse. */
const joined = (expr: string) => `arrayStringConcat(arrayMap(x -> toString(x), ${expr}), ',')`;

/**
 * `journeysCh` as `TabSeparated` columns for `queryLines`, in this order: opportunity_id,
 * account_id, created_ts, stage, currency, amount, region, segment, pipeline, revenue, won,
 * tagged, max_stage_rank, then the touches' times, channel, partner, asset, touch type and region
 * codes (each a comma-separated list), sourced_by, lead_ts.
 */
export function journeyLinesCh(p: ScopeParams, scope: string, jtouch: string, d: Dictionaries): string {
  return `SELECT opportunity_id, account_id, created_ts, stage, currency, amount, region, segment, pipeline, revenue,
      won, tagged, max_stage_rank, ${joined('ts')}, ${joined('channel')}, ${joined('partner')}, ${joined('asset')},
      ${joined('touch_type')}, ${joined('region_code')}, sourced_by, lead_ts
    FROM (${journeysCh(p, scope, jtouch, d)})
    ORDER BY opportunity_id`;
}

/** `nullPathsCh` as `TabSeparated` columns: channel, partner, asset and region codes, one account a line, in account order. */
export function nullPathLinesCh(nulls: string, d: Dictionaries): string {
  return `SELECT ${joined('channel')}, ${joined('partner')}, ${joined('asset')}, ${joined('region')}
    FROM (${nullPathsCh(nulls, d)})
    ORDER BY acct`;
}

/** The touch paths of non-converting accounts (`nullPathRowsSql`): one row per account, codes in time order. */
export function nullPathsCh(nulls: string, d: Dictionaries): string {
  return `SELECT acct, arrayMap(x -> x.2, s) AS channel, arrayMap(x -> x.3, s) AS partner, arrayMap(x -> x.4, s) AS asset,
      arrayMap(x -> x.5, s) AS region
    FROM (SELECT acct, arraySort(groupArray((occurred_at, ${code(d.channel, 'channel')}, ${code(d.partner, 'partner')}, ${code(d.asset, 'asset')}, ${code(d.region, 'region')}))) AS s
          FROM ${nulls} GROUP BY acct)
    ORDER BY acct`;
}

/** `moneySum`: a sum independent of the order rows are added in, exact in micro-units. */
const moneySum = (expr: string) => `toFloat64(sum(toDecimal128(round(${expr}, 6), 6)))`;

/**
 * ClickHouse 18.16: `partnerMembersSql`, the partners of a touch's partner value `expr` (a list's
 * members, else the value alone), as an array for `arrayJoin`. 18.16 evaluates both branches of
 * `if` on every row, so the split and the id lookups run in a lambda over a slice of one element,
 * empty unless the value holds a `|` (as `urlPairsCh`): a value without one costs a `position`.
 */
export function partnerMembersCh(expr: string, partnerIds: readonly string[]): string {
  if (!partnerIds.length) return `[${expr}]`;
  const ids = `[${partnerIds.map(lit).join(', ')}]`;
  const parts = `splitByChar('|', v)`;
  const members = `if(NOT has(${ids}, v) AND length(arrayDistinct(${parts})) = length(${parts}) AND arrayAll(x -> has(${ids}, x), ${parts}), ${parts}, [v])`;
  const piped = `position(${expr}, '|') > 0`;
  return `if(${piped}, arrayElement(arrayMap(v -> ${members}, arraySlice([${expr}], 1, toUInt8(${piped}))), 1), [${expr}])`;
}

/** Funnel by a touch dimension (`funnelSql`): accounts touched → opportunities → reached a stage → won. */
export function funnelCh(
  p: ScopeParams,
  dim: 'partner' | 'channel',
  proposalRank: number,
  ctouch: string,
  jtouch: string,
  scope: string,
): string {
  // a touch naming several partners (`acme|beta`) counts for each of them
  const v =
    dim === 'partner'
      ? `arrayJoin(${partnerMembersCh("ifNull(partner, 'house')", p.partnerIds)})`
      : `ifNull(channel, '(none)')`;
  const from = ms(p.windowStart) - Math.floor(p.lookbackDays) * DAY_MS;
  return `SELECT v, max(a) AS touched_accounts, max(o) AS opportunities, max(rp) AS reached_proposal, max(w) AS won FROM (
      SELECT ${v} AS v, uniqExact(acct) AS a, toUInt64(0) AS o, toUInt64(0) AS rp, toUInt64(0) AS w
      FROM ${ctouch} WHERE isNotNull(acct) AND occurred_at >= ${from} AND occurred_at < ${ms(p.windowEnd)} GROUP BY v
      UNION ALL
      SELECT ${dim === 'partner' ? `arrayJoin(${partnerMembersCh('partner', p.partnerIds)})` : dim} AS v, uniqExact(s_account) AS a, uniqExact(opportunity_id) AS o,
        uniqExactIf(opportunity_id, s_rank >= ${Number(proposalRank)}) AS rp, uniqExactIf(opportunity_id, s_won = 1) AS w
      FROM (SELECT opportunity_id, ${dim} FROM ${jtouch})
      ANY INNER JOIN (SELECT opportunity_id, account_id AS s_account, max_stage_rank AS s_rank, won AS s_won FROM ${scope}) USING opportunity_id
      GROUP BY v)
    GROUP BY v ORDER BY v`;
}

/** Audience segments of in-scope opportunities (`segmentsSql`): closed = won or lost. */
export function segmentsCh(scope: string): string {
  return `SELECT segment, opportunities, p AS pipeline, r AS revenue, n_won AS won, n_closed AS closed FROM (
      SELECT segment, count() AS opportunities, ${moneySum('pipeline')} AS p, ${moneySum('revenue')} AS r, countIf(won = 1) AS n_won,
        countIf(won = 1 OR lost = 1) AS n_closed
      FROM ${scope} GROUP BY segment)
    ORDER BY p DESC, segment`;
}

/** Personas on the journeys of in-scope opportunities (`personasSql`): an opportunity counts once per persona. */
export function personasCh(jtouch: string, scope: string, people: string): string {
  return `SELECT persona, opportunities, p AS pipeline, n_won AS won FROM (
      SELECT persona, count() AS opportunities, ${moneySum('s_pipeline')} AS p, countIf(s_won = 1) AS n_won FROM (
        SELECT DISTINCT opportunity_id, ifNull(if(pe_found = 1, pe_persona, CAST(NULL AS Nullable(String))), '(unknown)') AS persona
        FROM (SELECT opportunity_id, person_id FROM ${jtouch})
        ANY LEFT JOIN (SELECT person_id, min(persona) AS pe_persona, toUInt8(1) AS pe_found FROM ${people} GROUP BY person_id) USING person_id)
      ANY INNER JOIN (SELECT opportunity_id, pipeline AS s_pipeline, won AS s_won FROM ${scope}) USING opportunity_id
      GROUP BY persona)
    ORDER BY opportunities DESC, persona`;
}

/** Touches the channel rules left unassigned, by source and medium (the ten largest), and the totals. */
export function unassignedCh(ctouch: string): { top: string; totals: string } {
  return {
    top: `SELECT ifNull(utm_source, '') AS source, ifNull(utm_medium, '') AS medium, count() AS touches FROM ${ctouch}
      WHERE channel = 'unassigned' GROUP BY source, medium ORDER BY touches DESC, source, medium LIMIT 10`,
    totals: `SELECT count() AS n, countIf(ifNull(channel = 'unassigned', 0)) AS u FROM ${ctouch}`,
  };
}

/** The touch dimensions a grouped path can be built on, and each one's code in the sorted touch tuples. */
export type PathDimension = 'partner' | 'channel' | 'asset' | 'region';

/**
 * The journeys of one dimension grouped by path on the server (for models whose credit depends on
 * the path alone, without a bootstrap): per distinct path of the dimension's codes (touches in the
 * order of `journeysCh`; for partner, the sourcing partner alone when a registration sourced the
 * deal) the opportunities, their pipeline, the won ones and their revenue. `TabSeparated` columns:
 * path (codes joined by commas), n, pipeline, won, revenue.
 */
export function groupedPathLinesCh(
  p: ScopeParams,
  scope: string,
  jtouch: string,
  d: Dictionaries,
  dim: PathDimension,
): string {
  const codes = { channel: 'channel', partner: 'partner', asset: 'asset', region: 'region_code' }[dim];
  const path =
    dim === 'partner'
      ? `if(isNotNull(sourced_by) AND assumeNotNull(sourced_by) != '', [${code(d.partner, 'assumeNotNull(sourced_by)')}], ${codes})`
      : codes;
  return `SELECT ${joined('g_path')}, count() AS n, sum(pipeline) AS pipe, countIf(won = 1) AS n_won, sum(if(won = 1, revenue, toFloat64(0))) AS rev
    FROM (SELECT ${path} AS g_path, pipeline, won, revenue FROM (${journeysCh(p, scope, jtouch, d)}) WHERE length(ts) > 0)
    GROUP BY g_path`;
}

/**
 * The null paths of one dimension grouped on the server: per distinct path (codes in the order of
 * `nullPathsCh`) the accounts that walked it. `TabSeparated` columns: path, n.
 */
export function groupedNullLinesCh(nulls: string, d: Dictionaries, dim: PathDimension): string {
  const k = { channel: 2, partner: 3, asset: 4, region: 5 }[dim];
  return `SELECT ${joined('g_path')}, count() AS n FROM (
      SELECT arrayMap(x -> x.${k}, arraySort(groupArray((occurred_at, ${code(d.channel, 'channel')}, ${code(d.partner, 'partner')}, ${code(d.asset, 'asset')}, ${code(d.region, 'region')})))) AS g_path
      FROM ${nulls} GROUP BY acct)
    GROUP BY g_path`;
}

/** Touches per value of a dimension on the journeys of the opportunities in scope. */
export function touchCountsCh(jtouch: string, dim: PathDimension): string {
  return `SELECT ${dim} AS key, count() AS touches FROM ${jtouch} GROUP BY key`;
}

/**
 * The opportunities in scope summed by whether they have touches and by the partner that sourced
 * them (the totals, attributed/unattributed and sourced/influenced splits of the attribution).
 */
export function journeyTotalsCh(p: ScopeParams, scope: string, jtouch: string, d: Dictionaries): string {
  return `SELECT toUInt8(length(ts) > 0) AS touched, ifNull(sourced_by, '') AS sourced, count() AS n,
      sum(pipeline) AS pipeline, sum(revenue) AS revenue, countIf(won = 1) AS won, sum(length(ts)) AS touches
    FROM (${journeysCh(p, scope, jtouch, d)})
    GROUP BY touched, sourced ORDER BY touched, sourced`;
}
