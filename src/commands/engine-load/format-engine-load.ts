import { LOAD_REJECTS_TABLE } from '../../data/clickhouse-load-record.ts';
import { EVENT_PAYLOADS_SOURCE } from './event-payloads.ts';
import type { EngineLoadResult } from './run-engine-load.ts';

const n = (x: number) => x.toLocaleString('en-US');

/** The terminal view: one line per table (rows read = loaded + rejected, rows counted in ClickHouse, layout), then the totals. */
export function formatEngineLoad(r: EngineLoadResult): string {
  const where = r.cluster
    ? `cluster ${r.cluster} (${r.servers.length} servers, rows in through ${r.servers[0]})`
    : r.servers[0];
  const lines = [
    `Loaded ${r.tables.length} source${r.tables.length === 1 ? '' : 's'} into ${r.database} on ${where}`,
    '',
  ];
  const rows = r.tables.map((t) => [
    t.table,
    n(t.rows.read),
    n(t.rows.loaded),
    n(t.rows.rejected),
    n(t.rows.in_clickhouse),
    t.layout === 'sharded'
      ? `sharded by ${t.shard_key.join(' | ')}: ${t.rows.per_server.map(n).join(' + ')}`
      : t.layout === 'copied'
        ? `copied to ${t.rows.per_server.length} servers`
        : 'one server',
  ]);
  const head = ['table', 'read', 'loaded', 'rejected', 'in ClickHouse', 'layout'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const fmt = (row: string[]) =>
    row
      .map((cell, c) => (c === 0 || c === row.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  lines.push(fmt(head), ...rows.map(fmt));
  lines.push(
    '',
    `${n(r.totals.read)} rows read = ${n(r.totals.loaded)} loaded + ${n(r.totals.rejected)} rejected; ${n(r.totals.in_clickhouse)} counted in ClickHouse (${r.seconds}s)`,
  );
  for (const t of r.tables)
    for (const j of t.rejects) lines.push(`  rejected ${j.file ?? t.source}:${j.row}: ${j.reason}`);
  if (r.tables.some((t) => t.rows.rejected > 0 && t.source !== EVENT_PAYLOADS_SOURCE))
    lines.push(
      `The rejected lines are kept in ${r.database}.${LOAD_REJECTS_TABLE}: a run on ClickHouse counts them as a run on DuckDB does`,
    );
  if (r.tables.some((t) => t.rows.rejected > 0 && t.source === EVENT_PAYLOADS_SOURCE))
    lines.push(
      `The rejected payload lines are kept in ${r.database}.${LOAD_REJECTS_TABLE}: define-events on ClickHouse stops at the first, as on the files; fix them and load again with --replace`,
    );
  const ms = r.tables.flatMap((t) =>
    t.columns.filter((c) => c.note?.startsWith('epoch')).map((c) => `${t.table}.${c.name}`),
  );
  if (ms.length > 0)
    lines.push(
      `Times with milliseconds are Int64 epoch milliseconds (this ClickHouse has no DateTime64): ${ms.join(', ')}`,
    );
  return lines.join('\n');
}
