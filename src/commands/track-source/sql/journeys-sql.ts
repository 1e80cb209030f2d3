import { literal } from '../../../data/sql-text.ts';

export interface ScopeParams {
  /** utm_campaign values (normalized) and asset ids that mark a campaign touch */
  utmCampaigns: string[];
  assetIds: string[];
  /** values of opportunities.campaign (normalized) that tag an opportunity to the campaign */
  campaignTags: string[];
  /** ISO timestamps, [start, end) */
  windowStart: string;
  windowEnd: string;
  /** ISO timestamp: the end of as-of; a deal closed at or after it was still open as of the run */
  asOfEnd: string;
  lookbackDays: number;
  wonStage: string;
  /** gtm.yaml's `funnel.lost`: with the won stage, the stages of a closed deal */
  lostStages: string[];
  stageRanks: Record<string, number>;
  registrationTypes: string[];
  /** gtm.yaml's partner ids: the parts of a partner list (`acme|beta`), see `partnerMembersSql` */
  partnerIds: string[];
}

const list = (xs: string[]) => (xs.length ? xs.map((x) => literal(x)).join(', ') : 'NULL');
const ts = (iso: string) => `TIMESTAMP ${literal(iso.replace('T', ' ').replace('Z', ''))}`;
const inLookback = (p: ScopeParams, touch: string, opp: string) =>
  `${touch}.occurred_at <= ${opp}.created_at AND ${touch}.occurred_at >= ${opp}.created_at - INTERVAL ${Math.floor(p.lookbackDays)} DAY`;

/** Campaign touches, each with its account (from the touch, else from the person's CRM record). */
export const campaignTouchesSql = (p: ScopeParams) => `CREATE OR REPLACE TABLE ctouch AS
  SELECT t.*, COALESCE(t.account_id, pp.p_account) AS acct
  FROM touchpoints t
  LEFT JOIN (SELECT person_id, min(account_id) AS p_account FROM people GROUP BY person_id) pp USING (person_id)
  WHERE t.utm_campaign IN (${list(p.utmCampaigns)}) OR t.asset IN (${list(p.assetIds)})`;

/** A closing stage counts as of the run: no closed_at (undated), or closed_at before as-of's end. */
const closedByAsOf = (p: ScopeParams) => `(o.closed_at IS NULL OR o.closed_at < ${ts(p.asOfEnd)})`;

const stageRankSql = (p: ScopeParams, expr: string) =>
  `(CASE ${expr} ${Object.entries(p.stageRanks)
    .map(([s, r]) => `WHEN ${literal(s)} THEN ${r}`)
    .join(' ')} ELSE 0 END)`;

/**
 * The furthest funnel stage (its rank) an opportunity `o` had reached as of the run, from what was
 * known then: its stage changes dated before as-of's end, and its current stage unless that is
 * known only later — a closing stage (won, lost) whose closed_at is at or after as-of (the deal was
 * still open then, `closedByAsOf`), or a stage its history first dates at or after as-of. A deal
 * closed after as-of with no earlier stage change on record reaches no ranked stage: all that is
 * known of it then is that it was an open opportunity (it counts among opportunities, not among
 * those that reached proposal). With no history the current stage of an open deal is all there is.
 */
const reachedRankSql = (p: ScopeParams) => {
  const closing = [p.wonStage, ...p.lostStages];
  const history = `stage_history h WHERE h.opportunity_id = o.opportunity_id`;
  const currentKnown = `(NOT COALESCE(o.stage IN (${list(closing)}), false) OR ${closedByAsOf(p)})
      AND NOT EXISTS (SELECT 1 FROM ${history} AND h.stage = o.stage AND h.changed_at >= ${ts(p.asOfEnd)})`;
  return `GREATEST(CASE WHEN ${currentKnown} THEN ${stageRankSql(p, 'o.stage')} ELSE 0 END,
      COALESCE((SELECT max(${stageRankSql(p, 'h.stage')}) FROM ${history} AND h.changed_at < ${ts(p.asOfEnd)}), 0))`;
};

/**
 * Opportunities in scope: created in the window, and either tagged to the campaign in the CRM or
 * preceded by a campaign touch of their account within the lookback. Amounts in reporting currency:
 * pipeline at the rate in force on the creation date, revenue at the rate on the close date. A deal
 * won or lost is closed as of the run unless its closed_at is after as-of: then it was still open
 * (pipeline, no revenue, not won), as a run on that date would have seen it.
 */
