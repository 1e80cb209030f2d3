import type { AttributeResult } from './run-attribute.ts';
import { percentText } from '../../report/index.ts';

/**
 * The terminal view of an attribution result: a plain, aligned text table (channels by credit, with
 * share and bootstrap interval when present; for `compare`, one column per model plus min and max).
 *
 * @example
 * console.log(formatAttributeTable(await runAttribute({ paths: 'paths.csv', model: 'linear' })));
 */
export function formatAttributeTable(result: AttributeResult): string {
  const { totals, source } = result;
  const head =
    `model: ${result.model}   file: ${source.file} (${source.format}, ${source.records} paths)\n` +
    `total conversions ${num(totals.conversions)}   total value ${num(totals.value)}   non-converting ${num(totals.nulls)}` +
    (totals.dropped.journeys > 0 ? `   dropped by conversion window ${num(totals.dropped.journeys)}` : '');
  let rows: string[][];
  let rightAligned: boolean[];
  if (result.comparison) {
    const models = result.comparison.models;
    rows = [['channel', ...models, 'min', 'max']];
    for (const c of result.comparison.channels) {
      rows.push([
        c.channel,
        ...models.map((m) => num(c.conversions.byModel[m] ?? 0)),
        num(c.conversions.min),
        num(c.conversions.max),
      ]);
    }
    rightAligned = rows[0].map((_, i) => i > 0);
    const skipped = result.comparison.skipped.map((s) => `skipped ${s.model}: ${s.reason}`);
    return [head, '', ...align(rows, rightAligned), ...(skipped.length ? ['', ...skipped] : [])].join('\n');
  }
  const channels = result.channels ?? [];
  const withCi = channels.some((c) => c.conversionsCI);
  const level = result.bootstrap ? `${Math.round(result.bootstrap.level * 100)}% CI` : '';
  rows = [
    [
      'channel',
      'conversions',
      'share',
      'value',
      ...(withCi ? [`conversions ${level}`, `value ${level}`] : []),
    ],
  ];
  for (const c of channels) {
    rows.push([
      c.channel,
      num(c.conversions),
      pct(totals.conversions > 0 ? c.conversions / totals.conversions : 0),
      num(c.value),
      ...(withCi ? [range(c.conversionsCI), range(c.valueCI)] : []),
    ]);
  }
  rows.push([
    'total',
    num(totals.conversions),
    pct(totals.conversions > 0 ? 1 : 0),
    num(totals.value),
    ...(withCi ? ['', ''] : []),
  ]);
  rightAligned = rows[0].map((_, i) => i > 0);
  const lines = align(rows, rightAligned);
  lines.splice(lines.length - 1, 0, lines[1]); // rule above the total
  const perPath = result.perPath ? formatPerPath(result.perPath) : [];
  return [head, '', ...lines, ...perPath].join('\n');
}

/** The largest paths by conversions and each channel's share of them (all of them are in --json). */
function formatPerPath(paths: NonNullable<AttributeResult['perPath']>, limit = 25): string[] {
  const top = [...paths]
    .sort((a, b) => b.conversions - a.conversions || a.path.localeCompare(b.path))
    .slice(0, limit);
  const rows = [['path', 'conversions', 'shares']];
  for (const p of top)
    rows.push([
      p.path,
      num(p.conversions),
      Object.entries(p.shares)
        .filter(([, v]) => v > 0)
        .map(([c, v]) => `${c} ${pct(v)}`)
        .join(', '),
    ]);
  const more = paths.length > limit ? [`(${paths.length - limit} more paths in --json)`] : [];
  return [
    '',
    `Credit per path (top ${top.length} of ${paths.length} by conversions):`,
    ...align(rows, [false, true, false]),
    ...more,
  ];
}

function align(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(fmt)];
}

const num = (x: number): string =>
  x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (x: number): string => percentText(x);
const range = (r?: [number, number]): string => (r ? `${num(r[0])} – ${num(r[1])}` : '');
