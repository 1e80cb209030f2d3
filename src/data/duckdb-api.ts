/**
 * The DuckDB engine's contract, without the engine: its types, `openDuckDb` (which loads the
 * DuckDB binding only when a command first opens an engine: the binding alone takes a quarter
 * second or more to load, which every command would otherwise pay at start-up, before its first
 * stage) and the helpers readers use to word DuckDB's errors.
 */
import { GtmError } from '../errors/index.ts';
import type { Engine } from './engine.ts';

export interface DuckDbOptions {
  /** Database file; omitted or `':memory:'` for an in-memory database. */
  path?: string;
  /** Worker threads (DuckDB's `threads` setting); DuckDB's default is the number of cores. */
  threads?: number;
  /** DuckDB's `memory_limit`, e.g. `'2GB'`. */
  memoryLimit?: string;
  /**
   * The folder in which DuckDB spills what does not fit in `memoryLimit`: the engine spills into a
   * folder of its own inside it, removed when it closes. Default: the system's temporary folder for an
   * in-memory database, `<file>.tmp` next to a database file.
   */
  tempDirectory?: string;
}

/** A value the DuckDB appender takes; strings are cast by DuckDB to the column type. */
export type AppendValue = string | number | boolean | bigint | null;

/** An integer-list column, flattened: row r's items are `values[offsets[r] .. offsets[r + 1])`. */
export interface IntListColumn {
  offsets: Int32Array;
  values: Int32Array;
}

/**
 * A query result by columns: numeric columns as Float64Array (NULL → NaN; 64-bit integers beyond
 * 2^53 lose precision), lists of integers (up to 32 bits) flattened. No object per row.
 */
export interface ColumnarResult {
  rowCount: number;
  columns: Record<string, Float64Array | IntListColumn>;
}

/** The DuckDB engine, with the bulk-append capability that source readers use. */
export interface DuckDbEngine extends Engine {
  readonly dialect: 'duckdb';
  /**
   * Appends rows (values in table column order) through DuckDB's Appender: far faster than
   * INSERT statements, and no value ever becomes SQL text.
   */
  append(table: string, rows: readonly (readonly AppendValue[])[]): Promise<void>;
  /**
   * Runs a query and returns its columns as typed arrays, for results too large for row objects
   * (e.g. hundreds of thousands of paths). Numeric and integer-list columns only. Lists must not be
   * NULL (coalesce them to `[]` in the SQL: their validity is not read) and a NULL item inside a
   * list is refused.
   *
   * @example
   * const { columns } = await engine.queryColumns('SELECT [1, 2] AS path, 3.5 AS w');
   * columns.w; // Float64Array [3.5]
   *
   * The result is materialized by DuckDB (all threads) before it is read; `stream: true` reads it as
   * it is produced instead (one thread, but the result is never held twice: for very large ones).
   */
  queryColumns(sql: string, opts?: { stream?: boolean }): Promise<ColumnarResult>;
}

/** Whether an engine is the DuckDB engine (and so can `append`). */
export function isDuckDbEngine(engine: Engine): engine is DuckDbEngine {
  return engine.dialect === 'duckdb' && typeof (engine as Partial<DuckDbEngine>).append === 'function';
}

/**
 * Opens a DuckDB engine. The session time zone is UTC so that timestamp arithmetic does not
 * depend on the machine running it.
 *
 * @example
 * const engine = await openDuckDb({ threads: 4, memoryLimit: '2GB' });
 * try {
 *   const rows = await engine.query<{ n: number }>('SELECT 42 AS n'); // [{ n: 42 }]
 * } finally {
 *   await engine.close();
 * }
 */
export async function openDuckDb(opts: DuckDbOptions = {}): Promise<DuckDbEngine> {
  const { openDuckDbEngine } = await import('./duckdb-engine.ts');
  return openDuckDbEngine(opts);
}

/** DuckDB's message up to its `LINE n:` caret display, on one line. */
export function duckDbMessage(err: unknown): string {
  if (err instanceof GtmError && err.cause !== undefined) return duckDbMessage(err.cause);
  const text = err instanceof Error ? err.message : String(err);
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (/^LINE \d+:/.test(line)) break;
    if (line.trim() !== '') lines.push(line.trim());
  }
  return lines.join(' ');
}
