/**
 * The ClickHouse form of the entities' normalizing SELECTs (the twins of `people.ts`,
 * `touchpoints.ts`, `opportunities.ts` and `stage-history.ts`): the same canonical values and the
 * same reject reasons, over a table of the source in ClickHouse (as `gtm engine load` writes it:
 * the source's columns, typed from their values, plus `source_file` and `source_row`). Times come
 * out as Nullable(Int64) epoch milliseconds.
 *
 * Every SELECT reads the source's columns under positional aliases first (`_gtm_c0`, …): ClickHouse
 * aliases are query-wide, so a canonical column named like a source column (`utm_source`) would
 * otherwise shadow it.
 */
import { literal } from '../sql-text.ts';
import { dateOrderOf } from './source-columns.ts';
import {
  amountCh,
  amountHintCh,
  channelCh,
  chIdent,
  cleanTextCh,
  coalesceCh,
  epochDayCh,
  isNumericCh,
  rateCh,
  textCh,
  timestampCh,
  timestampHintCh,
  trimTextCh,
  tokenCh,
  valueMapCh,
} from '../normalize/parse-clickhouse.ts';
import { knownCurrencies, noRateReasonSql, type RateSpec } from '../normalize/currency-sql.ts';
import {
  clickIdValueCh,
  FROM_CLICK_ID_BIT,
  FROM_URL_BIT,
  FROM_URL_COLUMNS,
  partnerListCh,
  urlClickIdCh,
  urlDecodedCh,
  urlParamCh,
  urlStateCh,
  utmBitsCh,
  UTM_COLUMNS,
  type UtmColumn,
} from '../normalize/utm-sql.ts';
import type { NormalizeSettings, SourceBinding } from './entity-spec.ts';
import { toSalesforceId18Sql } from '../normalize/salesforce-id.ts';
import { fromMinorSql, NOT_MINOR_UNITS, notWholeSql } from '../normalize/minor-units-sql.ts';
import {
  amountCodeCh,
  amountCurrencyConflictCh,
  amountCurrencyReasonSql,
  userCurrencyCodes,
} from '../normalize/amount-currency.ts';
import {
  belowMinWords,
  columnMax,
  crossCheckOp,
  HEADER_AGAIN,
  tokenAliases,
  typedColumnMapped,
  type ColumnDef,
  type ColumnKind,
  type TypedEntityDef,
} from './typed-entity.ts';

const lit = (v: string | number) => literal(v, 'clickhouse');

