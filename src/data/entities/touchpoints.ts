import { quoteIdent as ident } from '../sql-text.ts';
import { channelSql, cleanTextSql, parseTimestampSql, trimmedSql, valueMapSql } from '../normalize/index.ts';
import { timestampHintSql } from '../normalize/parse-sql.ts';
import {
  clickIdValueSql,
  FROM_CLICK_ID_BIT,
  FROM_URL_BIT,
  FROM_URL_COLUMNS,
  partnerListSql,
  urlClickIdSql,
  urlDecodedSql,
  urlParamSql,
  urlStateSql,
  utmBitsSql,
  UTM_COLUMNS,
  type UtmColumn,
} from '../normalize/utm-sql.ts';
import { literal } from '../sql-text.ts';
import type { EntitySpec, NormalizeSettings, SourceBinding } from './entity-spec.ts';
import { bookkeeping, col, dateOrderOf, idText, text, tokenSql } from './source-columns.ts';

/** The names of a touch's UTM values as read from its own columns or its landing URL (`landingUtmSql`). */
const LANDING_UTM = (c: UtmColumn) => `__gtm_landing_${c}`;
/** The names of its source and medium after a click id's (`landingUtmSql`). */
const CLICK_UTM = (c: UtmColumn) => `__gtm_click_${c}`;

/**
 * With `landing_url` mapped: the source's rows with each UTM value as written, from its own column
 * when that is not empty, else from the landing URL's query parameter of the same name
 * (`urlParamSql`); a touch left with neither a source nor a medium takes those its URL's first
 * click id stands for (`CLICK_IDS`: gclid, google/cpc). The binding returned reads the UTM
 * columns from there, so that the decoding, cleaning, aliasing and channel rules that follow are
 * the same for both. Without `landing_url`: the source as it is (the SQL unchanged).
 */
function landingUtmSql(b: SourceBinding): { b: SourceBinding; from: string; fromBits?: string } {
  if (!b.columns.landing_url) return { b, from: ident(b.rawTable) };
  const url = col(b, 'landing_url');
  const values = UTM_COLUMNS.map(
    (c) =>
      `(CASE WHEN ${text(b, c)} IS NOT NULL THEN ${col(b, c)} ELSE ${urlParamSql(url, c)} END) AS ${ident(LANDING_UTM(c))}`,
  );
  const read = (c: UtmColumn) => ident(LANDING_UTM(c));
  const neither = `${trimmedSql(read('utm_source'))} IS NULL AND ${trimmedSql(read('utm_medium'))} IS NULL`;
  const clicked = (['utm_source', 'utm_medium'] as const).map(
    (c, i) =>
      `(CASE WHEN ${neither} THEN ${clickIdValueSql(urlClickIdSql(url), i === 0 ? 1 : 2)} ELSE ${read(c)} END) AS ${ident(CLICK_UTM(c))}`,
  );
  const name = (c: UtmColumn) => (c === 'utm_source' || c === 'utm_medium' ? CLICK_UTM(c) : LANDING_UTM(c));
  const columns = { ...b.columns, ...Object.fromEntries(UTM_COLUMNS.map((c) => [c, name(c)])) };
  // the new columns are text: their type is not the source column's
  const columnTypes = b.columnTypes && {
    ...b.columnTypes,
    ...Object.fromEntries(UTM_COLUMNS.map((c) => [name(c), 'VARCHAR'])),
  };
  const withValues = `(SELECT *, ${values.join(', ')} FROM ${ident(b.rawTable)})`;
  // where the values came from (`FROM_URL_BIT`, `FROM_CLICK_ID_BIT`), read where `from` is selected
  // from: a value of the URL's when its column is empty and the parameter is not; the click id's
  // when the touch had neither a source nor a medium and the URL has a click id
  const fromUrl = FROM_URL_COLUMNS.map(
    (c) => `(${text(b, c)} IS NULL AND ${trimmedSql(read(c))} IS NOT NULL)`,
  );
  const fromBits = `(CASE WHEN ${fromUrl.join(' OR ')} THEN ${FROM_URL_BIT} ELSE 0 END) + (CASE WHEN ${neither} AND ${ident(CLICK_UTM('utm_source'))} IS NOT NULL THEN ${FROM_CLICK_ID_BIT} ELSE 0 END)`;
  return {
    b: { ...b, columns, ...(columnTypes ? { columnTypes } : {}) },
    from: `(SELECT *, ${clicked.join(', ')} FROM ${withValues})`,
    fromBits,
  };
}

