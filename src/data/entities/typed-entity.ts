import { literal, quoteIdent as ident } from '../sql-text.ts';
import { parseAmountSql, parseTimestampSql, trimSql } from '../normalize/index.ts';
import { amountHintSql, timestampHintSql } from '../normalize/parse-sql.ts';
import { knownCurrencies, noRateReasonSql } from '../normalize/currency-sql.ts';
import {
  amountCodeSql,
  amountCurrencyConflictSql,
  userCurrencyCodes,
  amountCurrencyReasonSql,
} from '../normalize/amount-currency.ts';
import { fromMinorSql, NOT_MINOR_UNITS, notWholeSql } from '../normalize/minor-units-sql.ts';
import { toSalesforceId18Sql } from '../normalize/salesforce-id.ts';
import type { DedupeRule, EntitySpec, NormalizeSettings, SourceBinding } from './entity-spec.ts';
import {
  bookkeeping,
  col,
  dateOrderOf,
  NON_TEXT_TYPE,
  partnerSql,
  text,
  tokenSql,
} from './source-columns.ts';

/**
 * How a canonical column is read from text: `id` trimmed; `key` trimmed and lower-cased (emails,
 * person ids); `text`; `token` lower-cased with spaces/hyphens as `_`; `timestamp`, `date`;
 * `number`, `integer` (finite); `amount` (a number in the row's currency, converted to the
 * reporting currency); `currency` (ISO code, default the source's); `boolean` (true/false, yes/no,
 * 1/0, y/n); `partner` (resolved through partner aliases).
 */
export type ColumnKind =
  | 'id'
  | 'key'
  | 'text'
  | 'token'
  | 'timestamp'
  | 'date'
  | 'number'
  | 'integer'
  | 'amount'
  | 'currency'
  | 'boolean'
  | 'partner';

export interface ColumnDef {
  kind: ColumnKind;
  /** The row is rejected when the value is missing. */
  required?: boolean;
  /** `token` columns: allowed values (after `aliases`); others are rejected with the list. */
  values?: readonly string[];
  /** `token` columns: raw value (lower-cased) → canonical value. */
  aliases?: Readonly<Record<string, string>>;
  /** Numbers: reject values below this. */
  min?: number;
  /**
   * What to do instead of a value below `min`, in its reject reason (`amount: -40 is negative;
   * <belowMin>`): where a refund or a return belongs, as the entity defines it.
   */
  belowMin?: string;
  /** Amounts: the time column whose date picks the exchange rate. */
  rateAt?: string;
  /** Numbers: reject values above a limit a workspace setting gives (see `ColumnMax`). */
  max?: ColumnMax;
}

/**
 * The upper limit of a numeric column, set in the workspace: `NormalizeSettings.limits[setting]`,
 * else `default`. A value above it is rejected with the reason `<column>: <value> is above
 * <words(limit)>` (`score: 7 is above the survey scale 1–5: set loyalty.csat_scale …`).
 */
export interface ColumnMax {
  setting: string;
  default: number;
  words: (limit: number) => string;
}

/** The limit of a column's `max` in these settings, or undefined when it has none. */
export const columnMax = (d: ColumnDef, s: NormalizeSettings): number | undefined =>
  d.max === undefined ? undefined : Number(s.limits?.[d.max.setting] ?? d.max.default);

/**
 * A check between two columns of a row, both present: the row is rejected when `column` is above
 * `than` (`>`), or before the UTC day of `than` (a time on that day passes: a date without a time
 * is midnight), with the reason `<column>: <value> is more than|before the day of <than> <value>;
 * <why>`. Amounts are compared as the source wrote them (one row, one currency). `without`: the
 * row is rejected when `column` is above 0 (a number) and `than` is missing (blank, or a column the
 * source does not map), with the reason `<column>: <value> without <than>; <why>` — a refunded
 * amount without the refund's date, which every window would otherwise leave out without a word.
 */
