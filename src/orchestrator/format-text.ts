/** Small text helpers shared by the plan formatters. */

/** `850 ms`, `12.3 s`, `4m 05s`; an em dash when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** A value on one line: strings bare, everything else as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
  return JSON.stringify(value);
}

/** `2024-05-01T12:00:00.123Z` → `2024-05-01 12:00:00Z`. */
export function formatTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : '—';
}

/** Left-aligned columns separated by two spaces; trailing spaces trimmed. */
export function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, [...cell].length)),
    [],
  );
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `role (person)`, or `role (nobody available)`. */
export function formatParty(role: string | null, person: string | null): string {
  if (role === null) return person ?? 'nobody';
  return `${role} (${person ?? 'nobody available'})`;
}
