import { AnomalyInputError } from './anomaly-input-error.ts';
import type { TimeInput } from './types.ts';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Epoch milliseconds of a time given as epoch ms or as an ISO 8601 date / date-time. A time without
 * a zone is read as UTC (never as the machine's local time, so results do not depend on `TZ`).
 * Returns NaN for anything else.
 *
 * @example
 * toEpochMs('2011-07-01'); // 1309478400000
 * toEpochMs('2011-07-01 00:15:01'); // 1309479301000
 */
export function toEpochMs(t: TimeInput): number {
  if (typeof t === 'number') return Number.isFinite(t) ? t : Number.NaN;
  const m = ISO.exec(t.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  let epoch = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const date = new Date(epoch);
  // Date.UTC rolls 2011-02-30 over to March: reject such dates instead.
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return Number.NaN;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    epoch -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return epoch;
}

/** {@link toEpochMs}, throwing an AnomalyInputError that names the option and point. */
export function requireEpochMs(t: TimeInput, option: string, index?: number): number {
  const ms = toEpochMs(t);
  if (Number.isNaN(ms))
    throw new AnomalyInputError(`${option}: cannot read ${JSON.stringify(t)} as a time.`, {
      option,
      index,
      hint: 'Give epoch milliseconds or an ISO 8601 date such as 2024-05-01 or 2024-05-01T13:00:00Z.',
    });
  return ms;
}

export const DAY_MS = 86_400_000;

/**
 * ISO text of an epoch-ms time: the date alone when it is a UTC midnight.
 *
 * @example
 * formatTime(Date.UTC(2024, 4, 1)); // '2024-05-01'
 */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}
