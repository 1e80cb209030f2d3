import type { ChannelRuleSpec } from '../normalize/index.ts';
import type { RateSpec } from '../normalize/currency-sql.ts';
import type { DateOrder, DecimalMark } from '../normalize/parse-sql.ts';
import type { AmountUnit } from '../normalize/minor-units-sql.ts';

/**
 * What normalization needs from the workspace, as plain data (data/ does not read gtm.yaml): the
 * kit builds it once per run.
 */
export interface NormalizeSettings {
  reportingCurrency: string;
  /** Table of date-effective rates (see `ratesTableSql`), created before normalization. */
  ratesTable: string;
  /**
   * The rates of `currency.rates` (those `ratesTable` holds): their currencies are known ones, ISO
   * 4217 or not (a currency neither in them nor ISO is rejected as not an ISO code, not as missing a rate).
   */
  rates?: readonly RateSpec[];
  /** lower-cased alias → partner id */
  partnerAliases: Record<string, string>;
  utmAliases: {
    source: Record<string, string>;
    medium: Record<string, string>;
    campaign: Record<string, string>;
  };
  channelRules: ChannelRuleSpec[];
  channelDefault: string;
  /** raw CRM stage (lower-cased) → canonical stage */
  stageMapping: Record<string, string>;
  /** Dedupe keys per entity, overriding the entity's defaults (from `dedupe:` in gtm.yaml). */
  dedupe: Record<string, { keys?: string[]; time_tolerance_seconds?: number } | undefined>;
  /**
   * The upper limits of numeric columns that a workspace setting gives (a column's `max.setting`:
   * `csat_scale`, the top score of the CSAT survey); absent: the column's `max.default`.
   */
  limits?: Readonly<Record<string, number>>;
}

/** One loaded source, bound to its entity's canonical columns. */
export interface SourceBinding {
  source: string;
  entity: string;
  /** Dedupe preference: the lowest wins when a record arrives from several sources. */
  priority: number;
  rawTable: string;
  /** canonical column → the source's column (absent canonical columns become NULL) */
  columns: Record<string, string | undefined>;
  /**
   * The engine type of each source column (e.g. from Parquet). Typed columns are read as they are;
   * text columns are parsed. Absent: every column is treated as text.
   */
  columnTypes?: Record<string, string>;
  defaultPartner?: string;
  /** Currency of amounts when the source has no currency column. */
  defaultCurrency: string;
  /** The decimal mark of the source's text amounts (`decimal:` in gtm.yaml; absent: `.`). */
  decimal?: DecimalMark;
  /** The order of day and month in the source's slash dates (`date_order:`; absent: `mdy`). */
  dateOrder?: DateOrder;
  /**
   * The unit of the source's amounts (`amount_unit:`; absent: `major`). `minor`: every amount column
   * is a whole number of the row's currency's minor units, divided by 10^d (minor-units-sql.ts).
   */
  amountUnit?: AmountUnit;
  /**
   * Without `dateOrder`: the order inferred per canonical column from its values (a column with
   * dates only day-first reads, none only month-first reads, is read day-first; see
   * `inferDateOrders`). Absent: `mdy`.
   */
  dateOrders?: Readonly<Record<string, DateOrder>>;
  /**
   * How the source's CRM ids are read (`id_format:`; absent: `auto`): `salesforce`, its 15-character
   * ids in their 18-character form; `as_is`, as written; `auto`, as `reconcileSalesforceIds` finds.
   */
  idFormat?: 'auto' | 'salesforce' | 'as_is';
  /**
   * The canonical id columns whose 15-character values are read in their Salesforce 18-character
   * form (`reconcileSalesforceIds`, salesforce-ids.ts); absent: every id as written.
   */
  salesforceIds?: readonly string[];
}

/** How duplicates of an entity are recognised (see `dedupeSql`). */
export interface DedupeRule {
  keys: readonly string[];
  /** A time column whose values chain within `toleranceSeconds` to count as equal. */
  timeKey?: string;
  toleranceSeconds?: number;
}

/**
 * A canonical data entity: its columns, how a source's rows become canonical rows (or rejects with
 * a reason), and how duplicates across sources are found. One entry in `ENTITIES` per entity.
 */
export interface EntitySpec {
  name: string;
  description: string;
  /** Canonical columns a source may provide (mapped in gtm.yaml or present by name). */
  columns: readonly string[];
  /** Columns that must be mapped or present. */
  required: readonly string[];
  /** Groups of which at least one column must be mapped or present. */
  oneOf: readonly (readonly string[])[];
  dedupe: DedupeRule;
  /**
   * SELECT over the raw table giving the canonical columns, the bookkeeping columns `_source`,
   * `_priority`, `_file`, `_row`, and `_reject_reason` (NULL for a valid row).
   */
  select(b: SourceBinding, s: NormalizeSettings): string;
  /** A zero-row SELECT with the canonical output columns and their types. */
  emptySelect(): string;
  /** Output columns dropped after dedupe besides the bookkeeping ones (e.g. raw text kept for reasons). */
  internal?: readonly string[];
  /**
   * Columns of `columns` a source may map that normalization reads but does not output (touchpoints'
   * `landing_url`, read for its UTM parameters): never compared between duplicates.
   */
  inputOnly?: readonly string[];
  /**
   * True when the source's columns are already of the canonical types (typed Parquet, a database
   * table): its normalizing SELECT is cheap, so it is staged as a view instead of a copy.
   */
  readsTyped?(b: SourceBinding): boolean;
  /**
   * How a typed source (one `readsTyped` accepts) is read through a view without its checks being
   * recomputed at every later read: normalize runs `checked` once (accounting, rejects, dedupe),
   * then serves the canonical rows from `rows`, reading as the source has them the `changed`
   * columns that no row changes.
   */
  view?(b: SourceBinding, s: NormalizeSettings): EntityView;
}

/** The two SELECTs of a typed source read through a view (see `EntitySpec.view`). */
export interface EntityView {
  /**
   * `select`, plus `_changed` when `changed` is not empty: an unsigned integer whose bit i is set
   * when the row's canonical value of `changed[i]` differs from the source's own value (amounts:
   * when its exchange rate is not 1).
   */
  checked: string;
  /** Columns that can be read as the source has them when no row changes them (at most 64). */
  changed: readonly string[];
  /**
   * The canonical columns and the bookkeeping ones (`_source`, `_priority`, `_file`, `_row`) of
   * every source row, in the order of `select`, without the reject reason and its checks; the
   * columns in `asIs` are read as the source has them (amounts: not converted).
   */
  rows(asIs: readonly string[]): string;
}