/**
 * A touch's partner (`partnerSql` of source-columns.ts with partner lists): the explicit value when
 * it is a partner, else the partners it lists (`acme|beta`, utm-sql.ts), else utm_source, then the
 * source's default, then the explicit value as written (lower-cased), so that it stays visible.
 */
function touchPartnerSql(b: SourceBinding, s: NormalizeSettings, utmSource: string, list: string): string {
  const candidates = [valueMapSql(col(b, 'partner'), s.partnerAliases, 'null'), list];
  candidates.push(valueMapSql(utmSource, s.partnerAliases, 'null'));
  if (b.defaultPartner)
    candidates.push(literal(s.partnerAliases[b.defaultPartner.trim().toLowerCase()] ?? b.defaultPartner));
  candidates.push(cleanTextSql(col(b, 'partner')));
  return `COALESCE(${candidates.join(', ')})`;
}

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
    'landing_url',
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
  inputOnly: ['landing_url'],
  select(source, s) {
    const { b, from, fromBits } = landingUtmSql(source);
    // UTM values URL-decoded first (utm-sql.ts), then trimmed, lower-cased and aliased
    const utm = (c: UtmColumn) => urlDecodedSql(col(b, c));
    const src = valueMapSql(utm('utm_source'), s.utmAliases.source);
    const med = valueMapSql(utm('utm_medium'), s.utmAliases.medium);
    const camp = valueMapSql(utm('utm_campaign'), s.utmAliases.campaign);
    const raw = col(b, 'partner');
    const known = valueMapSql(raw, s.partnerAliases, 'null');
    const list = partnerListSql(raw, s.partnerAliases);
    const inner = `SELECT ${bookkeeping(b)},
        ${text(b, 'touch_id')} AS touch_id,
        lower(${idText(b, 'person_id')}) AS person_id,
        ${idText(b, 'account_id')} AS account_id,
        ${parseTimestampSql(col(b, 'occurred_at'), dateOrderOf(b, 'occurred_at'))} AS occurred_at,
        ${text(b, 'occurred_at')} AS _occurred_raw,
        ${src} AS utm_source, ${med} AS utm_medium, ${camp} AS utm_campaign,
        ${cleanTextSql(utm('utm_content'))} AS utm_content, ${cleanTextSql(utm('utm_term'))} AS utm_term,
        ${touchPartnerSql(b, s, src, list)} AS partner,
        ${utmBitsSql(UTM_COLUMNS.map((c) => urlStateSql(col(b, c))))}${fromBits ? ` + ${fromBits}` : ''} AS _utm_decoded,
        CASE WHEN ${known} IS NULL AND ${list} IS NULL THEN ${cleanTextSql(raw)} END AS _partner_unknown,
        ${cleanTextSql(col(b, 'asset'))} AS asset,
        ${text(b, 'region')} AS region,
        ${tokenSql(col(b, 'touch_type'))} AS touch_type
        FROM ${from}`;
    return `SELECT *, ${channelSql(s.channelRules, { source: 'utm_source', medium: 'utm_medium', campaign: 'utm_campaign', touchType: 'touch_type' }, s.channelDefault)} AS channel,
        CASE WHEN occurred_at IS NULL AND _occurred_raw IS NOT NULL THEN 'occurred_at: cannot read ' || _occurred_raw || ' as a timestamp' || ${timestampHintSql('_occurred_raw', dateOrderOf(b, 'occurred_at'))}
             WHEN occurred_at IS NULL THEN 'occurred_at: missing'
             WHEN person_id IS NULL AND account_id IS NULL THEN 'person_id and account_id: both missing' END AS _reject_reason
        FROM (${inner})`;
  },
  emptySelect: () =>
    `SELECT NULL::VARCHAR AS touch_id, NULL::VARCHAR AS person_id, NULL::VARCHAR AS account_id, NULL::TIMESTAMP AS occurred_at, NULL::VARCHAR AS utm_source, NULL::VARCHAR AS utm_medium, NULL::VARCHAR AS utm_campaign, NULL::VARCHAR AS utm_content, NULL::VARCHAR AS utm_term, NULL::VARCHAR AS partner, NULL::VARCHAR AS asset, NULL::VARCHAR AS region, NULL::VARCHAR AS touch_type, NULL::VARCHAR AS channel, NULL::INTEGER AS _utm_decoded, NULL::VARCHAR AS _partner_unknown`,
};