export const scopeSql = (p: ScopeParams) => `CREATE OR REPLACE TABLE scope AS
  SELECT o.opportunity_id, o.account_id, o.created_at, o.closed_at, o.stage, o.currency, o.amount,
    COALESCE(o.region, '(unknown)') AS region, COALESCE(o.segment, '(unknown)') AS segment,
    o.amount * o._rate_created AS pipeline,
    CASE WHEN o.stage = ${literal(p.wonStage)} AND ${closedByAsOf(p)} THEN o.amount * o._rate_closed ELSE 0 END AS revenue,
    o.stage = ${literal(p.wonStage)} AND ${closedByAsOf(p)} AS won,
    COALESCE(o.stage IN (${list(p.lostStages)}), false) AND ${closedByAsOf(p)} AS lost,
    COALESCE(o.campaign IN (${list(p.campaignTags)}), false) AS tagged,
    ${reachedRankSql(p)} AS max_stage_rank
  FROM opportunities o
  WHERE o.created_at >= ${ts(p.windowStart)} AND o.created_at < ${ts(p.windowEnd)}
    AND (COALESCE(o.campaign IN (${list(p.campaignTags)}), false)
         OR EXISTS (SELECT 1 FROM ctouch t WHERE t.acct = o.account_id AND ${inLookback(p, 't', 'o')}))`;

/** Touches of each in-scope opportunity's account within the lookback, in time order. */
export const journeyTouchesSql = (p: ScopeParams) => `CREATE OR REPLACE TABLE jtouch AS
  SELECT o.opportunity_id, t.occurred_at, t.channel, COALESCE(t.partner, 'house') AS partner,
    COALESCE(t.asset, '(none)') AS asset, COALESCE(t.region, o.region) AS region, t.touch_type, t.person_id
  FROM scope o JOIN ctouch t ON t.acct = o.account_id AND ${inLookback(p, 't', 'o')}`;

export const journeyRowsSql =
  () => `SELECT j.opportunity_id, epoch_ms(j.occurred_at) AS ts, j.channel, j.partner, j.asset, j.region, j.touch_type
  FROM jtouch j ORDER BY j.opportunity_id, j.occurred_at, j.channel, j.partner, j.asset, j.touch_type`;

/** The partner that sourced each opportunity: its earliest deal registration or referral before creation. */
export const sourcedSql = (
  p: ScopeParams,
) => `SELECT opportunity_id, arg_min(partner, occurred_at) AS sourced_by
  FROM jtouch WHERE touch_type IN (${list(p.registrationTypes)}) AND partner <> 'house' GROUP BY opportunity_id`;

/** Earliest lead creation among the people on each journey (for W-shaped / full-path roles). */
export const leadCreatedSql = () => `SELECT j.opportunity_id, epoch_ms(min(pe.created_at)) AS lead_ts
  FROM jtouch j JOIN people pe USING (person_id) JOIN scope o USING (opportunity_id)
  WHERE pe.created_at <= o.created_at GROUP BY j.opportunity_id`;

export const scopeRowsSql =
  () => `SELECT opportunity_id, account_id, epoch_ms(created_at) AS created_ts, stage, currency, amount, region, segment,
  pipeline, revenue, won, tagged, max_stage_rank FROM scope ORDER BY opportunity_id`;

/**
 * The non-converting journeys: the touches of accounts that touched the campaign but have no
 * opportunity in scope, from the lookback before the window start to the window end: the accounts
 * the funnel counts as touched, each with the touches a deal of theirs created in the window could
 * have had (a deal's journey reaches `lookback_days` before its creation, so a null path that
 * started at the window start held fewer touches and left out the accounts touched only before it).
 */
export const nullPathRowsSql = (
  p: ScopeParams,
) => `SELECT t.acct, t.channel, COALESCE(t.partner, 'house') AS partner,
    COALESCE(t.asset, '(none)') AS asset, COALESCE(t.region, '(unknown)') AS region
  FROM ctouch t
  WHERE t.acct IS NOT NULL AND t.occurred_at >= ${ts(p.windowStart)} - INTERVAL ${Math.floor(p.lookbackDays)} DAY
    AND t.occurred_at < ${ts(p.windowEnd)}
    AND t.acct NOT IN (SELECT account_id FROM scope)
  ORDER BY t.acct, t.occurred_at, t.channel, partner, asset`;

