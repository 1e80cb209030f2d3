import { usageError } from '../../../errors/index.ts';
import { asOfInstant } from './as-of.ts';

/** An analysis window: [start, end) as ISO instants. */
export interface ResolvedWindow {
  label: string;
  /** inclusive, ISO */
  start: string;
  /** exclusive, ISO */
  end: string;
  days: number;
}

export interface WindowOptions {
  /** Needed for `campaign`: the campaign's first and last day (YYYY-MM-DD). */
  campaign?: { start: string; end: string };
  /** Words the command accepts besides `Nd` (e.g. `quarter`, `campaign`). */
  keywords?: readonly string[];
}

const DAY = 86_400_000;

/** The longest window, in days (`3660d`). */
export const MAX_WINDOW_DAYS = 3660;

/**
 * The JSON Schema `pattern` of a window flag (MCP tools' input schemas): `1d` to `3660d` and the
 * command's keywords, as written in the help. Every value it matches resolves; the command also
 * takes them padded, in capitals or with leading zeros.
 *
 * @example windowPattern(['quarter']) // '^(?:(?:[1-9][0-9]{0,2}|[12][0-9]{3}|3[0-5][0-9]{2}|36[0-5][0-9]|3660)d|quarter)$'
 */
export function windowPattern(keywords: readonly string[] = []): string {
  const days = '(?:[1-9][0-9]{0,2}|[12][0-9]{3}|3[0-5][0-9]{2}|36[0-5][0-9]|3660)d';
  return `^(?:${[days, ...keywords].join('|')})$`;
}

/**
 * Resolves a window ending at as-of: `7d`, `14d`, `30d`, `90d`, any `Nd` (1 to 3660 days);
 * `quarter` (the calendar quarter to date: from the first day of the as-of day's quarter);
 * `campaign` (the campaign's start to its end, capped at as-of).
 *
 * @example resolveWindow('30d', '2026-11-15') // { label: '30d', start: '2026-10-17T00:00:00.000Z', end: '2026-11-16T00:00:00.000Z', days: 30 }
 */
export function resolveWindow(window: string, asOf: string, opts: WindowOptions = {}): ResolvedWindow {
  const end = asOfInstant(asOf);
  const w = window.trim().toLowerCase();
  const keywords = opts.keywords ?? [];
  const m = /^(\d+)d$/.exec(w);
  if (m) {
    const days = Number(m[1]);
    if (days < 1 || days > MAX_WINDOW_DAYS)
      throw usageError(`window must be 1d to 3660d, got "${window}"`, '--window', 'e.g. --window 30d');
    return {
      label: `${days}d`,
      start: new Date(end.getTime() - days * DAY).toISOString(),
      end: end.toISOString(),
      days,
    };
  }
  if (w === 'quarter' && keywords.includes('quarter')) {
    const last = new Date(end.getTime() - 1);
    const start = new Date(Date.UTC(last.getUTCFullYear(), Math.floor(last.getUTCMonth() / 3) * 3, 1));
    return {
      label: 'quarter',
      start: start.toISOString(),
      end: end.toISOString(),
      days: Math.round((end.getTime() - start.getTime()) / DAY),
    };
  }
  if (w === 'campaign' && keywords.includes('campaign') && opts.campaign) {
    const start = new Date(`${opts.campaign.start}T00:00:00Z`);
    const cEnd = new Date(Date.parse(`${opts.campaign.end}T00:00:00Z`) + DAY);
    const e = cEnd < end ? cEnd : end;
    return {
      label: 'campaign',
      start: start.toISOString(),
      end: e.toISOString(),
      days: Math.max(0, Math.round((e.getTime() - start.getTime()) / DAY)),
    };
  }
  const days = /^\s*(\d+)\s*(days?)?\s*$/i.exec(window)?.[1];
  throw usageError(
    `unknown window "${window}"`,
    '--window',
    `${days ? `did you mean ${days}d? ` : ''}use ${['7d', '30d', 'any Nd', ...keywords].join(', ')}`,
  );
}

/**
 * The window of the same length just before `w`, for trends and deltas: `previous 30d` for an `Nd`
 * window; for a `quarter` (to date, 61 days on 30 November) `61d before the quarter`, since it is
 * not the previous calendar quarter (1 August to 30 September, not 1 July).
 */
export function previousWindow(w: ResolvedWindow): ResolvedWindow {
  const len = Date.parse(w.end) - Date.parse(w.start);
  return {
    label: /^\d+d$/.test(w.label) ? `previous ${w.label}` : `${w.days}d before the ${w.label}`,
    start: new Date(Date.parse(w.start) - len).toISOString(),
    end: w.start,
    days: w.days,
  };
}
