import { percentText } from './format-number.ts';

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

export const fmtMoney = (x: number) => Math.round(x).toLocaleString('en-US');
/** A share as a percent with one decimal ('—' when missing); a small non-zero share is not '0.0%'. */
export const fmtPct = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : percentText(x);
