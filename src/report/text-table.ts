import { moneyShort, percentText } from './format-number.ts';

/** A plain aligned text table for the terminal; numbers right-aligned. */
export function textTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) => cells.length > 0 && cells.every((r) => /^[<>]?[-+]?[\d,.]+%?$|^—$/.test(r[i] ?? '')),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/**
 * Money in a terminal table or line, no code: the currency's decimals below 1,000 and whole units
 * from 1,000 up ('5.30', '8.44', '20,709'; JPY '530', KWD '5.300'), as the dashboards' summaries
 * print it. It rounded every amount to whole units, so a liability of USD 5.30 read '5'.
 */
export const fmtMoney = (x: number, currency: string) => moneyShort(x, currency);
/** A count (members, points) in a terminal table or line: whole, with thousands separators. */
export const fmtCount = (x: number) => Math.round(x).toLocaleString('en-US');
/** A share as a percent with one decimal ('—' when missing); a small non-zero share is not '0.0%'. */
export const fmtPct = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : percentText(x);
