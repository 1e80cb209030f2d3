/**
 * Timestamp text for the demo's files, as `new Date(ms).toISOString()` writes it with a zero
 * millisecond part dropped (`2026-11-15T09:30:00Z`), without a Date and a replaced string per value:
 * the date part is kept per day, the time of day is arithmetic, a millisecond part is written as
 * `Date` writes it (`.398Z`). Anything else (a year outside 1970–9999, a non-integer) goes through
 * `Date`, so the text is always the same.
 */
const DAY_MS = 86_400_000;
const dayText = new Map<number, string>();
const two = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

export function isoSeconds(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 253_402_300_800_000)
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  const day = Math.floor(ms / DAY_MS);
  let date = dayText.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayText.set(day, date);
  }
  const milli = ms % 1000;
  const s = (ms - milli - day * DAY_MS) / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s - h * 3600) / 60);
  const hms = `${date}${two[h]}:${two[m]}:${two[s - h * 3600 - m * 60]}`;
  return milli === 0 ? `${hms}Z` : `${hms}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}