/** ClickHouse types that hold no text (upper-cased, as `typedColumnMapped` compares them). */
const CH_NON_TEXT = /^(NULLABLE\()?(U?INT\d+|FLOAT\d+|DECIMAL|DATE|DATETIME|DATETIME64|BOOL)\b/;

/** Settings of a ClickHouse normalize run: the workspace's, with the rates as data. */
export type ClickHouseSettings = NormalizeSettings & { rates: readonly RateSpec[] };

/** A canonical column and its ClickHouse type. */
export type ChColumn = readonly [name: string, type: string];

const STR = 'Nullable(String)';
const TIME = 'Nullable(Int64)';
const NUM = 'Nullable(Float64)';

/** An entity's ClickHouse form. */
export interface ClickHouseEntity {
  /** Canonical columns in order (the bookkeeping columns follow them). */
  columns: readonly ChColumn[];
  /**
   * The normalizing SELECT of one source: the canonical columns, `_source`, `_priority`, `_file`,
   * `_row` and `_reject_reason` (NULL for a valid row), in that order and of those types.
   */
  select(b: SourceBinding, s: ClickHouseSettings, table: string, hints?: SelectHints): string;
  /**
   * A query over the source's table giving one row `{ n }`: 0 when no row needs work that
   * `SelectHints` lets `select` leave out (so it is run once per source, before the views that
   * read the source several times are made). Absent: nothing to probe.
   */
  probe?(b: SourceBinding, table: string): string | undefined;
}

/** What a probe found about a source (absent: assume the work is needed). */
export interface SelectHints {
  /** Whether some UTM value holds a `%` or a `+`: without one nothing can be URL-decoded. */
  urlEncoded?: boolean;
}

export const BOOKKEEPING: readonly ChColumn[] = [
  ['_source', 'String'],
  ['_priority', 'Int64'],
  ['_file', 'String'],
  ['_row', 'Int64'],
];

/** Reads a binding's source columns: each canonical column as text, typed, or as a time/amount. */
class Reader {
  private readonly names = new Map<string, string>();
  constructor(
    private readonly b: SourceBinding,
    private readonly entity: string,
  ) {
    Object.values(b.columns).forEach((c) => {
      if (c && !this.names.has(c)) this.names.set(c, `_gtm_c${this.names.size}`);
    });
  }
  /** The innermost SELECT: source columns under positional aliases, and the provenance. */
  from(table: string): string {
    const cols = [...this.names.entries()].map(([c, a]) => `${chIdent(c)} AS ${a}`);
    return `(SELECT ${[...cols, 'toString(source_file) AS _gtm_file', 'toInt64(source_row) AS _gtm_row'].join(', ')} FROM ${table})`;
  }
  private type(name: string): string {
    const c = this.b.columns[name];
    return (c && this.b.columnTypes?.[c]) ?? 'String';
  }
  /** The source column as text (NULL when the source has none). */
  col(name: string): string {
    const c = this.b.columns[name];
    // a NULL constant through string functions makes ClickHouse 18.16 fail ("Illegal column for
    // DataTypeNullable"): the missing column is a materialized NULL column instead
    return c ? `toString(${this.names.get(c)})` : `materialize(CAST(NULL AS ${STR}))`;
  }
  text(name: string): string {
    return textCh(this.col(name));
  }
  /** A CRM id column (`idText` of source-columns.ts): 15-character Salesforce ids in 18 when so bound. */
  id(name: string): string {
    return this.b.salesforceIds?.includes(name)
      ? toSalesforceId18Sql(this.text(name), 'clickhouse')
      : this.text(name);
  }
  time(name: string): string {
    const c = this.b.columns[name];
    return c
      ? timestampCh(
          this.names.get(c) as string,
          this.type(name),
          `${this.entity}_${name}`,
          dateOrderOf(this.b, name),
        )
      : `CAST(NULL AS ${TIME})`;
  }
  /** The source column is there and of a numeric type (it holds no currency code). */
  numeric(name: string): boolean {
    return this.b.columns[name] !== undefined && isNumericCh(this.type(name));
  }
  /** An amount column: `own` the user's own currency codes its text may carry (`100 PTS`). */
  amount(name: string, own: readonly string[] = []): string {
    const c = this.b.columns[name];
    return c
      ? amountCh(this.names.get(c) as string, this.type(name), this.b.decimal, own)
      : `CAST(NULL AS ${NUM})`;
  }
  bookkeeping(): string {
    return `${lit(this.b.source)} AS _source, toInt64(${Number(this.b.priority)}) AS _priority, _gtm_file AS _file, _gtm_row AS _row`;
  }
  /** `partnerSql`: the explicit partner, then utm_source, then the source's default, then the raw name. */
  partner(s: NormalizeSettings, utmSource: string | null, list?: string): string {
    const b = this.b;
    const candidates = [valueMapCh(this.col('partner'), s.partnerAliases, 'null')];
    // a touch's partner list (utm-sql.ts `partnerListCh`) comes after a partner named alone
    if (list) candidates.push(list);
    if (utmSource) candidates.push(valueMapCh(utmSource, s.partnerAliases, 'null'));
    if (b.defaultPartner)
      candidates.push(lit(s.partnerAliases[b.defaultPartner.trim().toLowerCase()] ?? b.defaultPartner));
    candidates.push(cleanTextCh(this.col('partner')));
    return coalesceCh(...candidates);
  }
}

/** The final SELECT: canonical columns and bookkeeping cast to their types, in order. */
function typed(columns: readonly ChColumn[], inner: string): string {
  const cols = [...columns, ...BOOKKEEPING, ['_reject_reason', STR] as const];
  return `SELECT ${cols.map(([n, t]) => `CAST(${chIdent(n)} AS ${t}) AS ${chIdent(n)}`).join(', ')} FROM (${inner})`;
}

const PEOPLE: readonly ChColumn[] = [
  ['person_id', STR],
  ['account_id', STR],
  ['created_at', TIME],
  ['segment', STR],
  ['persona', STR],
  ['region', STR],
];

export const peopleCh: ClickHouseEntity = {
  columns: PEOPLE,
  select(b, _s, table) {
    const r = new Reader(b, 'people');
    const inner = `SELECT ${r.bookkeeping()}, lowerUTF8(${r.id('person_id')}) AS person_id, ${r.id('account_id')} AS account_id,
      ${r.time('created_at')} AS created_at, ${r.text('segment')} AS segment, ${r.text('persona')} AS persona,
      ${r.text('region')} AS region FROM ${r.from(table)}`;
    return typed(
      PEOPLE,
      `SELECT *, multiIf(isNull(person_id), 'person_id: missing', isNull(account_id), 'account_id: missing', CAST(NULL AS ${STR})) AS _reject_reason FROM (${inner})`,
    );
  },
};

const TOUCHPOINTS: readonly ChColumn[] = [
  ['touch_id', STR],
  ['person_id', STR],
  ['account_id', STR],
  ['occurred_at', TIME],
  ['utm_source', STR],
  ['utm_medium', STR],
  ['utm_campaign', STR],
  ['utm_content', STR],
  ['utm_term', STR],
  ['partner', STR],
  ['asset', STR],
  ['region', STR],
  ['touch_type', STR],
  ['channel', STR],
  // bits of the URL-decoded (and undecodable) UTM values, and an explicit partner that is none
  ['_utm_decoded', 'Int32'],
  ['_partner_unknown', STR],
];

export const touchpointsCh: ClickHouseEntity = {
  columns: TOUCHPOINTS,
  // ClickHouse 18.16 pays for the decoding's guard on every value of every read of the source's
  // views (~0.15 s per million values on one thread): a source none of whose UTM values holds a
  // `%` or a `+` (most exports) skips it, which one scan that stops at the first such value tells
  probe(b, table) {
    const r = new Reader(b, 'touchpoints');
    // a landing URL's query parameters are decoded as the UTM columns are (touchpoints.ts)
    const mapped = [...UTM_COLUMNS, 'landing_url'].filter((c) => b.columns[c]);
    if (!mapped.length) return undefined;
    const holds = mapped.map((c) => {
      const v = `ifNull(${r.col(c)}, '')`;
      return `position(${v}, '%') > 0 OR position(${v}, '+') > 0`;
    });
    return `SELECT count() AS n FROM (SELECT 1 FROM ${r.from(table)} WHERE ${holds.join(' OR ')} LIMIT 1)`;
  },
  select(b, s, table, hints) {
    const r = new Reader(b, 'touchpoints');
    const decode = hints?.urlEncoded !== false;
    // UTM values URL-decoded first (utm-sql.ts), as touchpoints.ts (a lambda per column: one for the
    // five was slower, every column's work done when any holds a % or a +)
    // with landing_url mapped, a UTM value is its column's when not empty, else the landing URL's
    // query parameter of that name, and a touch left with neither a source nor a medium takes those
    // of its URL's first click id (`landingUtmSql` of touchpoints.ts); without it, the column's
    const landing = b.columns.landing_url !== undefined;
    const url = r.col('landing_url');
    const read = (c: UtmColumn) => `if(isNotNull(${r.text(c)}), ${r.col(c)}, ${urlParamCh(url, c)})`;
    const neither = `isNull(${textCh(read('utm_source'))}) AND isNull(${textCh(read('utm_medium'))})`;
    const clicked = (c: UtmColumn) =>
      c === 'utm_source' || c === 'utm_medium'
        ? `if(${neither}, ${clickIdValueCh(urlClickIdCh(url), c === 'utm_source' ? 1 : 2)}, ${read(c)})`
        : read(c);
    const raw = (c: UtmColumn) => (landing ? clicked(c) : r.col(c));
    const utm = (c: UtmColumn) => (decode ? urlDecodedCh(raw(c)) : raw(c));
    // where the values came from (`FROM_URL_BIT`, `FROM_CLICK_ID_BIT`; touchpoints.ts `landingUtmSql`)
    const fromUrl = FROM_URL_COLUMNS.map((c) => `(isNull(${r.text(c)}) AND isNotNull(${textCh(read(c))}))`);
    const fromBits = landing
      ? ` + multiIf(${fromUrl.join(' OR ')}, ${FROM_URL_BIT}, 0) + multiIf(${neither} AND isNotNull(${clickIdValueCh(urlClickIdCh(url), 1)}), ${FROM_CLICK_ID_BIT}, 0)`
      : '';
    const src = valueMapCh(utm('utm_source'), s.utmAliases.source);
    const known = valueMapCh(r.col('partner'), s.partnerAliases, 'null');
    const list = partnerListCh(r.col('partner'), s.partnerAliases);
    const inner = `SELECT ${r.bookkeeping()},
      ${r.text('touch_id')} AS touch_id, lowerUTF8(${r.id('person_id')}) AS person_id, ${r.id('account_id')} AS account_id,
      ${r.time('occurred_at')} AS occurred_at, ${r.text('occurred_at')} AS _occurred_raw,
      ${src} AS utm_source, ${valueMapCh(utm('utm_medium'), s.utmAliases.medium)} AS utm_medium,
      ${valueMapCh(utm('utm_campaign'), s.utmAliases.campaign)} AS utm_campaign,
      ${cleanTextCh(utm('utm_content'))} AS utm_content, ${cleanTextCh(utm('utm_term'))} AS utm_term,
      ${r.partner(s, src, list)} AS partner, ${cleanTextCh(r.col('asset'))} AS asset, ${r.text('region')} AS region,
      ${decode ? utmBitsCh(UTM_COLUMNS.map((c) => urlStateCh(raw(c)))) : 'toInt32(0)'}${fromBits} AS _utm_decoded,
      if(isNull(${known}) AND isNull(${list}), ${cleanTextCh(r.col('partner'))}, CAST(NULL AS ${STR})) AS _partner_unknown,
      ${tokenCh(r.col('touch_type'))} AS touch_type
      FROM ${r.from(table)}`;
    const channel = channelCh(
      s.channelRules,
      { source: 'utm_source', medium: 'utm_medium', campaign: 'utm_campaign', touchType: 'touch_type' },
      s.channelDefault,
    );
    return typed(
      TOUCHPOINTS,
      `SELECT *, ${channel} AS channel,
        multiIf(isNull(occurred_at) AND isNotNull(_occurred_raw), concat('occurred_at: cannot read ', assumeNotNull(_occurred_raw), ' as a timestamp', ${timestampHintCh('_occurred_raw', dateOrderOf(b, 'occurred_at'), 'isNull(occurred_at) AND isNotNull(_occurred_raw)')}),
          isNull(occurred_at), 'occurred_at: missing',
          isNull(person_id) AND isNull(account_id), 'person_id and account_id: both missing', CAST(NULL AS ${STR})) AS _reject_reason
      FROM (${inner})`,
    );
  },
};

const OPPORTUNITIES: readonly ChColumn[] = [
  ['opportunity_id', STR],
  ['account_id', STR],
  ['created_at', TIME],
  ['closed_at', TIME],
  ['stage', STR],
  ['amount', NUM],
  ['currency', STR],
  ['campaign', STR],
  ['region', STR],
  ['segment', STR],
  ['partner', STR],
  ['_rate_created', NUM],
  ['_rate_closed', NUM],
];

export const opportunitiesCh: ClickHouseEntity = {
  columns: OPPORTUNITIES,
  select(b, s, table) {
    const r = new Reader(b, 'opportunities');
    // a numeric amount column holds no code or symbol: only a text one is read for the row's
    // currency and checked against it (`opportunities`, `typedEntityCh`)
    const textAmount = !r.numeric('amount');
    const own = userCurrencyCodes(s.rates);
    const code = amountCodeCh(r.text('amount'), own);
    // amounts in minor units (`amount_unit: minor`): read as `_units_amount`, then divided by 10^d
    // of the row's currency a level up (a value with a fraction NULL, flagged for its reason)
    const minor = b.amountUnit === 'minor';
    const parsed = `SELECT ${r.bookkeeping()},
      ${r.id('opportunity_id')} AS opportunity_id, ${r.id('account_id')} AS account_id,
      ${r.time('created_at')} AS created_at, ${r.text('created_at')} AS _created_raw,
      ${r.time('closed_at')} AS closed_at, ${r.text('stage')} AS stage_raw,
      ${valueMapCh(r.col('stage'), s.stageMapping, 'null')} AS stage,
      ${r.amount('amount', own)} AS ${minor ? '_units_amount' : 'amount'}, ${r.text('amount')} AS _amount_raw,
      upperUTF8(multiIf(isNotNull(${r.text('currency')}), assumeNotNull(${r.text('currency')}), ${textAmount ? `${code} != '', ${code}, ` : ''}${lit(b.defaultCurrency)})) AS currency,
      toUInt8(isNotNull(${r.text('currency')})) AS _currency_set,
      ${valueMapCh(r.col('campaign'), s.utmAliases.campaign)} AS campaign,
      ${r.text('region')} AS region, ${r.text('segment')} AS segment, ${r.partner(s, null)} AS partner
      FROM ${r.from(table)}`;
    const inner = minor
      ? `SELECT *, ${fromMinorSql('_units_amount', 'currency', 'clickhouse')} AS amount, ${notWholeSql('_units_amount', 'clickhouse')} AS _frac_amount FROM (${parsed})`
      : parsed;
    const rate = (ms: string) => rateCh(s.rates, s.reportingCurrency, 'currency', epochDayCh(ms));
    const rated = `SELECT *, ${rate('created_at')} AS _rate_created, ${rate('ifNull(closed_at, created_at)')} AS _rate_closed FROM (${inner})`;
    const raw = (c: string) => `ifNull(${c}, '(empty)')`;
    // the amount's own currency (`USD 100`, `£100`) against the row's (amount-currency.ts)
    const conflict = amountCurrencyConflictCh('_amount_raw', 'currency', own);
    const reason = `multiIf(isNull(opportunity_id), 'opportunity_id: missing',
      isNull(account_id), 'account_id: missing',
      isNull(created_at), concat('created_at: cannot read ', ${raw('_created_raw')}, ' as a timestamp', ${timestampHintCh('_created_raw', dateOrderOf(b, 'created_at'), 'isNull(created_at) AND isNotNull(_created_raw)')}),
      ${minor ? `_frac_amount = 1, concat('amount: ', ${raw('_amount_raw')}, ${lit(NOT_MINOR_UNITS)}),` : ''}
      isNull(amount), concat('amount: cannot read ', ${raw('_amount_raw')}, ' as a number', ${amountHintCh('_amount_raw', b.decimal)}),
      NOT isFinite(assumeNotNull(amount)), concat('amount: ', ${raw('_amount_raw')}, ' is not a finite number'),
      amount < 0, concat('amount: ', ${raw('_amount_raw')}, ' is negative; credit notes and refunds are not pipeline'),
      ${textAmount ? `${conflict} != '', ${amountCurrencyReasonSql('amount', raw('_amount_raw'), conflict, 'currency', '_currency_set = 1', 'clickhouse')},` : ''}
      isNull(stage), concat('stage: ', ${raw('stage_raw')}, ' is not mapped; add it under funnel.mapping'),
      isNull(_rate_created), ${noRateReasonSql('assumeNotNull(currency)', knownCurrencies(s.reportingCurrency, s.rates), `concat('currency: no rate for ', assumeNotNull(currency), ' on ', toString(toDate(toDateTime(intDiv(assumeNotNull(created_at), 1000)))), '; add it under currency.rates')`, 'clickhouse')},
      CAST(NULL AS ${STR}))`;
    return typed(OPPORTUNITIES, `SELECT *, ${reason} AS _reject_reason FROM (${rated})`);
  },
};

const STAGE_HISTORY: readonly ChColumn[] = [
  ['opportunity_id', STR],
  ['stage', STR],
  ['changed_at', TIME],
];

export const stageHistoryCh: ClickHouseEntity = {
  columns: STAGE_HISTORY,
  select(b, s, table) {
    const r = new Reader(b, 'stage_history');
    const inner = `SELECT ${r.bookkeeping()}, ${r.id('opportunity_id')} AS opportunity_id, ${r.text('stage')} AS stage_raw,
      ${valueMapCh(r.col('stage'), s.stageMapping, 'null')} AS stage,
      ${r.time('changed_at')} AS changed_at, ${r.text('changed_at')} AS _changed_raw FROM ${r.from(table)}`;
    const reason = `multiIf(isNull(opportunity_id), 'opportunity_id: missing',
      isNull(changed_at), concat('changed_at: cannot read ', ifNull(_changed_raw, '(empty)'), ' as a timestamp', ${timestampHintCh('_changed_raw', dateOrderOf(b, 'changed_at'), 'isNull(changed_at) AND isNotNull(_changed_raw)')}),
      isNull(stage), concat('stage: ', ifNull(stage_raw, '(empty)'), ' is not mapped; add it under funnel.mapping'),
      CAST(NULL AS ${STR}))`;
    return typed(STAGE_HISTORY, `SELECT *, ${reason} AS _reject_reason FROM (${inner})`);
  },
};

/**
 * The hint of a column's "cannot read" reason, as `reasonBranches` of typed-entity.ts gives it;
 * a timestamp's worked out only on the rows it reads (`timestampHintCh`).
 */
function hintCh(b: SourceBinding, name: string, kind: ColumnKind): string {
  const raw = chIdent(`_raw_${name}`);
  if (kind === 'timestamp' || kind === 'date')
    return timestampHintCh(raw, dateOrderOf(b, name), `isNotNull(${raw}) AND isNull(${chIdent(name)})`);
  if (kind === 'number' || kind === 'amount' || kind === 'integer') return amountHintCh(raw, b.decimal);
  return "''";
}

/** The entities that have a ClickHouse form, by name. */
export const CLICKHOUSE_ENTITIES: Readonly<Record<string, ClickHouseEntity>> = {
  people: peopleCh,
  touchpoints: touchpointsCh,
  opportunities: opportunitiesCh,
  stage_history: stageHistoryCh,
};

const TYPED_TYPE: Record<ColumnKind, string> = {
  id: STR,
  key: STR,
  text: STR,
  token: STR,
  currency: STR,
  partner: STR,
  timestamp: TIME,
  date: TIME,
  number: NUM,
  amount: NUM,
  integer: 'Nullable(Int64)',
  boolean: 'Nullable(UInt8)',
};

const KIND_WORD: Partial<Record<ColumnKind, string>> = {
  timestamp: 'a timestamp',
  date: 'a date',
  number: 'a number',
  integer: 'a whole number',
  amount: 'a number',
  boolean: 'true or false',
};

/**
 * The ClickHouse form of an entity built with `typedEntity` (its checks path: the same typed
 * values, reject reasons in the same order, amounts converted at the rate in force on their
 * `rateAt` day with `<name>_local` keeping the source's amount). Dates are epoch milliseconds of
 * their midnight, booleans 0/1.
 */
export function typedEntityCh(def: TypedEntityDef): ClickHouseEntity {
  const entries = Object.entries(def.columns);
  const amounts = entries.filter(([, d]) => d.kind === 'amount');
  const hasCurrency = entries.some(([, d]) => d.kind === 'currency');
  const columns: ChColumn[] = [
    ...entries.map(([n, d]) => [n, TYPED_TYPE[d.kind]] as const),
    ...amounts.map(([n]) => [`${n}_local`, NUM] as const),
  ];
  return {
    columns,
    select(b, s, table) {
      const r = new Reader(b, def.name);
      // (a numeric source column holds no code: only text amounts are read for one, as `typedEntity`
      // does; casting millions of numbers to text for the regex costs seconds)
      const textAmounts = amounts.filter(([a]) => b.columns[a] !== undefined && !r.numeric(a));
      // the user's own currency codes with rates (`100 PTS`), read in an amount's text as ISO ones
      const own = userCurrencyCodes(s.rates);
      const value = (n: string, d: ColumnDef): string => {
        const raw = r.col(n);
        switch (d.kind) {
          case 'key':
            return `lowerUTF8(${r.id(n)})`;
          case 'token':
            return d.aliases && Object.keys(d.aliases).length
              ? coalesceCh(valueMapCh(tokenCh(raw), tokenAliases(d.aliases), 'null'), tokenCh(raw))
              : tokenCh(raw);
          case 'timestamp':
            return r.time(n);
          case 'date':
            return `toInt64(floor(${r.time(n)} / 86400000)) * 86400000`;
          case 'number':
            return r.amount(n);
          case 'amount':
            return r.amount(n, own);
          case 'integer': {
            // a fraction is no whole number (as on DuckDB): NULL, so rejected
            const v = r.amount(n);
            return `if(ifNull(${v} = round(${v}), 0), toInt64OrNull(toString(round(${v}))), NULL)`;
          }
          case 'currency': {
            // its cell, else the ISO code its first amount is written with, else the source's (`typedEntity`)
            const codes = textAmounts.map(([a]) => amountCodeCh(r.text(a), own));
            const branches = codes.flatMap((c) => [`${c} != ''`, c]);
            return `upperUTF8(multiIf(isNotNull(${r.text(n)}), assumeNotNull(${r.text(n)}), ${[...branches, lit(b.defaultCurrency)].join(', ')}))`;
          }
          case 'boolean': {
            const v = `lowerUTF8(${trimTextCh(`ifNull(${raw}, '')`)})`;
            return `multiIf(${v} IN ('true', 't', 'yes', 'y', '1'), toNullable(toUInt8(1)), ${v} IN ('false', 'f', 'no', 'n', '0'), toNullable(toUInt8(0)), CAST(NULL AS Nullable(UInt8)))`;
          }
          case 'partner':
            return r.partner(s, null);
          default:
            return r.text(n);
        }
      };
      // amounts in minor units (`amount_unit: minor`): read as `_units_<name>`, then divided by
      // 10^d of the row's currency a level up (a value with a fraction NULL, flagged for its reason)
      const minor = b.amountUnit === 'minor' ? amounts.map(([n]) => n) : [];
      const parsed = entries.map(
        ([n, d]) =>
          `${value(n, d)} AS ${chIdent(minor.includes(n) ? `_units_${n}` : n)}, ${r.text(n)} AS ${chIdent(`_raw_${n}`)}`,
      );
      const parsedRows = `SELECT ${r.bookkeeping()}, ${parsed.join(', ')} FROM ${r.from(table)}`;
      const currency = hasCurrency ? 'currency' : lit(b.defaultCurrency.toUpperCase());
      const inner = minor.length
        ? `SELECT *, ${minor.map((n) => `${fromMinorSql(chIdent(`_units_${n}`), currency, 'clickhouse')} AS ${chIdent(n)}, ${notWholeSql(chIdent(`_units_${n}`), 'clickhouse')} AS ${chIdent(`_frac_${n}`)}`).join(', ')} FROM (${parsedRows})`
        : parsedRows;
      const rates = amounts.map(([n, d]) => {
        const day = d.rateAt ? epochDayCh(chIdent(d.rateAt)) : `toNullable(toInt64(toUInt16(today())))`;
        return `${rateCh(s.rates, s.reportingCurrency, currency, day)} AS ${chIdent(`_rate_${n}`)}`;
      });
      const rated = rates.length ? `SELECT *, ${rates.join(', ')} FROM (${inner})` : inner;
      const rawText = (n: string) => `ifNull(${chIdent(`_raw_${n}`)}, '')`;
      const branches: string[] = [];
      // a header row repeated in the file: said so, first (`typedEntity`); text columns only
      const headerCols = entries.filter(
        ([n]) =>
          b.columns[n] !== undefined && /String/.test(b.columnTypes?.[b.columns[n] as string] ?? 'String'),
      );
      if (headerCols.length && !typedColumnMapped(b, CH_NON_TEXT))
        branches.push(
          `${headerCols.map(([n]) => `${rawText(n)} = ${lit(String(b.columns[n]).trim())}`).join(' AND ')}, ${lit(HEADER_AGAIN)}`,
        );
      for (const [n, d] of entries) {
        const c = chIdent(n);
        const raw = chIdent(`_raw_${n}`);
        if (d.required) branches.push(`isNull(${raw}), ${lit(`${n}: missing`)}`);
        if (minor.includes(n))
          branches.push(
            `${chIdent(`_frac_${n}`)} = 1, concat(${lit(`${n}: `)}, ${rawText(n)}, ${lit(NOT_MINOR_UNITS)})`,
          );
        const word = KIND_WORD[d.kind];
        if (word)
          branches.push(
            `isNotNull(${raw}) AND isNull(${c}), concat(${lit(`${n}: cannot read `)}, ${rawText(n)}, ${lit(` as ${word}`)}, ${hintCh(b, n, d.kind)})`,
          );
        if (d.kind === 'number' || d.kind === 'amount')
          branches.push(
            `isNotNull(${c}) AND NOT isFinite(assumeNotNull(${c})), concat(${lit(`${n}: `)}, ${rawText(n)}, ' is not a finite number')`,
          );
        if (d.min !== undefined)
          branches.push(
            `ifNull(${c} < ${Number(d.min)}, 0), concat(${lit(`${n}: `)}, ${rawText(n)}, ${lit(belowMinWords(d))})`,
          );
        const max = columnMax(d, s);
        if (d.max && max !== undefined)
          branches.push(
            `ifNull(${c} > ${max}, 0), concat(${lit(`${n}: `)}, ${rawText(n)}, ${lit(` is above ${d.max.words(max)}`)})`,
          );
        if (d.kind === 'token' && d.values?.length)
          branches.push(
            `isNotNull(${c}) AND NOT ifNull(${c} IN (${d.values.map((v) => lit(v)).join(', ')}), 0), concat(${lit(`${n}: `)}, ${rawText(n)}, ${lit(` is not one of ${d.values.join(', ')}`)})`,
          );
      }
      // an amount written in another currency than the row's (`typedEntity`)
      const currencyColumn = entries.find(([, d]) => d.kind === 'currency')?.[0];
      for (const [n] of textAmounts) {
        const named = amountCurrencyConflictCh(chIdent(`_raw_${n}`), `ifNull(${currency}, '')`, own);
        const fromColumn = currencyColumn ? `isNotNull(${chIdent(`_raw_${currencyColumn}`)})` : '0';
        branches.push(
          `isNotNull(${chIdent(n)}) AND ${named} != '', ${amountCurrencyReasonSql(n, rawText(n), named, currency, fromColumn, 'clickhouse')}`,
        );
      }
      // a currency that is no ISO 4217 code nor one of currency.rates: that, not a missing rate
      const known = knownCurrencies(s.reportingCurrency, s.rates);
      for (const [n] of amounts)
        branches.push(
          `isNotNull(${chIdent(n)}) AND isNull(${chIdent(`_rate_${n}`)}), ${noRateReasonSql(`ifNull(${currency}, '')`, known, `concat('currency: no rate for ', ifNull(${currency}, ''), '; add it under currency.rates')`, 'clickhouse')}`,
        );
      for (const group of def.oneOf ?? [])
        branches.push(
          `${group.map((g) => `isNull(${chIdent(g)})`).join(' AND ')}, ${lit(`${group.join(' and ')}: all missing`)}`,
        );
      for (const c of def.crossChecks ?? []) {
        const { op, words } = crossCheckOp(c);
        if (c.is === 'without') {
          branches.push(
            `ifNull(${chIdent(c.column)} > 0, 0) AND isNull(${chIdent(c.than)}), concat(${lit(`${c.column}: `)}, ${rawText(c.column)}, ${lit(` ${words} ${c.than}; ${c.why}`)})`,
          );
          continue;
        }
        // times are epoch milliseconds: the day of one is its floor to a multiple of 86400000
        const than =
          c.is === 'before-day'
            ? `toInt64(floor(${chIdent(c.than)} / 86400000)) * 86400000`
            : chIdent(c.than);
        branches.push(
          `ifNull(${chIdent(c.column)} ${op} ${than}, 0), concat(${lit(`${c.column}: `)}, ${rawText(c.column)}, ${lit(` ${words} ${c.than} `)}, ${rawText(c.than)}, ${lit(`; ${c.why}`)})`,
        );
      }
      const reason = branches.length
        ? `multiIf(${branches.join(', ')}, CAST(NULL AS ${STR}))`
        : `CAST(NULL AS ${STR})`;
      // the source's amounts kept here, a level below their conversion: a ClickHouse alias is
      // query-wide, so `amount AS amount_local` beside `amount * rate AS amount` would read the converted one
      const locals = amounts.map(([n]) => `, ${chIdent(n)} AS ${chIdent(`${n}_local`)}`).join('');
      const checked = `SELECT *, ${reason} AS _reject_reason${locals} FROM (${rated})`;
      // amounts in the reporting currency, the source's own in <name>_local
      const out = [
        ...entries.map(([n, d]) =>
          d.kind === 'amount' ? `${chIdent(n)} * ${chIdent(`_rate_${n}`)} AS ${chIdent(n)}` : chIdent(n),
        ),
        ...amounts.map(([n]) => chIdent(`${n}_local`)),
        '_source',
        '_priority',
        '_file',
        '_row',
        '_reject_reason',
      ];
      return typed(columns, `SELECT ${out.join(', ')} FROM (${checked})`);
    },
  };
}
