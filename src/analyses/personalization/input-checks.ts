import { PersonalizationInputError } from './personalization-input-error.ts';
import type { Timestamp } from './types.ts';

export const MS_PER_DAY = 86_400_000;

// A zone-less SQL or ISO timestamp; read as UTC so results do not depend on the machine's zone.
const NAIVE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
// `+00` / `-0530` offsets as PostgreSQL and DuckDB print them; Date.parse wants `+00:00`.
const SHORT_OFFSET = /([+-])(\d{2})(\d{2})?$/;

/**
 * Epoch milliseconds of a timestamp, or NaN when it cannot be read.
 *
 * @example
 * toEpochMs('2026-03-01 10:00:00'); // 1772359200000 (UTC)
 */
export function toEpochMs(ts: Timestamp): number {
  if (typeof ts === 'number') return Number.isFinite(ts) ? ts : Number.NaN;
  if (ts instanceof Date) return ts.getTime();
  if (typeof ts !== 'string') return Number.NaN;
  const s = ts.trim();
  if (NAIVE.test(s)) return Date.parse(`${s.replace(' ', 'T')}Z`);
  const withT = /^\d{4}-\d{2}-\d{2} \d/.test(s) ? s.replace(' ', 'T') : s;
  const direct = Date.parse(withT);
  if (!Number.isNaN(direct)) return direct;
  const m = SHORT_OFFSET.exec(withT);
  if (m && /T\d{2}:\d{2}/.test(withT)) {
    return Date.parse(`${withT.slice(0, m.index)}${m[1]}${m[2]}:${m[3] ?? '00'}`);
  }
  return Number.NaN;
}

/** `toEpochMs` that throws on an unreadable value, naming the row and field. */
export function requireTime(ts: Timestamp, record: number, field: string): number {
  const ms = toEpochMs(ts);
  if (Number.isNaN(ms)) {
    throw new PersonalizationInputError(`row ${record}: ${field} is not a timestamp: ${String(ts)}`, {
      record,
      field,
      hint: 'pass epoch milliseconds, a Date, or an ISO 8601 / SQL timestamp string',
    });
  }
  return ms;
}

/** Like `requireTime`, but null/undefined/empty string stay null (a value the SQL left empty). */
export function optionalTime(ts: Timestamp | null | undefined, record: number, field: string): number | null {
  if (ts === null || ts === undefined || ts === '') return null;
  return requireTime(ts, record, field);
}

/** The `now` every time-based rule is measured from. */
export function requireNow(now: Timestamp): number {
  const ms = toEpochMs(now);
  if (Number.isNaN(ms)) {
    throw new PersonalizationInputError(`now is not a timestamp: ${String(now)}`, {
      option: 'now',
      hint: 'pass the run’s as-of time (epoch ms, Date or ISO string)',
    });
  }
  return ms;
}

/** A count: a finite integer ≥ 0. BigInt (DuckDB's BIGINT) is accepted and converted. */
export function requireCount(value: unknown, record: number, field: string): number {
  const x = typeof value === 'bigint' ? Number(value) : value;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) {
    throw new PersonalizationInputError(
      `row ${record}: ${field} must be a whole number ≥ 0, got ${String(value)}`,
      {
        record,
        field,
        hint: 'cast the aggregate to BIGINT in the query and check it is not NULL (use COALESCE(…, 0))',
      },
    );
  }
  return x;
}

/** Any finite number (sums of revenue may be negative after refunds). */
export function requireFinite(value: unknown, record: number, field: string): number {
  const x = typeof value === 'bigint' ? Number(value) : value;
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new PersonalizationInputError(
      `row ${record}: ${field} must be a finite number, got ${String(value)}`,
      {
        record,
        field,
        hint: 'check the aggregate is not NULL (use COALESCE(…, 0)) and is cast to DOUBLE',
      },
    );
  }
  return x;
}

/** A non-empty string key (rule, variant, user…). */
export function requireKey(value: unknown, record: number, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PersonalizationInputError(
      `row ${record}: ${field} must be a non-empty string, got ${String(value)}`,
      {
        record,
        field,
        hint: `map a value for ${field} in the query (COALESCE to a label such as '(none)')`,
      },
    );
  }
  return value;
}

/** Checks an option is a number within [low, high] (inclusive). */
export function requireOptionRange(value: number, option: string, low: number, high: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < low || value > high) {
    throw new PersonalizationInputError(
      `${option} must be a number in [${low}, ${high}], got ${String(value)}`,
      {
        option,
      },
    );
  }
  return value;
}

/** Empty, null or whitespace-only text counts as absent (SQL NULL or ''). */
export function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

/** ISO 8601 in UTC, second precision unless milliseconds are present. */
export function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** A share as a percentage for evidence text: 0.0123 → '1.23%'. */
export function percent(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const v = x * 100;
  return `${Number(v.toFixed(Math.abs(v) < 1 && v !== 0 ? 3 : 2))}%`;
}
