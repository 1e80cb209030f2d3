import { quoteIdent as ident } from '../sql-text.ts';
import { channelSql, cleanTextSql, parseTimestampSql, valueMapSql } from '../normalize/index.ts';
import { timestampHintSql } from '../normalize/parse-sql.ts';
import type { EntitySpec } from './entity-spec.ts';
import { bookkeeping, col, partnerSql, text, tokenSql } from './source-columns.ts';

/** Marketing and sales touches from CRM campaign members, web analytics and partner exports. */
export const touchpoints: EntitySpec = {
  name: 'touchpoints',
  description: 'marketing and sales touches (CRM campaign members, web analytics, partner exports)',
  columns: [
    'touch_id',
    'person_id',
    'account_id',
    'occurred_at',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'utm_content',
    'utm_term',
    'partner',
    'asset',
    'region',
    'touch_type',
  ],
  required: ['occurred_at'],
  oneOf: [['person_id', 'account_id']],
  dedupe: {
    keys: ['person_id', 'touch_type', 'occurred_at', 'utm_campaign', 'asset', 'channel'],
    timeKey: 'occurred_at',
    toleranceSeconds: 120,
  },
  internal: [],
  select(b, s) {
    const src = valueMapSql(col(b, 'utm_source'), s.utmAliases.source);
    const med = valueMapSql(col(b, 'utm_medium'), s.utmAliases.medium);
    const camp = valueMapSql(col(b, 'utm_campaign'), s.utmAliases.campaign);
    const inner = `SELECT ${bookkeeping(b)},
        ${text(b, 'touch_id')} AS touch_id,
        lower(${text(b, 'person_id')}) AS person_id,
        ${text(b, 'account_id')} AS account_id,
        ${parseTimestampSql(col(b, 'occurred_at'), b.dateOrder)} AS occurred_at,
        ${text(b, 'occurred_at')} AS _occurred_raw,
        ${src} AS utm_source, ${med} AS utm_medium, ${camp} AS utm_campaign,
        ${cleanTextSql(col(b, 'utm_content'))} AS utm_content, ${cleanTextSql(col(b, 'utm_term'))} AS utm_term,
        ${partnerSql(b, s, src)} AS partner,
        ${cleanTextSql(col(b, 'asset'))} AS asset,
        ${text(b, 'region')} AS region,
        ${tokenSql(col(b, 'touch_type'))} AS touch_type
        FROM ${ident(b.rawTable)}`;
    return `SELECT *, ${channelSql(s.channelRules, { source: 'utm_source', medium: 'utm_medium', campaign: 'utm_campaign', touchType: 'touch_type' }, s.channelDefault)} AS channel,
        CASE WHEN occurred_at IS NULL AND _occurred_raw IS NOT NULL THEN 'occurred_at: cannot read ' || _occurred_raw || ' as a timestamp' || ${timestampHintSql('_occurred_raw', b.dateOrder)}
             WHEN occurred_at IS NULL THEN 'occurred_at: missing'
             WHEN person_id IS NULL AND account_id IS NULL THEN 'person_id and account_id: both missing' END AS _reject_reason
        FROM (${inner})`;
  },
  emptySelect: () =>
    `SELECT NULL::VARCHAR AS touch_id, NULL::VARCHAR AS person_id, NULL::VARCHAR AS account_id, NULL::TIMESTAMP AS occurred_at, NULL::VARCHAR AS utm_source, NULL::VARCHAR AS utm_medium, NULL::VARCHAR AS utm_campaign, NULL::VARCHAR AS utm_content, NULL::VARCHAR AS utm_term, NULL::VARCHAR AS partner, NULL::VARCHAR AS asset, NULL::VARCHAR AS region, NULL::VARCHAR AS touch_type, NULL::VARCHAR AS channel`,
};
