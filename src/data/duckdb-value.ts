/**
 * DuckDB values → plain JS values, the contract of `Engine.query`: integers as `number` when safe
 * and `bigint` otherwise, DECIMAL as `number`, DATE as `YYYY-MM-DD`, timestamps as ISO 8601 UTC
 * strings (sub-millisecond digits kept when present), lists and arrays as arrays, structs as
 * objects. The library's own JS converter returns `Date` objects (losing microseconds) and `bigint`
 * for every BIGINT, which is why this exists.
 */
import {
  DuckDBTypeId,
  arrayFromArrayValue,
  arrayFromListValue,
  booleanFromValue,
  bytesFromBitValue,
  bytesFromBlobValue,
  bytesFromGeometryValue,
  createDuckDBValueConverter,
  fromVariantValue,
  nullConverter,
  numberFromValue,
  objectArrayFromMapValue,
  objectFromStructValue,
  objectFromUnionValue,
  stringFromValue,
  unsupportedConverter,
  type DuckDBValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import { safeInteger } from './safe-integer.ts';

export { safeInteger } from './safe-integer.ts';

/**
 * Nanoseconds since the epoch → `2024-01-02T03:04:05.123Z`; six or nine fraction digits only when
 * the value has them. Outside the range of JS dates, falls back to DuckDB's own text.
 */
export function isoFromEpochNanos(nanos: bigint, fallback: () => string): string {
  const millis = floorDiv(nanos, 1_000_000n);
  const subMillisNanos = nanos - millis * 1_000_000n;
  const date = new Date(Number(millis));
  if (Number.isNaN(date.getTime())) return fallback();
  const iso = date.toISOString();
  if (subMillisNanos === 0n) return iso;
  const extra =
    subMillisNanos % 1000n === 0n
      ? String(subMillisNanos / 1000n).padStart(3, '0')
      : String(subMillisNanos).padStart(6, '0');
  return `${iso.slice(0, -1)}${extra}Z`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

interface TimestampLike {
  readonly isFinite?: boolean;
  toString(): string;
}

function timestampConverter(toNanos: (value: DuckDBValue) => bigint) {
  return (value: DuckDBValue): string => {
    const ts = value as unknown as TimestampLike;
    if (ts.isFinite === false) return ts.toString();
    return isoFromEpochNanos(toNanos(value), () => ts.toString());
  };
}

const integer = (value: DuckDBValue) => safeInteger(value as bigint);
const text = (value: DuckDBValue) => String(value);
const field = (value: DuckDBValue, name: string) => (value as unknown as Record<string, bigint>)[name];

const convertersByTypeId: Record<DuckDBTypeId, DuckDBValueConverter<unknown> | undefined> = {
  [DuckDBTypeId.INVALID]: unsupportedConverter,
  [DuckDBTypeId.BOOLEAN]: booleanFromValue,
  [DuckDBTypeId.TINYINT]: numberFromValue,
  [DuckDBTypeId.SMALLINT]: numberFromValue,
  [DuckDBTypeId.INTEGER]: numberFromValue,
  [DuckDBTypeId.BIGINT]: integer,
  [DuckDBTypeId.UTINYINT]: numberFromValue,
  [DuckDBTypeId.USMALLINT]: numberFromValue,
  [DuckDBTypeId.UINTEGER]: numberFromValue,
  [DuckDBTypeId.UBIGINT]: integer,
  [DuckDBTypeId.HUGEINT]: integer,
  [DuckDBTypeId.UHUGEINT]: integer,
  [DuckDBTypeId.BIGNUM]: integer,
  [DuckDBTypeId.FLOAT]: numberFromValue,
  [DuckDBTypeId.DOUBLE]: numberFromValue,
  [DuckDBTypeId.DECIMAL]: (value) => (value as unknown as { toDouble(): number }).toDouble(),
  [DuckDBTypeId.DATE]: text,
  [DuckDBTypeId.TIME]: text,
  [DuckDBTypeId.TIME_NS]: text,
  [DuckDBTypeId.TIME_TZ]: text,
  [DuckDBTypeId.TIMESTAMP]: timestampConverter((v) => field(v, 'micros') * 1000n),
  [DuckDBTypeId.TIMESTAMP_TZ]: timestampConverter((v) => field(v, 'micros') * 1000n),
  [DuckDBTypeId.TIMESTAMP_S]: timestampConverter((v) => field(v, 'seconds') * 1_000_000_000n),
  [DuckDBTypeId.TIMESTAMP_MS]: timestampConverter((v) => field(v, 'millis') * 1_000_000n),
  [DuckDBTypeId.TIMESTAMP_NS]: timestampConverter((v) => field(v, 'nanos')),
  [DuckDBTypeId.INTERVAL]: (value) => {
    const v = value as unknown as { months: number; days: number; micros: bigint };
    return { months: v.months, days: v.days, micros: safeInteger(v.micros) };
  },
  [DuckDBTypeId.VARCHAR]: stringFromValue,
  [DuckDBTypeId.ENUM]: stringFromValue,
  [DuckDBTypeId.UUID]: text,
  [DuckDBTypeId.BLOB]: bytesFromBlobValue,
  [DuckDBTypeId.BIT]: bytesFromBitValue,
  [DuckDBTypeId.GEOMETRY]: bytesFromGeometryValue,
  [DuckDBTypeId.LIST]: arrayFromListValue,
  [DuckDBTypeId.ARRAY]: arrayFromArrayValue,
  [DuckDBTypeId.STRUCT]: objectFromStructValue,
  [DuckDBTypeId.MAP]: objectArrayFromMapValue,
  [DuckDBTypeId.UNION]: objectFromUnionValue,
  [DuckDBTypeId.VARIANT]: fromVariantValue,
  [DuckDBTypeId.SQLNULL]: nullConverter,
  [DuckDBTypeId.ANY]: unsupportedConverter,
  [DuckDBTypeId.STRING_LITERAL]: stringFromValue,
  [DuckDBTypeId.INTEGER_LITERAL]: integer,
};

/** The converter handed to `reader.convertRowObjects`. */
export const plainValueConverter: DuckDBValueConverter<unknown> =
  createDuckDBValueConverter(convertersByTypeId);