/**
 * DuckDB: the partners of a touch's partner value `expr` (repeated: pass a column), as
 * `partnersOf` in partner-lists.ts: the members of a partner list (two or more distinct partner
 * ids joined by `|`, not itself an id), else the value alone. An unknown partner value kept as
 * written stays whole, `|` or not (`acme|foo`).
 */
export function partnerMembersSql(expr: string, partnerIds: readonly string[]): string {
  if (!partnerIds.length) return `[${expr}]`;
  const ids = `[${partnerIds.map((id) => literal(id)).join(', ')}]`;
  const parts = `string_split(${expr}, '|')`;
  return `(CASE WHEN contains(${expr}, '|') AND NOT list_contains(${ids}, ${expr}) AND len(list_distinct(${parts})) = len(${parts}) AND list_has_all(${ids}, ${parts})
    THEN ${parts} ELSE [${expr}] END)`;
}

/**
 * Funnel by a touch dimension: accounts touched → opportunities → reached a stage → won. A touch
 * naming several partners (`acme|beta`) counts for each of them (`partnerMembersSql`).
 */
export const funnelSql = (p: ScopeParams, dim: 'partner' | 'channel', proposalRank: number) => `
  SELECT v, max(touched_accounts) AS touched_accounts, max(opportunities) AS opportunities,
         max(reached_proposal) AS reached_proposal, max(won) AS won
  FROM (
    SELECT v, count(DISTINCT acct) AS touched_accounts, 0 AS opportunities, 0 AS reached_proposal, 0 AS won
    FROM (SELECT ${dim === 'partner' ? `unnest(${partnerMembersSql("COALESCE(t.partner, 'house')", p.partnerIds)})` : "COALESCE(t.channel, '(none)')"} AS v, t.acct
      FROM ctouch t WHERE t.acct IS NOT NULL
        AND t.occurred_at >= ${ts(p.windowStart)} - INTERVAL ${Math.floor(p.lookbackDays)} DAY AND t.occurred_at < ${ts(p.windowEnd)})
    GROUP BY 1
    UNION ALL
    SELECT j.v, count(DISTINCT j.acct_key) AS touched_accounts, count(DISTINCT j.opportunity_id),
      count(DISTINCT CASE WHEN s.max_stage_rank >= ${proposalRank} THEN j.opportunity_id END),
      count(DISTINCT CASE WHEN s.won THEN j.opportunity_id END)
    FROM (SELECT ${dim === 'partner' ? `unnest(${partnerMembersSql('jt.partner', p.partnerIds)})` : 'jt.channel'} AS v, jt.opportunity_id, sc.account_id AS acct_key
      FROM jtouch jt JOIN scope sc USING (opportunity_id)) j
    JOIN scope s USING (opportunity_id) GROUP BY 1
  ) GROUP BY v ORDER BY v`;

/**
 * A sum that does not depend on the order the engine's threads add rows in (a DOUBLE sum does, in
 * its last bits, which made two runs of the same inputs differ): exact in micro-units of currency.
 */
const moneySum = (expr: string) => `CAST(sum(CAST(${expr} AS DECIMAL(38, 6))) AS DOUBLE)`;

/**
 * Audience segments of in-scope opportunities. A deal is closed when it is won or lost (its stage:
 * `funnel.won`, `funnel.lost`), whether or not its closed_at is filled in, so won <= closed.
 */
export const segmentsSql =
  () => `SELECT segment, count(*) AS opportunities, ${moneySum('pipeline')} AS pipeline, ${moneySum('revenue')} AS revenue,
    count(*) FILTER (WHERE won) AS won, count(*) FILTER (WHERE won OR lost) AS closed
  FROM scope GROUP BY segment ORDER BY pipeline DESC, segment`;

/** Personas on the journeys of in-scope opportunities (an opportunity counts once per persona). */
export const personasSql =
  () => `SELECT x.persona, count(*) AS opportunities, ${moneySum('s.pipeline')} AS pipeline, count(*) FILTER (WHERE s.won) AS won
  FROM (SELECT DISTINCT j.opportunity_id, COALESCE(pe.persona, '(unknown)') AS persona
        FROM jtouch j LEFT JOIN (SELECT person_id, min(persona) AS persona FROM people GROUP BY person_id) pe USING (person_id)) x
  JOIN scope s USING (opportunity_id)
  GROUP BY x.persona ORDER BY opportunities DESC, x.persona`;
