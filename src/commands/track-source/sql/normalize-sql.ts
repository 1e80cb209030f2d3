import { quoteIdent as ident, literal } from '../../../data/sql-text.ts';
import {
  channelSql,
  cleanTextSql,
  parseAmountSql,
  parseTimestampSql,
  rateLookupSql,
  valueMapSql,
  type ChannelRuleSpec,
} from '../../../data/normalize/index.ts';
import type { CanonicalEntity } from './canonical-columns.ts';

export interface NormalizeContext {
  source: string;
  priority: number;
  rawTable: string;
  /** canonical column → source column actually present (absent canonical columns become NULL) */
  columns: Record<string, string | undefined>;
  defaultPartner?: string;
  defaultCurrency: string;
  partnerAliases: Record<string, string>;
  utmAliases: {
    source: Record<string, string>;
    medium: Record<string, string>;
    campaign: Record<string, string>;
  };
  channelRules: ChannelRuleSpec[];
  channelDefault: string;
  stageMapping: Record<string, string>;
  ratesTable: string;
}

const col = (ctx: NormalizeContext, name: string) => {
  const c = ctx.columns[name];
  return c ? `CAST(${ident(c)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)';
};
const text = (ctx: NormalizeContext, name: string) => `NULLIF(trim(${col(ctx, name)}), '')`;
const touchType = (expr: string) => `NULLIF(regexp_replace(lower(trim(${expr})), '[\\s-]+', '_', 'g'), '')`;

/** Resolves a partner from explicit value, then utm_source, then the source's default. */
function partnerExpr(ctx: NormalizeContext, utmSource: string | null): string {
  const candidates = [valueMapSql(col(ctx, 'partner'), ctx.partnerAliases, 'null')];
  if (utmSource) candidates.push(valueMapSql(utmSource, ctx.partnerAliases, 'null'));
  if (ctx.defaultPartner)
    candidates.push(
      literal(ctx.partnerAliases[ctx.defaultPartner.trim().toLowerCase()] ?? ctx.defaultPartner),
    );
  // an explicit partner name we do not know stays visible (lower-cased) rather than vanishing
  candidates.push(cleanTextSql(col(ctx, 'partner')));
  return `COALESCE(${candidates.join(', ')})`;
}

/**
 * SELECT that turns one raw source into canonical, typed columns plus `_reject_reason` (NULL when
 * the row is valid). Bookkeeping columns: _source, _priority, _file, _row.
 */
export function normalizeSelectSql(entity: CanonicalEntity, ctx: NormalizeContext): string {
  const book = `${literal(ctx.source)} AS _source, ${ctx.priority} AS _priority, source_file AS _file, source_row AS _row`;
  const from = `FROM ${ident(ctx.rawTable)}`;
  switch (entity) {
    case 'touchpoints': {
      const src = valueMapSql(col(ctx, 'utm_source'), ctx.utmAliases.source);
      const med = valueMapSql(col(ctx, 'utm_medium'), ctx.utmAliases.medium);
      const camp = valueMapSql(col(ctx, 'utm_campaign'), ctx.utmAliases.campaign);
      const inner = `SELECT ${book},
        ${text(ctx, 'touch_id')} AS touch_id,
        lower(${text(ctx, 'person_id')}) AS person_id,
        ${text(ctx, 'account_id')} AS account_id,
        ${parseTimestampSql(col(ctx, 'occurred_at'))} AS occurred_at,
        ${text(ctx, 'occurred_at')} AS _occurred_raw,
        ${src} AS utm_source, ${med} AS utm_medium, ${camp} AS utm_campaign,
        ${cleanTextSql(col(ctx, 'utm_content'))} AS utm_content, ${cleanTextSql(col(ctx, 'utm_term'))} AS utm_term,
        ${partnerExpr(ctx, src)} AS partner,
        ${cleanTextSql(col(ctx, 'asset'))} AS asset,
        ${text(ctx, 'region')} AS region,
        ${touchType(col(ctx, 'touch_type'))} AS touch_type
        ${from}`;
      return `SELECT *, ${channelSql(ctx.channelRules, { source: 'utm_source', medium: 'utm_medium', campaign: 'utm_campaign', touchType: 'touch_type' }, ctx.channelDefault)} AS channel,
        CASE WHEN occurred_at IS NULL AND _occurred_raw IS NOT NULL THEN 'occurred_at: cannot read ' || _occurred_raw || ' as a timestamp'
             WHEN occurred_at IS NULL THEN 'occurred_at: missing'
             WHEN person_id IS NULL AND account_id IS NULL THEN 'person_id and account_id: both missing' END AS _reject_reason
        FROM (${inner})`;
    }
    case 'opportunities': {
      const currency = `upper(COALESCE(${text(ctx, 'currency')}, ${literal(ctx.defaultCurrency)}))`;
      const inner = `SELECT ${book},
        ${text(ctx, 'opportunity_id')} AS opportunity_id,
        ${text(ctx, 'account_id')} AS account_id,
        ${parseTimestampSql(col(ctx, 'created_at'))} AS created_at, ${text(ctx, 'created_at')} AS _created_raw,
        ${parseTimestampSql(col(ctx, 'closed_at'))} AS closed_at,
        ${text(ctx, 'stage')} AS stage_raw,
        ${valueMapSql(col(ctx, 'stage'), ctx.stageMapping, 'null')} AS stage,
        ${parseAmountSql(col(ctx, 'amount'))} AS amount, ${text(ctx, 'amount')} AS _amount_raw,
        ${currency} AS currency,
        ${valueMapSql(col(ctx, 'campaign'), ctx.utmAliases.campaign)} AS campaign,
        ${text(ctx, 'region')} AS region, ${text(ctx, 'segment')} AS segment,
        ${partnerExpr(ctx, null)} AS partner
        ${from}`;
      // the outer row is aliased `o` so the correlated rate lookups cannot bind to the rate table's own columns
      return `SELECT o.*,
          ${rateLookupSql(ctx.ratesTable, 'o.currency', 'o.created_at')} AS _rate_created,
          ${rateLookupSql(ctx.ratesTable, 'o.currency', 'COALESCE(o.closed_at, o.created_at)')} AS _rate_closed
        FROM (${inner}) o`;
    }
    case 'stage_history':
      return `SELECT *, CASE WHEN opportunity_id IS NULL THEN 'opportunity_id: missing'
             WHEN changed_at IS NULL THEN 'changed_at: cannot read ' || COALESCE(_changed_raw, '(empty)') || ' as a timestamp'
             WHEN stage IS NULL THEN 'stage: ' || COALESCE(stage_raw, '(empty)') || ' is not mapped; add it under funnel.mapping' END AS _reject_reason
        FROM (SELECT ${book}, ${text(ctx, 'opportunity_id')} AS opportunity_id, ${text(ctx, 'stage')} AS stage_raw,
          ${valueMapSql(col(ctx, 'stage'), ctx.stageMapping, 'null')} AS stage,
          ${parseTimestampSql(col(ctx, 'changed_at'))} AS changed_at, ${text(ctx, 'changed_at')} AS _changed_raw ${from})`;
    case 'people':
      return `SELECT *, CASE WHEN person_id IS NULL THEN 'person_id: missing' WHEN account_id IS NULL THEN 'account_id: missing' END AS _reject_reason
        FROM (SELECT ${book}, lower(${text(ctx, 'person_id')}) AS person_id, ${text(ctx, 'account_id')} AS account_id,
          ${parseTimestampSql(col(ctx, 'created_at'))} AS created_at, ${text(ctx, 'segment')} AS segment,
          ${text(ctx, 'persona')} AS persona, ${text(ctx, 'region')} AS region ${from})`;
  }
}

/** Reject reasons of opportunities, after the rate lookups. */
export function opportunityReasonSql(): string {
  return `CASE WHEN opportunity_id IS NULL THEN 'opportunity_id: missing'
      WHEN account_id IS NULL THEN 'account_id: missing'
      WHEN created_at IS NULL THEN 'created_at: cannot read ' || COALESCE(_created_raw, '(empty)') || ' as a timestamp'
      WHEN amount IS NULL THEN 'amount: cannot read ' || COALESCE(_amount_raw, '(empty)') || ' as a number'
      WHEN stage IS NULL THEN 'stage: ' || COALESCE(stage_raw, '(empty)') || ' is not mapped; add it under funnel.mapping'
      WHEN _rate_created IS NULL THEN 'currency: no rate for ' || currency || ' on ' || CAST(CAST(created_at AS DATE) AS VARCHAR) || '; add it under currency.rates'
    END`;
}
