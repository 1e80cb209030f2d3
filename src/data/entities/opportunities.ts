import { literal, quoteIdent as ident } from '../sql-text.ts';
import { parseAmountSql, parseTimestampSql, rateLookupSql, valueMapSql } from '../normalize/index.ts';
import { amountHintSql, timestampHintSql } from '../normalize/parse-sql.ts';
import { knownCurrencies, noRateReasonSql } from '../normalize/currency-sql.ts';
import {
  amountCodeSql,
  amountCurrencyConflictSql,
  amountCurrencyReasonSql,
  userCurrencyCodes,
} from '../normalize/amount-currency.ts';
import { fromMinorSql, NOT_MINOR_UNITS, notWholeSql } from '../normalize/minor-units-sql.ts';
import type { EntitySpec, SourceBinding } from './entity-spec.ts';
import { bookkeeping, col, dateOrderOf, idText, partnerSql, text } from './source-columns.ts';
import { numericSourceColumn } from './typed-entity.ts';

/**
 * Reject reasons of opportunities, after the rate lookups. A numeric amount column holds no
 * currency code or symbol: its amounts are not checked against the row's currency.
 */
const reason = (
  b: SourceBinding,
  known: readonly string[],
  own: readonly string[],
) => `CASE WHEN opportunity_id IS NULL THEN 'opportunity_id: missing'
      WHEN account_id IS NULL THEN 'account_id: missing'
      WHEN created_at IS NULL THEN 'created_at: cannot read ' || COALESCE(_created_raw, '(empty)') || ' as a timestamp' || ${timestampHintSql('_created_raw', dateOrderOf(b, 'created_at'))}
      ${b.amountUnit === 'minor' ? `WHEN _frac_amount THEN 'amount: ' || _amount_raw || ${literal(NOT_MINOR_UNITS)}` : ''}
      WHEN amount IS NULL THEN 'amount: cannot read ' || COALESCE(_amount_raw, '(empty)') || ' as a number' || ${amountHintSql('_amount_raw', b.decimal)}
      WHEN NOT isfinite(amount) THEN 'amount: ' || _amount_raw || ' is not a finite number'
      WHEN amount < 0 THEN 'amount: ' || _amount_raw || ' is negative; credit notes and refunds are not pipeline'
      ${numericSourceColumn(b, 'amount') ? '' : `WHEN ${amountCurrencyConflictSql('_amount_raw', 'currency', own)} IS NOT NULL THEN ${amountCurrencyReasonSql('amount', '_amount_raw', amountCurrencyConflictSql('_amount_raw', 'currency', own), 'currency', '_currency_set', 'duckdb')}`}
      WHEN stage IS NULL THEN 'stage: ' || COALESCE(stage_raw, '(empty)') || ' is not mapped; add it under funnel.mapping'
      WHEN _rate_created IS NULL THEN ${noRateReasonSql('currency', known, `'currency: no rate for ' || currency || ' on ' || CAST(CAST(created_at AS DATE) AS VARCHAR) || '; add it under currency.rates'`, 'duckdb')}
    END`;

/**
 * CRM opportunities with amounts in any currency (converted at the rate in force on the creation
 * and close dates) and raw stages mapped to the canonical funnel. Zero amounts are kept (a deal
 * not yet sized); negative and non-finite amounts are rejected with a reason.
 */
export const opportunities: EntitySpec = {
  name: 'opportunities',
  description: 'CRM opportunities (deals) with amount, currency, stage and dates',
  columns: [
    'opportunity_id',
    'account_id',
    'created_at',
    'closed_at',
    'stage',
    'amount',
    'currency',
    'campaign',
    'region',
    'segment',
    'partner',
  ],
  required: ['opportunity_id', 'account_id', 'created_at', 'stage', 'amount'],
  oneOf: [],
  dedupe: { keys: ['opportunity_id'] },
  select(b, s) {
    // the row's currency: its cell, else the ISO code its amount is written with (a text amount
    // only: a number holds no code), else the source's
    // (the user's own codes with rates, `100 PTS`, as ISO ones)
    const own = userCurrencyCodes(s.rates);
    const amountCode = numericSourceColumn(b, 'amount') ? [] : [amountCodeSql(text(b, 'amount'), own)];
    const currency = `upper(COALESCE(${[text(b, 'currency'), ...amountCode, literal(b.defaultCurrency)].join(', ')}))`;
    const parsed = `SELECT ${bookkeeping(b)},
        ${idText(b, 'opportunity_id')} AS opportunity_id,
        ${idText(b, 'account_id')} AS account_id,
        ${parseTimestampSql(col(b, 'created_at'), dateOrderOf(b, 'created_at'))} AS created_at, ${text(b, 'created_at')} AS _created_raw,
        ${parseTimestampSql(col(b, 'closed_at'), dateOrderOf(b, 'closed_at'))} AS closed_at,
        ${text(b, 'stage')} AS stage_raw,
        ${valueMapSql(col(b, 'stage'), s.stageMapping, 'null')} AS stage,
        ${parseAmountSql(col(b, 'amount'), b.decimal, own)} AS amount, ${text(b, 'amount')} AS _amount_raw,
        ${currency} AS currency, ${text(b, 'currency')} IS NOT NULL AS _currency_set,
        ${valueMapSql(col(b, 'campaign'), s.utmAliases.campaign)} AS campaign,
        ${text(b, 'region')} AS region, ${text(b, 'segment')} AS segment,
        ${partnerSql(b, s, null)} AS partner
        FROM ${ident(b.rawTable)}`;
    // amounts in minor units (`amount_unit: minor`): divided by 10^d of the row's currency; one
    // with a fraction NULL and flagged for its reason
    const inner =
      b.amountUnit === 'minor'
        ? `SELECT * REPLACE (${fromMinorSql('amount', 'currency', 'duckdb')} AS amount), ${notWholeSql('amount', 'duckdb')} AS _frac_amount FROM (${parsed})`
        : parsed;
    // the outer row is aliased `o` so the correlated rate lookups cannot bind to the rate table's own columns
    const rated = `SELECT o.*,
          ${rateLookupSql(s.ratesTable, 'o.currency', 'o.created_at')} AS _rate_created,
          ${rateLookupSql(s.ratesTable, 'o.currency', 'COALESCE(o.closed_at, o.created_at)')} AS _rate_closed
        FROM (${inner}) o`;
    // (the flag serves the reason only: it is not kept in the staged rows)
    const star = b.amountUnit === 'minor' ? '* EXCLUDE (_frac_amount)' : '*';
    return `SELECT ${star}, ${reason(b, knownCurrencies(s.reportingCurrency, s.rates), own)} AS _reject_reason FROM (${rated})`;
  },
  emptySelect: () =>
    `SELECT NULL::VARCHAR AS opportunity_id, NULL::VARCHAR AS account_id, NULL::TIMESTAMP AS created_at, NULL::TIMESTAMP AS closed_at, NULL::VARCHAR AS stage, NULL::DOUBLE AS amount, NULL::VARCHAR AS currency, NULL::VARCHAR AS campaign, NULL::VARCHAR AS region, NULL::VARCHAR AS segment, NULL::VARCHAR AS partner, NULL::DOUBLE AS _rate_created, NULL::DOUBLE AS _rate_closed`,
};
