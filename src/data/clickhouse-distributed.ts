/**
 * What a ClickHouse table is sharded by, so a query can keep per-key aggregation on the shards: when
 * every row of a journey (or unit) lives on one shard, `GROUP BY journey` can finish there
 * (`distributed_group_by_no_merge = 1`) and only one row per journey, not a partial state per
 * journey and shard, travels to the server that asked.
 */
import type { Engine } from './engine.ts';
import { quoteString } from './sql-text.ts';

export interface DistributedTable {
  cluster: string;
  database: string;
  table: string;
  /** The sharding expression as the server prints it; null when the table has none (one shard). */
  shardingKey: string | null;
  /** Columns the sharding expression reads. */
  keyColumns: string[];
}

/**
 * The Distributed engine of `database.table` (database default: the connection's), or null when the
 * table is not a Distributed table.
 *
 * @example await distributedTable(engine, 'touches', 'gtm') // { cluster: 'c', …, keyColumns: ['journey_id'] }
 */
export async function distributedTable(
  engine: Engine,
  table: string,
  database?: string,
): Promise<DistributedTable | null> {
  const [row] = await engine.query<{ engine: string; create_table_query: string }>(
    `SELECT engine, create_table_query FROM system.tables WHERE name = ${quoteString(table, 'clickhouse')} AND database = ${
      database === undefined ? 'currentDatabase()' : quoteString(database, 'clickhouse')
    }`,
  );
  if (!row || row.engine !== 'Distributed') return null;
  const m = /ENGINE\s*=\s*Distributed\s*\(/i.exec(row.create_table_query);
  if (!m) return null;
  const args = topLevelArgs(row.create_table_query.slice(m.index + m[0].length));
  if (args.length < 3) return null;
  const shardingKey = args[3] ?? null;
  return {
    cluster: unquote(args[0]),
    database: unquote(args[1]),
    table: unquote(args[2]),
    shardingKey,
    keyColumns: shardingKey === null ? [] : columnsOf(shardingKey),
  };
}

/**
 * Whether every row with the same values of `columns` is on one shard: the table is sharded by an
 * expression of those columns only (e.g. `cityHash64(journey_id)`), or is not distributed at all.
 */
export function colocated(table: DistributedTable | null, columns: readonly string[]): boolean {
  if (table === null) return true;
  const want = new Set(columns.map((c) => c.toLowerCase()));
  return table.keyColumns.length > 0 && table.keyColumns.every((c) => want.has(c.toLowerCase()));
}

/** Arguments of a call, from after its `(` to its matching `)`, split at top-level commas. */
function topLevelArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      i = closingQuote(text, i);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && depth-- === 0) {
      args.push(text.slice(start, i).trim());
      return args;
    } else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return args;
}

function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[open]) return i;
  }
  return text.length;
}

function unquote(text: string): string {
  const t = text.trim();
  if (/^(['"`]).*\1$/s.test(t)) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

/** Identifiers an expression reads (not functions, not string literals). */
function columnsOf(expr: string): string[] {
  const out = new Set<string>();
  const token =
    /'(?:[^'\\]|\\.)*'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`|([A-Za-z_][A-Za-z0-9_]*)(\s*\()?|\d+(\.\d+)?/g;
  for (let m = token.exec(expr); m !== null; m = token.exec(expr)) {
    const quoted = m[1] ?? m[2];
    if (quoted !== undefined) out.add(quoted.replace(/\\(.)/g, '$1'));
    else if (m[3] !== undefined && m[4] === undefined) out.add(m[3]);
  }
  return [...out];
}