export interface CrossCheck {
  column: string;
  is: 'above' | 'before-day' | 'without';
  than: string;
  why: string;
}

export interface TypedEntityDef {
  name: string;
  description: string;
  columns: Readonly<Record<string, ColumnDef>>;
  oneOf?: readonly (readonly string[])[];
  /** Checks between columns, after every column's own (see `CrossCheck`). */
  crossChecks?: readonly CrossCheck[];
  dedupe: DedupeRule;
}

/**
 * The words after a value below a column's `min` in its reject reason: ` is below <min>`, or, with
 * a `belowMin`, ` is negative; <belowMin>` (min 0) or ` is below <min>; <belowMin>`.
 */
export const belowMinWords = (d: ColumnDef): string =>
  d.belowMin === undefined
    ? ` is below ${d.min}`
    : `${d.min === 0 ? ' is negative' : ` is below ${d.min}`}; ${d.belowMin}`;

/** The comparison and the words of a `CrossCheck`. */
export const crossCheckOp = (c: CrossCheck) =>
  c.is === 'above'
    ? { op: '>', words: 'is more than' }
    : c.is === 'without'
      ? { op: '>', words: 'without' }
      : { op: '<', words: 'is before the day of' };

const SQL_TYPE: Record<ColumnKind, string> = {
  id: 'VARCHAR',
  key: 'VARCHAR',
  text: 'VARCHAR',
  token: 'VARCHAR',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  number: 'DOUBLE',
  integer: 'BIGINT',
  amount: 'DOUBLE',
  currency: 'VARCHAR',
  boolean: 'BOOLEAN',
  partner: 'VARCHAR',
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
 * The reason of a row whose every mapped text column holds its own column name: the header again,
 * as exports joined with their headers have it mid-file (each column's value was rejected as
 * unreadable, `enrolled_at: cannot read enrolled_at as a timestamp`, which did not say why).
 */
export const HEADER_AGAIN =
  'the header row again (each value is its column name: files joined with their headers?); remove the line';

/** Engine types a column of each kind can be read from as it is, without parsing text. */
const NATIVE: Partial<Record<ColumnKind, RegExp>> = {
  timestamp: /^(TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_S|TIMESTAMP WITH TIME ZONE|DATE)$/,
  date: /^(DATE|TIMESTAMP|TIMESTAMP WITH TIME ZONE)$/,
  number:
    /^(DOUBLE|FLOAT|REAL|DECIMAL.*|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/,
  amount:
    /^(DOUBLE|FLOAT|REAL|DECIMAL.*|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/,
  integer: /^(BIGINT|INTEGER|SMALLINT|TINYINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)$/,
  boolean: /^BOOLEAN$/,
};

/**
 * A TIMESTAMPTZ as UTC wall time, like `timezone('UTC', x)` but through its epoch (about five times
 * faster on millions of rows: no time-zone lookup per value); infinities keep the lookup.
 */
const utcWallTime = (x: string) =>
  `CASE WHEN isfinite(${x}) THEN make_timestamp(epoch_us(${x})) ELSE timezone('UTC', ${x}) END`;

/** Kinds read from text by string functions alone (trim, lower, a token map): no parse that can fail. */
const STRING_KINDS: ReadonlySet<ColumnKind> = new Set(['id', 'text', 'key', 'token', 'currency']);

/**
 * Whether the source column is there and of a numeric engine type: it holds no currency code or
 * symbol, so an amount's text is not looked at for one (casting millions of numbers to text for
 * the regex costs seconds).
 */
export const numericSourceColumn = (b: SourceBinding, name: string): boolean =>
  nativeColumn(b, name, { kind: 'amount' }) !== undefined;

/** The source column when its engine type already is the kind's (read as is), else undefined. */
function nativeColumn(b: SourceBinding, name: string, def: ColumnDef): string | undefined {
  const column = b.columns[name];
  const type = column ? b.columnTypes?.[column]?.toUpperCase() : undefined;
  return column && type && NATIVE[def.kind]?.test(type) ? ident(column) : undefined;
}

/**
 * Whether a mapped column of the source has an engine type that holds no text (`columnTypes`):
 * then no row can be its header again, whose every value is a column name.
 */
export function typedColumnMapped(b: SourceBinding, nonText: RegExp = NON_TEXT_TYPE): boolean {
  return Object.values(b.columns).some((c) => {
    const type = c === undefined ? undefined : b.columnTypes?.[c];
    return type !== undefined && nonText.test(type.toUpperCase().trim());
  });
}

function parsedSql(
  b: SourceBinding,
  s: NormalizeSettings,
  name: string,
  def: ColumnDef,
  trimmed: (name: string) => string = (n) => text(b, n),
): string {
  const native = nativeColumn(b, name, def);
  if (native) {
    // TIMESTAMPTZ is converted to UTC wall time like the text parser does with offsets
    const t = b.columnTypes?.[b.columns[name] as string]?.toUpperCase() ?? '';
    if (def.kind === 'timestamp')
      return t.includes('TIME ZONE') ? utcWallTime(native) : `CAST(${native} AS TIMESTAMP)`;
    return `CAST(${native} AS ${SQL_TYPE[def.kind]})`;
  }
  const raw = col(b, name);
  switch (def.kind) {
    case 'key':
      // a Salesforce id in 15 characters in its 18-character form first, when the binding says
      // so (salesforce-ids.ts): lower-cased, the 15 would join neither their 18 nor stay apart
      return b.salesforceIds?.includes(name)
        ? `lower(${toSalesforceId18Sql(trimmed(name), 'duckdb')})`
        : `lower(${trimmed(name)})`;
    case 'token':
      // the alias is looked up on the token, so `Opt In` and `opt-in` find the alias `opt_in`
      return def.aliases && Object.keys(def.aliases).length
        ? aliasedTokenSql(tokenSql(raw), tokenAliases(def.aliases))
        : tokenSql(raw);
    case 'timestamp':
      return parseTimestampSql(raw, dateOrderOf(b, name));
    case 'date':
      return `CAST(${parseTimestampSql(raw, dateOrderOf(b, name))} AS DATE)`;
    case 'number':
      return parseAmountSql(raw, b.decimal);
    case 'amount':
      // the user's own codes (`100 PTS`) as ISO ones
      return parseAmountSql(raw, b.decimal, userCurrencyCodes(s.rates));
    case 'integer': {
      // a fraction is no whole number (a CSAT of 3.5 was cast, rounded, to 4): NULL, so rejected
      const v = parseAmountSql(raw, b.decimal);
      return `TRY_CAST(CASE WHEN ${v} = trunc(${v}) THEN ${v} END AS BIGINT)`;
    }
    case 'currency':
      return `upper(COALESCE(${trimmed(name)}, ${literal(b.defaultCurrency)}))`;
    case 'boolean':
      return `CASE WHEN lower(${trimSql(raw)}) IN ('true','t','yes','y','1') THEN true WHEN lower(${trimSql(raw)}) IN ('false','f','no','n','0') THEN false END`;
    case 'partner':
      return partnerSql(b, s, null);
    default:
      return trimmed(name);
  }
}

/**
 * A token mapped through aliases whose keys are tokens, unmapped tokens kept: `valueMapSql` without
 * its `lower(trim(…))`, which a token needs no more (a token is trimmed and lower-cased already).
 *
 * @example aliasedTokenSql('t', { opt_in: 'granted' });
 * // COALESCE(['granted'::VARCHAR][list_position(['opt_in'], t)], t)
 */
export function aliasedTokenSql(token: string, aliases: Readonly<Record<string, string>>): string {
  const entries = Object.entries(aliases);
  if (!entries.length) return token;
  const keys = entries.map(([k]) => literal(k)).join(', ');
  const values = entries.map(([, v]) => `${literal(v)}::VARCHAR`).join(', ');
  return `COALESCE([${values}][list_position([${keys}], ${token})], ${token})`;
}

/**
 * A value as a token column stores it: trimmed, lower-cased, runs of spaces and hyphens as `_`
 * (`' Sign Up '` → `sign_up`). The SQL forms of the same rule are in source-columns.ts (DuckDB)
 * and parse-clickhouse.ts (ClickHouse).
 */
export const toToken = (value: string): string =>
  value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * A token column's aliases with their keys as tokens (lower-cased, spaces and hyphens as `_`), to
 * be matched against the value's token: `{ 'in progress': 'pending' }` → `{ in_progress: 'pending' }`.
 */
export function tokenAliases(aliases: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(aliases).map(([k, v]) => [toToken(k), v]));
}

/** The checks of one column, in order, as CASE branches (first failing check names the reason). */
function reasonBranches(b: SourceBinding, s: NormalizeSettings, name: string, def: ColumnDef): string[] {
  const c = ident(name);
  const raw = ident(`_raw_${name}`);
  const out: string[] = [];
  if (def.required) out.push(`WHEN ${raw} IS NULL THEN '${name}: missing'`);
  const rawText = `CAST(${raw} AS VARCHAR)`;
  // an amount in minor units with a fraction (`amount_unit: minor`): NULL in `c`, said so before
  // the unreadable values
  if (def.kind === 'amount' && b.amountUnit === 'minor' && b.columns[name] !== undefined)
    out.push(
      `WHEN ${ident(`_frac_${name}`)} THEN ${literal(`${name}: `)} || ${rawText} || ${literal(NOT_MINOR_UNITS)}`,
    );
  const word = KIND_WORD[def.kind];
  // what to do about a value that a source setting would read (`decimal`, `date_order`)
  const hint =
    def.kind === 'timestamp' || def.kind === 'date'
      ? ` || ${timestampHintSql(rawText, dateOrderOf(b, name))}`
      : def.kind === 'number' || def.kind === 'amount' || def.kind === 'integer'
        ? ` || ${amountHintSql(rawText, b.decimal)}`
        : '';
  if (word)
    out.push(
      `WHEN ${raw} IS NOT NULL AND ${c} IS NULL THEN '${name}: cannot read ' || ${rawText} || ' as ${word}'${hint}`,
    );
  if (def.kind === 'number' || def.kind === 'amount')
    out.push(
      `WHEN ${c} IS NOT NULL AND NOT isfinite(${c}) THEN '${name}: ' || CAST(${raw} AS VARCHAR) || ' is not a finite number'`,
    );
  if (def.min !== undefined)
    out.push(
      `WHEN ${c} < ${Number(def.min)} THEN '${name}: ' || CAST(${raw} AS VARCHAR) || ${literal(belowMinWords(def))}`,
    );
  const max = columnMax(def, s);
  if (def.max && max !== undefined)
    out.push(
      `WHEN ${c} > ${max} THEN '${name}: ' || CAST(${raw} AS VARCHAR) || ${literal(` is above ${def.max.words(max)}`)}`,
    );
  if (def.kind === 'token' && def.values?.length)
    out.push(
      // list_contains, not NOT IN: DuckDB rewrites an IN list of five or more values into a mark
      // join against a constant table, which cost a hash probe per row (0.7 s of thread time over a
      // 10M-row ledger's type column against 0.35 s for the list scan)
      `WHEN ${c} IS NOT NULL AND NOT list_contains([${def.values.map((v) => literal(v)).join(', ')}], ${c}) THEN '${name}: ' || CAST(${raw} AS VARCHAR) || ' is not one of ${def.values.join(', ')}'`,
    );
  return out;
}

/**
 * The rows of `inner` (as `o`) with the exchange rate of each amount column (`_rate_<name>`): the
 * latest rate of the row's currency whose `valid_from` is not after the amount's date (its `rateAt`
 * column, else today), NULL when there is none — as `rateLookupSql` finds it, but through one join
 * per amount on the rates' validity intervals instead of a lookup per row (a correlated subquery
 * with ORDER BY … LIMIT 1 costs about ten times as much on millions of rows).
 */
function ratedSql(
  inner: string,
  ratesTable: string,
  currency: string,
  amounts: readonly [string, ColumnDef][],
): string {
  const intervals = `(SELECT currency, valid_from, rate,
      lead(valid_from) OVER (PARTITION BY currency ORDER BY valid_from) AS valid_to FROM ${ratesTable})`;
  const joins = amounts.map(([, d], i) => {
    const day = `CAST(${d.rateAt ? `o.${ident(d.rateAt)}` : 'CURRENT_DATE'} AS DATE)`;
    const fx = `_fx${i}`;
    return ` LEFT JOIN ${intervals} ${fx} ON ${fx}.currency = ${currency} AND ${fx}.valid_from <= ${day} AND (${fx}.valid_to IS NULL OR ${day} < ${fx}.valid_to)`;
  });
  const rates = amounts.map(([n], i) => `_fx${i}.rate AS ${ident(`_rate_${n}`)}`);
  return `SELECT o.*, ${rates.join(', ')} FROM (${inner}) o${joins.join('')}`;
}

/** A canonical column the kit may read as the source has it when no row's value changes it. */
function asIsCandidate(b: SourceBinding, name: string, def: ColumnDef): boolean {
  const column = b.columns[name];
  if (!column) return false;
  // amounts: the conversion is the identity when every rate found is 1 (and the amounts are in
  // major units: minor ones are always divided)
  if (def.kind === 'amount') return b.amountUnit !== 'minor' && nativeColumn(b, name, def) !== undefined;
  return (
    (STRING_KINDS.has(def.kind) || def.kind === 'partner') &&
    b.columnTypes?.[column]?.toUpperCase() === 'VARCHAR'
  );
}

/** The smallest unsigned integer type holding a mask of `bits` bits. */
const maskType = (bits: number) =>
  bits <= 8 ? 'UTINYINT' : bits <= 16 ? 'USMALLINT' : bits <= 32 ? 'UINTEGER' : 'UBIGINT';

/**
 * Builds an entity from declared columns: the normalizing SELECT (typed values, reasons for
 * rejected rows: missing required values, unreadable values, non-finite numbers, values below a
 * minimum, tokens outside their list, amounts without an exchange rate), the empty SELECT and the
 * dedupe rule. Amount columns come out in the reporting currency, with `<name>_local` and
 * `currency` keeping what the source said.
 *
 * @example
 * const ledger = typedEntity({ name: 'ledger', description: 'points ledger',
 *   columns: { member_id: { kind: 'key', required: true }, points: { kind: 'number', required: true } },
 *   dedupe: { keys: ['member_id', 'points'] } });
 */
/** The definition each typed entity was built from (read by its ClickHouse form). */
const DEFS = new WeakMap<EntitySpec, TypedEntityDef>();

/** The definition an entity was built from by `typedEntity`, or undefined for a hand-written one. */
export const typedEntityDef = (spec: EntitySpec): TypedEntityDef | undefined => DEFS.get(spec);

export function typedEntity(def: TypedEntityDef): EntitySpec {
  const entries = Object.entries(def.columns);
  const amounts = entries.filter(([, d]) => d.kind === 'amount');
  const hasCurrency = entries.some(([, d]) => d.kind === 'currency');

  /**
   * The normalizing SELECT. `checks`: with the reject reason (and, given `changed`, the mask of
   * the rows whose canonical value of a `changed` column differs from the source's); without it,
   * the canonical columns alone, reading the columns in `asIs` as the source has them.
   */
  function build(
    b: SourceBinding,
    s: NormalizeSettings,
    opts: { checks: boolean; changed?: readonly string[]; asIs?: ReadonlySet<string> },
  ): string {
    const asIs = opts.asIs ?? new Set<string>();
    const changed = opts.changed ?? [];
    // Each mapped column's trimmed text is computed once, in a projection under the one that
    // reads it (a key's canonical value and its raw one for the reasons both start from it): the
    // same CASE written twice in one SELECT is evaluated twice, ~0.05 s per column per 10M rows.
    // Columns nothing reads are pruned by the engine.
    const pre = new Map(
      entries
        .filter(([n]) => b.columns[n] !== undefined)
        .map(([n]) => [n, ident(`__gtm_trimmed_${n}`)] as const),
    );
    const trimmed = (n: string) => pre.get(n) ?? text(b, n);
    const from = pre.size
      ? `(SELECT *, ${[...pre].map(([n, id]) => `${text(b, n)} AS ${id}`).join(', ')} FROM ${ident(b.rawTable)})`
      : ident(b.rawTable);
    // a row's currency: its cell, else the ISO code its first amount is written with (`EUR 10`),
    // else the source's (amount-currency.ts)
    // (a numeric source column holds no code: only text amounts are read for one)
    const textAmounts = amounts.filter(([a, d]) => b.columns[a] !== undefined && !nativeColumn(b, a, d));
    const own = userCurrencyCodes(s.rates);
    const codes = textAmounts.map(([a]) => amountCodeSql(trimmed(a), own));
    const currencyOf = (n: string) =>
      `upper(COALESCE(${[trimmed(n), ...codes, literal(b.defaultCurrency)].join(', ')}))`;
    // typed source columns keep their own value as the "raw" one (cast to text only in a reason)
    const parsed = entries.map(([n, d]) => {
      const value =
        asIs.has(n) && d.kind !== 'amount'
          ? ident(b.columns[n] as string)
          : d.kind === 'currency' && codes.length && !nativeColumn(b, n, d)
            ? currencyOf(n)
            : parsedSql(b, s, n, d, trimmed);
      const raw = opts.checks ? `, ${nativeColumn(b, n, d) ?? trimmed(n)} AS ${ident(`_raw_${n}`)}` : '';
      const own =
        changed.includes(n) && d.kind !== 'amount'
          ? `, ${ident(b.columns[n] as string)} AS ${ident(`_own_${n}`)}`
          : '';
      return `${value} AS ${ident(n)}${raw}${own}`;
    });
    const currency = hasCurrency ? 'o.currency' : literal(b.defaultCurrency.toUpperCase());
    // an amount the source does not map is NULL whatever the rate: no join for it (an optional
    // amount column such as the orders' refunded_amount cost one range join per row unmapped)
    const converted = amounts.filter(([n]) => !asIs.has(n) && b.columns[n] !== undefined);
    // amounts in minor units (`amount_unit: minor`): divided by 10^d of the row's currency, a
    // value with a fraction NULL and flagged (`_frac_<name>`) for its reason
    const minor = b.amountUnit === 'minor' ? converted : [];
    const parsedRows = `SELECT ${bookkeeping(b)}, ${parsed.join(', ')} FROM ${from}`;
    const unitCurrency = hasCurrency ? 'currency' : literal(b.defaultCurrency.toUpperCase());
    const inner = minor.length
      ? `SELECT * REPLACE (${minor.map(([n]) => `${fromMinorSql(ident(n), unitCurrency, 'duckdb')} AS ${ident(n)}`).join(', ')}), ${minor.map(([n]) => `${notWholeSql(ident(n), 'duckdb')} AS ${ident(`_frac_${n}`)}`).join(', ')} FROM (${parsedRows})`
      : parsedRows;
    const rated = converted.length ? ratedSql(inner, s.ratesTable, currency, converted) : inner;
    const replace = converted.length
      ? ` REPLACE (${converted.map(([n]) => `${ident(n)} * ${ident(`_rate_${n}`)} AS ${ident(n)}`).join(', ')})`
      : '';
    const locals = amounts.map(([n]) => `, ${ident(n)} AS ${ident(`${n}_local`)}`).join('');
    // the raw values and rates serve the reasons only: they are not kept in the staged rows
    const helpers = [
      ...(opts.checks ? entries.map(([n]) => `_raw_${n}`) : []),
      ...changed.filter((n) => def.columns[n].kind !== 'amount').map((n) => `_own_${n}`),
      ...converted.map(([n]) => `_rate_${n}`),
      ...minor.map(([n]) => `_frac_${n}`),
    ];
    const exclude = helpers.length ? ` EXCLUDE (${helpers.map((h) => ident(h)).join(', ')})` : '';
    if (!opts.checks) return `SELECT *${exclude}${replace}${locals} FROM (${rated})`;
    const branches = entries.flatMap(([n, d]) => reasonBranches(b, s, n, d));
    // a header row repeated in the file (exports joined with their headers): said so, first; not
    // looked for when a mapped column is typed (a number, a time: Parquet, a typed table), which no
    // such row can be in — the test compares every mapped text column, so it would trim and read
    // columns nothing else of the check pass reads (~3 s of CPU over 50M decisions)
    const headerCols = entries.filter(([n, d]) => b.columns[n] !== undefined && !nativeColumn(b, n, d));
    if (headerCols.length && !typedColumnMapped(b))
      branches.unshift(
        `WHEN ${headerCols.map(([n]) => `${ident(`_raw_${n}`)} = ${literal(String(b.columns[n]).trim())}`).join(' AND ')} THEN ${literal(HEADER_AGAIN)}`,
      );
    // an amount written in another currency than the row's (`USD 100` on a EUR row)
    const currencyColumn = entries.find(([, d]) => d.kind === 'currency')?.[0];
    const rowCurrency = hasCurrency ? 'currency' : literal(b.defaultCurrency.toUpperCase());
    // (a numeric source column cannot disagree: casting millions of numbers to text to look for a
    // code cost 3 s of the 5.5M orders' pass)
    for (const [n] of textAmounts) {
      const amountText = `CAST(${ident(`_raw_${n}`)} AS VARCHAR)`;
      const named = amountCurrencyConflictSql(amountText, rowCurrency, own);
      const fromColumn = currencyColumn ? `${ident(`_raw_${currencyColumn}`)} IS NOT NULL` : 'false';
      branches.push(
        `WHEN ${ident(n)} IS NOT NULL AND ${named} IS NOT NULL THEN ${amountCurrencyReasonSql(n, amountText, named, rowCurrency, fromColumn, 'duckdb')}`,
      );
    }
    // a currency that is no ISO 4217 code nor one of currency.rates: that, not a missing rate
    const known = knownCurrencies(s.reportingCurrency, s.rates);
    for (const [n] of amounts.filter(([a]) => b.columns[a] !== undefined))
      branches.push(
        `WHEN ${ident(n)} IS NOT NULL AND ${ident(`_rate_${n}`)} IS NULL THEN ${noRateReasonSql(rowCurrency, known, `'currency: no rate for ' || ${rowCurrency} || '; add it under currency.rates'`, 'duckdb')}`,
      );
    for (const group of def.oneOf ?? [])
      branches.push(
        `WHEN ${group.map((g) => `${ident(g)} IS NULL`).join(' AND ')} THEN '${group.join(' and ')}: all missing'`,
      );
    for (const c of def.crossChecks ?? []) {
      const { op, words } = crossCheckOp(c);
      const rawText = (n: string) => `CAST(${ident(`_raw_${n}`)} AS VARCHAR)`;
      if (c.is === 'without') {
        branches.push(
          `WHEN ${ident(c.column)} > 0 AND ${ident(c.than)} IS NULL THEN ${literal(`${c.column}: `)} || ${rawText(c.column)} || ${literal(` ${words} ${c.than}; ${c.why}`)}`,
        );
        continue;
      }
      const than = c.is === 'before-day' ? `date_trunc('day', ${ident(c.than)})` : ident(c.than);
      branches.push(
        `WHEN ${ident(c.column)} ${op} ${than} THEN ${literal(`${c.column}: `)} || ${rawText(c.column)} || ${literal(` ${words} ${c.than} `)} || ${rawText(c.than)} || ${literal(`; ${c.why}`)}`,
      );
    }
    const reason = branches.length ? `CASE ${branches.join(' ')} END` : 'NULL';
    // bit i: the row's canonical value of changed[i] is not the source's own (for an amount: its
    // rate is not 1), so that column cannot be read as it is
    const bits = changed.map((n, i) => {
      const differs =
        def.columns[n].kind === 'amount'
          ? `${ident(n)} IS NOT NULL AND ${ident(`_rate_${n}`)} IS DISTINCT FROM 1`
          : `${ident(n)} IS DISTINCT FROM ${ident(`_own_${n}`)}`;
      return `CASE WHEN ${differs} THEN ${2n ** BigInt(i)} ELSE 0 END`;
    });
    const mask = changed.length
      ? `, CAST(${bits.join(' + ')} AS ${maskType(changed.length)}) AS _changed`
      : '';
    return `SELECT *${exclude}${replace}${locals}, ${reason} AS _reject_reason${mask} FROM (${rated})`;
  }

  const spec: EntitySpec = {
    name: def.name,
    description: def.description,
    columns: entries.map(([n]) => n),
    required: entries.filter(([, d]) => d.required).map(([n]) => n),
    oneOf: def.oneOf ?? [],
    dedupe: def.dedupe,
    internal: [],
    // typed sources (Parquet, typed tables) are read through a view: a string kind over a VARCHAR
    // column is as cheap to recompute as to copy, and a copy of millions of rows costs gigabytes
    readsTyped: (b) =>
      entries.every(
        ([n, d]) =>
          !b.columns[n] ||
          d.kind === 'id' ||
          d.kind === 'text' ||
          nativeColumn(b, n, d) !== undefined ||
          (STRING_KINDS.has(d.kind) && b.columnTypes?.[b.columns[n]]?.toUpperCase() === 'VARCHAR'),
      ),
    select: (b, s) => build(b, s, { checks: true }),
    view(b, s) {
      // only the columns the checks compute anyway (dedupe keys, values a reason tests) are
      // compared with the source's own: checking the others would read and trim every column of
      // the source once more, as much as a later read of them costs
      const keys = s.dedupe[def.name]?.keys ?? def.dedupe.keys;
      const checked = (n: string, d: ColumnDef) =>
        d.required ||
        keys.includes(n) ||
        (d.kind === 'token' && !!d.values?.length) ||
        d.min !== undefined ||
        d.max !== undefined ||
        d.kind === 'amount' ||
        (d.kind === 'currency' && amounts.length > 0) ||
        (def.oneOf ?? []).some((g) => g.includes(n));
      const changed = entries
        .filter(([n, d]) => asIsCandidate(b, n, d) && checked(n, d))
        .map(([n]) => n)
        .slice(0, 64);
      return {
        checked: build(b, s, { checks: true, changed }),
        changed,
        rows: (asIs) => build(b, s, { checks: false, asIs: new Set(asIs) }),
      };
    },
    emptySelect() {
      const cols = entries.map(([n, d]) => `NULL::${SQL_TYPE[d.kind]} AS ${ident(n)}`);
      for (const [n] of amounts) cols.push(`NULL::DOUBLE AS ${ident(`${n}_local`)}`);
      return `SELECT ${cols.join(', ')}`;
    },
  };
  DEFS.set(spec, def);
  return spec;
}
